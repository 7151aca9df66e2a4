"""Verdict per user: ``eligible``, ``review`` or ``blocked``, from the evidence the runner gathered.

The evidence values (:mod:`harness.evidence`) are the contract with the runner: it fills one :class:`UserEvidence` per user
(records that failed to load, then per customized component the patch outcome, template safety,
translation summary and one :class:`CaseEvidence` per scenario x viewport), and :func:`decide` turns it
into a :class:`Verdict`. Pure: values in, a value out.

How a verdict is reached (docs/verdicts.md prints :data:`RULES` as a table):

- every rule in :data:`RULES` runs and yields the reasons that apply; the verdict carries all of them,
  most severe first, and ``rule`` names the first rule (in order) that produced a reason;
- rules are ordered by severity, so "first match wins" and "the worst reason decides" agree;
- ``eligible`` needs positive proof (its own rule checks every condition again); when no rule matched
  and nothing was proven, the :data:`FALLBACK` rule says ``review``. Missing data never passes, and an
  error is never read as a low score.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from harness.evidence import (
    CaseEvidence,
    ComponentEvidence,
    PatchNote,
    PatchStatus,
    Problem,
    Safety,
    TranslationStatus,
    UserEvidence,
)

if TYPE_CHECKING:
    from harness.settings import Settings


class Outcome(StrEnum):
    BLOCKED = "blocked"
    REVIEW = "review"
    ELIGIBLE = "eligible"

    @property
    def severity(self) -> int:
        """0 is the most severe; reasons and rules are ordered by it."""
        return {"blocked": 0, "review": 1, "eligible": 2}[self.value]

    @property
    def label(self) -> str:
        return self.value.capitalize()


# --- verdicts ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    component: str | None = None
    scenario: str | None = None
    viewport: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    severity: Outcome = Outcome.REVIEW


@dataclass(frozen=True)
class Verdict:
    user_id: str
    outcome: Outcome
    rule: str
    reasons: tuple[Reason, ...]
    lowest_score: float | None = None

    @property
    def headline(self) -> str:
        return self.reasons[0].message


Check = Callable[[UserEvidence, "Settings"], Iterator[Reason]]


@dataclass(frozen=True)
class Rule:
    code: str
    outcome: Outcome
    summary: str
    check: Check = field(repr=False, compare=False)


def _reason(rule: str, outcome: Outcome, text: str, comp: ComponentEvidence | None = None,
            case: CaseEvidence | None = None, **detail: Any) -> Reason:
    return Reason(rule, f"{outcome.label}: {text}", comp.component if comp else None,
                  case.scenario if case else None, case.viewport if case else None, detail, outcome)


def _place(ev: UserEvidence, comp: ComponentEvidence, case: CaseEvidence) -> str:
    where = f"on {case.viewport} in {case.scenario}"
    return f"{where} ({comp.component})" if len(ev.components) > 1 else where


def _required(ev: UserEvidence) -> Iterator[tuple[ComponentEvidence, CaseEvidence]]:
    for comp in ev.components:
        if not comp.stopped_early:
            yield from ((comp, case) for case in comp.cases if case.required)


def _to_version(comp: ComponentEvidence) -> str:
    return f" to version {comp.base_version}" if comp.base_version else " (no base version was recorded)"


def _failure_text(problem: Problem | None) -> str:
    return f"{problem.message} ({problem.code})" if problem else "no error was recorded"


# --- blocked ----------------------------------------------------------------------------------------

def _load_problems(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    for lp in ev.load_problems:
        yield Reason("load_problem", f"Blocked: the customization record at {lp.source} could not be read: "
                     f"{lp.message} ({lp.code}). Fix: {lp.fix}", lp.component, None, None,
                     {"error_code": lp.code, "source": lp.source}, Outcome.BLOCKED)


def _patch_failed(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    for comp in ev.components:
        p = comp.patch
        if p is not None and p.status is PatchStatus.CONFLICT:
            yield _reason("patch_failed", Outcome.BLOCKED, f"the customization of {comp.component} conflicts "
                          f"with changes made in version {comp.base_version}: {_failure_text(p.error)}", comp,
                          error_code=p.error.code if p.error else None)
        elif p is not None and p.status is PatchStatus.FAILED:
            yield _reason("patch_failed", Outcome.BLOCKED, f"the customization of {comp.component} could not be "
                          f"applied{_to_version(comp)}: {_failure_text(p.error)}", comp,
                          error_code=p.error.code if p.error else None)


def _unsafe(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    for comp in ev.components:
        if comp.safety is Safety.UNSAFE:
            yield _reason("unsafe_template", Outcome.BLOCKED, f"the customized {comp.component} template reaches "
                          f"for things a template may not use: {_failure_text(comp.safety_problem)}", comp,
                          error_code=comp.safety_problem.code if comp.safety_problem else None)


def _translation_failed(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    for comp in ev.components:
        t = comp.translation
        if t is not None and t.status is TranslationStatus.FAILED:
            yield _reason("translation_failed", Outcome.BLOCKED, f"the change to {comp.component} could not be "
                          f"turned into slot settings: {_failure_text(t.error)}", comp,
                          error_code=t.error.code if t.error else None)
        elif t is not None and t.unconverted_hunks > 0:
            yield _reason("translation_failed", Outcome.BLOCKED, f"{t.unconverted_hunks} part(s) of the change "
                          f"to {comp.component} have no slot setting yet", comp, unconverted=t.unconverted_hunks)


def _new_render_broken(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    for comp, case in _required(ev):
        if case.new_error is not None and case.old_error is None and not case.missing:
            yield _reason("new_render_broken", Outcome.BLOCKED, f"the page fails to render after migration "
                          f"{_place(ev, comp, case)}, although it renders today: {_failure_text(case.new_error)}",
                          comp, case, error_code=case.new_error.code)


def _below_block(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    for comp, case in _required(ev):
        score = case.valid_score
        if case.measured and not case.noisy and score is not None and score < s.block_threshold:
            example = f"; for example {case.mismatches[0].message}" if case.mismatches else ""
            yield _reason("score_below_block", Outcome.BLOCKED, f"the page looks clearly different after "
                          f"migration {_place(ev, comp, case)} (similarity {_shown(score)}, below "
                          f"{s.block_threshold:.2f}){example}", comp, case, score=score)


# --- review -----------------------------------------------------------------------------------------

def _missing(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    if not ev.components and not ev.load_problems:
        yield _reason("evidence_missing", Outcome.REVIEW, "no customized component was checked for this user")
    for comp in ev.components:
        if not comp.stopped_early:
            yield from _component_gaps(comp)
            yield from _coverage_gaps(ev, comp, s)
    for comp, case in _required(ev):
        gap = _case_gap(case)
        if gap:
            yield _reason("evidence_missing", Outcome.REVIEW, f"{gap} {_place(ev, comp, case)}, so nothing "
                          "proves it looks the same", comp, case, error_code=_gap_code(case))


def _component_gaps(comp: ComponentEvidence) -> Iterator[Reason]:
    name = comp.component
    if comp.patch is None:
        yield _reason("evidence_missing", Outcome.REVIEW, f"no record says whether the {name} patch applied", comp)
    if comp.safety is Safety.UNCHECKED:
        yield _reason("evidence_missing", Outcome.REVIEW, f"the safety check of the {name} template did not run",
                      comp)
    if comp.translation is None:
        yield _reason("evidence_missing", Outcome.REVIEW, f"no translation of the {name} change was recorded", comp)


def _coverage_gaps(ev: UserEvidence, comp: ComponentEvidence, s: Settings) -> Iterator[Reason]:
    if not comp.scenarios:
        yield _reason("evidence_missing", Outcome.REVIEW, f"no scenario was listed to render {comp.component} in",
                      comp)
    present = {(c.scenario, c.viewport) for c in comp.cases if c.required}
    for scenario in comp.scenarios:
        for viewport in s.viewports:
            if (scenario, viewport) not in present:
                case = CaseEvidence(scenario, viewport, missing=True)
                yield _reason("evidence_missing", Outcome.REVIEW, f"{comp.component} was not rendered "
                              f"{_place(ev, comp, case)}", comp, case)


def _case_gap(case: CaseEvidence) -> str | None:
    if case.missing:
        return "the check never finished"
    if case.old_error is not None and case.new_error is not None:
        return f"both the current and the migrated page fail to render ({case.new_error.code})"
    if case.old_error is not None:
        return f"the current page fails to render ({case.old_error.code})"
    if case.twin_error is not None:
        return f"the second render of the current page failed ({case.twin_error.code})"
    if case.new_error is None and case.valid_score is None:
        return "no similarity score was recorded"
    if case.new_error is None and (case.old_cost is None or case.new_cost is None):
        return "the render cost was not measured"
    return None


def _gap_code(case: CaseEvidence) -> str | None:
    """The code of the render error behind a case's gap (the one :func:`_case_gap` names), if any."""
    if case.missing:
        return None
    error = case.new_error if case.old_error is not None and case.new_error is not None else None
    error = error or case.old_error or case.twin_error
    return error.code if error is not None else None


