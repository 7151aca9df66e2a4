"""One scenario x viewport of a component, as the user report shows it: score, mismatches, renders.

Pure: values in (a :class:`CaseResult`, its evidence, fingerprint counts, settings thresholds), a frozen
view out. The renders themselves are referenced by document digest; the page embeds each stored
document once, however many viewports show it (see :mod:`reports.userview`).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.errors import RenderError
from harness.evidence import CaseEvidence
from harness.render.values import Viewport
from harness.runner.result import CaseResult
from harness.score.values import SUBSCORES, Mismatch
from reports.escape import highlight_css

Band = str  # "pass" | "grey" | "block" | "none"
_KIND_WORDS = {"missing": "missing after migration", "extra": "new after migration", "text": "text changed",
               "style": "style changed", "moved": "moved", "resized": "resized", "attribute": "attribute changed",
               "pixels": "pixels differ", "truncated": "too many elements to compare"}
_SIDE_WORDS = {"old": "current page", "new": "migrated page", "twin": "second render of the current page",
               "score": "scoring"}


@dataclass(frozen=True)
class Thresholds:
    pass_threshold: float = 0.95
    block_threshold: float = 0.80

    def band(self, score: float | None) -> Band:
        if score is None:
            return "none"
        if score >= self.pass_threshold:
            return "pass"
        return "grey" if score >= self.block_threshold else "block"


@dataclass(frozen=True)
class MismatchView:
    kind: str
    kind_words: str
    selector: str
    property: str
    old: str
    new: str
    message: str
    cost: float            # share of the score this difference costs
    noticeable: bool
    fingerprint: str
    shared_users: int      # users showing this same difference (this one included); 0 when unknown


@dataclass(frozen=True)
class ProblemView:
    side: str
    code: str
    message: str
    fix: str


@dataclass(frozen=True)
class Subscore:
    name: str
    value: float
    band: Band


@dataclass(frozen=True)
class CostView:
    what: str
    old: float
    new: float

    @property
    def ratio(self) -> float | None:
        return self.new / self.old if self.old else None


@dataclass(frozen=True)
class CaseView:
    anchor: str
    scenario: str
    viewport: str
    width: int
    height: int
    required: bool
    score: float | None
    band: Band
    noisy: bool
    subscores: tuple[Subscore, ...]
    noticeable: tuple[MismatchView, ...]
    minor: tuple[MismatchView, ...]        # differences under the tolerances (do not count)
    noise: int                             # differences the twin render showed too (ignored)
    ignored: tuple[tuple[str, int], ...]
    errors: tuple[ProblemView, ...]
    costs: tuple[CostView, ...]
    old_document: str | None
    new_document: str | None
    old_highlight: str                     # CSS outlining the differing elements in the old render
    new_highlight: str
    reasons: tuple[str, ...]               # messages of the verdict's reasons about this case
    # (label, data: URI) of the element screenshots: today, after migration, then what differs (when taken)
    screenshots: tuple[tuple[str, str], ...] = ()

    @property
    def needs_eyes(self) -> bool:
        return self.band != "pass" or bool(self.reasons)

    @property
    def renderable(self) -> bool:
        return self.old_document is not None or self.new_document is not None

    @property
    def title(self) -> str:
        return f"{self.scenario} at {self.viewport}"


def case_view(case: CaseResult, evidence: CaseEvidence | None, anchor: str, thresholds: Thresholds,
              shared: Mapping[str, int], reasons: Sequence[str], images: Mapping[str, bytes] | None = None) -> CaseView:
    width, height = _size(case.viewport)
    noticeable = tuple(_mismatch(m, shared) for m in case.mismatches if m.noticeable)
    minor = tuple(_mismatch(m, shared) for m in case.mismatches if not m.noticeable)
    subscores = tuple(Subscore(name, float(case.subscores[name]), thresholds.band(float(case.subscores[name])))
                      for name in SUBSCORES if name in case.subscores)
    return CaseView(
        anchor=anchor, scenario=case.scenario, viewport=case.viewport, width=width, height=height,
        required=evidence.required if evidence is not None else True, score=case.score,
        band=_case_band(case, thresholds), noisy=case.noisy, subscores=subscores, noticeable=noticeable,
        minor=minor, noise=len(case.noise), ignored=tuple(sorted(case.ignored_counts.items())),
        errors=tuple(ProblemView(_SIDE_WORDS.get(side, side), p.code, p.message, p.fix)
                     for side, p in sorted(case.errors.items())),
        costs=_costs(case), old_document=case.old_document, new_document=case.new_document,
        old_highlight=highlight_css(m.selector for m in case.mismatches if m.noticeable and m.kind != "extra"),
        new_highlight=highlight_css(m.selector for m in case.mismatches if m.noticeable and m.kind != "missing"),
        reasons=tuple(reasons), screenshots=_screenshots(case, images or {}),
    )


_SHOT_LABELS = (("old", "Today (screenshot)"), ("new", "After migration (screenshot)"),
                ("diff", "What differs: the pixels the score counts, in red (noise masked)"))


def _screenshots(case: CaseResult, images: Mapping[str, bytes]) -> tuple[tuple[str, str], ...]:
    """The case's PNGs as data: URIs (the report opens from file:// and loads nothing), when all are stored."""
    digests = [case.screenshots.get(side) for side, _ in _SHOT_LABELS]
    if not all(d is not None and d in images for d in digests):
        return ()
    return tuple((label, "data:image/png;base64," + base64.b64encode(images[d]).decode("ascii"))
                 for (_, label), d in zip(_SHOT_LABELS, digests, strict=True) if d is not None)


def _case_band(case: CaseResult, thresholds: Thresholds) -> Band:
    """How the case looks at a glance: ``pass`` only when nothing about it needs a person."""
    if case.errors:
        return "block" if "new" in case.errors and "old" not in case.errors else "grey"
    band = thresholds.band(case.score)
    if band == "block" and case.noisy:
        return "grey"
    if band == "pass" and (case.noisy or any(m.noticeable for m in case.mismatches)):
        return "grey"
    return band


def _mismatch(m: Mismatch, shared: Mapping[str, int]) -> MismatchView:
    return MismatchView(m.kind, _KIND_WORDS.get(m.kind, m.kind), m.selector, m.property, m.old, m.new, m.message,
                        m.weight, m.noticeable, m.fingerprint, shared.get(m.fingerprint, 0))


def _costs(case: CaseResult) -> tuple[CostView, ...]:
    old, new = case.old_metrics, case.new_metrics
    if old is None or new is None:
        return ()
    return (CostView("elements", old.nodes, new.nodes), CostView("layout cost", old.layout_cost, new.layout_cost))


def _size(label: str) -> tuple[int, int]:
    try:
        viewport = Viewport.parse(label)
    except RenderError:  # a label the store holds but we cannot read: show the render at a phone's size
        return 390, 844
    return viewport.width, viewport.height
