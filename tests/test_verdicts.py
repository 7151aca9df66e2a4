"""Verdict rules: every rule fires on its own evidence, fail closed, every reason kept, docs in sync."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.errors import PatchError
from harness.evidence import (
    CaseEvidence,
    ComponentEvidence,
    PatchEvidence,
    PatchNote,
    PatchStatus,
    Problem,
    RenderCost,
    Safety,
    TranslationStatus,
    TranslationSummary,
    UserEvidence,
)
from harness.model import LoadProblem
from harness.patching.values import PatchConflict, PatchEvent, PatchOutcome
from harness.render.values import RenderProblem
from harness.score.values import Mismatch
from harness.settings import Settings
from harness.slots.config import SlotConfig
from harness.verdicts import FALLBACK, RULES, Outcome, decide

SETTINGS = Settings()
DOCS = Path(__file__).resolve().parents[1] / "docs" / "verdicts.md"


# --- builders (also used by the plan tests) ---------------------------------------------------------

def make_case(scenario: str = "on-sale", viewport: str = "390x844", **changes: Any) -> CaseEvidence:
    values: dict[str, Any] = {"score": 0.991, "old_cost": RenderCost(100, 2.0), "new_cost": RenderCost(104, 2.1)}
    values.update(changes)
    return CaseEvidence(scenario, viewport, **values)


def make_component(name: str = "product-card", *, operations: tuple[str, ...] = ("text",),
                   scenarios: tuple[str, ...] = ("default", "on-sale"), **changes: Any) -> ComponentEvidence:
    values: dict[str, Any] = {
        "patch": PatchEvidence(PatchStatus.OK), "safety": Safety.SAFE,
        "translation": TranslationSummary(TranslationStatus.COMPLETE, lossless=True, operations=operations),
        "scenarios": scenarios,
        "cases": tuple(make_case(s, v) for s in scenarios for v in SETTINGS.viewports),
    }
    values.update(changes)
    return ComponentEvidence(name, "3.0.0", **values)


def make_user(user_id: str = "u001", *components: ComponentEvidence,
              load_problems: tuple[LoadProblem, ...] = ()) -> UserEvidence:
    return UserEvidence(user_id, load_problems, components or (make_component(),))


def change_case(ev: UserEvidence, **changes: Any) -> UserEvidence:
    """Change the on-sale case at 390x844 of the first component (if there is one)."""
    if not ev.components:
        return ev
    comp = ev.components[0]
    cases = tuple(replace(c, **changes) if (c.scenario, c.viewport) == ("on-sale", "390x844") else c
                  for c in comp.cases)
    return replace(ev, components=(replace(comp, cases=cases), *ev.components[1:]))


def change_component(ev: UserEvidence, **changes: Any) -> UserEvidence:
    if not ev.components:
        return ev
    return replace(ev, components=(replace(ev.components[0], **changes), *ev.components[1:]))


def translation(status: TranslationStatus = TranslationStatus.COMPLETE, **changes: Any) -> TranslationSummary:
    values: dict[str, Any] = {"lossless": True, "operations": ("text",)}
    values.update(changes)
    return TranslationSummary(status, **values)


def noted(kind: str) -> PatchEvidence:
    return PatchEvidence(PatchStatus.OK, notes=(PatchNote(kind, f"the engine reported {kind}", 3),))


ERROR = Problem("render.timeout", "the page did not finish loading within 15 s", "raise timeouts.render_ms")
LOAD = LoadProblem("u001", "product-card", "fleet.jsonl:17", "input.bad_json", "line 17 is not JSON",
                   "re-export the record")
Mutation = Callable[[UserEvidence], UserEvidence]

CASES: dict[str, tuple[Mutation, Outcome, str]] = {
    "load-problem": (lambda e: replace(e, load_problems=(LOAD,)), Outcome.BLOCKED, "load_problem"),
    "patch-failed": (lambda e: change_component(e, patch=PatchEvidence(PatchStatus.FAILED, Problem(
        "patch.context_mismatch", "context line 3 of hunk 2 does not match"))), Outcome.BLOCKED, "patch_failed"),
    "patch-conflict": (lambda e: change_component(e, patch=PatchEvidence(PatchStatus.CONFLICT)),
                       Outcome.BLOCKED, "patch_failed"),
    "unsafe-template": (lambda e: change_component(e, safety=Safety.UNSAFE), Outcome.BLOCKED, "unsafe_template"),
    "translation-failed": (lambda e: change_component(e, translation=translation(TranslationStatus.FAILED)),
                           Outcome.BLOCKED, "translation_failed"),
    "unconverted-hunks": (lambda e: change_component(e, translation=translation(unconverted_hunks=2)),
                          Outcome.BLOCKED, "translation_failed"),
    "new-render-error": (lambda e: change_case(e, new_error=ERROR), Outcome.BLOCKED, "new_render_broken"),
    "score-below-block": (lambda e: change_case(e, score=0.62), Outcome.BLOCKED, "score_below_block"),
    "old-and-new-error": (lambda e: change_case(e, old_error=ERROR, new_error=ERROR), Outcome.REVIEW,
                          "evidence_missing"),
    "old-error-only": (lambda e: change_case(e, old_error=ERROR), Outcome.REVIEW, "evidence_missing"),
    "twin-error": (lambda e: change_case(e, twin_error=ERROR), Outcome.REVIEW, "evidence_missing"),
    "case-missing": (lambda e: change_case(e, missing=True), Outcome.REVIEW, "evidence_missing"),
    "case-absent": (lambda e: change_component(e, cases=e.components[0].cases[1:]) if e.components else e,
                    Outcome.REVIEW, "evidence_missing"),
    "no-scenarios": (lambda e: change_component(e, scenarios=(), cases=()), Outcome.REVIEW, "evidence_missing"),
    "score-none": (lambda e: change_case(e, score=None), Outcome.REVIEW, "evidence_missing"),
    "score-nan": (lambda e: change_case(e, score=math.nan), Outcome.REVIEW, "evidence_missing"),
    "score-above-one": (lambda e: change_case(e, score=1.5), Outcome.REVIEW, "evidence_missing"),
    "cost-missing": (lambda e: change_case(e, new_cost=None), Outcome.REVIEW, "evidence_missing"),
    "patch-not-recorded": (lambda e: change_component(e, patch=None), Outcome.REVIEW, "evidence_missing"),
    "translation-not-recorded": (lambda e: change_component(e, translation=None), Outcome.REVIEW,
                                 "evidence_missing"),
    "safety-unchecked": (lambda e: change_component(e, safety=Safety.UNCHECKED), Outcome.REVIEW,
                         "evidence_missing"),
    "no-components": (lambda e: replace(e, components=()), Outcome.REVIEW, "evidence_missing"),
    "noisy": (lambda e: change_case(e, noisy=True), Outcome.REVIEW, "noisy"),
    "raw-used": (lambda e: change_component(e, translation=translation(operations=("text", "raw"))),
                 Outcome.REVIEW, "raw_used"),
    "partial": (lambda e: change_component(e, translation=translation(TranslationStatus.PARTIAL)),
                Outcome.REVIEW, "translation_partial"),
    "lossy": (lambda e: change_component(e, translation=translation(lossless=False)), Outcome.REVIEW,
              "translation_partial"),
    "grey-zone": (lambda e: change_case(e, score=0.9), Outcome.REVIEW, "grey_zone"),
    "mismatch": (lambda e: change_case(e, noticeable_mismatches=1), Outcome.REVIEW, "noticeable_mismatch"),
    "node-cost": (lambda e: change_case(e, new_cost=RenderCost(121, 2.0)), Outcome.REVIEW, "render_cost"),
    "layout-cost": (lambda e: change_case(e, new_cost=RenderCost(100, 2.5)), Outcome.REVIEW, "render_cost"),
    "rebased": (lambda e: change_component(e, patch=PatchEvidence(PatchStatus.REBASED, target_version="3.0.0")),
                Outcome.REVIEW, "patch_needs_confirmation"),
    "offset": (lambda e: change_component(e, patch=noted("offset")), Outcome.REVIEW, "patch_needs_confirmation"),
    "identified-base": (lambda e: change_component(e, patch=noted("identified_base")), Outcome.REVIEW,
                        "patch_needs_confirmation"),
    "index-mismatch": (lambda e: change_component(e, patch=noted("index_mismatch")), Outcome.REVIEW,
                       "patch_needs_confirmation"),
}


def test_clean_evidence_is_eligible_with_the_lowest_similarity() -> None:
    ev = change_case(make_user(), score=0.973)
    verdict = decide(ev, SETTINGS)
    assert (verdict.outcome, verdict.rule) == (Outcome.ELIGIBLE, "eligible")
    assert verdict.headline == "Eligible: every scenario renders the same after migration, lowest similarity 0.973"
    assert verdict.lowest_score == pytest.approx(0.973)


@pytest.mark.parametrize(("mutate", "outcome", "rule"), CASES.values(), ids=CASES.keys())
def test_each_rule_decides_on_its_own_evidence(mutate: Mutation, outcome: Outcome, rule: str) -> None:
    verdict = decide(mutate(make_user()), SETTINGS)
    assert (verdict.outcome, verdict.rule) == (outcome, rule)
    assert verdict.headline.startswith(f"{outcome.label}: ")
    assert all(r.code != "eligible" for r in verdict.reasons)


def test_a_mismatch_is_said_in_plain_words_with_its_place() -> None:
    badge = Mismatch.make(".badge", "moved", "top", "8px", "11px", weight=0.01, noticeable=True,
                          message="the sale badge is 3 px lower")
    ev = change_case(make_user(), mismatches=(badge,))
    assert decide(ev, SETTINGS).headline == "Review: the sale badge is 3 px lower on 390x844 in on-sale"


def test_an_error_is_never_read_as_a_low_score() -> None:
    verdict = decide(change_case(make_user(), new_error=ERROR, score=0.1), SETTINGS)
    assert [r.code for r in verdict.reasons] == ["new_render_broken"]
    both = decide(change_case(make_user(), old_error=ERROR, new_error=ERROR, score=0.1), SETTINGS)
    assert (both.outcome, {r.code for r in both.reasons}) == (Outcome.REVIEW, {"evidence_missing"})


def test_a_noisy_low_score_goes_to_review_not_blocked() -> None:
    verdict = decide(change_case(make_user(), noisy=True, score=0.3), SETTINGS)
    assert (verdict.outcome, [r.code for r in verdict.reasons]) == (Outcome.REVIEW, ["noisy"])


def test_every_reason_is_kept_most_severe_first() -> None:
    broken = make_component("product-card", translation=translation(unconverted_hunks=1))
    grey = make_component("cart-drawer")
    ev = change_case(make_user("u001", grey, broken), score=0.9, noticeable_mismatches=2)  # cart-drawer first
    verdict = decide(ev, SETTINGS)
    assert [r.code for r in verdict.reasons] == ["translation_failed", "grey_zone", "noticeable_mismatch"]
    assert (verdict.outcome, verdict.rule) == (Outcome.BLOCKED, "translation_failed")
    assert "on 390x844 in on-sale (cart-drawer)" in verdict.reasons[1].message
    assert [r.severity.severity for r in verdict.reasons] == sorted(r.severity.severity for r in verdict.reasons)


def test_a_failed_patch_does_not_add_its_missing_renders_as_reasons() -> None:
    ev = change_component(make_user(), patch=PatchEvidence(PatchStatus.FAILED), cases=(), translation=None)
    assert [r.code for r in decide(ev, SETTINGS).reasons] == ["patch_failed"]


def test_optional_cases_never_decide() -> None:
    comp = make_component()
    extra = make_case("huge-catalog", required=False, score=0.1, new_error=ERROR)
    ev = make_user("u001", replace(comp, cases=(*comp.cases, extra)))
    assert decide(ev, SETTINGS).outcome is Outcome.ELIGIBLE


@pytest.mark.parametrize(("threshold", "outcome"), [(0.99, Outcome.ELIGIBLE), (0.995, Outcome.REVIEW)],
                         ids=["at-0.99", "at-0.995"])
def test_the_pass_threshold_comes_from_settings(threshold: float, outcome: Outcome) -> None:
    assert decide(make_user(), Settings(pass_threshold=threshold)).outcome is outcome


def test_a_viewport_added_in_settings_must_be_rendered() -> None:
    wider = Settings(viewports=("390x844", "1280x800", "1920x1080"))
    verdict = decide(make_user(), wider)
    assert verdict.outcome is Outcome.REVIEW
    assert {r.viewport for r in verdict.reasons} == {"1920x1080"}


def test_a_problem_keeps_an_errors_code_message_and_fix() -> None:
    error = PatchError("context line 3 does not match", fix="regenerate the diff", code="patch.context_mismatch")
    assert Problem.of(error) == Problem("patch.context_mismatch", "context line 3 does not match",
                                        "regenerate the diff")
    crashed = RenderProblem("render.crashed", "the page crashed", "retry")
    assert Problem.of(crashed) == Problem("render.crashed", "the page crashed", "retry")


def test_line_ending_conversion_alone_needs_no_confirmation() -> None:
    assert decide(change_component(make_user(), patch=noted("line_endings")), SETTINGS).outcome is Outcome.ELIGIBLE


def test_patch_evidence_from_the_engine() -> None:
    outcome = PatchOutcome("2.4.0", "3.0.0", {}, {}, ("template.html.j2",), (
        PatchEvent("rebased", "the diff was made against 2.4.0 and merged onto 3.0.0", version="2.4.0"),))
    evidence = PatchEvidence.from_outcome(outcome)
    assert (evidence.status, evidence.target_version) == (PatchStatus.REBASED, "3.0.0")
    assert [n.kind for n in evidence.to_confirm] == ["rebased"]
    conflict = PatchConflict("both changed line 4", conflicts=(), fix="edit by hand")
    assert PatchEvidence.from_error(conflict).status is PatchStatus.CONFLICT
    assert PatchEvidence.from_error(PatchError("bad hunk")).status is PatchStatus.FAILED
    verdict = decide(change_component(make_user(), patch=evidence), SETTINGS)
    assert verdict.headline == ("Review: a person should confirm the product-card customization is what the user "
                                "sees today: the diff was made against 2.4.0 and merged onto 3.0.0")


def test_a_translation_summary_counts_the_slot_config() -> None:
    config = SlotConfig.model_validate({
        "component": "product-card",
        "slots": {"title": {"text": {"plain": "Hi"}, "classes": {"add": ["big"]}},
                  "badges": {"insert": {"new": {"tag": "span"}, "gone": None}}, "vendor": None},
        "custom_css": {"c1": ".a{color:red}"},
        "raw": {"r1": {"slot": "title", "position": "after", "source": "{% if x %}", "reason": "logic"}},
        "unconverted": {"h2": {"file": "template.html.j2", "text": "-x", "code": "t.logic", "reason": "loop"}}})
    summary = TranslationSummary.from_config(config, TranslationStatus.PARTIAL, lossless=False)
    assert sorted(summary.operations) == ["classes", "custom_css", "insert", "raw", "text"]
    assert (summary.unconverted_hunks, summary.raw_used) == (1, True)


def test_the_fallback_says_review_when_no_rule_matches() -> None:
    verdict = decide(make_user(), SETTINGS, rules=RULES[:-1])  # without the eligible rule
    assert (verdict.outcome, verdict.rule) == (Outcome.REVIEW, FALLBACK.code)


def test_rules_are_ordered_by_severity_and_unique() -> None:
    severities = [r.outcome.severity for r in RULES]
    assert severities == sorted(severities)
    assert len({r.code for r in RULES}) == len(RULES)


def test_the_docs_print_every_rule_in_order() -> None:
    rows = re.findall(r"^\| *\d+ *\| *`([a-z_]+)` *\| *(\w+) *\|", DOCS.read_text(), flags=re.MULTILINE)
    assert rows == [(r.code, r.outcome.value) for r in (*RULES, FALLBACK)]


# --- properties -------------------------------------------------------------------------------------

_problems = st.none() | st.just(ERROR)
_cases = st.builds(
    CaseEvidence, scenario=st.sampled_from(["default", "on-sale"]), viewport=st.sampled_from(SETTINGS.viewports),
    required=st.booleans(), missing=st.booleans(), old_error=_problems, new_error=_problems, twin_error=_problems,
    noisy=st.booleans(), score=st.none() | st.floats(allow_nan=True), noticeable_mismatches=st.integers(0, 2),
    old_cost=st.none() | st.builds(RenderCost, st.integers(0, 200), st.floats(0, 10)),
    new_cost=st.none() | st.builds(RenderCost, st.integers(0, 200), st.floats(0, 10)))
_components = st.builds(
    ComponentEvidence, component=st.sampled_from(["product-card", "cart-drawer"]), base_version=st.just("3.0.0"),
    patch=st.none() | st.builds(PatchEvidence, st.sampled_from(PatchStatus), notes=st.lists(st.builds(
        PatchNote, st.sampled_from(["offset", "line_endings", "rebased"]), st.just("moved"))).map(tuple)),
    safety=st.sampled_from(Safety),
    translation=st.none() | st.builds(TranslationSummary, st.sampled_from(TranslationStatus), st.booleans(),
                                      st.integers(0, 1), st.lists(st.sampled_from(["text", "raw"])).map(tuple)),
    scenarios=st.sampled_from([(), ("default",), ("default", "on-sale")]),
    cases=st.lists(_cases, max_size=5).map(tuple))
_users = st.builds(UserEvidence, st.just("u001"), st.lists(st.just(LOAD), max_size=1).map(tuple),
                   st.lists(_components, max_size=2).map(tuple))


def _mostly(good: Any, *bad: Any) -> st.SearchStrategy[Any]:
    """``good`` most of the time, one of ``bad`` now and then: evidence near the eligible edge."""
    return st.sampled_from([good] * 40 + list(bad))


@st.composite
def _near_clean_users(draw: st.DrawFn) -> UserEvidence:
    components = []
    for name in draw(st.sampled_from([("product-card",), ("product-card", "cart-drawer")])):
        cases = [CaseEvidence(
            scenario, viewport, required=draw(_mostly(True, False)), missing=draw(_mostly(False, True)),
            old_error=draw(_mostly(None, ERROR)), new_error=draw(_mostly(None, ERROR)),
            twin_error=draw(_mostly(None, ERROR)), noisy=draw(_mostly(False, True)),
            score=draw(st.sampled_from([0.95, 0.97, 1.0] * 14 + [0.9499, 0.9, 0.5, None, math.nan])),
            noticeable_mismatches=draw(_mostly(0, 1)), old_cost=RenderCost(100, 2.0),
            new_cost=draw(st.sampled_from([RenderCost(120, 2.4), RenderCost(100, 2.0)] * 20
                                          + [RenderCost(121, 2.0), RenderCost(100, 2.41), None])))
            for scenario in ("default", "on-sale") for viewport in SETTINGS.viewports]
        dropped = draw(_mostly(None, 0, 3))
        components.append(make_component(
            name, cases=tuple(c for i, c in enumerate(cases) if i != dropped),
            patch=draw(_mostly(PatchEvidence(PatchStatus.OK), noted("offset"), noted("line_endings"),
                               PatchEvidence(PatchStatus.REBASED), PatchEvidence(PatchStatus.FAILED), None)),
            safety=draw(_mostly(Safety.SAFE, Safety.UNSAFE, Safety.UNCHECKED)),
            translation=draw(_mostly(translation(), translation(TranslationStatus.PARTIAL),
                                     translation(lossless=False), translation(operations=("raw",)),
                                     translation(unconverted_hunks=1), translation(TranslationStatus.FAILED),
                                     None))))
    return make_user("u001", *components, load_problems=draw(_mostly((), (LOAD,))))


def proof_gaps(ev: UserEvidence, s: Settings) -> list[str]:
    """Every condition of "eligible", written out plainly; returns the ones that do not hold."""
    gaps = ["load problem"] * len(ev.load_problems) + ([] if ev.components else ["no component"])
    for comp in ev.components:
        t, p = comp.translation, comp.patch
        confirm = {"offset", "rebased", "identified_base", "index_mismatch"}
        gaps += [] if p and p.status is PatchStatus.OK and not {n.kind for n in p.notes} & confirm else ["patch"]
        gaps += [] if comp.safety is Safety.SAFE else ["safety"]
        gaps += [] if t and t.status is TranslationStatus.COMPLETE and t.lossless else ["translation"]
        gaps += [] if t and not t.unconverted_hunks and "raw" not in t.operations else ["unconverted or raw"]
        required = [c for c in comp.cases if c.required]
        covered = {(c.scenario, c.viewport) for c in required}
        if not comp.scenarios or any((sc, v) not in covered for sc in comp.scenarios for v in s.viewports):
            gaps.append("coverage")
        for c in required:
            if c.missing or c.noisy or c.old_error or c.new_error or c.twin_error or c.noticeable_mismatches:
                gaps.append("case")
            if c.score is None or not s.pass_threshold <= c.score <= 1:
                gaps.append("score")
            if not (c.old_cost and c.new_cost and c.new_cost.nodes <= s.cost_ratio * c.old_cost.nodes
                    and c.new_cost.layout <= s.cost_ratio * c.old_cost.layout):
                gaps.append("cost")
    return gaps


@settings(max_examples=400, deadline=None)
@given(_users | _near_clean_users())
def test_eligible_exactly_when_every_condition_is_proven(ev: UserEvidence) -> None:
    verdict = decide(ev, SETTINGS)
    assert verdict.outcome is verdict.reasons[0].severity
    assert [r.severity.severity for r in verdict.reasons] == sorted(r.severity.severity for r in verdict.reasons)
    assert (verdict.outcome is Outcome.ELIGIBLE) == (proof_gaps(ev, SETTINGS) == [])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(sorted(CASES)), min_size=1, max_size=4, unique=True))
def test_any_degradation_of_clean_evidence_is_never_eligible(names: list[str]) -> None:
    ev = make_user()
    for name in names:
        ev = CASES[name][0](ev)
    assert decide(ev, SETTINGS).outcome is not Outcome.ELIGIBLE
