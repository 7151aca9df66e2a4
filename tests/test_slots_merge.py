"""ConfigMerger: layer semantics, origins, reset, and the algebra (associative, idempotent, reset-all)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.packs import default_packs
from harness.slots.config import SlotConfig
from harness.slots.merge import Tree, combine, layer_tree, resolve
from harness.slots.merger import ConfigMerger, Layer, MergedConfig
from harness.slots.registry import SlotRegistry

REGISTRY = SlotRegistry.for_pack(default_packs()["product-card"])
MERGER = REGISTRY.merger()


def _config(slots: dict[str, Any] | None = None, **top: Any) -> SlotConfig:
    return SlotConfig.model_validate({"component": "product-card", "version": "1.2.0", "slots": slots or {}, **top})


def _merge(*layers: tuple[str, dict[str, Any]]) -> MergedConfig:
    stack = [Layer("defaults", MERGER.defaults("1.2.0"))]
    stack += [Layer(name, _config(**data)) for name, data in layers]
    return MERGER.merge(*stack)


# --- semantics ------------------------------------------------------------------------------------

def test_defaults_layer_holds_every_declared_setting() -> None:
    merged = _merge()
    assert merged.ok, merged.errors
    assert merged.config.to_json()["slots"]["swatches"] == {"settings": {"show_swatches": True, "max_swatches": 5}}
    assert merged.origin("slots.swatches.settings.max_swatches") == "defaults"


def test_maps_merge_recursively_and_keep_origins() -> None:
    merged = _merge(("migrated", {"slots": {"title-link": {"attrs": {"title": "a"}, "text": {"plain": "x"}}}}),
                    ("user", {"slots": {"title-link": {"attrs": {"aria-label": "b"}}}}))
    assert merged.config.slots["title-link"] is not None
    assert merged.config.to_json()["slots"]["title-link"] == {
        "text": {"plain": "x"}, "attrs": {"title": "a", "aria-label": "b"}}
    assert merged.origin("slots.title-link.text") == "migrated"
    assert merged.origin("slots.title-link.attrs.aria-label") == "user"
    assert merged.origin("slots.title-link.attrs") is None  # two layers
    assert merged.origin("slots.title-link.attrs.title") == "migrated"


def test_null_deletes_an_override_but_removes_an_attribute() -> None:
    merged = _merge(("migrated", {"slots": {"title-link": {"attrs": {"title": "a"}, "text": {"plain": "x"}},
                                            "vendor": {"settings": {"show_vendor": False}}}}),
                    ("user", {"slots": {"title-link": {"attrs": {"title": None}, "text": None},
                                        "vendor": {"settings": {"show_vendor": None}}}}))
    data = merged.config.to_json()["slots"]
    assert data["title-link"] == {"attrs": {"title": None}}  # attribute removal is a value
    assert merged.origin("slots.title-link.attrs.title") == "user"
    assert data["vendor"]["settings"]["show_vendor"] is True  # back to the default
    assert merged.origin("slots.vendor.settings.show_vendor") == "defaults"


def test_classes_merge_as_sets_later_layer_wins() -> None:
    merged = _merge(("migrated", {"slots": {"title": {"classes": {"add": ["a", "b"], "remove": ["c"]}}}}),
                    ("user", {"slots": {"title": {"classes": {"add": ["c"], "remove": ["a"]}}}}))
    classes = merged.config.slots["title"].classes  # type: ignore[union-attr]
    assert classes is not None
    assert sorted(classes.add) == ["b", "c"]
    assert classes.remove == ("a",)
    assert merged.origin("slots.title.classes.a") == "user"
    assert merged.origin("slots.title.classes.b") == "migrated"


def test_order_text_wrap_and_insert_entries_are_replaced_whole() -> None:
    merged = _merge(
        ("migrated", {"slots": {"info": {"order": ["price", "title", "vendor", "rating", "swatches"],
                                          "insert": {"a": {"tag": "p", "classes": ["x"]}}}}}),
        ("user", {"slots": {"info": {"order": ["title", "price", "vendor", "rating", "swatches"],
                                     "insert": {"a": {"tag": "span"}}}}}))
    info = merged.config.to_json()["slots"]["info"]
    assert info["order"] == ["title", "price", "vendor", "rating", "swatches"]
    assert info["insert"] == {"a": {"tag": "span"}}  # not merged with the migrated entry's classes


def test_merged_order_is_validated() -> None:
    merged = _merge(("user", {"slots": {"info": {"order": ["title"]}}}))
    assert [(e.where.path, e.code, e.where.source) for e in merged.errors] == [
        ("slots.info.order", "slots.order_not_permutation", "user")]


def test_conflicts_and_unknown_slots_are_errors_with_paths() -> None:
    stack = [Layer("defaults", MERGER.defaults("1.2.0")),
             Layer("migrated", _config({"titel": {"visible": False}, "title": {"classes": {"add": ["a"], "remove": ["a"]}}})),
             Layer("user", SlotConfig.model_validate({"component": "product-card", "version": "1.1.0"}))]
    merged = MERGER.merge(*stack)
    found = {(e.where.path, e.code, e.where.source) for e in merged.errors}
    assert ("slots.titel", "slots.unknown_slot", "migrated") in found
    assert ("slots.title.classes", "slots.conflict", "migrated") in found
    assert ("version", "slots.conflict", None) in found
    assert not merged.ok


def test_reset_drops_one_override() -> None:
    merged = _merge(("migrated", {"slots": {"title": {"tag": "h2", "style": {"color": "red"}}}}),
                    ("user", {"slots": {"title": {"tag": "h4"}}}))
    reset = merged.reset("slots.title.tag")
    assert reset.config.to_json()["slots"]["title"] == {"style": {"color": "red"}}
    assert reset.origin("slots.title.tag") is None
    assert merged.overrides() == ("slots.title.style.color", "slots.title.tag")


def test_merge_without_declarations_keeps_the_components_name() -> None:
    merged = ConfigMerger().merge(Layer("a", _config({"x": {"visible": False}})))
    assert merged.config.component == "product-card"
    assert merged.ok  # no declarations, nothing to check slots against


# --- algebra ----------------------------------------------------------------------------------------

_tokens = st.sampled_from(["a", "b", "c"])
_maybe = st.one_of(st.none(), st.just("MISSING"))


@st.composite
def slot_overrides(draw: st.DrawFn) -> dict[str, Any] | None:
    if draw(st.integers(0, 9)) == 0:
        return None  # delete every override of the slot below
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["text"] = draw(st.one_of(st.none(), st.builds(lambda t: {"plain": t}, st.sampled_from(["x", "y"]))))
    if draw(st.booleans()):
        out["attrs"] = draw(st.one_of(st.none(), st.dictionaries(st.sampled_from(["title", "data-a"]),
                                                                  st.sampled_from(["1", "2", None]), max_size=2)))
    if draw(st.booleans()):
        ops = draw(st.dictionaries(_tokens, st.sampled_from(["add", "remove"]), max_size=3))
        out["classes"] = {"add": [t for t, o in ops.items() if o == "add"],
                          "remove": [t for t, o in ops.items() if o == "remove"]}
    if draw(st.booleans()):
        out["visible"] = draw(st.sampled_from([None, True, False]))
    if draw(st.booleans()):
        out["settings"] = draw(st.one_of(st.none(), st.dictionaries(st.just("show_vendor"),
                                                                     st.sampled_from([None, True, False]))))
    if draw(st.booleans()):
        out["insert"] = draw(st.one_of(st.none(), st.dictionaries(
            st.sampled_from(["i1", "i2"]), st.one_of(st.none(), st.builds(lambda t: {"tag": t},
                                                                          st.sampled_from(["p", "span"]))),
            max_size=2)))
    return out


@st.composite
def configs(draw: st.DrawFn) -> SlotConfig:
    slots = draw(st.dictionaries(st.sampled_from(["title", "vendor", "info"]), slot_overrides(), max_size=3))
    css = draw(st.dictionaries(st.sampled_from(["c1", "c2"]), st.sampled_from([".a{}", ".b{}", None]), max_size=2))
    return _config(slots, custom_css=css)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), configs(), configs())
def test_combine_is_associative(a: SlotConfig, b: SlotConfig, c: SlotConfig) -> None:
    ta, tb, tc = layer_tree(a, "a"), layer_tree(b, "b"), layer_tree(c, "c")
    assert combine(combine(ta, tb), tc) == combine(ta, combine(tb, tc))


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), configs())
def test_merge_is_idempotent(a: SlotConfig, b: SlotConfig) -> None:
    once = ConfigMerger().merge(Layer("a", a), Layer("b", b))
    twice = ConfigMerger().merge(Layer("a", a), Layer("b", b), Layer("b", b))
    assert once.config == twice.config
    assert once.origins == twice.origins
    tree = layer_tree(a, "a")
    doubled = combine(tree, tree)
    assert isinstance(doubled, Tree)
    assert resolve(doubled) == resolve(tree)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), configs(), configs())
def test_removing_every_override_restores_the_defaults(preset: SlotConfig, migrated: SlotConfig,
                                                       user: SlotConfig) -> None:
    defaults = Layer("defaults", MERGER.defaults("1.2.0"))
    merged = MERGER.merge(defaults, Layer("preset", preset), Layer("migrated", migrated), Layer("user", user))
    for path in merged.overrides():
        merged = merged.reset(path)
    baseline = MERGER.merge(defaults)
    assert merged.config == baseline.config
    assert merged.origins == baseline.origins
    assert set(merged.origins.values()) <= {"defaults"}


@pytest.mark.parametrize("path", ["slots", "slots.vendor", "custom_css", "slots.vendor.settings"])
def test_reset_of_a_subtree(path: str) -> None:
    merged = _merge(("user", {"slots": {"vendor": {"settings": {"show_vendor": False}, "visible": False}},
                              "custom_css": {"c": ".a{}"}}))
    reset = merged.reset(path)
    assert not any(leaf == path or leaf.startswith(path + ".") for leaf, layer in reset.origins.items()
                   if layer != "defaults")
