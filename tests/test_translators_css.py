"""CSS translation: rule alignment, the @scope rewrite, the cascade-preserving plan, and its verification."""

from __future__ import annotations

import pytest

from translators.changes import CssChange
from translators.css.cascade import compare, media_applies
from translators.css.plan import family, interacts, plan_change
from translators.css.rules import diff_stylesheets, parse_rules
from translators.css.select import has_state, reach_problem, scoped, scoped_xpath, without_states

ROOT = ".card"
HTML = '<div class="card"><h3 class="card__title u">Title</h3><p class="card__text">Text</p></div>'


def only_change(base: str, patched: str) -> CssChange:
    [change] = diff_stylesheets(base, patched, file="styles.css")
    return change


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("margin", "margin-top", True), ("font", "line-height", True), ("inset", "top", True),
    ("gap", "row-gap", True), ("place-items", "align-items", True), ("color", "color", True),
    ("all", "color", True), ("text-transform", "text-decoration", False), ("margin", "padding", False),
    ("border-radius", "border-top", False), ("-webkit-margin-start", "margin-start", True),
], ids=lambda v: str(v))
def test_interacting_properties(a: str, b: str, expected: bool) -> None:
    assert interacts(a, b) is expected
    assert interacts(b, a) is expected


def test_families_group_shorthands_with_their_longhands() -> None:
    assert family("margin-top") == family("margin") == "margin"
    assert family("line-height") == family("font")
    assert family("--card-radius") == "--card-radius"
    assert family("all") == "*"


@pytest.mark.parametrize(("selector", "expected"), [
    (".card__title", "&.card__title, & .card__title"),
    ("h3.card__title > a", "h3&.card__title > a, & h3.card__title > a"),
    (".a, .b:hover", "&.a, & .a, &.b:hover, & .b:hover"),
    (":is(.a, .b) .c", "&:is(.a, .b) .c, & :is(.a, .b) .c"),
], ids=["class", "type-first", "list", "commas-in-parentheses"])
def test_selectors_are_rewritten_for_scope_without_changing_specificity(selector: str, expected: str) -> None:
    assert scoped(selector) == expected


def test_scoped_selectors_match_the_root_or_inside_it() -> None:
    assert scoped_xpath("&.card").startswith("self::")
    assert scoped_xpath("& .card__title").startswith("descendant::")
    assert scoped_xpath(".card__title").startswith("descendant::")  # the implicit :where(:scope) prefix


@pytest.mark.parametrize(("selector", "problem"), [
    ("body .card__title", "reaches the page"), (":root", "targets the page"), ("html", "reaches the page"),
    (".quick-view .price", "another component"), (".card__title", None), (".card .body", None),
], ids=lambda v: str(v))
def test_selectors_reaching_outside_the_component(selector: str, problem: str | None) -> None:
    found = reach_problem(selector, frozenset({"quick-view"}))
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_states_and_pseudo_elements_are_recognized() -> None:
    assert has_state(".a:hover")
    assert has_state(".a::before")
    assert not has_state(".a:first-child")
    assert without_states(".a:hover > .b::after") == ".a > .b"


def test_a_rule_added_before_a_rule_with_the_same_selector_is_an_addition() -> None:
    base = ".x { color: red }\n.y { color: blue }\n"
    patched = ".x { font-style: italic }\n.x { color: red }\n.y { color: blue }\n"
    change = only_change(base, patched)
    assert change.kind == "rule_added"
    assert [d.name for d in change.changed] == ["font-style"]


def test_a_moved_rule_is_removed_and_added() -> None:
    base = ".x { color: red }\n.y { color: blue }\n.z { margin: 0 }\n"
    patched = ".y { color: blue }\n.z { margin: 0 }\n.x { color: red }\n"
    kinds = sorted(c.kind for c in diff_stylesheets(base, patched, file="styles.css"))
    assert kinds == ["rule_added", "rule_removed"]


def test_formatting_of_a_rule_is_no_change() -> None:
    assert diff_stylesheets(".x { color: red; }", ".x{color:red}", file="styles.css") == ()


def test_the_plan_re_appends_later_rules_that_set_the_same_properties() -> None:
    base = (".card__title { color: #111; margin: 0 }\n.card--dark .card__title { color: #fff }\n"
            ".card__title:hover { color: red }\n.card__text { padding: 0 }\n")
    patched = base.replace("color: #111", "color: teal")
    change = only_change(base, patched)
    plan = plan_change(change, parse_rules(base), parse_rules(patched))
    assert [(r.selector, [d.css() for d in r.declarations]) for r in plan.rules] == [
        (".card__title", ["color: teal"]),
        (".card--dark .card__title", ["color: #fff"]),
        (".card__title:hover", ["color: red"]),
    ]
    assert plan.unprovable == ()