def _noisy(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    for comp, case in _required(ev):
        if case.noisy and not case.missing:
            yield _reason("noisy", Outcome.REVIEW, f"the current page does not render the same way twice "
                          f"{_place(ev, comp, case)}, so the comparison cannot be trusted", comp, case)


def _raw(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    for comp in ev.components:
        if comp.translation is not None and comp.translation.raw_used and not comp.stopped_early:
            yield _reason("raw_used", Outcome.REVIEW, f"part of the {comp.component} change is kept as raw "
                          "template code, which a person must check", comp)


def _partial(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    for comp in ev.components:
        t = comp.translation
        if t is None or comp.stopped_early:
            continue
        if t.status is TranslationStatus.PARTIAL:
            yield _reason("translation_partial", Outcome.REVIEW, f"only part of the {comp.component} change was "
                          "turned into slot settings", comp)
        elif not t.lossless:
            yield _reason("translation_partial", Outcome.REVIEW, f"the {comp.component} change was turned into "
                          "slot settings that only approximate it", comp)


def _grey(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    for comp, case in _required(ev):
        score = case.valid_score
        if case.measured and not case.noisy and score is not None and s.block_threshold <= score < s.pass_threshold:
            yield _reason("grey_zone", Outcome.REVIEW, f"the page is close but not identical after migration "
                          f"{_place(ev, comp, case)} (similarity {_shown(score)}, pass needs "
                          f"{s.pass_threshold:.2f})", comp, case, score=score)


def _mismatch(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    for comp, case in _required(ev):
        count = case.mismatch_count
        if count and case.measured:
            first = case.mismatches[0].message if case.mismatches else "something a person would notice differs"
            more = f" (and {count - 1} more difference(s))" if count > 1 else ""
            yield _reason("noticeable_mismatch", Outcome.REVIEW, f"{first} {_place(ev, comp, case)}{more}",
                          comp, case, count=count)


def _cost(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    for comp, case in _required(ev):
        old, new = case.old_cost, case.new_cost
        if old is None or new is None or not case.measured:
            continue
        for what, before, after in (("DOM nodes", old.nodes, new.nodes), ("layout cost", old.layout, new.layout)):
            if after > s.cost_ratio * before:
                ratio = after / before if before else math.inf
                yield _reason("render_cost", Outcome.REVIEW, f"the migrated page needs {ratio:.2f}x the {what} "
                              f"{_place(ev, comp, case)} (limit {s.cost_ratio:.2f}x)", comp, case,
                              measure=what, old=before, new=after)


def _confirm_patch(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    for comp in ev.components:
        p = comp.patch
        if p is not None and not comp.stopped_early:
            notes = p.to_confirm or ((PatchNote("rebased", f"the diff was merged onto {p.target_version}"),)
                                     if p.status is PatchStatus.REBASED else ())
            for note in notes:
                yield _reason("patch_needs_confirmation", Outcome.REVIEW, f"a person should confirm the "
                              f"{comp.component} customization is what the user sees today: {note.message}", comp,
                              event=note.kind, lines=note.lines)


# --- eligible ---------------------------------------------------------------------------------------

def proven_lowest_score(ev: UserEvidence, s: Settings) -> float | None:
    """The lowest similarity when every condition of ``eligible`` holds, else ``None``."""
    if ev.load_problems or not ev.components:
        return None
    scores: list[float] = []
    for comp in ev.components:
        if not _component_proven(comp, s):
            return None
        for case in comp.cases:
            if case.required:
                if not _case_proven(case, s):
                    return None
                scores.append(case.valid_score or 0.0)
    return min(scores) if scores else None


def _component_proven(comp: ComponentEvidence, s: Settings) -> bool:
    p, t = comp.patch, comp.translation
    patch_ok = p is not None and p.status is PatchStatus.OK and not p.to_confirm
    translated = (t is not None and t.status is TranslationStatus.COMPLETE and t.lossless
                  and t.unconverted_hunks == 0 and not t.raw_used)
    present = {(c.scenario, c.viewport) for c in comp.cases if c.required}
    covered = bool(comp.scenarios) and all((sc, vp) in present for sc in comp.scenarios for vp in s.viewports)
    return patch_ok and comp.safety is Safety.SAFE and translated and covered


def _case_proven(case: CaseEvidence, s: Settings) -> bool:
    score, old, new = case.valid_score, case.old_cost, case.new_cost
    cheap = (old is not None and new is not None and new.nodes <= s.cost_ratio * old.nodes
             and new.layout <= s.cost_ratio * old.layout)
    return (case.measured and score is not None and score >= s.pass_threshold and not case.noisy
            and case.mismatch_count == 0 and cheap)


def _eligible(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    lowest = proven_lowest_score(ev, s)
    if lowest is not None:
        yield _reason("eligible", Outcome.ELIGIBLE, "every scenario renders the same after migration, lowest "
                      f"similarity {_shown(lowest)}", lowest_score=lowest)


def _not_proven(ev: UserEvidence, s: Settings) -> Iterator[Reason]:
    yield _reason("not_proven", Outcome.REVIEW, "the checks did not prove that nothing changes, so a person "
                  "should look")


RULES: tuple[Rule, ...] = (
    Rule("load_problem", Outcome.BLOCKED, "a customization record could not be read", _load_problems),
    Rule("patch_failed", Outcome.BLOCKED, "the diff failed to apply or its three-way merge conflicted", _patch_failed),
    Rule("unsafe_template", Outcome.BLOCKED, "the patched template reaches for Python internals", _unsafe),
    Rule("translation_failed", Outcome.BLOCKED, "the translation failed or left unconverted hunks",
         _translation_failed),
    Rule("new_render_broken", Outcome.BLOCKED, "the new render errors or crashes where the old one does not",
         _new_render_broken),
    Rule("score_below_block", Outcome.BLOCKED, "a required case that is not NOISY scores below `block_threshold`",
         _below_block),
    Rule("evidence_missing", Outcome.REVIEW, "a required record, case, score or cost is missing, or the old "
         "render (or its twin) errored", _missing),
    Rule("noisy", Outcome.REVIEW, "the legacy page differs from its own twin render (NOISY)", _noisy),
    Rule("raw_used", Outcome.REVIEW, "the slot config uses the `raw` escape hatch", _raw),
    Rule("translation_partial", Outcome.REVIEW, "the translation is partial or not lossless", _partial),
    Rule("grey_zone", Outcome.REVIEW, "a required case that is not NOISY scores at or above `block_threshold` "
         "but below `pass_threshold`", _grey),
    Rule("noticeable_mismatch", Outcome.REVIEW, "the scorer found a difference a person would notice", _mismatch),
    Rule("render_cost", Outcome.REVIEW, "the new render needs more than `cost_ratio` times the old DOM nodes or "
         "layout cost", _cost),
    Rule("patch_needs_confirmation", Outcome.REVIEW, "the diff was rebased, applied at an offset, had its base "
         "version identified, or names other blobs in its index lines", _confirm_patch),
    Rule("eligible", Outcome.ELIGIBLE, "everything translated completely and losslessly, every required case "
         "measured at or above `pass_threshold`, no noticeable mismatch, cost within `cost_ratio`", _eligible),
)
FALLBACK = Rule("not_proven", Outcome.REVIEW, "no rule matched and eligibility was not proven", _not_proven)


def decide(evidence: UserEvidence, settings: Settings, rules: tuple[Rule, ...] = RULES) -> Verdict:
    """Run every rule; the most severe reason decides (with :data:`RULES`, the first rule that matched).

    Every reason is kept, most severe first. ``lowest_score`` is the lowest similarity of the required
    cases that were measured (``None`` when none was).
    """
    found: list[tuple[int, Reason]] = []
    for position, rule in enumerate(rules):
        found.extend((position, reason) for reason in rule.check(evidence, settings))
    if not found:
        found = [(len(rules), reason) for reason in FALLBACK.check(evidence, settings)]
    found.sort(key=lambda item: (item[1].severity.severity, item[0], item[1].component or "",
                                 item[1].scenario or "", item[1].viewport or ""))
    deciding = found[0][1]
    measured = [c.valid_score for _, c in _required(evidence) if c.measured]
    return Verdict(evidence.user_id, deciding.severity, deciding.code, tuple(r for _, r in found),
                   min((m for m in measured if m is not None), default=None))


def _shown(score: float) -> str:
    """A score with three decimals, rounded *down*: 0.9499 must not read as 0.950 next to "pass needs 0.95"."""
    return f"{math.floor(score * 1000) / 1000:.3f}"
