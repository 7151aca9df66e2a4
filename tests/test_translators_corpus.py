"""The fixture corpus (tests/translations): every kind of change, translated as the issue demands.

Translatable fixtures must come out ``complete`` and render, through the SlotRenderer, exactly what the
patched legacy template renders for every scenario (checked here independently of the translator's own
verification). No untranslatable fixture may report ``complete``; every incomplete report names the hunk
and the reason.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence

import pytest

from harness.errors import Where
from harness.htmlnorm import normalize_html
from harness.legacy import render_legacy
from harness.packs import default_packs
from harness.patching import apply_to_pack
from harness.slots import SlotRegistry, SlotRenderer
from tests.translations.corpus import Case, build_diff, load_cases, patched_files
from translators import Translation, render_text, translate_customization

PACKS = default_packs()
CASES = load_cases()
TRANSLATABLE = [c for c in CASES if c.translatable]
INCOMPLETE = [c for c in CASES if not c.translatable]
ALL_OPS = {"text", "attrs", "classes", "style", "visible", "tag", "wrap", "order", "insert", "settings",
           "custom_css", "raw"}
STYLE = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.IGNORECASE | re.DOTALL)


def ids(cases: Sequence[Case]) -> list[str]:
    return [c.id for c in cases]


@functools.cache
def translated(case_id: str) -> Translation:
    case = next(c for c in CASES if c.id == case_id)
    result = translate_customization(case.customization(), PACKS)
    assert isinstance(result, Translation), f"{case.id}: {result}"
    return result


def test_the_corpus_covers_every_kind_in_every_outcome() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.status for c in CASES} == {"complete", "partial", "failed"}
    assert {op for c in TRANSLATABLE for op in c.ops} == ALL_OPS - {"raw"}
    assert {op for c in CASES for op in c.ops} == ALL_OPS
    required = {"cb-escape-filter-dropped", "pc-percent-off-logic-in-slot", "pc-percent-off-top-level",
                "pc-sale-badge-commented-out", "pc-style-block", "pc-vendor-commented-out",
                "pc-duplicate-block-removed", "pc-reformat", "pc-duplicated-line", "pc-expression-in-start-tag",
                "pc-script", "pc-vendor-into-badges", "pc-rebased-class"}
    assert required <= {c.id for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_the_golden_diff_is_the_edit_of_the_real_pack_version(case: Case, update_goldens: bool) -> None:
    expected = build_diff(case, PACKS)
    if update_goldens:
        case.diff_path.write_bytes(expected)
    assert case.diff_path.read_bytes() == expected, "refresh with pytest --update-goldens"


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_the_translation_concludes_what_the_fixture_expects(case: Case) -> None:
    report = translated(case.id).report
    assert report.status == case.status, render_text(report)
    assert set(report.op_kinds) == set(case.ops), render_text(report)
    codes = {change.code for change in report.changes}
    assert set(case.codes) <= codes
    assert "translate.error" not in codes


@pytest.mark.parametrize("case", TRANSLATABLE, ids=ids(TRANSLATABLE))
def test_a_translatable_fixture_renders_like_the_patched_legacy_template(case: Case) -> None:
    pack = PACKS[case.component]
    registry = SlotRegistry.for_pack(pack)
    outcome = apply_to_pack(case.customization().diff, pack=pack, base_version=case.customization().base_version,
                            where=Where(user=case.id))
    translation = translated(case.id)
    assert translation.report.lossless
    merged = registry.merger().merge(*registry.layers(pack.current, migrated=translation.config))
    renderer = SlotRenderer(pack, registry=registry)
    for scenario in pack.scenarios:
        legacy = render_legacy(pack, outcome.patched_files, scenario.data).html
        new = renderer.render(merged, scenario.data).html
        assert normalize_html(STYLE.sub("", new)) == normalize_html(STYLE.sub("", legacy)), scenario.name
    assert all(check.ok for check in translation.report.verification)
    assert len(translation.report.verification) == len(pack.scenarios)


@pytest.mark.parametrize("case", INCOMPLETE, ids=ids(INCOMPLETE))
def test_an_incomplete_report_names_each_hunk_and_a_reason_in_words(case: Case) -> None:
    translation = translated(case.id)
    report = translation.report
    assert report.status != "complete"
    flagged = [(hunk, change) for hunk in report.hunks for change in hunk.changes
               if change.outcome in ("unconverted", "review", "raw")]
    assert flagged
    for hunk, change in flagged:
        assert len(change.reason.split()) >= 6, change.reason
        assert not re.search(r"Traceback|object at 0x|\bNone\b|Error\(", change.reason), change.reason
        assert hunk.header.startswith("@@ ")
    for line in report.reasons():
        assert re.match(r"\S+ hunk \d+: ", line) or line.startswith("scenario "), line
    text = render_text(report, translation.config)
    assert all(f"hunk {hunk.number}" in text for hunk, _ in flagged)


@pytest.mark.parametrize("case", [c for c in CASES if c.status == "failed"],
                         ids=ids([c for c in CASES if c.status == "failed"]))
def test_unconverted_hunks_are_kept_in_the_config(case: Case) -> None:
    translation = translated(case.id)
    unconverted = [u for u in translation.config.unconverted.values() if u is not None]
    assert unconverted
    diff = case.customization().diff.decode()
    for entry in unconverted:
        assert entry.header in diff
        assert entry.reason
        assert entry.code.startswith(("translate.", "slots."))
        assert all(line[1:] in diff for line in entry.text.splitlines() if line[:1] in "+-")


def test_partial_translations_keep_raw_code_for_review() -> None:
    raw_cases = [c for c in CASES if "raw" in c.ops]
    assert raw_cases
    for case in raw_cases:
        config = translated(case.id).config
        assert config.raw
        assert all(entry is not None and entry.reason for entry in config.raw.values())


@pytest.mark.parametrize("case_id", ["pc-class-added", "pc-price-conditional", "pc-script", "pc-css-rule-changed"])
def test_translation_is_deterministic(case_id: str) -> None:
    case = next(c for c in CASES if c.id == case_id)
    first = translate_customization(case.customization(), PACKS)
    second = translate_customization(case.customization(), PACKS)
    assert isinstance(first, Translation)
    assert isinstance(second, Translation)
    assert json.dumps(first.config.to_json()) == json.dumps(second.config.to_json())
    assert first.report.as_dict() == second.report.as_dict()


def test_the_rebased_fixture_says_it_was_rebased() -> None:
    report = translated("pc-rebased-class").report
    assert report.rebased
    assert (report.base_version, report.target_version) == ("1.0.0", "1.2.0")
    assert any("rebased" in event or "merged" in event for event in report.events)


def test_the_style_block_becomes_scoped_component_css() -> None:
    config = translated("pc-style-block").config
    [css] = [v for v in config.custom_css.values() if v is not None]
    assert "&.card__title, & .card__title" in css
    assert "letter-spacing: 0.03em" in css


def test_the_vendor_comment_out_uses_the_existing_setting() -> None:
    slots = translated("pc-vendor-commented-out").config.slots
    vendor = slots["vendor"]
    assert vendor is not None
    assert vendor.settings == {"show_vendor": False}


def test_the_case_edits_apply_to_their_versions() -> None:
    for case in CASES:
        before, after = patched_files(case, PACKS)
        assert before != after, case.id
