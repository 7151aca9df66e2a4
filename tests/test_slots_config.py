"""Slot configs: the model and its JSON Schema, hostile content, and checks against a pack's declarations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.errors import SlotConfigError
from harness.packs import default_packs
from harness.slots.config import SlotConfig, json_schema_text
from harness.slots.registry import SlotRegistry
from harness.slots.validate import MAX_STRING_BYTES, load_config

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "slot-config.v1.json"
PACK = default_packs()["product-card"]
REGISTRY = SlotRegistry.for_pack(PACK)


def _check(slots: dict[str, Any] | None = None, **top: Any) -> list[SlotConfigError]:
    data = {"schema": "phoenix.slot-config/1", "component": "product-card", "version": "1.2.0",
            "slots": slots or {}, **top}
    return list(load_config(data, REGISTRY.declarations, versions=REGISTRY.versions).errors)


def _codes(errors: list[SlotConfigError]) -> dict[str, str]:
    return {str(e.where.path): e.code for e in errors}


def test_committed_schema_matches_the_models(update_goldens: bool) -> None:
    text = json_schema_text()
    if update_goldens:
        SCHEMA.write_text(text, encoding="utf-8")
    assert SCHEMA.read_text(encoding="utf-8") == text, \
        "schemas/slot-config.v1.json is stale: run `phoenix slots schema --write` or pytest --update-goldens"


def test_schema_forbids_unknown_keys_everywhere() -> None:
    schema = json.loads(json_schema_text())
    assert schema["additionalProperties"] is False
    assert all(d.get("additionalProperties") is False for d in schema["$defs"].values() if d.get("type") == "object")


def test_a_full_config_round_trips() -> None:
    data = {
        "schema": "phoenix.slot-config/1", "component": "product-card", "version": "1.2.0",
        "slots": {
            "title-link": {"text": {"template": "{{ product.title | upper }}"}, "attrs": {"title": None}},
            "title": {"tag": "h2", "classes": {"add": ["big"], "remove": ["card__title"]}, "style": {"color": "red"}},
            "vendor": {"visible": False, "settings": {"show_vendor": False}},
            "info": {"order": ["price", "title", "vendor", "rating", "swatches"],
                     "insert": {"promo": {"position": "after", "ref": "price", "tag": "p", "classes": ["promo"],
                                          "attrs": {"data-kind": "promo"}, "content": {"rich": "<em>Free</em>"}}}},
            "media": {"wrap": {"tag": "div", "classes": ["frame"], "attrs": {}}},
        },
        "custom_css": {"accent": ".card__title { color: var(--accent) }"},
        "raw": {"r1": {"slot": "price", "position": "append", "source": "{% if x %}y{% endif %}", "reason": "logic"}},
        "unconverted": {"h2": {"file": "template.html.j2", "hunk": 2, "header": "@@ -1 +1 @@", "text": "-a\n+b\n",
                               "code": "translate.script", "reason": "adds a script"}},
    }
    check = load_config(data, REGISTRY.declarations, versions=REGISTRY.versions)
    assert check.ok, [str(e) for e in check.errors]
    assert check.config is not None
    assert check.config.to_json() == data
    assert SlotConfig.model_validate(check.config.to_json()) == check.config


@pytest.mark.parametrize(("data", "path", "fragment"), [
    ({"slots": {"title": {"text": {"bogus": "x"}}}}, "slots.title.text", "does not match any allowed form"),
    ({"slots": {"title": {"visible": "no"}}}, "slots.title.visible", "boolean"),
    ({"slots": {"title": {"colour": "red"}}}, "slots.title.colour", "Extra inputs"),
    ({"slots": {"title": {"attrs": {"title": 3}}}}, "slots.title.attrs.title", "does not match any allowed form"),
    ({"component": None}, "component", "string"),
    ({"schema": "phoenix.slot-config/2"}, "schema", "phoenix.slot-config/1"),
], ids=["text-shape", "bool", "unknown-op", "attr-type", "component", "schema-id"])
def test_shape_errors_name_the_path(data: dict[str, Any], path: str, fragment: str) -> None:
    base = {"component": "product-card", **data}
    errors = load_config(base).errors
    assert [e.where.path for e in errors] == [path]
    assert fragment in errors[0].message
    assert errors[0].code == "slots.schema"


# --- hostile content --------------------------------------------------------------------------------

@pytest.mark.parametrize(("slots", "top", "path", "code", "reason"), [
    ({"badge-sale": {"text": {"rich": "<script>alert(1)</script>Sale"}}}, {}, "slots.badge-sale.text",
     "slots.unsafe_html", "<script>"),
    ({"badge-sale": {"text": {"rich": "<b onmouseover=alert(1)>Sale</b>"}}}, {}, "slots.badge-sale.text",
     "slots.unsafe_html", "onmouseover"),
    ({"badge-sale": {"text": {"rich": "<img src=x onerror=alert(1)>"}}}, {}, "slots.badge-sale.text",
     "slots.unsafe_html", "onerror"),
    ({"badge-sale": {"text": {"template": "<script>{{ x }}</script>"}}}, {}, "slots.badge-sale.text",
     "slots.unsafe_html", "<script>"),
    ({"badge-sale": {"text": {"template": "{{ product.title | safe }}"}}}, {}, "slots.badge-sale.text",
     "slots.unsafe_template", "safe"),
    ({"badge-sale": {"text": {"template": "{{ product.__class__.__mro__ }}"}}}, {}, "slots.badge-sale.text",
     "slots.unsafe_template", "internals"),
    ({"badge-sale": {"text": {"template": "{{ cycler.__init__.__globals__ }}"}}}, {}, "slots.badge-sale.text",
     "slots.unsafe_template", "internals"),
    ({"badge-sale": {"text": {"template": "{% for x in y %}{{ x }}{% endfor %}"}}}, {}, "slots.badge-sale.text",
     "slots.unsafe_template", "statements"),
    ({"title-link": {"attrs": {"onclick": "steal()"}}}, {}, "slots.title-link.attrs.onclick",
     "slots.unsafe_attribute", "event handler"),
    ({"title-link": {"attrs": {"OnError": "x"}}}, {}, "slots.title-link.attrs.OnError",
     "slots.unsafe_attribute", "event handler"),
    ({"title-link": {"attrs": {"data-x": "1", "style": "color:red"}}}, {}, "slots.title-link.attrs.style",
     "slots.unsafe_attribute", "style"),
    ({"card": {"insert": {"x": {"tag": "p", "attrs": {"href": "javascript:alert(1)"}}}}}, {},
     "slots.card.insert.x.attrs.href", "slots.unsafe_url", "javascript:"),
    ({"card": {"insert": {"x": {"tag": "p", "attrs": {"href": " JaVa&#x09;script:x"}}}}}, {},
     "slots.card.insert.x.attrs.href", "slots.unsafe_url", "javascript:"),
    ({"card": {"insert": {"x": {"tag": "p", "attrs": {"href": "data:text/html;base64,PHNjcmlwdD4="}}}}}, {},
     "slots.card.insert.x.attrs.href", "slots.unsafe_url", "data:"),
    ({"card": {"insert": {"x": {"tag": "script"}}}}, {}, "slots.card.insert.x.tag", "slots.tag_not_allowed",
     "<script>"),
    ({"title": {"style": {"background": "url(https://evil.example/x.png)"}}}, {}, "slots.title.style.background",
     "slots.unsafe_css", "url("),
    ({"title": {"style": {"color": "red; position: fixed"}}}, {}, "slots.title.style.color",
     "slots.unsafe_css", "';'"),
    ({}, {"custom_css": {"x": "} body { display: none"}}, "custom_css.x", "slots.unsafe_css", "body"),
    ({}, {"custom_css": {"x": ":root { --brand: red }"}}, "custom_css.x", "slots.unsafe_css", ":root"),
    ({}, {"custom_css": {"x": "html .a { color: red }"}}, "custom_css.x", "slots.unsafe_css", "html"),
    ({}, {"custom_css": {"x": "@import url(https://evil.example/a.css);"}}, "custom_css.x", "slots.unsafe_css",
     "@import"),
    ({}, {"custom_css": {"x": "@font-face { font-family: x; src: url(x.woff) }"}}, "custom_css.x",
     "slots.unsafe_css", "@font-face"),
    ({}, {"custom_css": {"x": ".a { width: expression(alert(1)) }"}}, "custom_css.x", "slots.unsafe_css",
     "expression"),
    ({}, {"custom_css": {"x": ".a { color: red } </style><script>alert(1)</script>"}}, "custom_css.x",
     "slots.unsafe_css", "markup"),
    ({}, {"custom_css": {"x": ".a { color: red } /*"}}, "custom_css.x", "slots.unsafe_css", "unterminated"),
    ({}, {"custom_css": {"x": ".a { position: fixed; inset: 0 }"}}, "custom_css.x", "slots.unsafe_css", "fixed"),
    ({}, {"raw": {"r": {"slot": "price", "position": "after", "source": "{{ ''.__class__ }}", "reason": "x"}}},
     "raw.r.source", "slots.unsafe_template", "internal"),
], ids=lambda v: v if isinstance(v, str) and "." in v and " " not in v else None)
def test_hostile_content_is_rejected_with_a_path_and_a_reason(
        slots: dict[str, Any], top: dict[str, Any], path: str, code: str, reason: str) -> None:
    errors = _check(slots, **top)
    found = [e for e in errors if e.where.path == path]
    assert found, [str(e) for e in errors]
    assert code in {e.code for e in found}
    assert any(reason in e.message for e in found), [e.message for e in found]
    assert all(e.fix for e in found)


def test_ten_megabyte_strings_are_rejected_without_sanitizing_them() -> None:
    huge = "a" * (10 * 1024 * 1024)
    errors = _check({"badge-sale": {"text": {"rich": huge}}}, custom_css={"x": huge})
    by_path = _codes(errors)
    assert by_path["slots.badge-sale.text.rich"] == "slots.too_large"
    assert by_path["custom_css.x"] == "slots.too_large"
    assert by_path[""] == "slots.too_large"  # the whole config is over 1 MB too
    assert str(MAX_STRING_BYTES // 1024) in "64"


def test_benign_rich_text_passes_even_when_spelled_differently_from_the_sanitizer() -> None:
    assert _check({"badge-sale": {"text": {"rich": "Save <b>big</b> &amp; <br/> more & <a href='/sale'>now</a>"}}}) == []


# --- against declarations -----------------------------------------------------------------------------

@pytest.mark.parametrize(("slots", "path", "code"), [
    ({"titel": {"visible": False}}, "slots.titel", "slots.unknown_slot"),
    ({"price": {"tag": "h2"}}, "slots.price.tag", "slots.op_not_allowed"),
    ({"title": {"tag": "marquee"}}, "slots.title.tag", "slots.tag_not_allowed"),
    ({"title": {"visible": False}}, "slots.title.visible", "slots.op_not_allowed"),
    ({"title-link": {"attrs": {"target": "_blank"}}}, "slots.title-link.attrs.target", "slots.op_not_allowed"),
    ({"info": {"order": ["title", "vendor"]}}, "slots.info.order", "slots.order_not_permutation"),
    ({"info": {"order": ["title", "title", "vendor", "price", "rating"]}}, "slots.info.order",
     "slots.order_not_permutation"),
    ({"badges": {"insert": {"a": {"tag": "span"}, "b": {"tag": "span"}, "c": {"tag": "span"}}}}, "slots.badges.insert",
     "slots.insert_limit"),
    ({"badges": {"insert": {"a": {"tag": "span", "content": {"rich": "<b>x</b>"}}}}},
     "slots.badges.insert.a.content", "slots.insert_kind"),
    ({"badges": {"insert": {"a": {"tag": "div"}}}}, "slots.badges.insert.a.tag", "slots.tag_not_allowed"),
    ({"info": {"insert": {"a": {"tag": "p", "position": "before", "ref": "media"}}}}, "slots.info.insert.a.ref",
     "slots.insert_ref"),
    ({"info": {"insert": {"a": {"tag": "p", "position": "append", "ref": "title"}}}}, "slots.info.insert.a.ref",
     "slots.insert_ref"),
    ({"info": {"insert": {"title": {"tag": "p"}}}}, "slots.info.insert.title", "slots.conflict"),
    ({"swatches": {"settings": {"max_swatches": 99}}}, "slots.swatches.settings.max_swatches", "slots.setting_invalid"),
    ({"swatches": {"settings": {"max_swatches": True}}}, "slots.swatches.settings.max_swatches",
     "slots.setting_invalid"),
    ({"card": {"settings": {"image_ratio": "round"}}}, "slots.card.settings.image_ratio", "slots.setting_invalid"),
    ({"vendor": {"settings": {"show_vendr": False}}}, "slots.vendor.settings.show_vendr", "slots.setting_invalid"),
    ({"title": {"classes": {"add": ["a"], "remove": ["a"]}}}, "slots.title.classes", "slots.conflict"),
    ({"title": {"classes": {"add": ["a b"]}}}, "slots.title.classes.add", "slots.bad_name"),
], ids=lambda v: v if isinstance(v, str) and v.startswith("slots.") and v.count(".") >= 2 else None)
def test_declaration_violations(slots: dict[str, Any], path: str, code: str) -> None:
    errors = _check(slots)
    assert _codes(errors).get(path) == code, [str(e) for e in errors]


def test_unknown_slot_suggests_the_closest_ids() -> None:
    [error] = _check({"titel": {"visible": False}})
    assert error.fix is not None
    assert "title" in error.fix
    assert error.where.slot == "titel"
    assert error.where.component == "product-card"


def test_slot_from_a_later_version_is_refused_on_an_earlier_one() -> None:
    errors = load_config({"component": "product-card", "version": "1.0.0",
                          "slots": {"unit-price": {"visible": False}}},
                         REGISTRY.declarations, versions=REGISTRY.versions).errors
    assert [(e.where.path, e.code) for e in errors] == [("slots.unit-price", "slots.unknown_slot")]


def test_every_error_is_collected_not_just_the_first() -> None:
    errors = _check({"titel": {}, "title": {"tag": "marquee", "visible": False},
                     "title-link": {"attrs": {"onclick": "x"}}}, custom_css={"x": ":root{}"})
    assert {e.where.path for e in errors} >= {"slots.titel", "slots.title.tag", "slots.title.visible",
                                               "slots.title-link.attrs.onclick", "custom_css.x"}


def test_config_for_another_component_or_version() -> None:
    errors = load_config({"component": "cart-line", "version": "9.9.9"}, REGISTRY.declarations,
                         versions=REGISTRY.versions).errors
    assert _codes(list(errors)) == {"component": "slots.component_mismatch", "version": "slots.unknown_version"}
