"""SlotRenderer: parity with the legacy render by construction, every operation, and safety of valid configs."""

from __future__ import annotations

import re
from typing import Any

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.errors import SlotConfigError
from harness.htmlnorm import normalize_html
from harness.legacy import render_legacy
from harness.packs import default_packs
from harness.slots.config import SlotConfig
from harness.slots.declarations import SlotDecl
from harness.slots.registry import SlotRegistry
from harness.slots.render import SlotRenderer
from harness.slots.validate import validate_config

PACKS = default_packs()
CASES = [(name, version, scenario.name) for name, pack in PACKS.items() for version in pack.versions
         for scenario in pack.scenarios]
CARD = PACKS["product-card"]
RENDERER = SlotRenderer(CARD)
DEFAULT = CARD.scenario("default").data
MARKERS = re.compile(r' data-slot="[^"]*"')


def _config(slots: dict[str, Any] | None = None, **top: Any) -> SlotConfig:
    return SlotConfig.model_validate({"component": "product-card", "version": "1.2.0", "slots": slots or {}, **top})


def _dom(html: str) -> Any:
    return lxml.html.fragment_fromstring(html, create_parent="div")


@pytest.mark.parametrize(("component", "version", "scenario"), CASES, ids=["/".join(c) for c in CASES])
def test_empty_config_renders_exactly_the_legacy_template(component: str, version: str, scenario: str) -> None:
    pack = PACKS[component]
    data = pack.scenario(scenario).data
    legacy = render_legacy(pack, pack.version(version).files, data)
    new = SlotRenderer(pack).render(SlotConfig(component=component, version=version), data)
    assert normalize_html(new.html) == normalize_html(legacy.html)
    assert MARKERS.sub("", new.html) == legacy.html  # stronger: only the markers differ
    assert new.css == legacy.css


@pytest.mark.parametrize(("component", "version", "scenario"), CASES, ids=["/".join(c) for c in CASES])
def test_defaults_layer_alone_never_changes_a_render(component: str, version: str, scenario: str) -> None:
    pack = PACKS[component]
    registry = SlotRegistry.for_pack(pack)
    merged = registry.merger().merge(*registry.layers(version))
    data = pack.scenario(scenario).data
    legacy = render_legacy(pack, pack.version(version).files, data)
    assert normalize_html(SlotRenderer(pack).render(merged, data).html) == normalize_html(legacy.html)


def test_empty_template_is_the_legacy_source_plus_markers() -> None:
    source = CARD.current_version.files[CARD.entry].decode()
    template = RENDERER.template(_config())
    assert MARKERS.sub("", template) == source
    assert len(MARKERS.findall(template)) == len(SlotRegistry.for_pack(CARD).resolve().slots)


# --- operations --------------------------------------------------------------------------------------

def test_text_attrs_classes_style_tag() -> None:
    html = RENDERER.render(_config({
        "title-link": {"text": {"template": "Buy {{ product.title | upper }} &amp; save"},
                       "attrs": {"title": "<see>", "data-x": {"template": "id-{{ product.id }}"}}},
        "title": {"tag": "h2", "classes": {"add": ["title--big"], "remove": ["card__title"]},
                  "style": {"color": "red"}},
    }), DEFAULT).html
    dom = _dom(html)
    [title] = dom.cssselect("h2.title--big")
    assert "card__title" not in title.get("class")
    assert title.get("style") == "color: red"
    [link] = title.cssselect("a.card__link")
    assert link.text_content() == "Buy LINEN OVERSHIRT & save"
    assert link.get("title") == "<see>"
    assert link.get("data-x") == "id-8011"
    assert not dom.cssselect("h3")


def test_plain_text_is_inert() -> None:
    html = RENDERER.render(_config({"title-link": {"text": {"plain": "{{ 7*7 }} <b>x</b>"}}}), DEFAULT).html
    [link] = _dom(html).cssselect("a.card__link")
    assert link.text_content() == "{{ 7*7 }} <b>x</b>"
    assert not link.cssselect("b")


def test_rich_text_with_braces_is_not_evaluated() -> None:
    html = RENDERER.render(_config({"title-link": {"text": {"rich": "<em>{{ 7*7 }}</em>"}}}), DEFAULT).html
    [em] = _dom(html).cssselect("a.card__link em")
    assert em.text_content() == "{{ 7*7 }}"


def test_order_moves_whole_child_units() -> None:
    html = RENDERER.render(_config({"info": {"order": ["price", "vendor", "title", "swatches", "rating"]}}), DEFAULT).html
    info = _dom(html).cssselect("div.card__info")[0]
    assert [child.get("data-slot") for child in info] == ["price", "vendor", "title", "swatches", "rating"]


