"""The template-aware tree diff: Jinja tokens are nodes, changes land on the right node and lines."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from harness.jinjatree import Document, Element, parse
from harness.packs import default_packs
from translators.changes import Change
from translators.treediff import TreeDiff, diff_documents

PACKS = default_packs()
CARD = PACKS["product-card"].version("1.2.0").files["template.html.j2"].decode()
TITLE = '<h3 class="card__title" id="title-{{ card_id }}">'
PRICE_OPEN = '<div class="card__price price{% if on_sale %} price--on-sale{% endif %}{% if sold_out %} price--sold-out{% endif %}">'
SALE_BADGE = ("<span class=\"badge badge--sale\" id=\"Badge-{{ card_id }}\">"
              "{{ 'products.percent_off' | t(percent=percent_off) }}</span>")


def _block(start: str, end: str) -> str:
    """The card's source from the line holding ``start`` through the line holding ``end``."""
    first = CARD.rindex("\n", 0, CARD.index(start)) + 1
    last = CARD.index("\n", CARD.index(end, first)) + 1
    return CARD[first:last]


PRICE = _block(PRICE_OPEN, "    </div>\n    {%- if settings.show_rating")
VENDOR = _block("{%- if settings.show_vendor", "    {%- endif %}")


def edited(*pairs: tuple[str, str], source: str = CARD) -> str:
    for old, new in pairs:
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    return source


def diff(patched: str, base: str = CARD) -> TreeDiff:
    return diff_documents(parse(base), parse(patched), file="template.html.j2")


def kinds(result: TreeDiff) -> list[str]:
    return [c.kind for c in result.changes]


def line_of(text: str, source: str = CARD) -> int:
    return source[:source.index(text)].count("\n") + 1


@dataclass(frozen=True)
class Case:
    id: str
    patched: str
    kinds: tuple[str, ...]