def test_a_removed_declaration_is_exact_only_when_nothing_else_sets_it() -> None:
    base = ".a { text-transform: uppercase; color: red }\n.b { color: blue }\n"
    lone = only_change(base, base.replace(" text-transform: uppercase;", ""))
    assert plan_change(lone, parse_rules(base), parse_rules(base.replace(" text-transform: uppercase;", ""))) \
        .unprovable == ()
    shared_base = ".a { color: red }\n.b { color: blue }\n"
    shared = only_change(shared_base, ".a { }\n.b { color: blue }\n")
    plan = plan_change(shared, parse_rules(shared_base), parse_rules(".a { }\n.b { color: blue }\n"))
    assert plan.unprovable == ("color",)
    assert "color: unset" in plan.css()


def test_verification_catches_a_translation_that_breaks_the_cascade() -> None:
    base = ".card__title { color: red }\n.u { color: blue }\n"
    patched = ".card__title { color: green }\n.u { color: blue }\n"
    change = only_change(base, patched)
    plan = plan_change(change, parse_rules(base), parse_rules(patched))
    families = frozenset({"color"})
    assert compare(HTML, [patched], HTML, base, [plan.css()], ROOT, families) is None
    naive = "&.card__title, & .card__title { color: green }"  # without the later .u rule repeated
    problem = compare(HTML, [patched], HTML, base, [naive], ROOT, families)
    assert problem is not None
    assert "color: blue" in problem
    assert "color: green" in problem


def test_verification_compares_a_shorthand_and_its_longhand_by_order() -> None:
    base = ".card__title { margin: 0 }\n.card__title.u { margin-top: 4px }\n"
    patched = ".card__title { margin: 1px }\n.card__title.u { margin-top: 4px }\n"
    families = frozenset({"margin"})
    right = "&.card__title, & .card__title { margin: 1px }"
    assert compare(HTML, [patched], HTML, base, [right], ROOT, families) is None
    wrong = "&.card__title.u, & .card__title.u { margin-top: 4px }\n&.card__title.u, & .card__title.u { margin: 1px }"
    assert compare(HTML, [patched], HTML, base, [wrong], ROOT, families) is not None


def test_media_rules_are_evaluated_at_each_viewport_width() -> None:
    base = ".card__title { font-size: 1.5rem }\n@media screen and (min-width: 750px) { .card__title { font-size: 1.6rem } }\n"
    patched = base.replace("1.5rem", "1.7rem")
    change = only_change(base, patched)
    plan = plan_change(change, parse_rules(base), parse_rules(patched))
    families = frozenset({"font"})
    assert compare(HTML, [patched], HTML, base, [plan.css()], ROOT, families) is None
    naive = plan.css().splitlines()[0]
    problem = compare(HTML, [patched], HTML, base, [naive], ROOT, families)
    assert problem is not None
    assert problem.startswith("at 1280px wide")
    assert compare(HTML, [patched], HTML, base, [naive], ROOT, families, widths=(390,)) is None


@pytest.mark.parametrize(("context", "width", "expected"), [
    ("@media screen and (min-width: 750px)", 390, False), ("@media screen and (min-width: 750px)", 1280, True),
    ("@media (max-width: 48em)", 700, True), ("@media print", 1280, False), ("@media (hover: hover)", 1280, None),
    ("@supports (display: grid)", 1280, None), ("@media (max-width: 300px), (min-width: 1000px)", 1280, True),
], ids=lambda v: str(v))
def test_media_queries(context: str, width: int, expected: bool | None) -> None:
    assert media_applies(context, width) is expected


def test_a_condition_that_cannot_be_evaluated_fails_closed() -> None:
    css = ".card__title { color: red }\n@supports (color: lab(0 0 0)) { .card__title { color: blue } }\n"
    problem = compare(HTML, [css], HTML, css, [], ROOT, frozenset({"color"}))
    assert problem is not None
    assert "cannot be evaluated" in problem


def test_unset_counts_as_nothing_declared() -> None:
    base = ".card__text { text-transform: uppercase }\n"
    patched = ".card__text { }\n"
    custom = "&.card__text, & .card__text { text-transform: unset }"
    assert compare(HTML, [patched], HTML, base, [custom], ROOT, frozenset({"text"})) is None
