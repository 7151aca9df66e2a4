"""settings.screenshots = "on-mismatch" (harness/runner/screenshots.py): screenshots only for the targeted
cases, rescored with the pixels channel, stored content-addressed, shown in the user report, in the keys."""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser

from harness.packs import default_packs
from harness.render.values import Lane, RenderRequest, Snapshot
from harness.runner.cache import ResultCache
from harness.runner.items import decode_payload, encode_payload
from harness.runner.keys import input_key
from harness.runner.pipeline import check_user
from harness.runner.result import UserResult
from harness.settings import Settings
from harness.store import StoreReader, StoreWriter
from reports.build import write_reports
from reports.synthetic import write_synthetic_store
from tests.test_reports_browser import opened, report_browser  # noqa: F401 (a fixture)
from tests.test_runner_support import (
    FakeRenderer,
    broken_diff,
    context,
    customization,
    extra_element_diff,
    invisible_diff,
    record,
)

SCENARIOS = ("default", "on-sale", "no-image")
SEVERITY = {"blocked": 0, "review": 1, "eligible": 2}


class ShotRenderer(FakeRenderer):
    """The fake renderer plus a PNG per screenshot request: one grey row per element, so a missing element
    is a visible difference. Counts the screenshots it took."""

    def __init__(self) -> None:
        super().__init__()
        self.shots = 0

    def render(self, requests: Sequence[RenderRequest], *, lane: Lane = "primary") -> list[Snapshot]:
        snaps = super().render(requests, lane=lane)
        out = []
        for request, snap in zip(requests, snaps, strict=True):
            if request.screenshot and snap.error is None:
                self.shots += 1
                snap = Snapshot(snap.key, snap.viewport, snap.elements, metrics=snap.metrics, root_box=snap.root_box,
                                screenshot=_png(len(snap.elements)))
            out.append(snap)
        return out


def _png(rows: int) -> bytes:
    image = Image.new("RGB", (60, 10 * max(rows, 1)), "white")
    for row in range(rows):
        image.paste((40 + 3 * row, 40, 40), (5, 10 * row + 2, 55, 10 * row + 8))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def check(diff: str, renderer: FakeRenderer, **settings: object) -> UserResult:
    chosen = Settings(viewports=("390x844",), scenarios=SCENARIOS, **settings)
    return check_user([customization(record("u1", diff, truth="review"))], context(renderer, settings=chosen),
                      input_key="k1")


def _shot_cases(result: UserResult) -> list[tuple[str, str]]:
    return [(case.scenario, case.viewport) for comp in result.components for case in comp.cases if case.screenshots]


@pytest.mark.parametrize(("cap", "expected"), [pytest.param(1, 1, id="cap-1"), pytest.param(2, 2, id="cap-2"),
                                               pytest.param(0, 0, id="cap-0")])
def test_only_the_lowest_scoring_cases_up_to_the_cap_get_screenshots(cap: int, expected: int) -> None:
    never = check(extra_element_diff(), ShotRenderer(), screenshots="never")
    assert never.status == "review", "a difference the scores decide"
    mismatching = [c for comp in never.components for c in comp.cases if c.score is not None and c.score < 1.0]
    assert len(mismatching) >= 2
    renderer = ShotRenderer()
    result = check(extra_element_diff(), renderer, screenshot_cases=cap)
    assert len(_shot_cases(result)) == expected
    assert renderer.shots == 3 * expected  # old, new and twin of each targeted case, nothing else
    lowest = sorted((c.score, c.scenario) for c in mismatching)[:expected]
    assert sorted(s for s, _ in _shot_cases(result)) == sorted(s for _, s in lowest)
    for comp in result.components:
        for case in comp.cases:
            assert ("pixels" in case.subscores) == bool(case.screenshots)


def test_pixels_only_make_a_case_and_the_verdict_more_cautious() -> None:
    never = check(extra_element_diff(), ShotRenderer(), screenshots="never")
    shots = check(extra_element_diff(), ShotRenderer(), screenshot_cases=3)
    before = {(c.scenario, c.viewport): c.score for comp in never.components for c in comp.cases}
    for comp in shots.components:
        for case in comp.cases:
            old_score = before[(case.scenario, case.viewport)]
            assert case.score is not None
            assert old_score is not None
            assert case.score <= old_score
            if case.screenshots:
                assert case.subscores["pixels"] < 1.0, "a missing element is missing pixels too"
                assert any(m.kind == "pixels" for m in case.mismatches)
    assert SEVERITY[shots.status] <= SEVERITY[never.status]
    evidence_scores = {(c.scenario, c.viewport): c.score for comp in shots.evidence.components for c in comp.cases}
    assert evidence_scores == {(c.scenario, c.viewport): c.score for comp in shots.components for c in comp.cases}


