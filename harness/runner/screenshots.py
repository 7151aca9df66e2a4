"""``settings.screenshots = "on-mismatch"``: element screenshots where pixels can change a decision.

A screenshot costs about 32 renders (bench/bench_render.py), so the fleet cannot afford them for every
case. After the DOM scoring of a user and its first verdict:

1. **which users**: those whose verdict the scores decide: ``eligible``, or ``review`` with a score reason
   (:data:`SCORE_RULES`: grey zone, a noticeable difference). A user blocked for its patch, its
   translation, an unsafe template or a broken render, or in review only for reasons pixels cannot touch
   (raw slot config, partial translation, missing evidence), gets none;
2. **which cases**: scored cases (no render error) with a score below 1.0 or a noticeable difference,
   lowest score first, at most ``settings.screenshot_cases`` per user;
3. old, new and the twin (old rendered again: what differs between old and twin is noise, masked out of
   the pixel comparison) are rendered again with screenshots and the case is scored again with the
   ``pixels`` channel. The case keeps ``min(DOM score, score with pixels)``: adding a channel that agrees
   (pixels 1.0) raises a weighted mean, so without the ``min`` a grey-zone case could cross into
   ``eligible`` on pixels that merely agree. Pixels can only lower a score, add a difference or mark the
   case NOISY;
4. the verdict is decided again from the rescored evidence. It can only get more cautious; should it ever
   come out less cautious, the first verdict stands (a wrong ``eligible`` is the worst error).

The PNGs (old, new, twin and an overlay of the differing pixels) travel with the result, content-addressed
by SHA-256 (``UserResult.images``, ``CaseResult.screenshots``), into the store and the cache; the user
report shows them beside the render views. A screenshot render that fails leaves the case as the DOM
scored it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from harness.evidence import CaseEvidence, UserEvidence
from harness.render.values import Lane, RenderRequest, Snapshot, Viewport
from harness.runner.cases import BuiltCases, SideRender, scored
from harness.runner.result import CaseResult
from harness.score.pixels import overlay_png
from harness.score.values import Tolerances
from harness.settings import Settings
from harness.verdicts import Outcome, Verdict, decide

SCORE_RULES = frozenset({"eligible", "grey_zone", "noticeable_mismatch"})
RenderLane = Callable[[list[RenderRequest], Lane], dict[tuple[str, ...], Snapshot]]


@dataclass(frozen=True)
class CaseSides:
    """What a targeted case needs to be rendered again: its component and the two documents."""

    component: str
    old: Mapping[str, SideRender]
    new: Mapping[str, SideRender]


@dataclass(frozen=True)
class Target:
    component: int   # index into the user's components
    case: int        # index into that component's cases
    score: float


def decided_by_scores(verdict: Verdict) -> bool:
    """Whether pixels can change this verdict: eligible, or review with a score reason."""
    if verdict.outcome is Outcome.ELIGIBLE:
        return True
    return verdict.outcome is Outcome.REVIEW and any(r.code in SCORE_RULES for r in verdict.reasons)


def targets(built: Sequence[BuiltCases], verdict: Verdict, cap: int) -> list[Target]:
    """The cases of one user that get screenshots (see the module doc), lowest score first."""
    if cap <= 0 or not decided_by_scores(verdict):
        return []
    found = [Target(i, k, case.score) for i, cases in enumerate(built) for k, case in enumerate(cases.results)
             if case.score is not None and not case.errors and case.old_document and case.new_document
             and (case.score < 1.0 or case.noticeable)]
    return sorted(found, key=lambda t: (t.score, t.component, t.case))[:cap]


@dataclass(frozen=True)
class Rescored:
    built: tuple[BuiltCases, ...]
    evidence: UserEvidence
    verdict: Verdict
    images: Mapping[str, bytes]
    taken: int        # cases rescored with screenshots


def with_screenshots(sides: Sequence[CaseSides], built: Sequence[BuiltCases], evidence: UserEvidence,
                     verdict: Verdict, settings: Settings, render_lane: RenderLane) -> Rescored:
    """Screenshots for :func:`targets`, the cases rescored with pixels and the verdict decided again."""
    chosen = targets(built, verdict, settings.screenshot_cases)
    if not chosen:
        return Rescored(tuple(built), evidence, verdict, {}, 0)
    snaps = _render(sides, built, chosen, settings, render_lane)
    new_built = [list(b.results) for b in built]
    new_evidence = [list(b.evidence) for b in built]
    images: dict[str, bytes] = {}
    taken = 0
    for target in chosen:
        case = built[target.component].results[target.case]
        shots = [snaps.get((sides[target.component].component, case.scenario, case.viewport, side))
                 for side in ("old", "new", "twin")]
        if any(s is None or s.error is not None or s.screenshot is None for s in shots):
            continue  # no screenshot: the case stays as the DOM scored it
        old, new, twin = (s for s in shots if s is not None)
        result, case_evidence, pngs = _rescored(case, built[target.component].evidence[target.case], old, new,
                                                twin, settings)
        new_built[target.component][target.case] = result
        new_evidence[target.component][target.case] = case_evidence
        images.update(pngs)
        taken += 1
    rebuilt = tuple(replace(b, results=tuple(r), evidence=tuple(e))
                    for b, r, e in zip(built, new_built, new_evidence, strict=True))
    comps = tuple(replace(c, cases=b.evidence) if b.evidence else c
                  for c, b in zip(evidence.components, rebuilt, strict=True))
    rescored_evidence = replace(evidence, components=comps)
    again = decide(rescored_evidence, settings)
    if again.outcome.severity > verdict.outcome.severity:  # less cautious than the DOM alone: never (see the doc)
        again = verdict
    return Rescored(rebuilt, rescored_evidence, again, images, taken)


def _render(sides: Sequence[CaseSides], built: Sequence[BuiltCases], chosen: Sequence[Target],
            settings: Settings, render_lane: RenderLane) -> dict[tuple[str, ...], Snapshot]:
    sizes = dict(zip(settings.viewports, settings.viewport_sizes, strict=True))
    primary: list[RenderRequest] = []
    twins: list[RenderRequest] = []
    for target in chosen:
        comp, case = sides[target.component], built[target.component].results[target.case]
        old, new = comp.old[case.scenario].document, comp.new[case.scenario].document
        assert old is not None
        assert new is not None
        viewport = Viewport(*sizes[case.viewport])
        key = "\x1f".join((comp.component, case.scenario, case.viewport))
        primary += [RenderRequest(f"{key}\x1fold", old.html, old.css, viewport, True),
                    RenderRequest(f"{key}\x1fnew", new.html, new.css, viewport, True)]
        twins.append(RenderRequest(f"{key}\x1ftwin", old.html, old.css, viewport, True))
    snapshots = render_lane(primary, "primary")
    snapshots.update(render_lane(twins, "twin"))
    return snapshots


def _rescored(case: CaseResult, evidence: CaseEvidence, old: Snapshot, new: Snapshot, twin: Snapshot,
              settings: Settings) -> tuple[CaseResult, CaseEvidence, dict[str, bytes]]:
    score = scored(old, new, twin, settings)
    assert old.screenshot is not None
    assert new.screenshot is not None
    assert twin.screenshot is not None
    overlay = overlay_png(old.screenshot, new.screenshot, twin.screenshot, threshold=Tolerances().pixel_threshold)
    pngs = {"old": old.screenshot, "new": new.screenshot, "twin": twin.screenshot, "diff": overlay}
    digests = {side: png_digest(png) for side, png in pngs.items()}
    value = min(score.score, case.score) if case.score is not None else score.score
    noisy = case.noisy or score.noisy
    result = replace(case, score=value, subscores=dict(score.subscores), noisy=noisy, mismatches=score.mismatches,
                     noise=score.noise, ignored_counts=dict(score.ignored_counts), screenshots=digests)
    noticeable = score.noticeable
    case_evidence = replace(evidence, score=value, subscores=dict(score.subscores), noisy=noisy,
                            noticeable_mismatches=len(noticeable), mismatches=noticeable)
    return result, case_evidence, {digests[side]: png for side, png in pngs.items()}


def png_digest(png: bytes) -> str:
    return hashlib.sha256(png).hexdigest()

