"""Scoring on hand-built snapshots (no browser): colours, pixels, matching, noise, errors, speed shape."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from harness.errors import ScoringError
from harness.render.values import Box, ElementSnap, RenderProblem, Snapshot, Viewport
from harness.score import IgnoreRules, compare
from harness.score.color import ciede2000, color_distance, describe
from harness.score.match import match
from harness.score.pixels import pixel_diff
from harness.score.tree import prepare

VP = Viewport(390, 844)


def el(index: int, parent: int, tag: str, *, classes: tuple[str, ...] = (), text: str = "",
       box: tuple[float, float, float, float] = (0, 0, 100, 20), color: str = "rgb(0, 0, 0)",
       attrs: tuple[tuple[str, str], ...] = ()) -> ElementSnap:
    return ElementSnap(index=index, parent=parent, tag=tag, attrs=attrs, classes=classes, text=text,
                       styles=(("color", color), ("display", "block")), box=Box(*box), visible=True)


def snap(*elements: ElementSnap, screenshot: bytes | None = None) -> Snapshot:
    return Snapshot(key="k", viewport=VP, elements=elements, screenshot=screenshot)


def card(price_color: str = "rgb(204, 0, 0)", title: str = "Shoe", price_y: float = 30) -> Snapshot:
    return snap(el(0, -1, "div", classes=("card",), box=(0, 0, 300, 100)),
                el(1, 0, "h3", classes=("title",), text=title, box=(10, 5, 280, 20)),
                el(2, 0, "p", classes=("price",), text="$10", box=(10, price_y, 80, 18), color=price_color))


# Sharma, Wu & Dalal (2005), table 1: pairs of Lab colours and their ΔE00.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA, ids=[f"pair {i + 1}" for i in range(len(SHARMA))])
def test_ciede2000_matches_the_published_test_data(lab1: tuple[float, float, float],
                                                   lab2: tuple[float, float, float], expected: float) -> None:
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(("a", "b"), [("#f00", "rgb(255, 0, 0)"), ("red", "#ff0000"),
                                      ("rgba(0, 0, 0, 0)", "rgba(255, 255, 255, 0)")],
                         ids=["hex vs rgb", "name vs hex", "both transparent"])
def test_equal_colours_written_differently_have_no_distance(a: str, b: str) -> None:
    assert color_distance(a, b) == 0.0


def test_colours_are_described_in_hex() -> None:
    assert describe("rgb(204, 0, 0)") == "#cc0000"
    assert describe("rgba(0, 0, 0, 0)") == "transparent"
    assert describe("16px") == "16px"


def _png(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array.astype(np.uint8)).save(out, format="PNG")
    return out.getvalue()


def test_pixel_diff_counts_real_changes_and_tolerates_one_pixel_edge_shifts() -> None:
    base = np.full((40, 60, 3), 255)
    base[10:20, 10:30] = 0
    shifted = np.full((40, 60, 3), 255)
    shifted[10:20, 11:31] = 0
    changed = base.copy()
    changed[25:35, 40:50] = (200, 0, 0)
    assert pixel_diff(_png(base), _png(shifted)).count == 0
    diff = pixel_diff(_png(base), _png(changed))
    assert diff.count == 100
    assert diff.box == (40, 25, 10, 10)
    ignored = pixel_diff(_png(base), _png(changed), ignore=diff.mask)
    assert ignored.count == 0


def test_identical_snapshots_take_the_fast_path() -> None:
    tree = prepare(card())
    result = match(tree, prepare(card()))
    assert result.pairs == ((0, 0), (1, 1), (2, 2))
    assert not result.only_a
    assert not result.only_b


def test_moved_and_renamed_elements_are_matched_by_similarity() -> None:
    old = snap(el(0, -1, "div", box=(0, 0, 300, 100)), el(1, 0, "p", classes=("a",), text="Free shipping"),
               el(2, 0, "span", classes=("b",), text="x", box=(0, 30, 10, 10)))
    new = snap(el(0, -1, "div", box=(0, 0, 300, 100)), el(1, 0, "section", box=(0, 0, 300, 50)),
               el(2, 1, "p", classes=("a", "z"), text="Free shipping!"),
               el(3, 0, "span", classes=("b",), text="x", box=(0, 30, 10, 10)))
    result = match(prepare(old), prepare(new))
    assert (1, 2) in result.pairs
    assert (2, 3) in result.pairs
    assert result.only_b == (1,)


def test_compare_explains_a_colour_change() -> None:
    result = compare(card(), card(price_color="rgb(221, 0, 0)"))
    assert [m.message for m in result.mismatches] == ["p.price colour #cc0000 → #dd0000"]
    assert result.mismatches[0].noticeable
    assert 0 < result.score < 1


def test_noise_seen_in_the_twin_is_ignored_and_flags_the_case() -> None:
    old, twin = card(title="Shoe 10:01"), card(title="Shoe 10:02")
    new = card(title="Shoe 10:03", price_color="rgb(0, 0, 204)")
    result = compare(old, new, twin=twin)
    assert result.noisy
    assert result.noise
    assert result.ignored_counts["noise:text"] == 1
    assert [m.property for m in result.mismatches] == ["color"]
    quiet = compare(old, card(title="Shoe 10:01"), twin=card(title="Shoe 10:01"))
    assert not quiet.noisy
    assert quiet.score == 1.0


def test_ignore_attributes_are_counted() -> None:
    old = snap(el(0, -1, "a", attrs=(("data-id", "1"), ("href", "/a"))))
    new = snap(el(0, -1, "a", attrs=(("data-id", "2"), ("href", "/b"))))
    result = compare(old, new, rules=IgnoreRules(attributes=("data-id",)))
    assert [m.property for m in result.mismatches] == ["href"]
    assert result.mismatches[0].noticeable
    assert result.ignored_counts == {"attribute:data-id": 1}


def test_bad_ignore_selector_is_a_scoring_error_with_a_fix() -> None:
    with pytest.raises(ScoringError) as info:
        compare(card(), card(), rules=IgnoreRules(selectors=("..bad",)))
    assert info.value.code == "score.bad_ignore_selector"
    assert info.value.fix


def test_a_failed_render_is_no_data_never_a_low_score() -> None:
    failed = Snapshot(key="u1", viewport=VP, error=RenderProblem("render.timeout", "too slow", "fix it"))
    with pytest.raises(ScoringError) as info:
        compare(card(), failed)
    assert info.value.code == "score.no_data"


def test_truncated_snapshot_is_always_noticeable() -> None:
    cut = Snapshot(key="k", viewport=VP, elements=card().elements, truncated=True)
    result = compare(card(), cut)
    assert any(m.kind == "truncated" and m.noticeable for m in result.mismatches)