@pytest.mark.parametrize("diff", [pytest.param(invisible_diff(), id="eligible-all-1.0"),
                                  pytest.param(broken_diff(), id="blocked-patch")])
def test_users_pixels_cannot_help_get_no_screenshots(diff: str) -> None:
    renderer = ShotRenderer()
    result = check(diff, renderer)
    assert renderer.shots == 0
    assert _shot_cases(result) == []
    assert result.images == {}


def test_never_takes_none_and_always_takes_every_one() -> None:
    never, always = ShotRenderer(), ShotRenderer()
    check(extra_element_diff(), never, screenshots="never")
    result = check(extra_element_diff(), always, screenshots="always")
    assert never.shots == 0
    cases = sum(len(comp.cases) for comp in result.components)
    assert always.shots == 3 * cases
    assert _shot_cases(result) == [], "with 'always' every case has pixels; no PNG is kept (as before)"


def test_the_policy_and_the_cap_are_in_the_input_key() -> None:
    records = [customization(record("u1", invisible_diff(), truth="eligible"))]
    packs = default_packs()
    keys = {input_key(records, packs, Settings(**values).settings_hash())
            for values in ({}, {"screenshots": "never"}, {"screenshots": "always"}, {"screenshot_cases": 3})}
    assert len(keys) == 4


def _shot_result() -> UserResult:
    result = check(extra_element_diff(), ShotRenderer(), screenshot_cases=2)
    assert len(_shot_cases(result)) == 2
    return result


def test_pngs_are_stored_content_addressed_and_cached(tmp_path: Path) -> None:
    result = _shot_result()
    digests = {d for comp in result.components for case in comp.cases for d in case.screenshots.values()}
    assert digests == set(result.images)
    for digest, png in result.images.items():
        assert Image.open(io.BytesIO(png)).format == "PNG"
        assert len(digest) == 64
    writer = StoreWriter.create(tmp_path / "run")
    try:
        writer.put(result)
    finally:
        writer.close()
    with StoreReader.open(tmp_path / "run") as store:
        assert store.image_count() == len(digests)
        loaded = store.attach_documents(store.user("u1"))
    assert loaded.images == result.images
    cache = ResultCache.at(tmp_path / "cache")
    assert cache.put(result)
    entry = cache.get_entry("k1")
    assert entry is not None
    assert dict(entry.images) == dict(result.images)
    hit = cache.get("k1")
    assert hit is not None
    assert hit.images == result.images


def _report_with_shots(folder: Path) -> Path:
    write_synthetic_store(folder, 2)
    writer = StoreWriter.create(folder)
    try:
        writer.put(_shot_result())
    finally:
        writer.close()
    write_reports(folder)
    return folder / "users" / "u1.html"


def test_the_user_report_shows_the_screenshots_inline(tmp_path: Path) -> None:
    page = _report_with_shots(tmp_path).read_text()
    assert page.count('<div class="shots">') == 2
    assert page.count("data:image/png;base64,") == 6  # old and new shown, the difference behind a toggle
    assert page.count('<details class="shot-diff">') == 2


@pytest.mark.browser
def test_the_screenshots_decode_in_chromium_without_the_network(report_browser: Browser,  # noqa: F811
                                                                 tmp_path: Path) -> None:
    path = _report_with_shots(tmp_path)
    shutil.copy2(path, tmp_path / "copy.html")
    with opened(report_browser, path) as seen:
        seen.page.evaluate("() => document.querySelectorAll('details.shot-diff').forEach(d => d.open = true)")
        sizes = seen.page.evaluate("() => Promise.all([...document.querySelectorAll('.shots img, .shot-diff img')]"
                                   ".map(i => i.decode().then(() => [i.naturalWidth, i.naturalHeight])))")
        assert len(sizes) == 6
        assert all(w == 60 and h > 0 for w, h in sizes)
        assert seen.requests == []
        assert seen.errors == []


def test_screenshots_travel_from_an_xdist_worker_to_the_controller() -> None:
    result = _shot_result()
    decoded, cached = decode_payload(encode_payload(result, from_cache=False))
    assert decoded.images == result.images
    assert decoded == result
    assert cached is False