def test_order_keeps_conditions_with_their_children() -> None:
    data = CARD.scenario("settings-off").data
    html = RENDERER.render(_config({"info": {"order": ["vendor", "price", "title", "rating", "swatches"]}}), data).html
    info = _dom(html).cssselect("div.card__info")[0]
    assert [child.get("data-slot") for child in info] == ["price", "title"]  # vendor, rating, swatches stay off


def test_insert_before_after_prepend_append() -> None:
    html = RENDERER.render(_config({"info": {"insert": {
        "promo": {"position": "after", "ref": "price", "tag": "p", "classes": ["promo"],
                  "content": {"template": "Only {{ product.price | money }}"}},
        "top": {"position": "prepend", "tag": "span", "content": {"plain": "A"}},
        "end": {"position": "append", "tag": "small", "content": {"rich": "<b>Z</b>"}},
    }}}), DEFAULT).html
    info = _dom(html).cssselect("div.card__info")[0]
    slots = [child.get("data-slot") for child in info]
    assert slots == ["top", "title", "vendor", "price", "promo", "rating", "swatches", "end"]
    assert info.cssselect("p.promo")[0].text_content() == "Only $68.00"


def test_visible_false_wrap_raw_and_settings() -> None:
    html = RENDERER.render(_config(
        {"rating": {"visible": False}, "media": {"wrap": {"tag": "div", "classes": ["frame"]}},
         "vendor": {"settings": {"show_vendor": False}}, "swatches": {"settings": {"max_swatches": 2}}},
        raw={"r": {"slot": "price", "position": "append", "source": "{% if product.available %}<em>in stock</em>{% endif %}",
                   "reason": "template logic"}}), DEFAULT).html
    dom = _dom(html)
    assert not dom.cssselect(".card__rating")
    assert not dom.cssselect(".card__vendor")
    assert dom.cssselect("div.frame > div.card__media")
    assert dom.cssselect("div.card__price > em")[0].text == "in stock"
    assert len(dom.cssselect("li.swatch")) == 3  # two swatches and "+2"


def test_custom_css_is_scoped_in_order() -> None:
    css = RENDERER.render(_config(custom_css={"b": ".x { color: red }", "a": ".y { color: blue }"}), DEFAULT).css
    assert css.startswith(CARD.current_version.files[CARD.stylesheet].decode())
    assert css.index("@scope (.product-card) {\n.x { color: red }\n}") < css.index(".y { color: blue }")


def test_invalid_config_is_refused_before_rendering() -> None:
    with pytest.raises(SlotConfigError) as info:
        RENDERER.render(_config({"title-link": {"attrs": {"onclick": "x"}}, "nope": {}}), DEFAULT)
    assert "more problem" in info.value.message


def test_version_comes_from_the_config() -> None:
    old = RENDERER.render(SlotConfig(component="product-card", version="1.0.0"), DEFAULT).html
    assert "loading=" not in old
    assert 'loading="lazy"' in RENDERER.render(_config(), DEFAULT).html


# --- any config that validates renders ---------------------------------------------------------------

_TEXT = st.one_of(
    st.builds(lambda t: {"plain": t}, st.text(max_size=12)),
    st.sampled_from([{"rich": "<em>x</em> &amp; <br>"}, {"rich": "a <a href='/p'>b</a>"},
                     {"template": "{{ product.title | upper }}!"}, {"template": "<b>{{ product.price | money }}</b>"}]))
_ATTR_VALUE = st.one_of(st.none(), st.text(max_size=8), st.just({"template": "x-{{ product.id }}"}))


