"""From snapshots to cases: score every scenario x viewport of one component and fill its evidence.

A side that could not be rendered (the legacy template errored, the slot config did not apply, the
browser failed) is an error in the case, never a low score (``harness.verdicts`` reads errors as missing
evidence or as a broken new render, never as a difference).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from harness.errors import PhoenixError
from harness.evidence import CaseEvidence, Problem, RenderCost
from harness.render.values import Snapshot
from harness.runner.result import CaseResult, Document
from harness.score import CaseScore, compare
from harness.settings import Settings

Side = Literal["old", "new", "twin"]
SnapshotKey = tuple[str, ...]  # (component, scenario, viewport, side)


@dataclass(frozen=True)
class SideRender:
    """One side of one scenario before the browser: the document to render, or why there is none."""

    document: Document | None = None
    error: Problem | None = None


@dataclass(frozen=True)
class BuiltCases:
    evidence: tuple[CaseEvidence, ...]
    results: tuple[CaseResult, ...]
    documents: Mapping[str, Document]


def build_cases(component: str, old: Mapping[str, SideRender], new: Mapping[str, SideRender],
                snapshots: Mapping[SnapshotKey, Snapshot], settings: Settings, stopped: bool) -> BuiltCases:
    """Every case of one component, in scenario then viewport order (the order of ``settings.viewports``)."""
    if stopped:
        return BuiltCases((), (), {})
    evidence: list[CaseEvidence] = []
    results: list[CaseResult] = []
    documents: dict[str, Document] = {}
    for scenario, old_side in old.items():
        new_side = new.get(scenario, SideRender(error=None))
        for side in (old_side, new_side):
            if side.document is not None:
                documents[side.document.digest] = side.document
        for viewport in settings.viewports:
            snaps = {s: snapshots.get((component, scenario, viewport, s)) for s in ("old", "new", "twin")}
            ev, res = _case(scenario, viewport, old_side, new_side, snaps, settings)
            evidence.append(ev)
            results.append(res)
    return BuiltCases(tuple(evidence), tuple(results), documents)


def _side_error(side: SideRender, snap: Snapshot | None, *, rendered: bool) -> Problem | None:
    if side.error is not None:
        return side.error
    if snap is not None and snap.error is not None:
        return Problem.of(snap.error)
    if rendered and snap is None and side.document is not None:
        return Problem("render.missing", "the renderer returned no snapshot for this case",
                       "report this as a harness bug")
    return None


def _case(scenario: str, viewport: str, old_side: SideRender, new_side: SideRender,
          snaps: Mapping[str, Snapshot | None], settings: Settings) -> tuple[CaseEvidence, CaseResult]:
    old, new, twin = snaps["old"], snaps["new"], snaps["twin"]
    old_error = _side_error(old_side, old, rendered=True)
    twin_error = None if old_error is not None else _side_error(old_side, twin, rendered=True)
    new_error = _side_error(new_side, new, rendered=new_side.document is not None)
    if new_side.document is None and new_side.error is None:
        new_error = Problem("translate.no_render", "there is no slot config to render", "see the translation")
    errors = {k: v for k, v in (("old", old_error), ("new", new_error), ("twin", twin_error)) if v is not None}
    old_doc = old_side.document.digest if old_side.document else None
    new_doc = new_side.document.digest if new_side.document else None
    costs = (_cost(old), _cost(new))
    blocked = {side: snap.blocked_requests for side, snap in (("old", old), ("new", new))
               if snap is not None and snap.blocked_requests}
    old_metrics = old.metrics if old is not None and old.ok else None
    new_metrics = new.metrics if new is not None and new.ok else None
    if errors or old is None or new is None or twin is None:
        evidence = CaseEvidence(scenario, viewport, old_error=old_error, new_error=new_error, twin_error=twin_error,
                                old_cost=costs[0], new_cost=costs[1])
        return evidence, CaseResult(scenario, viewport, errors=errors, old_metrics=old_metrics,
                                    new_metrics=new_metrics, old_document=old_doc, new_document=new_doc,
                                    blocked_requests=blocked)
    try:
        score = scored(old, new, twin, settings)
    except PhoenixError as exc:
        problem = Problem.of(exc)
        evidence = CaseEvidence(scenario, viewport, old_cost=costs[0], new_cost=costs[1])
        return evidence, CaseResult(scenario, viewport, errors={"score": problem}, old_metrics=old_metrics,
                                    new_metrics=new_metrics, old_document=old_doc, new_document=new_doc,
                                    blocked_requests=blocked)
    noticeable = score.noticeable
    evidence = CaseEvidence(scenario, viewport, noisy=score.noisy, score=score.score,
                            subscores=dict(score.subscores), noticeable_mismatches=len(noticeable),
                            mismatches=noticeable, old_cost=costs[0], new_cost=costs[1])
    result = CaseResult(scenario, viewport, score.score, dict(score.subscores), score.noisy, score.mismatches,
                        score.noise, dict(score.ignored_counts), {}, old_metrics, new_metrics, old_doc, new_doc,
                        blocked)
    return evidence, result


_SCORES: OrderedDict[tuple[object, ...], tuple[tuple[object, ...], CaseScore]] = OrderedDict()
_SCORES_MAX = 1_024


def scored(old: Snapshot, new: Snapshot, twin: Snapshot, settings: Settings) -> CaseScore:
    """``compare(old, new, twin=twin)`` with the settings' rules and weights, once per distinct input.

    The renderer's memo hands out the same element tuples (and screenshots) for the same documents, and the
    same documents recur across a fleet, so the same three renders are often scored again. ``compare`` is
    a pure function of what it is given, so the earlier score is the answer. The key is the identity of
    what ``compare`` reads; the entry holds those objects, so an identity cannot be reused while it is kept.
    """
    rules, weights = settings.ignore.for_scorer(), settings.weights.for_scorer()
    held = tuple(part for snap in (old, new, twin) for part in (snap.elements, snap.screenshot))
    key = (*(id(part) for part in held), old.truncated, new.truncated, twin.truncated, rules, weights)
    found = _SCORES.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], held, strict=True)):
        _SCORES.move_to_end(key)
        return found[1]
    score = compare(old, new, twin=twin, rules=rules, weights=weights)
    _SCORES[key] = (held, score)
    while len(_SCORES) > _SCORES_MAX:
        _SCORES.popitem(last=False)
    return score


def _cost(snap: Snapshot | None) -> RenderCost | None:
    if snap is None or snap.error is not None:
        return None
    return RenderCost(snap.metrics.nodes, float(snap.metrics.layout_cost))
