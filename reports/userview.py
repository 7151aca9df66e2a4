"""One user's report as a frozen view: verdict first, then per component the diff, config, translation
and cases. Pure: a :class:`UserResult` with its documents in, a :class:`UserView` out.

Documents are embedded once per page, packed (:mod:`reports.documents`), and the page's script builds each
iframe's ``srcdoc`` from them (:func:`reports.escape.srcdoc` is the same assembly in Python).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from harness.evidence import CaseEvidence, ComponentEvidence, TranslationSummary
from harness.patching.values import PatchEvent
from harness.runner.result import ComponentResult, UserResult
from harness.verdicts import Reason
from reports.caseview import CaseView, Thresholds, case_view
from reports.documents import pack_documents
from reports.guidance import fix_for, next_steps
from reports.highlight import DiffView, highlight_diff, highlight_json
from reports.translation import TranslationView, translation_view

_WORD = re.compile(r"^[a-z]+[ ,]")
STATUS_WORDS = {"eligible": "Eligible", "review": "Needs review", "blocked": "Blocked", "error": "Not decided"}
STATUS_SUMMARY = {
    "eligible": "Migrates automatically: nothing the user sees changes.",
    "review": "A person decides before this user migrates.",
    "blocked": "Cannot migrate as it is.",
    "error": "The harness failed on this user; nothing was decided.",
}


@dataclass(frozen=True)
class ReasonView:
    severity: str
    code: str
    message: str
    fix: str
    component: str | None
    place: str              # "390x844 in on-sale", "" when the reason is about the whole component
    anchor: str | None      # the case or component the reason is about


@dataclass(frozen=True)
class ReasonGroup:
    """Reasons of one rule about one component (the same advice once, every place it applies listed)."""

    severity: str
    code: str
    component: str | None
    message: str
    fix: str
    places: tuple[ReasonView, ...]          # every reason of the group (the first one is ``message``)

    @property
    def same_message(self) -> bool:
        """True when the reasons differ only by where they apply."""
        return len({_unplaced(r) for r in self.places}) == 1

    @property
    def summary(self) -> str:
        """The shared message without a place, for a group whose reasons say the same thing."""
        return _unplaced(self.places[0]).replace("  ", " ").strip()


_MORE = re.compile(r" \(and \d+ more difference\(s\)\)")


def _unplaced(reason: ReasonView) -> str:
    """The message without where it applies (place, component, count of further differences)."""
    text = _MORE.sub("", reason.message)
    if reason.component:
        text = text.replace(f" ({reason.component})", "")
    return text.replace(f"on {reason.place}", "").replace(f"at {reason.place}", "") if reason.place else text


@dataclass(frozen=True)
class ComponentView:
    anchor: str
    name: str
    base_version: str | None
    identified_base: str | None
    target_version: str | None
    source: str
    meta: tuple[tuple[str, str], ...]
    patch_status: str
    patch_events: tuple[PatchEvent, ...]
    safety: str
    translation: TranslationSummary | None
    translation_report: TranslationView
    diff: DiffView
    diff_not_utf8: bool
    effective_diff: DiffView | None        # only when it differs from the user's diff
    slot_config: Markup | None
    cases: tuple[CaseView, ...]
    status: str                            # the most severe reason about this component, "fine" when none
    reason_count: int

    def opens(self, case: CaseView) -> bool:
        """Cases that need a look open by themselves; when none does, the first one shows what was compared."""
        return case.needs_eyes or (case is self.cases[0] and not any(c.needs_eyes for c in self.cases))


@dataclass(frozen=True)
class UserView:
    user_id: str
    status: str
    status_words: str
    status_summary: str
    headline: str
    rule: str
    lowest_score: float | None
    complexity: str
    complexity_why: str
    from_cache: bool
    steps: tuple[str, ...]
    reasons: tuple[ReasonView, ...]
    reason_groups: tuple[ReasonGroup, ...]
    components: tuple[ComponentView, ...]
    error: tuple[str, str, str] | None     # code, message, fix of a harness error
    documents: Mapping[str, Any]           # digest → packed document (reports.documents)
    styles: tuple[str, ...]
    highlights: tuple[str, ...]            # highlight rules, referenced by index from each iframe

    def highlight_id(self, css: str) -> int:
        return self.highlights.index(css)

    @property
    def case_count(self) -> int:
        return sum(len(c.cases) for c in self.components)


def user_view(result: UserResult, *, thresholds: Thresholds, shared: Mapping[str, int],
              from_cache: bool = False) -> UserView:
    """``shared``: fingerprint → number of users showing it (from the store)."""
    anchors = _anchors(result)
    reasons = tuple(_reason(r, result, anchors) for r in result.verdict.reasons)
    components = tuple(_component(i, comp, _evidence(result, comp.component), result, thresholds, shared)
                       for i, comp in enumerate(result.components))
    packed = pack_documents(result.documents, [(case.old_document, case.new_document)
                                               for comp in result.components for case in comp.cases])
    highlights = tuple(dict.fromkeys(h for c in components for case in c.cases
                                     for h in (case.old_highlight, case.new_highlight)))
    error = (result.error.code, result.error.message, result.error.fix) if result.error is not None else None
    return UserView(
        user_id=result.user_id, status=result.status, status_words=STATUS_WORDS[result.status],
        status_summary=STATUS_SUMMARY[result.status], headline=without_label(result.headline),
        rule=result.verdict.rule, lowest_score=result.verdict.lowest_score, complexity=result.complexity,
        complexity_why=result.complexity_why, from_cache=from_cache, steps=tuple(next_steps(result)),
        reasons=reasons, reason_groups=_groups(reasons), components=components, error=error,
        documents=packed.docs, styles=packed.styles, highlights=highlights)


def without_label(message: str) -> str:
    """``"Review: the badge moved"`` → ``"The badge moved"`` (the page shows the verdict beside it). A
    message that starts with a selector (``a.more text ...``) keeps its case."""
    head, sep, rest = message.partition(": ")
    if not (sep and head in {"Eligible", "Review", "Blocked"}):
        return message
    return rest[:1].upper() + rest[1:] if _WORD.match(rest) else rest


def _anchors(result: UserResult) -> dict[tuple[str | None, str | None, str | None], str]:
    anchors: dict[tuple[str | None, str | None, str | None], str] = {}
    for i, comp in enumerate(result.components):
        anchors[(comp.component, None, None)] = f"component-{i}"
        for k, case in enumerate(comp.cases):
            anchors[(comp.component, case.scenario, case.viewport)] = f"case-{i}-{k}"
    return anchors


def _reason(reason: Reason, result: UserResult, anchors: Mapping[tuple[str | None, str | None, str | None], str]
            ) -> ReasonView:
    place = f"{reason.viewport} in {reason.scenario}" if reason.scenario and reason.viewport else ""
    anchor = (anchors.get((reason.component, reason.scenario, reason.viewport))
              or anchors.get((reason.component, None, None)))
    return ReasonView(reason.severity.value, reason.code, without_label(reason.message), fix_for(reason, result),
                      reason.component, place, anchor)


def _groups(reasons: tuple[ReasonView, ...]) -> tuple[ReasonGroup, ...]:
    grouped: dict[tuple[str, str, str | None], list[ReasonView]] = {}
    for r in reasons:
        grouped.setdefault((r.severity, r.code, r.component), []).append(r)
    return tuple(ReasonGroup(sev, code, comp, items[0].message, items[0].fix, tuple(items))
                 for (sev, code, comp), items in grouped.items())


def _evidence(result: UserResult, name: str) -> ComponentEvidence | None:
    return next((c for c in result.evidence.components if c.component == name), None)


def _component(index: int, comp: ComponentResult, evidence: ComponentEvidence | None, result: UserResult,
               thresholds: Thresholds, shared: Mapping[str, int]) -> ComponentView:
    effective = comp.effective_diff
    by_case: dict[tuple[str, str], CaseEvidence] = {
        (c.scenario, c.viewport): c for c in (evidence.cases if evidence else ())}
    reasons: dict[tuple[str | None, str | None], list[str]] = {}
    mine = [r for r in result.verdict.reasons if r.component == comp.component]
    for r in mine:
        reasons.setdefault((r.scenario, r.viewport), []).append(without_label(r.message))
    worst = min((r.severity for r in mine), key=lambda o: o.severity, default=None)
    cases = tuple(case_view(case, by_case.get((case.scenario, case.viewport)), f"case-{index}-{k}", thresholds,
                            shared, reasons.get((case.scenario, case.viewport), ()), result.images)
                  for k, case in enumerate(comp.cases))
    patch = evidence.patch if evidence else None
    return ComponentView(
        anchor=f"component-{index}", name=comp.component, base_version=comp.base_version,
        identified_base=comp.identified_base, target_version=comp.target_version, source=comp.source,
        meta=tuple((str(k), _meta_text(v)) for k, v in sorted(comp.meta.items(), key=lambda kv: str(kv[0]))),
        patch_status=patch.status.value if patch else "not recorded", patch_events=comp.patch_events,
        safety=evidence.safety.value if evidence else "unchecked",
        translation=evidence.translation if evidence else None,
        translation_report=translation_view(comp.translation),
        diff=highlight_diff(comp.diff), diff_not_utf8=comp.diff_base64 is not None,
        effective_diff=highlight_diff(effective) if effective and effective != comp.diff else None,
        slot_config=highlight_json(comp.slot_config) if comp.slot_config is not None else None,
        cases=cases, status=worst.value if worst is not None else "fine", reason_count=len(mine))


def _meta_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
