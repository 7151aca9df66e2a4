"""The translator pieces: the registry of kinds, assembling and validating configs, hunks, reports, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.errors import PackError, PatchError, Where
from harness.model import Customization
from harness.packs import default_packs
from harness.patching import apply_to_pack, unified_diff
from harness.slots import SlotRegistry
from translators import Translation, render_text, translate, translate_customization
from translators.assemble import Entry, assemble
from translators.base import Op, Outcome
from translators.changes import AnyChange, Change, FileChange, Lines
from translators.context import Context
from translators.hunks import assign, hunks_of
from translators.kinds import registry

PACKS = default_packs()
CARD = PACKS["product-card"]
REGISTRY = SlotRegistry.for_pack(CARD)
SLOTS = REGISTRY.resolve()
CTX = Context(CARD, REGISTRY, SLOTS, SLOTS.document, SLOTS.document, {})
TEMPLATE = CARD.current_version.files["template.html.j2"].decode()


def change(slot: str, summary: str = "a change") -> Change:
    path = SLOTS.slots[slot].path
    return Change("text", "template.html.j2", summary, path, base_path=path, base_lines=Lines(1, 1))


def entry(slot: str, *ops: Op, kind: str = "ops") -> Entry:
    outcome = Outcome.regular(*ops) if kind == "ops" else Outcome("raw", ops, "kept as raw code for a reason")
    return Entry(change(slot, f"change of {slot}"), "test", outcome)


def raw_replace(slot: str, source: str, reason: str = "why") -> Op:
    return Op(None, "raw", {"slot": slot, "position": "replace", "source": source, "reason": reason},
              key=f"{slot}-replace")


def customization(edits: list[tuple[str, str]], version: str = "1.2.0", file: str = "template.html.j2",
                  base_version: str | None = "1.2.0") -> Customization:
    before = dict(CARD.version(version).files)
    text = before[file].decode()
    for old, new in edits:
        text = text.replace(old, new, 1)
    after = {**before, file: text.encode()}
    return Customization("u1", "product-card", base_version, unified_diff(before, after, sorted(before)))


# --- the registry of kinds -------------------------------------------------------------------------

def test_every_kind_module_is_discovered_in_priority_order() -> None:
    found = registry()
    names = [t.name for t in found]
    assert len(set(names)) == len(names)
    assert [t.priority for t in found] == sorted(t.priority for t in found)
    assert {"script", "outside", "cross-slot", "settings", "visibility", "text", "classes", "attrs", "style", "tag",
            "wrap", "order", "insert", "css", "style-block", "raw", "fallback"} <= set(names)
    assert names[-1] == "fallback"
    assert names.index("script") < names.index("text") < names.index("raw")


def test_a_translator_that_crashes_fails_the_translation_not_the_run() -> None:
    class Broken:
        name = "broken"
        priority = 0

        def handles(self, change: AnyChange, ctx: Context) -> bool:
            return True

        def translate(self, change: AnyChange, ctx: Context) -> Outcome:
            raise KeyError("boom")

    record = customization([('<h3 class="card__title"', '<h3 class="card__title x"')])
    outcome = apply_to_pack(record.diff, pack=CARD, base_version="1.2.0", where=Where(user="u1"))
    result = translate(CARD, REGISTRY, outcome, user="u1", translators=[Broken(), *registry()])
    assert result.report.status == "failed"
    [bad] = result.report.changes
    assert bad.code == "translate.error"
    assert "KeyError" in bad.reason


# --- assembling ----------------------------------------------------------------------------------------

def test_operations_of_one_slot_merge() -> None:
    data, entries = assemble([entry("title", Op("title", "classes", {"add": ["a"], "remove": []})),
                              entry("title", Op("title", "classes", {"add": ["b"], "remove": ["c"]})),
                              entry("title", Op("title", "style", {"color": "red"}))], CTX)
    assert data["slots"]["title"] == {"classes": {"add": ["a", "b"], "remove": ["c"]}, "style": {"color": "red"}}
    assert all(e.outcome.kind == "ops" for e in entries)


def test_two_changes_setting_one_value_differently_conflict() -> None:
    _, entries = assemble([entry("badge-sale", Op("badge-sale", "text", {"plain": "A"})),
                           entry("badge-sale", Op("badge-sale", "text", {"plain": "B"}))], CTX)
    assert entries[0].outcome.kind == "ops"
    assert (entries[1].outcome.kind, entries[1].outcome.code) == ("unconverted", "translate.conflict")


def test_an_operation_the_validator_refuses_becomes_unconverted_and_the_rest_stays() -> None:
    hostile = {"rich": '<a href="javascript:alert(1)">x</a>'}
    data, entries = assemble([entry("badge-sale", Op("badge-sale", "text", hostile)),
                              entry("title", Op("title", "tag", "h2")),
                              entry("title", Op("title", "attrs", {"title": "x"}))], CTX)
    assert entries[0].outcome.code == "slots.unsafe_html"
    assert entries[1].outcome.kind == "ops"
    assert entries[2].outcome.code == "slots.op_not_allowed"
    assert data["slots"] == {"title": {"tag": "h2"}}


def test_a_raw_replacement_holds_the_changes_inside_its_slot() -> None:
    info = SLOTS.slots["info"].element.print()
    data, entries = assemble([entry("info", raw_replace("info", info), kind="raw"),
                              entry("title", Op("title", "classes", {"add": ["a"], "remove": []})),
                              entry("badge-sale", Op("badge-sale", "visible", False))], CTX)
    assert entries[1].covered_by == "info"
    assert entries[1].outcome.kind == "raw"
    assert entries[2].covered_by is None
    assert "title" not in data.get("slots", {})
    assert set(data["raw"]) == {"info-replace"}


def test_replacements_of_one_slot_keep_the_longest_source_and_every_reason() -> None:
    price = SLOTS.slots["price"].element.print()
    data, entries = assemble([entry("price", raw_replace("price", price, "first"), kind="raw"),
                              entry("price", raw_replace("price", "{% if x %}" + price + "{% endif %}", "second"),
                                    kind="raw")], CTX)
    assert data["raw"]["price-replace"]["source"].startswith("{% if x %}")
    assert data["raw"]["price-replace"]["reason"] == "first; second"
    assert all(e.outcome.kind == "raw" for e in entries)


def test_a_replacement_that_would_carry_an_unconverted_change_is_refused() -> None:
    price = SLOTS.slots["price"].element.print()
    script = Entry(change("price", "a script added"), "script", Outcome.unconverted("translate.script", "no scripts"))
    _, entries = assemble([script, entry("price", raw_replace("price", price + "<script>x()</script>"), kind="raw")],
                          CTX)
    assert entries[1].outcome.code == "translate.blocked_slot"
    assert "no scripts" in entries[1].outcome.reason


# --- hunks ---------------------------------------------------------------------------------------------

def test_changes_are_tied_to_the_hunks_they_touch() -> None:
    record = customization([('<h3 class="card__title"', '<h3 class="card__title x"'),
                            ('<ul class="card__swatches"', '<ul class="card__swatches y"')])
    hunks = hunks_of(record.diff, Where())
    assert [h.number for h in hunks] == [1, 2]
    title_line = TEMPLATE[:TEMPLATE.index('<h3 class="card__title"')].count("\n") + 1
    on_title = Change("classes", "template.html.j2", "t", (), base_lines=Lines(title_line, title_line))
    elsewhere = Change("format", "template.html.j2", "f", (), base_lines=Lines(3, 3))
    whole = FileChange("template.html.j2", "snippet", (), Lines(1, 10**9), Lines(1, 10**9))
    mapping = assign([on_title, elsewhere, whole], hunks)
    assert mapping[0] == [0, 1, 2]  # the format change has no hunk of its own: the nearest one takes it
    assert mapping[1] == [2]


# --- the report and the top-level entry points ----------------------------------------------------------

def test_the_report_reads_per_hunk_and_serializes() -> None:
    result = translate_customization(customization([
        ('<h3 class="card__title"', '<h3 class="card__title x"'),
        ('  </div>\n  {%- if settings.show_quick_add %}', '  </div>\n  <script>x()</script>\n  {%- if settings.show_quick_add %}')]),
        PACKS)
    assert isinstance(result, Translation)
    text = render_text(result.report, result.config)
    assert "hunk 1" in text
    assert "[ok] class 'x' added" in text
    assert "[UNCONVERTED] <script> added" in text
    assert "why: " in text
    assert '"unconverted"' in text
    data: dict[str, Any] = json.loads(json.dumps(result.report.as_dict()))
    assert data["status"] == "failed"
    assert data["lossless"] is False
    assert data["op_kinds"] == ["classes"]
    assert {c["outcome"] for h in data["hunks"] for c in h["changes"]} == {"ops", "unconverted"}


def test_a_diff_that_does_not_apply_is_returned_as_this_users_error() -> None:
    record = Customization("u9", "product-card", "1.2.0", b"--- a/template.html.j2\n+++ b/template.html.j2\n"
                           b"@@ -1,1 +1,1 @@\n-nothing like this\n+x\n")
    result = translate_customization(record, PACKS)
    assert isinstance(result, PatchError)
    assert result.where.user == "u9"


def test_an_unknown_component_is_returned_not_raised() -> None:
    result = translate_customization(Customization("u9", "no-such-card", None, b"x"), PACKS)
    assert isinstance(result, PackError)


@pytest.mark.parametrize("edit", [
    ("{%- set is_new = 'new' in product.tags -%}", "{%- set is_new = 'new' in product.tags -%}\n{%- set x = 1 -%}"),
    ("{{- product.title -}}", "{{- product.title | upper -}}"),
], ids=["outside-every-slot", "inside-a-text-slot"])
def test_each_change_of_a_translation_names_its_slot_or_none(edit: tuple[str, str]) -> None:
    result = translate_customization(customization([edit]), PACKS)
    assert isinstance(result, Translation)
    [report] = result.report.changes
    assert report.slot == (None if "set x" in edit[1] else "title-link")


def test_a_patched_template_that_is_not_utf8_fails_with_a_reason() -> None:
    from harness.patching import PatchOutcome

    files = dict(CARD.current_version.files)
    broken = {**files, "template.html.j2": files["template.html.j2"].replace(b"card__title", b"card\xe9title", 1)}
    outcome = PatchOutcome("1.2.0", "1.2.0", files, broken, ("template.html.j2",))
    result = translate(CARD, REGISTRY, outcome, user="u3")
    assert result.report.status == "failed"
    assert result.report.code == "translate.decode"
    assert "not UTF-8" in result.report.problems[0]
    assert result.config.is_empty()
