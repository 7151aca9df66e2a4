"""Selecting elements on the template tree and editing it functionally."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.jinjatree import (
    Document,
    Element,
    SelectorError,
    Text,
    TreeEditError,
    add_class,
    add_class_token,
    element,
    element_classes,
    insert_after,
    insert_before,
    insert_into,
    literal,
    node_at,
    parse,
    remove,
    remove_attribute,
    remove_class,
    remove_class_token,
    rename,
    rename_tag,
    replace_node,
    select,
    set_attribute,
    template_value,
    update_element,
    with_attribute,
    without_attribute,
    wrap,
)

CARD = """<div class="card {% if sale %}card--sale{% endif %}" id="c-{{ id }}">
  <h3 class="card__title title" data-k="1">{{ product.title }}</h3>
  {% if product.vendor %}<p class="card__vendor">{{ product.vendor }}</p>{% endif %}
  <a {% if url %}href="{{ url }}"{% endif %} class='link'>go</a>
  <img src="{{ src }}" alt="" />
</div>"""


def _one(doc: Document, selector: str) -> tuple[tuple[int, ...], Element]:
    [found] = select(doc, selector)
    return found.path, found.element


def _outside_unchanged(before: str, after: str, start: int, end: int) -> None:
    """Everything before ``start`` and after ``end`` of the original is byte-identical in the edit."""
    assert after.startswith(before[:start])
    assert after.endswith(before[end:])


# --- select ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("selector", "tags"), [
    ("h3", ["h3"]),
    ("h3.card__title.title", ["h3"]),
    ("h3.card__title.missing", []),
    (".card > h3", ["h3"]),
    ("div p.card__vendor", ["p"]),
    ("div > p", ["p"]),  # the {% if %} around <p> is not an element: <p> is still a child of <div>
    ("[data-k=\"1\"]", ["h3"]),
    ("[data-k=\"2\"]", []),
    ("a[href]", []),  # href only exists inside {% if url %}
    ("a.link", ["a"]),
    ("div.card--sale", []),  # conditional class tokens do not count
    ("#c-", []),
    ("img[alt]", ["img"]),
    ("h3, img", ["h3", "img"]),
    ("*.card", ["div"]),
], ids=lambda v: v if isinstance(v, str) else None)
def test_select_compound_selectors(selector: str, tags: list[str]) -> None:
    assert [found.element.tag for found in select(parse(CARD), selector)] == tags


def test_select_returns_paths_that_lead_to_the_element() -> None:
    doc = parse(CARD)
    for found in select(doc, "h3, p, a, img"):
        assert node_at(doc, found.path) == found.element


@pytest.mark.parametrize("selector", ["h3:first-child", "a::before", "svg|rect", "div[", ""])
def test_select_refuses_what_it_cannot_evaluate(selector: str) -> None:
    with pytest.raises(SelectorError) as info:
        select(parse(CARD), selector)
    assert info.value.code == "tree.selector"
    assert info.value.fix


def test_static_class_tokens() -> None:
    _, div = _one(parse(CARD), "div")
    assert element_classes(div) == ("card",)
    _, el = _one(parse('<b class="a{{ x }} b {{ y }}c d">t</b>'), "b")
    assert element_classes(el) == ("b", "d")


# --- structural edits -----------------------------------------------------------------------------

def test_remove_keeps_the_rest_byte_identical() -> None:
    doc = parse(CARD)
    path, h3 = _one(doc, "h3")
    after = remove(doc, path).print()
    assert h3.span is not None
    assert after == CARD[:h3.span.start] + CARD[h3.span.end:]


def test_insert_before_after_into_and_replace() -> None:
    doc = parse(CARD)
    path, h3 = _one(doc, "h3")
    new = element("p", [("class", literal("badge"))], literal("New & <hot>"))
    assert '<p class="badge">New &amp; &lt;hot&gt;</p><h3' in insert_before(doc, path, new).print()
    assert '</h3><p class="badge">' in insert_after(doc, path, new).print()
    inside = insert_into(doc, path, new, at="start").print()
    assert '<h3 class="card__title title" data-k="1"><p class="badge">' in inside
    assert "{{ product.title }}<p" in insert_into(doc, path, new).print()
    replaced = replace_node(doc, path, Text("X")).print()
    assert h3.span is not None
    assert replaced == CARD[:h3.span.start] + "X" + CARD[h3.span.end:]


def test_wrap_and_rename() -> None:
    doc = parse(CARD)
    path, _ = _one(doc, "h3")
    wrapped = wrap(doc, path, element("div", [("class", literal("w"))]))
    assert '<div class="w"><h3 class="card__title title" data-k="1">{{ product.title }}</h3></div>' in wrapped.print()
    renamed = update_element(doc, path, lambda el: rename_tag(el, "h2")).print()
    assert '<h2 class="card__title title" data-k="1">{{ product.title }}</h2>' in renamed
    with pytest.raises(TreeEditError):
        wrap(doc, path, element("br"))


def test_edits_leave_untouched_regions_identical() -> None:
    doc = parse(CARD)
    path, p = _one(doc, "p.card__vendor")
    edited = update_element(doc, path, lambda el: add_class(el, "big")).print()
    assert p.span is not None
    _outside_unchanged(CARD, edited, p.span.start, p.span.end)
    assert '<p class="card__vendor big">' in edited


@pytest.mark.parametrize("bad", [(9,), (0, 99), ()])
def test_bad_paths_are_edit_errors(bad: tuple[int, ...]) -> None:
    with pytest.raises(TreeEditError):
        remove(parse(CARD), bad)


# --- attribute and class edits --------------------------------------------------------------------

def _h3() -> Element:
    return _one(parse(CARD), "h3")[1]


def test_set_attribute_replaces_in_place_and_appends_when_missing() -> None:
    el = with_attribute(_h3(), "data-k", literal('2"'))
    assert el.start.print() == '<h3 class="card__title title" data-k="2&quot;">'
    el = with_attribute(_h3(), "title", template_value("Buy {{ product.title }} {now}"))
    assert el.start.print() == '<h3 class="card__title title" data-k="1" title="Buy {{ product.title }} &#123;now}">'
    assert without_attribute(el, "DATA-K").start.print() == \
        '<h3 class="card__title title" title="Buy {{ product.title }} &#123;now}">'


def test_set_attribute_removes_conditional_copies() -> None:
    _, a = _one(parse(CARD), "a")
    assert with_attribute(a, "href", literal("/x")).start.print() == \
        "<a {% if url %}{% endif %} class='link' href=\"/x\">"


def test_new_attribute_goes_before_trailing_space_of_self_closing_tags() -> None:
    _, img = _one(parse(CARD), "img")
    assert with_attribute(img, "loading", literal("lazy")).start.print() == \
        '<img src="{{ src }}" alt="" loading="lazy" />'


@pytest.mark.parametrize(("source", "token", "expected"), [
    ('<b class="a b c">', "b", '<b class="a c">'),
    ('<b class="a b c">', "c", '<b class="a b">'),
    ('<b class="a b c">', "a", '<b class="b c">'),
    ('<b class="a">', "a", "<b>"),
    ('<b class="a bb">', "b", '<b class="a bb">'),
    ('<b class="{{ x }} a">', "a", '<b class="{{ x }}">'),
    ('<b class="{{ x }}a b">', "b", '<b class="{{ x }}a">'),
    ("<b>", "a", "<b>"),
])
def test_remove_class(source: str, token: str, expected: str) -> None:
    [el] = parse(source + "</b>").children
    assert isinstance(el, Element)
    assert remove_class(el, token).start.print() == expected


@pytest.mark.parametrize(("source", "expected"), [
    ('<b class="a {% if s %}sale{% endif %}">', '<b class="a {% if s %}{% endif %}">'),
    ('<b class="a{% if s %} sale{% endif %}">', '<b class="a{% if s %}{% endif %}">'),
    ('<b class="{% if s %}sale x{% else %}y sale{% endif %}">', '<b class="{% if s %}x{% else %}y{% endif %}">'),
    ('<b class="a sale{{ k }}">', '<b class="a sale{{ k }}">'),
    ('<b class="sale{% if k %}--big{% endif %} x">', '<b class="sale{% if k %}--big{% endif %} x">'),
    ('<b class="sale{% if k %} big{% endif %}">', '<b class="{% if k %} big{% endif %}">'),
])
def test_remove_class_reaches_into_conditional_branches(source: str, expected: str) -> None:
    [el] = parse(source + "</b>").children
    assert isinstance(el, Element)
    assert remove_class(el, "sale").start.print() == expected


@pytest.mark.parametrize(("source", "expected"), [
    ('<b class="a">', '<b class="a new">'),
    ('<b class="a ">', '<b class="a new">'),
    ("<b>", '<b class="new">'),
    ("<b class>", '<b class="new">'),
    ('<b class="new">', '<b class="new">'),
    ('<b class="{{ x }}">', '<b class="{{ x }} new">'),
])
def test_add_class(source: str, expected: str) -> None:
    [el] = parse(source + "</b>").children
    assert isinstance(el, Element)
    assert add_class(el, "new").start.print() == expected


def test_add_class_refuses_a_class_set_inside_template_code() -> None:
    [el] = parse('<b {% if s %}class="x"{% endif %}></b>').children
    assert isinstance(el, Element)
    with pytest.raises(TreeEditError):
        add_class(el, "y")


def test_template_value_keeps_expressions_and_escapes_the_rest() -> None:
    assert "".join(n.print() for n in template_value("<i>{{ a }}</i>{{ b")) == "&lt;i&gt;{{ a }}&lt;/i&gt;&#123;&#123; b"


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["h3", "p", "a", "img", "div"]), st.text(max_size=20))
def test_edited_tree_prints_like_a_fresh_parse_of_its_output(selector: str, value: str) -> None:
    doc = parse(CARD)
    path, _ = _one(doc, selector)
    edited = update_element(doc, path, lambda el: with_attribute(add_class(el, "x"), "title", literal(value)))
    text = edited.print()
    assert parse(text).print() == text
    [again] = [f.element for f in select(parse(text), selector + ".x")]
    title = again.start.attribute("title")
    assert title is not None and title.static_value() == literal(value)[0].print() if value else True


def test_path_level_attribute_class_and_rename_edits() -> None:
    doc = parse(CARD)
    path, h3 = _one(doc, "h3")
    edited = rename(add_class_token(remove_class_token(set_attribute(remove_attribute(doc, path, "data-k"), path,
                                                                     "title", literal("T")), path, "title"),
                                    path, "big"), path, "h2")
    assert '<h2 class="card__title big" title="T">{{ product.title }}</h2>' in edited.print()
    assert h3.span is not None
    _outside_unchanged(CARD, edited.print(), h3.span.start, h3.span.end)
