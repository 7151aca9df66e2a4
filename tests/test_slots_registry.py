"""SlotRegistry: slots.toml of every pack resolves on every version; bad declarations are refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.errors import SlotDeclarationError
from harness.jinjatree import node_at
from harness.packs import ComponentPack, default_packs, load_pack
from harness.slots.declarations import parse_declarations
from harness.slots.registry import SlotRegistry

PACKS = default_packs()
PAIRS = [(name, version) for name, pack in PACKS.items() for version in pack.versions]


@pytest.mark.parametrize(("component", "version"), PAIRS, ids=[f"{c}@{v}" for c, v in PAIRS])
def test_every_declared_slot_resolves_on_every_version(component: str, version: str) -> None:
    registry = SlotRegistry.for_pack(PACKS[component])
    slots = registry.resolve(version)
    for slot_id, decl in registry.declarations.slots.items():
        exists = decl.since is None or registry.versions.index(version) >= registry.versions.index(decl.since)
        assert (slot_id in slots.slots) == exists, slot_id
    for slot in slots.slots.values():
        assert node_at(slots.document, slot.path) == slot.element
    for container, units in slots.units.items():
        assert len(set(units.values())) == len(units), container


def test_defaults_are_read_from_the_anchor() -> None:
    slots = SlotRegistry.for_pack(PACKS["product-card"]).resolve("1.2.0")
    price = slots.slots["price"].defaults
    assert price.tag == "div"
    assert price.classes == ("card__price", "price")  # conditional tokens are not defaults
    assert ("class", 'card__price price{% if on_sale %} price--on-sale{% endif %}{% if sold_out %} price--sold-out'
                     "{% endif %}") in price.attributes
    assert slots.slots["title-link"].defaults.text == "{{- product.title -}}"
    assert slots.slots["swatches"].defaults.settings == {"show_swatches": True, "max_swatches": 5}


def test_container_units_group_conditional_children() -> None:
    slots = SlotRegistry.for_pack(PACKS["product-card"]).resolve("1.2.0")
    info = slots.slots["info"]
    vendor_unit = node_at(slots.document, (*info.path, slots.units["info"]["vendor"]))
    assert vendor_unit.print().startswith("{%- if settings.show_vendor and product.vendor %}")


def test_layers_stack_in_order() -> None:
    registry = SlotRegistry.for_pack(PACKS["product-card"])
    migrated = registry.merger().defaults("1.2.0")
    names = [layer.name for layer in registry.layers("1.2.0", migrated=migrated, user=(migrated, migrated))]
    assert names == ["defaults", "migrated", "user", "user-2"]


# --- refused declarations -------------------------------------------------------------------------

def _pack_copy(tmp_path: Path, slots_toml: str, preset: str | None = None) -> ComponentPack:
    root = tmp_path / "product-card"
    shutil.copytree(PACKS["product-card"].path, root)
    (root / "slots.toml").write_text(slots_toml, encoding="utf-8")
    if preset is not None:
        (root / "presets").mkdir(exist_ok=True)
        (root / "presets" / "1.2.0.json").write_text(preset, encoding="utf-8")
    return load_pack(root)


HEAD = 'schema = "phoenix.slots/1"\ncomponent = "product-card"\n'


@pytest.mark.parametrize(("body", "fragment"), [
    ('[slots.x]\nkind = "element"\nanchor = "div.nowhere"\n', "matches 0 elements"),
    ('[slots.x]\nkind = "element"\nanchor = "span.visually-hidden"\n', "elements, not 1"),
    ('[slots.x]\nkind = "element"\nanchor = "span.badge--new"\nsince = "9.0.0"\n', "not a version"),
    ('[slots.c]\nkind = "container"\nanchor = "div.product-card"\nchildren = ["t", "v"]\n'
     '[slots.t]\nkind = "element"\nanchor = "h3.card__title"\n'
     '[slots.v]\nkind = "element"\nanchor = "div.card__vendor"\n', "share one child unit"),
    ('[slots.c]\nkind = "container"\nanchor = "div.card__badges"\nchildren = ["t"]\n'
     '[slots.t]\nkind = "element"\nanchor = "h3.card__title"\n', "not inside container"),
    ('[slots.t]\nkind = "text"\nanchor = "h3.card__title"\nops = ["text"]\n'
     '[slots.l]\nkind = "text"\nanchor = "a.card__link"\n', "holds slot"),
    ('[slots.t]\nkind = "element"\nanchor = "img.card__image"\nops = ["tag"]\ntags = ["img"]\n', "no end tag"),
], ids=["missing", "ambiguous", "unknown-since", "shared-unit", "outside", "text-holds-slot", "void-tag"])
def test_declarations_that_do_not_hold_on_the_templates_are_refused(tmp_path: Path, body: str, fragment: str) -> None:
    pack = _pack_copy(tmp_path, HEAD + body)
    with pytest.raises(SlotDeclarationError) as info:
        SlotRegistry.for_pack(pack)
    assert fragment in info.value.message
    assert info.value.code == "slots.declaration"
    assert info.value.where.component == "product-card"


@pytest.mark.parametrize(("data", "fragment"), [
    ({"component": "x", "slots": {"a": {"kind": "element", "anchor": "p", "ops": ["order"]}}}, "cannot allow order"),
    ({"component": "x", "slots": {"a": {"kind": "element", "anchor": "p:hover"}}}, "cannot evaluate"),
    ({"component": "x", "slots": {"a": {"kind": "container", "anchor": "p", "children": ["zz"]}}}, "not another"),
    ({"component": "x", "slots": {"a": {"kind": "container", "anchor": "p", "ops": ["insert"]}}}, "[insert] table"),
    ({"component": "x", "slots": {"a": {"kind": "element", "anchor": "p", "settings": {
        "s": {"type": "int", "default": 50, "max": 10, "variable": "settings.s"}}}}}, "between"),
    ({"component": "x", "slots": {"a": {"kind": "element", "anchor": "p", "settings": {
        "s": {"type": "enum", "default": "q", "choices": ["a"], "variable": "settings.s"}}}}}, "one of"),
    ({"component": "x", "slots": {"A B": {"kind": "element", "anchor": "p"}}}, "lowercase"),
    ({"component": "x", "slots": {"a": {"kind": "element", "anchor": "p", "opz": []}}}, "does not match"),
], ids=["op-for-kind", "selector", "unknown-child", "insert-table", "int-range", "enum", "id", "unknown-key"])
def test_inconsistent_declarations_are_refused(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(SlotDeclarationError) as info:
        parse_declarations(data)
    assert fragment in info.value.message


def test_presets_load_and_join_the_stack(tmp_path: Path) -> None:
    toml = (PACKS["product-card"].path / "slots.toml").read_text(encoding="utf-8")
    preset = '{"component": "product-card", "version": "1.2.0", "slots": {"swatches": {"settings": {"max_swatches": 4}}}}'
    registry = SlotRegistry.for_pack(_pack_copy(tmp_path, toml, preset))
    layers = registry.layers("1.2.0")
    assert [layer.name for layer in layers] == ["defaults", "preset"]
    merged = registry.merger().merge(*layers)
    assert merged.origin("slots.swatches.settings.max_swatches") == "preset"


def test_invalid_preset_is_refused(tmp_path: Path) -> None:
    toml = (PACKS["product-card"].path / "slots.toml").read_text(encoding="utf-8")
    pack = _pack_copy(tmp_path, toml, '{"component": "product-card", "slots": {"nope": {}}}')
    with pytest.raises(SlotDeclarationError) as info:
        SlotRegistry.for_pack(pack)
    assert info.value.code == "slots.preset"
    assert "nope" in info.value.message


def test_every_pack_declares_its_slots() -> None:
    missing = [name for name, pack in PACKS.items() if not (pack.path / "slots.toml").is_file()]
    assert missing == [], f"packs without slots.toml: {missing} (declare their slots, docs/slots.md)"
