"""Helpers for the runner, store, plugin and CLI tests (no tests here).

``identity_translate`` is a stand-in translator with the real one's shape: it migrates nothing (an empty
slot config) and claims a complete, lossless translation, so a user whose change shows nothing is
eligible and a user whose change shows is caught by rendering (review or blocked). A diff containing
``CRASH`` makes it raise a non-harness exception (a harness bug, for the error path).

``small_fleet()`` builds records of the bundled product-card pack, one per expected outcome.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html

from harness.model import Customization
from harness.packs import ComponentPack, default_packs
from harness.patching.values import PatchOutcome
from harness.render.values import (
    Box,
    ElementSnap,
    Lane,
    RenderMetrics,
    RenderProblem,
    RenderRequest,
    Snapshot,
)
from harness.runner.pipeline import PipelineContext, check_user
from harness.runner.result import UserResult
from harness.settings import Settings
from harness.slots import SlotConfig, SlotRegistry
from harness.store import RunInfo, RunStatus, StoreWriter

COMPONENT = "product-card"
TRANSLATOR = "tests.test_runner_support:identity_translate"


@dataclass(frozen=True)
class FakeReport:
    status: str
    lossless: bool
    reason: str = ""


@dataclass(frozen=True)
class FakeTranslation:
    config: SlotConfig | None
    report: FakeReport


def identity_translate(pack: ComponentPack, registry: SlotRegistry, outcome: PatchOutcome) -> FakeTranslation:
    if b"CRASH" in outcome.effective_diff:
        raise RuntimeError("the stand-in translator was told to crash")
    config = SlotConfig.model_validate({"component": pack.name, "version": outcome.target_version})
    return FakeTranslation(config, FakeReport("complete", True))


def exiting_translate(pack: ComponentPack, registry: SlotRegistry, outcome: PatchOutcome) -> FakeTranslation:
    """Kills its process for a diff containing ``EXIT`` (a worker crash); use only in xdist workers."""
    if b"EXIT" in outcome.effective_diff:
        os._exit(3)
    return identity_translate(pack, registry, outcome)


def pack() -> ComponentPack:
    return default_packs()[COMPONENT]


def diff_of(path: str, edit: Callable[[str], str], version: str | None = None, component: str = COMPONENT) -> str:
    """A unified diff of one file of a component's (current) version after ``edit``."""
    p = default_packs()[component]
    before = p.version(version or p.current).files[path].decode()
    after = edit(before)
    assert after != before, "the edit changed nothing"
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        f"a/{path}", f"b/{path}"))


def record(user: str, diff: str, *, truth: str | None = None, base: str | None = "current",
           component: str = COMPONENT, **meta: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"user_id": user, "component": component,
                            "base_version": pack().current if base == "current" else base, "diff": diff,
                            "meta": dict(meta)}
    if truth is not None:
        data["meta"]["truth"] = {"user_verdict": truth}
    return data


def invisible_diff(note: str = "note", component: str = COMPONENT) -> str:
    return diff_of("template.html.j2", lambda text: text + f"{{# {note} #}}\n", component=component)


def visible_css_diff(colour: str = "#d00") -> str:
    return diff_of("styles.css", lambda text: text + f"\n.product-card {{ outline: 3px solid {colour}; }}\n")


def broken_diff() -> str:
    """A diff whose context lines are not in the template (made against an edited copy): it cannot apply."""
    lines = invisible_diff("x").splitlines(keepends=True)
    context = next(i for i, line in enumerate(lines) if line.startswith(" ") and line.strip())
    lines[context] = " <p>a line the template never had</p>\n"
    return "".join(lines)


def unsafe_diff() -> str:
    return diff_of("template.html.j2", lambda text: text + "{{ product.__class__ }}\n")


def crash_diff() -> str:
    return invisible_diff("CRASH")


def small_fleet() -> list[dict[str, Any]]:
    """Six users: eligible, review, two blocked, an unreadable record, and a harness error."""
    return [
        record("u-eligible", invisible_diff(), truth="eligible", views_30d=120),
        record("u-review", visible_css_diff(), truth="review"),
        record("u-blocked-patch", broken_diff(), truth="blocked"),
        record("u-blocked-unsafe", unsafe_diff(), truth="blocked"),
        {"user_id": "u-unreadable", "component": COMPONENT, "base_version": None},  # no diff: a load problem
        record("u-error", crash_diff()),
    ]


