"""Find elements by CSS selector on the template tree (static markup only).

Selectors are parsed with ``cssselect``; matching is ours because it runs on template source, not on a
DOM: a class token counts only when it is static text of the ``class`` attribute (``card--sale`` in
``class="card {% if sale %}card--sale{% endif %}"`` is conditional and does not match), and attributes
inside ``{% if %}`` blocks of a start tag are not considered present. Supported: type, ``.class``,
``#id``, ``[attr]``, ``[attr=value]``, ``[attr~=value]``, descendant and child combinators, lists.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import cssselect
from cssselect import parser as css

from harness.errors import TreeError, Where
from harness.jinjatree.nodes import Attribute, Block, Branch, Document, Element, Node, Text

Path = tuple[int, ...]

_SENTINEL = "\x00"


class SelectorError(TreeError):
    """A selector the template tree cannot evaluate (syntax error or unsupported feature)."""

    default_code = "tree.selector"


@dataclass(frozen=True)
class Located:
    """An element and the path to it (indices into ``children_of`` from the document down)."""

    path: Path
    element: Element


@dataclass(frozen=True)
class _Compound:
    tag: str | None
    classes: frozenset[str]
    ids: frozenset[str]
    attrs: tuple[tuple[str, str, str | None], ...]  # (name, operator, value)


_Chain = tuple[tuple[_Compound, str], ...]  # right-most compound first, each with the combinator before it


def static_tokens(attribute: Attribute | None) -> tuple[str, ...]:
    """Whitespace-separated tokens of an attribute value written as plain text (template parts excluded)."""
    if attribute is None or attribute.value is None:
        return ()
    text = "".join(_static_text(part) for part in attribute.value)
    return tuple(token for token in text.split() if _SENTINEL not in token)


def _static_text(part: Node) -> str:
    """Text stays; a block is a separator (sentinel-marked where it can glue); other template code glues."""
    if isinstance(part, Text):
        return part.print()
    if isinstance(part, Block):
        left = _SENTINEL if glues(part, at_end=False) else " "
        right = _SENTINEL if glues(part, at_end=True) else " "
        return left + " " + right
    return _SENTINEL


def glues(node: Node, *, at_end: bool) -> bool:
    """Whether template code ``node`` can print non-space text right against its neighbour."""
    if isinstance(node, Text):
        return False
    if isinstance(node, Block):
        bodies = ["".join(child.print() for child in branch.children) for branch in node.branches]
        return any(body and not (body[-1] if at_end else body[0]).isspace() for body in bodies)
    return True


def element_classes(element: Element) -> tuple[str, ...]:
    return static_tokens(element.start.attribute("class"))


def select(doc: Document | Element, selector: str) -> list[Located]:
    """Every element under ``doc`` matching ``selector``, in document order."""
    chains = _compile(selector)
    return [found for found, ancestors in _elements(doc) if any(_matches(found.element, ancestors, c) for c in chains)]


def _elements(root: Document | Element) -> Iterator[tuple[Located, tuple[Element, ...]]]:
    def visit(children: tuple[Node, ...], path: Path, ancestors: tuple[Element, ...]
              ) -> Iterator[tuple[Located, tuple[Element, ...]]]:
        for index, node in enumerate(children):
            here = (*path, index)
            if isinstance(node, Element):
                yield Located(here, node), ancestors
                yield from visit(node.children, here, (*ancestors, node))
            elif isinstance(node, Block):
                for b, branch in enumerate(node.branches):
                    yield from visit(branch.children, (*here, b), ancestors)
            elif isinstance(node, Branch):  # pragma: no cover - branches only occur inside blocks
                yield from visit(node.children, here, ancestors)

    yield from visit(root.children, (), ())


def _matches(element: Element, ancestors: tuple[Element, ...], chain: _Chain) -> bool:
    compound, combinator = chain[0]
    if not _matches_compound(element, compound):
        return False
    rest = chain[1:]
    if not rest:
        return True
    if combinator == ">":
        return bool(ancestors) and _matches(ancestors[-1], ancestors[:-1], rest)
    return any(_matches(ancestors[i], ancestors[:i], rest) for i in range(len(ancestors) - 1, -1, -1))


def _matches_compound(element: Element, compound: _Compound) -> bool:
    if compound.tag is not None and element.tag != compound.tag:
        return False
    if compound.classes and not compound.classes <= set(element_classes(element)):
        return False
    ids = static_tokens(element.start.attribute("id"))
    if compound.ids and not compound.ids <= set(ids):
        return False
    return all(_matches_attr(element, name, op, value) for name, op, value in compound.attrs)


def _matches_attr(element: Element, name: str, op: str, value: str | None) -> bool:
    attribute = element.start.attribute(name)
    if attribute is None:
        return False
    if op == "exists":
        return True
    if op == "~=":
        return value in static_tokens(attribute)
    return attribute.static_value() == value


def check_selector(selector: str) -> None:
    """Raise :class:`SelectorError` when ``selector`` cannot be evaluated on a template tree."""
    _compile(selector)


@functools.lru_cache(maxsize=512)
def _compile(selector: str) -> tuple[_Chain, ...]:
    try:
        parsed = cssselect.parse(selector)
    except cssselect.SelectorSyntaxError as exc:
        raise SelectorError(f"selector {selector!r} is not valid CSS: {exc}", where=Where(path=selector),
                            fix="write a selector like 'div.card > h3.card__title[data-x=y]'") from None
    if not parsed:
        raise SelectorError("the selector is empty", fix="write a selector like 'h3.card__title'")
    if any(item.pseudo_element is not None for item in parsed):
        raise SelectorError(f"selector {selector!r} names a pseudo-element, which is not in the template",
                            where=Where(path=selector), fix="select the element itself")
    return tuple(_chain(item.parsed_tree, selector) for item in parsed)


def _chain(tree: Any, selector: str) -> _Chain:
    links: list[tuple[_Compound, str]] = []
    combinator = " "
    while isinstance(tree, css.CombinedSelector):
        links.append((_compound(tree.subselector, selector), tree.combinator))
        tree = tree.selector
    links.append((_compound(tree, selector), combinator))
    # the combinator stored with each compound is the one linking it to the compound on its left
    return tuple(links)


def _compound(tree: Any, selector: str) -> _Compound:
    classes: set[str] = set()
    ids: set[str] = set()
    attrs: list[tuple[str, str, str | None]] = []
    while not isinstance(tree, css.Element):
        if isinstance(tree, css.Class):
            classes.add(tree.class_name)
        elif isinstance(tree, css.Hash):
            ids.add(tree.id)
        elif isinstance(tree, css.Attrib) and tree.operator in ("exists", "=", "~="):
            value = None if tree.value is None else str(tree.value.value)
            attrs.append((str(tree.attrib).lower(), tree.operator, value))
        else:
            raise SelectorError(f"selector {selector!r} uses {tree!r}, which the template tree cannot evaluate",
                                where=Where(path=selector),
                                fix="use only tags, .classes, #ids, [attr], [attr=value], ' ' and '>'")
        tree = tree.selector
    if tree.namespace is not None or (isinstance(tree.element, str) and ":" in tree.element):
        raise SelectorError(f"selector {selector!r} uses a namespace", where=Where(path=selector),
                            fix="drop the namespace prefix")
    tag = None if tree.element in (None, "*") else str(tree.element).lower()
    return _Compound(tag, frozenset(classes), frozenset(ids), tuple(attrs))