@st.composite
def _override(draw: st.DrawFn, slot_id: str, decl: SlotDecl) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ops = draw(st.sets(st.sampled_from(decl.ops))) if decl.ops else set()
    if "text" in ops:
        out["text"] = draw(_TEXT)
    if "attrs" in ops:
        out["attrs"] = draw(st.dictionaries(st.sampled_from(["title", "data-a", "aria-label"]), _ATTR_VALUE,
                                            max_size=2))
    if "classes" in ops:
        tokens = draw(st.dictionaries(st.sampled_from(["x", "card__title", "price", "badge"]), st.booleans()))
        out["classes"] = {"add": [t for t, a in tokens.items() if a], "remove": [t for t, a in tokens.items() if not a]}
    if "style" in ops:
        out["style"] = draw(st.dictionaries(st.sampled_from(["color", "--gap", "margin"]),
                                            st.sampled_from(["red", "2px", None, "0 auto"]), max_size=2))
    if "visible" in ops:
        out["visible"] = draw(st.booleans())
    if "tag" in ops:
        out["tag"] = draw(st.sampled_from(decl.tags))
    if "wrap" in ops:
        out["wrap"] = {"tag": draw(st.sampled_from(decl.wrap_tags)), "classes": ["w"]}
    if "order" in ops:
        out["order"] = draw(st.permutations(decl.children))
    if "insert" in ops and decl.insert is not None:
        out["insert"] = {f"{slot_id}-new{i}": _insert(draw, decl) for i in range(draw(st.integers(0, decl.insert.max)))}
    with_setting: bool = draw(st.booleans())
    if decl.settings and with_setting:
        name, setting = draw(st.sampled_from(sorted(decl.settings.items())))
        if setting.type == "bool":
            out["settings"] = {name: draw(st.booleans())}
        elif setting.type == "int":
            out["settings"] = {name: draw(st.integers(setting.min or 0, setting.max or 20))}
        else:
            out["settings"] = {name: draw(st.sampled_from(setting.choices))}
    return out


def _insert(draw: st.DrawFn, decl: SlotDecl) -> dict[str, Any]:
    assert decl.insert is not None
    position = draw(st.sampled_from(["prepend", "append", "before", "after"] if decl.children else ["prepend", "append"]))
    kind = draw(st.sampled_from(decl.insert.kinds))
    content = {"plain": {"plain": "new"}, "rich": {"rich": "<b>new</b>"}, "template": {"template": "{{ product.title }}"}}
    out: dict[str, Any] = {"position": position, "tag": draw(st.sampled_from(decl.insert.tags)),
                           "content": content[kind]}
    if position in ("before", "after"):
        out["ref"] = draw(st.sampled_from(decl.children))
    return out


@st.composite
def valid_configs(draw: st.DrawFn) -> SlotConfig:
    decls = SlotRegistry.for_pack(CARD).declarations
    chosen = draw(st.sets(st.sampled_from(list(decls.slots)), max_size=6))
    slots = {slot_id: draw(_override(slot_id, decls.slots[slot_id])) for slot_id in sorted(chosen)}
    css = draw(st.sampled_from([{}, {"c": ".card__title { color: teal }"}, {"d": "@media (min-width: 1px) { .a { gap: 1px } }"}]))
    raw = draw(st.sampled_from([{}, {"r": {"slot": "price", "position": "before", "source": "<i>{{ product.vendor }}</i>",
                                           "reason": "kept"}}]))
    return _config(slots, custom_css=css, raw=raw)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(valid_configs(), st.sampled_from([s.name for s in CARD.scenarios]))
def test_any_config_that_validates_renders(config: SlotConfig, scenario: str) -> None:
    registry = SlotRegistry.for_pack(CARD)
    assert validate_config(config, registry.declarations, versions=registry.versions) == ()
    result = RENDERER.render(config, CARD.scenario(scenario).data)
    dom = _dom(result.html)
    assert dom.cssselect("[data-slot=card]")
    for slot_id, override in config.slots.items():
        if override is not None and override.visible is False:
            assert not dom.cssselect(f'[data-slot="{slot_id}"]')


def test_a_slot_of_a_later_version_is_refused_when_rendering_an_earlier_one() -> None:
    config = SlotConfig.model_validate({"component": "product-card", "slots": {"unit-price": {"visible": False}},
                                        "raw": {"r": {"slot": "unit-price", "position": "after", "source": "x",
                                                      "reason": "kept"}}})
    RENDERER.render(config, DEFAULT)  # current version (1.2.0) has the slot
    with pytest.raises(SlotConfigError) as info:
        RENDERER.render(config, DEFAULT, version="1.0.0")
    assert info.value.code == "slots.unknown_slot"
    assert "1 more problem" in info.value.message  # the raw entry too


def test_a_raw_replacement_comes_after_every_other_change_of_its_slot() -> None:
    config = _config({"price": {"visible": False}, "info": {"insert": {"n": {"position": "after", "ref": "price",
                                                                            "tag": "p"}}}},
                     raw={"r": {"slot": "price", "position": "replace", "source": "<b>x</b>", "reason": "kept"},
                          "s": {"slot": "price", "position": "after", "source": "<i>y</i>", "reason": "kept"}})
    html = RENDERER.render(config, DEFAULT).html  # replacement comes last, so the other ops still found price
    info = _dom(html).cssselect("div.card__info")[0]
    assert [c.tag for c in info if c.tag in ("b", "i", "p")] == ["b", "i", "p"]
