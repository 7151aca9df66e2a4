"""check_user: every stage's outcome becomes evidence and a verdict; nothing crashes the fleet (no browser)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from harness.errors import BrowserNotFoundError, TranslationError
from harness.evidence import Safety, TranslationStatus
from harness.model import LoadProblem
from harness.packs import ComponentPack
from harness.patching.values import PatchOutcome
from harness.runner.pipeline import check_user
from harness.runner.result import UserResult
from harness.settings import Settings
from harness.slots import SlotConfig, SlotRegistry
from tests.test_runner_support import (
    FakeRenderer,
    FakeReport,
    FakeTranslation,
    broken_diff,
    context,
    crash_diff,
    customization,
    diff_of,
    extra_element_diff,
    identity_translate,
    invisible_diff,
    record,
    unsafe_diff,
)


def check(diff: str, **kwargs: Any) -> UserResult:
    return check_user([customization(record("u1", diff, truth="eligible"))], context(**kwargs), input_key="k1")


def test_an_invisible_change_is_eligible_with_every_case_measured() -> None:
    result = check(invisible_diff())
    assert (result.status, result.verdict.rule) == ("eligible", "eligible")
    comp = result.components[0]
    assert [(c.scenario, c.viewport) for c in comp.cases] == [("default", "390x844"), ("on-sale", "390x844")]
    assert all(c.score == 1.0 and not c.errors for c in comp.cases)
    assert comp.target_version == "1.2.0"
    assert comp.slot_config is not None
    assert comp.slot_config["component"] == "product-card"
    assert result.document_keys() == set(result.documents), "every case names documents that travel with it"
    assert result.input_key == "k1"
    assert result.complexity == "simple"


def test_a_visible_change_the_translation_lost_is_not_eligible() -> None:
    result = check(extra_element_diff())
    assert result.status in ("review", "blocked")
    assert result.fingerprints(), "the difference is fingerprinted for grouping across users"
    assert all(m.noticeable for _, _, _, m in result.fingerprints())


@pytest.mark.parametrize(("diff", "rule"), [
    pytest.param(broken_diff(), "patch_failed", id="patch-fails"),
    pytest.param(unsafe_diff(), "unsafe_template", id="unsafe-template"),
])
def test_a_stage_that_fails_blocks_without_rendering(diff: str, rule: str) -> None:
    renderer = FakeRenderer()
    result = check(diff, renderer=renderer)
    assert (result.status, result.verdict.rule) == ("blocked", rule)
    assert renderer.calls == [], "nothing is rendered for a component that stopped early"
    assert result.components[0].cases == ()


def test_unsafe_template_evidence_names_the_problem() -> None:
    result = check(unsafe_diff())
    comp = result.evidence.components[0]
    assert comp.safety is Safety.UNSAFE
    assert comp.safety_problem is not None
    assert comp.safety_problem.code == "template.unsafe"


def test_a_load_problem_and_an_unknown_component_are_blocked_records() -> None:
    problem = LoadProblem("u1", "product-card", "fleet.jsonl:3", "input.missing_key", "the record lacks diff", "fix")
    unknown = customization(record("u1", invisible_diff(), component="hero-banner"))
    result = check_user([problem, unknown], context())
    assert (result.status, result.verdict.rule) == ("blocked", "load_problem")
    codes = sorted(p.code for p in result.evidence.load_problems)
    assert codes == ["input.missing_key", "pack.unknown_component"]


def test_an_unexpected_exception_is_that_users_error_never_eligible() -> None:
    result = check(crash_diff())
    assert result.status == "error"
    assert result.error is not None
    assert result.error.code == "harness.crash"
    assert "RuntimeError" in result.error.message
    assert result.verdict.outcome.value == "review", "a harness error never reads as eligible"
    assert result.components[0].component == "product-card", "the record is kept for the report"


def test_a_translation_error_is_blocked_as_translation_failed() -> None:
    def refuse(pack: ComponentPack, registry: SlotRegistry, outcome: PatchOutcome) -> FakeTranslation:
        raise TranslationError("no translator handles this change", code="translate.unsupported")

    result = check(invisible_diff(), translator=refuse)
    assert (result.status, result.verdict.rule) == ("blocked", "translation_failed")
    translation = result.evidence.components[0].translation
    assert translation is not None
    assert translation.status is TranslationStatus.FAILED
    assert translation.error is not None
    assert translation.error.code == "translate.unsupported"


def test_a_partial_translation_is_review() -> None:
    def partial(pack: ComponentPack, registry: SlotRegistry, outcome: PatchOutcome) -> FakeTranslation:
        return replace(identity_translate(pack, registry, outcome), report=FakeReport("partial", False))

    result = check(invisible_diff(), translator=partial)
    assert (result.status, result.verdict.rule) == ("review", "translation_partial")


def test_a_new_render_that_breaks_blocks() -> None:
    def broken_css(pack: ComponentPack, registry: SlotRegistry, outcome: PatchOutcome) -> FakeTranslation:
        config = SlotConfig.model_validate({"component": pack.name, "version": outcome.target_version,
                                            "custom_css": {"x": "/* RENDER-FAIL */ .a { color: red }"}})
        return FakeTranslation(config, FakeReport("complete", True))

    result = check(invisible_diff(), translator=broken_css)
    assert (result.status, result.verdict.rule) == ("blocked", "new_render_broken")
    assert all("new" in case.errors for case in result.components[0].cases)


def test_an_old_render_that_fails_is_missing_evidence_not_a_low_score() -> None:
    result = check(diff_of("template.html.j2", lambda t: t + "<!-- RENDER-FAIL -->\n"))
    assert (result.status, result.verdict.rule) == ("review", "evidence_missing")
    assert all(case.score is None for case in result.components[0].cases)


def test_a_legacy_page_that_differs_from_its_twin_is_noisy_review() -> None:
    result = check(diff_of("template.html.j2", lambda t: t + "<!-- NOISY -->\n"))
    assert (result.status, result.verdict.rule) == ("review", "noisy")
    assert all(case.noisy and case.noise for case in result.components[0].cases)


def test_one_render_call_per_lane_per_user_and_errors_are_retried() -> None:
    renderer = FakeRenderer()
    settings = Settings(viewports=("390x844", "1280x800"), scenarios=("default", "on-sale"), retries=2)
    result = check_user([customization(record("u1", invisible_diff())),
                         customization(record("u1", invisible_diff(component="quick-view"), component="quick-view",
                                              base=None))], context(renderer, settings=settings))
    assert [c.component for c in result.components] == ["product-card", "quick-view"]
    assert all(c.cases for c in result.components)
    assert [lane for lane, _ in renderer.calls] == ["primary", "twin"], "two components, one batch per lane"
    renderer = FakeRenderer()
    check(diff_of("template.html.j2", lambda t: t + "<!-- RENDER-FAIL -->\n"), renderer=renderer,
          settings=settings)
    assert [lane for lane, _ in renderer.calls] == ["primary"] * 3 + ["twin"] * 3, \
        "the failed renders were retried `retries` times in each lane"
    assert [n for _, n in renderer.calls] == [8, 4, 4, 4, 4, 4], "only the failed requests are retried"


def test_no_browser_is_not_a_users_result() -> None:
    class NoBrowser(FakeRenderer):
        def render(self, requests: Any, *, lane: Any = "primary") -> Any:
            raise BrowserNotFoundError("no Chromium found", fix="install one")

    with pytest.raises(BrowserNotFoundError):
        check(invisible_diff(), renderer=NoBrowser())


def test_the_result_round_trips_through_json_and_truth_is_carried_not_used() -> None:
    result = check(extra_element_diff())
    again = UserResult.from_json(result.to_json())
    assert again == result
    assert again.truth == {"product-card": {"user_verdict": "eligible"}}
    without_truth = check_user([customization(record("u1", extra_element_diff()))], context(), input_key="k1")
    assert without_truth.verdict == result.verdict, "the ground truth never changes a decision"
    assert without_truth.truth is None
    assert "timings" not in result.comparable()
    assert result.timings["total"] >= result.timings["render"] > 0


def test_a_diff_that_is_not_utf8_survives_the_round_trip() -> None:
    row = record("u1", invisible_diff())
    raw = customization(row)
    raw = replace(raw, diff=raw.diff.replace(b"note", b"n\xe9te"))
    result = check_user([raw], context())
    again = UserResult.from_json(result.to_json())
    assert again.customizations()[0].diff == raw.diff