CASES = [
    Case("class-added", edited((TITLE, TITLE.replace("card__title", "card__title card__title--big"))), ("classes",)),
    Case("text-in-link", edited(("{{- product.title -}}", "{{- product.title -}} (new)")), ("insert",)),
    Case("filter-added", edited(("{{- product.title -}}", "{{- product.title | upper -}}")), ("expression",)),
    Case("trim-signs-dropped", edited(("{{- product.title -}}", "{{ product.title }}")), ("expression",)),
    Case("attribute-with-expression", edited((TITLE, TITLE[:-1] + ' data-x="{{ product.id }}">')), ("attribute",)),
    Case("style-added", edited((TITLE, TITLE[:-1] + ' style="color: red">')), ("style",)),
    Case("logic-in-start-tag", edited((TITLE, TITLE[:-1] + "{% if x %} hidden{% endif %}>")), ("tag_logic",)),
    Case("condition-changed", edited(("{%- if is_new and not sold_out %}", "{%- if is_new %}")), ("block_logic",)),
    Case("sale-badge-commented", edited((SALE_BADGE, "{# " + SALE_BADGE + " #}")), ("comment_out",)),
    Case("sale-badge-html-comment", edited((SALE_BADGE, "<!-- " + SALE_BADGE + " -->")), ("comment_out",)),
    Case("vendor-delimiters-commented", edited((VENDOR, VENDOR.replace("{%-", "{#-", 1).replace(
        "{%- endif %}", "{%- endif #}"))), ("comment_out",)),
    Case("vendor-deleted", edited((VENDOR, "")), ("delete",)),
    Case("price-moved-up", edited((PRICE, ""), ('  <div class="card__info">\n', '  <div class="card__info">\n' + PRICE)),
         ("move",)),
    Case("vendor-to-badges", edited((VENDOR, ""), ('  <div class="card__badges">\n', '  <div class="card__badges">\n'
                                                   + VENDOR)), ("move",)),
    Case("price-wrapped", edited((PRICE, '    <div class="frame">\n' + PRICE + "    </div>\n")), ("wrap",)),
    Case("price-in-conditional", edited((PRICE, "    {%- if product.price %}\n" + PRICE + "    {%- endif %}\n")),
         ("block_wrap",)),
    Case("tag-renamed", edited((TITLE, TITLE.replace("h3", "h2")), ("      </a>\n    </h3>", "      </a>\n    </h2>")),
         ("tag",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_edit_is_one_change_of_the_right_kind(case: Case) -> None:
    result = diff(case.patched)
    assert tuple(kinds(result)) == case.kinds
    change = result.changes[0]
    assert change.base_lines is not None or change.patched_lines is not None
    assert change.summary


def test_an_identical_template_has_no_changes_and_pairs_every_element() -> None:
    result = diff(CARD)
    assert result.changes == ()
    doc = parse(CARD)
    elements = [path for path in result.pairs if isinstance(_node(doc, path), Element)]
    assert elements
    assert all(result.pairs[p] == p for p in elements)


def test_a_whole_file_reformat_is_formatting_only() -> None:
    reformatted = CARD.replace("\n  ", "\n    ").replace('" class="', '"  class="')
    result = diff(reformatted)
    assert result.changes
    assert set(kinds(result)) == {"format"}
    assert len(result.changes) <= 3  # one per top-level region, not one per line


def test_a_commented_out_block_is_one_change_not_one_per_line() -> None:
    result = diff(edited((VENDOR, "{#\n" + VENDOR + "#}\n")))
    [change] = result.changes
    assert change.kind == "comment_out"
    assert change.base_lines is not None
    assert (change.base_lines.start, change.base_lines.end) == (line_of("{%- if settings.show_vendor"),
                                                                line_of("{%- if settings.show_vendor") + 5)


def test_a_change_on_a_duplicated_line_lands_on_the_copy_that_changed() -> None:
    second = "      {%- else %}\n      <span class=\"visually-hidden\">{{ 'products.regular_price' | t }}</span>"
    result = diff(edited((second, second.replace("}}</span>", "}}:</span>"))))
    [change] = result.changes
    expected = line_of(second) + 1
    assert change.patched_lines is not None
    assert change.patched_lines.start == expected
    assert CARD.count("<span class=\"visually-hidden\">{{ 'products.regular_price' | t }}</span>") == 2


def test_a_filter_dropped_inside_an_attribute_is_an_attribute_change() -> None:
    banner = PACKS["collection-banner"].version("1.1.0").files["template.html.j2"].decode()
    alt = 'alt="{{ image.alt | default(collection.title, true) | escape }}"'
    result = diff(edited((alt, alt.replace(" | escape", "")), source=banner), base=banner)
    [change] = result.changes
    assert (change.kind, change.attribute) == ("attribute", "alt")


def test_a_move_within_a_container_keeps_the_parent_and_pairs_the_moved_node() -> None:
    result = diff(edited((PRICE, ""), ('  <div class="card__info">\n', '  <div class="card__info">\n' + PRICE)))
    [move] = result.changes
    assert move.target_parent == move.where[:-1]
    assert move.base_path in result.pairs


def test_a_move_to_another_container_changes_the_parent() -> None:
    result = diff(edited((VENDOR, ""), ('  <div class="card__badges">\n', '  <div class="card__badges">\n' + VENDOR)))
    [move] = result.changes
    assert move.kind == "move"
    assert move.target_parent != move.where[:-1]


def test_wrapping_with_more_content_is_marked_extra() -> None:
    result = diff(edited((PRICE, '    <div class="frame">\n<p>Note</p>\n' + PRICE + "    </div>\n")))
    wrap = next(c for c in result.changes if c.kind == "wrap")
    assert wrap.extra


def test_an_unwrap_keeps_the_content_paired() -> None:
    link = '<a href="{{ product.url }}" class="card__media-link" tabindex="-1" aria-hidden="true">'
    patched = edited((f"    {link}\n", ""), ('        loading="lazy"\n      >\n    </a>', '        loading="lazy"\n      >'))
    result = diff(patched)
    assert kinds(result) == ["unwrap"]


def test_pairs_follow_nodes_shifted_by_an_insertion() -> None:
    patched = edited(('  <div class="card__info">\n', '  <div class="card__info">\n    <p class="promo">Hi</p>\n'))
    result = diff(patched)
    [insert] = result.changes
    assert insert.kind == "insert"
    base_doc, patched_doc = parse(CARD), parse(patched)
    title_path = _find(base_doc, "card__title")
    assert _classes(_node(patched_doc, result.pairs[title_path])) == _classes(_node(base_doc, title_path))
    assert result.pairs[title_path] != title_path


@pytest.mark.parametrize(("component", "old", "new"), [
    (name, versions[i], versions[i + 1]) for name, pack in PACKS.items()
    for versions in [list(pack.versions)] for i in range(len(versions) - 1)],
    ids=lambda value: str(value))
def test_version_upgrades_diff_without_loose_ends(component: str, old: str, new: str) -> None:
    pack = PACKS[component]
    before = pack.version(old).files["template.html.j2"].decode()
    after = pack.version(new).files["template.html.j2"].decode()
    result = diff(after, base=before)
    assert result.changes
    for change in result.changes:
        lines = change.base_lines or change.patched_lines
        assert lines is not None
        assert 1 <= lines.start <= max(before.count("\n"), after.count("\n")) + 1


def _node(doc: Document, path: tuple[int, ...]) -> object:
    from harness.jinjatree import node_at

    return node_at(doc, path)


def _find(doc: Document, token: str) -> tuple[int, ...]:
    from harness.jinjatree import select

    [found] = select(doc, f".{token}")
    return found.path


def _classes(node: object) -> tuple[str, ...]:
    from harness.jinjatree import element_classes

    assert isinstance(node, Element)
    return element_classes(node)


def test_changes_are_values() -> None:
    result = diff(edited((TITLE, TITLE.replace("card__title", "card__title x"))))
    change = result.changes[0]
    assert isinstance(change, Change)
    with pytest.raises(AttributeError):
        change.kind = "text"  # type: ignore[misc]


def test_whitespace_control_on_a_block_tag_is_a_change() -> None:
    result = diff(edited(("    {%- if is_new and not sold_out %}", "    {% if is_new and not sold_out %}")))
    [change] = result.changes
    assert change.kind == "statement"
    assert "whitespace control" in change.summary