def write_fleet(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


# --- a renderer without a browser ------------------------------------------------------------------

class FakeRenderer:
    """Snapshots from the markup alone (lxml), no browser: one element per HTML element with its tag,
    attributes (``data-slot`` left out, as the real extraction does), classes and own text, laid out
    one per 10 px row. Identical markup gives identical snapshots; ``RENDER-FAIL`` in a fragment or its CSS gives a
    render error; ``NOISY`` makes the twin lane differ (noise). Counts calls per lane."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def render(self, requests: Sequence[RenderRequest], *, lane: Lane = "primary") -> list[Snapshot]:
        self.calls.append((lane, len(requests)))
        return [self._one(r, lane) for r in requests]

    def _one(self, request: RenderRequest, lane: Lane) -> Snapshot:
        if "RENDER-FAIL" in request.body_html + request.css:
            return Snapshot(request.key, request.viewport,
                            error=RenderProblem("render.crash", "the page crashed", "render it alone"))
        root = lxml.html.fragment_fromstring(request.body_html, create_parent="div")
        elements = []
        for index, element in enumerate(e for e in root.iter() if isinstance(e.tag, str) and e is not root):
            attrs = tuple(sorted((k, v) for k, v in element.attrib.items()
                                 if k not in ("class", "style") and not k.startswith("data-slot")))
            text = " ".join((element.text or "").split())
            if lane == "twin" and "NOISY" in request.body_html and index == 0:
                text += " (again)"
            elements.append(ElementSnap(index, -1, str(element.tag), attrs, tuple(sorted(set(element.classes))), text,
                                        (), Box(0.0, 10.0 * index, 100.0, 10.0), True))
        metrics = RenderMetrics(nodes=len(elements), boxes=len(elements), layout_cost=len(elements))
        return Snapshot(request.key, request.viewport, tuple(elements), metrics=metrics,
                        root_box=Box(0.0, 0.0, 100.0, 10.0 * max(1, len(elements))))


def context(renderer: FakeRenderer | None = None, translator: Callable[..., Any] = identity_translate,
            settings: Settings | None = None) -> PipelineContext:
    """A pipeline context with the bundled packs, one viewport and two scenarios (fast)."""
    settings = settings or Settings(viewports=("390x844",), scenarios=("default", "on-sale"))
    return PipelineContext(default_packs(), settings, renderer or FakeRenderer(), translator)


def customization(row: dict[str, Any]) -> Customization:
    return Customization(row["user_id"], row["component"], row["base_version"], row["diff"].encode(),
                         row.get("meta", {}), f"test:{row['user_id']}")


def extra_element_diff(text: str = "Free shipping") -> str:
    """Adds a visible element after the card: the empty translation loses it (a difference)."""
    return diff_of("template.html.j2", lambda source: source + f'<p class="promo">{text}</p>\n')


def fake_results(users: Sequence[str] = ("u-a", "u-b", "u-c", "u-d")) -> list[UserResult]:
    """Results of real pipeline runs with the fake renderer: eligible, review/blocked, blocked, error, ..."""
    kinds = (invisible_diff, extra_element_diff, broken_diff, crash_diff)
    ctx = context()
    results = []
    for index, user in enumerate(users):
        records = [customization(record(user, kinds[index % len(kinds)](), truth="eligible"))]
        results.append(check_user(records, ctx, input_key=f"{index:064d}"))
    return results


def run_info(**changes: Any) -> RunInfo:
    settings = Settings()
    info = RunInfo(source="test fleet", source_spec="fleet.jsonl", source_digest="s" * 64,
                   settings=settings.model_dump(mode="json"), settings_hash=settings.settings_hash(),
                   harness_version="0.1.0", code_digest="c" * 64, expected_users=4, source_users=4)
    return info.with_(**changes)


def write_store(run_dir: Path, results: Sequence[UserResult], *, status: RunStatus = "complete",
                **changes: Any) -> Path:
    with StoreWriter.create(run_dir) as store:
        store.start(run_info(expected_users=len(results), **changes))
        for result in results:
            store.put(result)
        store.finish(status)
    return run_dir
