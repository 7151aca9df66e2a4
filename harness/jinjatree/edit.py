"""Functional edits of a template tree: each returns a new tree and leaves untouched regions byte-identical.

Nodes are addressed by paths (see :func:`harness.jinjatree.select.select`): indices into
:func:`~harness.jinjatree.nodes.children_of` from the document down. Rebuilt ancestors lose their spans
(their extent changed); every node that was not touched keeps its text and span.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Literal

from harness.errors import TreeError, Where
from harness.jinjatree.lexer import Lexer
from harness.jinjatree.nodes import (
    Attribute,
    Block,
    Branch,
    Document,
    Element,
    EndTag,
    Expression,
    HtmlComment,
    Node,
    StartTag,
    Text,
    children_of,
)
from harness.jinjatree.select import Path, glues, static_tokens


class TreeEditError(TreeError):
    """An edit that cannot be applied to this tree (bad path, class or style set by template code)."""

    default_code = "tree.edit"


# --- values for new content -----------------------------------------------------------------------

def escape(text: str) -> str:
    """Literal text as template source: HTML-escaped, and ``{`` escaped so Jinja sees no delimiters."""
    return html.escape(text, quote=True).replace("{", "&#123;")


def literal(text: str) -> tuple[Node, ...]:
    """Nodes printing ``text`` literally (for content or an attribute value)."""
    return (Text(escape(text)),) if text else ()


def template_value(source: str) -> tuple[Node, ...]:
    """Nodes of a small template: ``{{ }}`` expressions kept as nodes, everything else literal text."""
    lexer = Lexer(source)
    parts: list[Node] = []
    text_from = 0
    for match in re.finditer(r"\{\{", source):
        token = lexer.jinja(match.start())
        if token is None or match.start() < text_from:
            continue
        parts.extend(literal(source[text_from:match.start()]))
        parts.append(Expression(token[0].print()))
        text_from = token[1]
    parts.extend(literal(source[text_from:]))
    return tuple(parts)


def attribute(name: str, value: Sequence[Node] | None) -> Attribute:
    """``name="value"`` (or a bare ``name`` when ``value`` is ``None``)."""
    if value is None:
        return Attribute(name)
    return Attribute(name, "=", '"', tuple(value))


def element(tag: str, attrs: Sequence[tuple[str, Sequence[Node] | None]] = (),
            children: Sequence[Node] = ()) -> Element:
    """A new element ``<tag a="b">children</tag>`` (void elements get no end tag)."""
    parts: list[Node] = []
    for name, value in attrs:
        parts += [Text(" "), attribute(name, value)]
    start = StartTag(tag, tuple(parts))
    end = None if start.is_void else EndTag(tag)
    return Element(start, () if start.is_void else tuple(children), end)


# --- addressing -----------------------------------------------------------------------------------

def node_at(root: Document | Node, path: Path) -> Node:
    node: Document | Node = root
    for step in path:
        kids = children_of(node)
        if not 0 <= step < len(kids):
            raise TreeEditError(f"path {list(path)} does not lead to a node", where=Where(path=str(list(path))),
                                fix="select the node again on the current tree")
        node = kids[step]
    if isinstance(node, Document):
        raise TreeEditError("the empty path names the document, not a node", fix="pass a non-empty path")
    return node


def _with_children(node: Node, kids: tuple[Node, ...]) -> Node:
    if isinstance(node, Element | Branch):
        return replace(node, children=kids, span=None)
    if isinstance(node, Block):
        branches = tuple(kid for kid in kids if isinstance(kid, Branch))
        if len(branches) != len(kids) or not branches:
            raise TreeEditError("a block holds one or more branches and nothing else", fix="edit inside a branch")
        return replace(node, branches=branches, span=None)
    if isinstance(node, HtmlComment):
        return replace(node, body=kids, span=None)
    if isinstance(node, StartTag):
        return replace(node, parts=kids, span=None)
    if isinstance(node, Attribute):
        return replace(node, value=kids, span=None)
    raise TreeEditError(f"a {type(node).__name__} node has no children", fix="address its parent")


def splice(doc: Document, path: Path, change: Callable[[Node], Sequence[Node]]) -> Document:
    """Replace the node at ``path`` by ``change(node)`` (zero or more nodes)."""
    return replace(doc, children=_splice(doc.children, path, change))


def _splice(kids_in: tuple[Node, ...], path: Path, change: Callable[[Node], Sequence[Node]]) -> tuple[Node, ...]:
    if not path:
        raise TreeEditError("the empty path names the document, not a node", fix="pass a non-empty path")
    kids = list(kids_in)
    index = path[0]
    if not 0 <= index < len(kids):
        raise TreeEditError(f"path step {index} is out of range", where=Where(path=str(list(path))),
                            fix="select the node again on the current tree")
    if len(path) == 1:
        kids[index:index + 1] = list(change(kids[index]))
    else:
        node = kids[index]
        kids[index] = _with_children(node, _splice(children_of(node), path[1:], change))
    return tuple(kids)


# --- structural edits ------------------------------------------------------------------------------

def replace_node(doc: Document, path: Path, *nodes: Node) -> Document:
    return splice(doc, path, lambda _old: nodes)


def remove(doc: Document, path: Path) -> Document:
    return splice(doc, path, lambda _old: ())


def insert_before(doc: Document, path: Path, *nodes: Node) -> Document:
    return splice(doc, path, lambda old: (*nodes, old))


def insert_after(doc: Document, path: Path, *nodes: Node) -> Document:
    return splice(doc, path, lambda old: (old, *nodes))


def insert_into(doc: Document, path: Path, *nodes: Node, at: Literal["start", "end"] = "end") -> Document:
    """Insert ``nodes`` as the first or last children of the element at ``path``."""
    def change(old: Node) -> tuple[Node, ...]:
        target = _element(old, path)
        kids = (*nodes, *target.children) if at == "start" else (*target.children, *nodes)
        return (replace(target, children=kids, span=None),)
    return splice(doc, path, change)


def wrap(doc: Document, path: Path, wrapper: Element) -> Document:
    """Put the node at ``path`` inside ``wrapper`` (after the wrapper's own children)."""
    if wrapper.end is None:
        raise TreeEditError(f"<{wrapper.tag}> cannot wrap content (it has no end tag)", fix="use a container tag")
    return splice(doc, path, lambda old: (replace(wrapper, children=(*wrapper.children, old), span=None),))


def update_element(doc: Document, path: Path, change: Callable[[Element], Element]) -> Document:
    return splice(doc, path, lambda old: (change(_element(old, path)),))


def _element(node: Node, path: Path) -> Element:
    if not isinstance(node, Element):
        raise TreeEditError(f"path {list(path)} names a {type(node).__name__}, not an element",
                            where=Where(path=str(list(path))), fix="select the element again")
    return node


# --- element edits at a path ------------------------------------------------------------------------

def set_attribute(doc: Document, path: Path, name: str, value: Sequence[Node] | None) -> Document:
    """Set attribute ``name`` of the element at ``path`` (``literal("x")`` or ``template_value(...)``)."""
    return update_element(doc, path, lambda el: with_attribute(el, name, value))


def remove_attribute(doc: Document, path: Path, name: str) -> Document:
    return update_element(doc, path, lambda el: without_attribute(el, name))


def add_class_token(doc: Document, path: Path, token: str) -> Document:
    return update_element(doc, path, lambda el: add_class(el, token))


def remove_class_token(doc: Document, path: Path, token: str) -> Document:
    return update_element(doc, path, lambda el: remove_class(el, token))


def rename(doc: Document, path: Path, tag: str) -> Document:
    """Rename the element at ``path`` (start and end tag)."""
    return update_element(doc, path, lambda el: rename_tag(el, tag))


# --- element edits (pure functions of an element) --------------------------------------------------

def rename_tag(el: Element, tag: str) -> Element:
    end = None if el.end is None else replace(el.end, name=tag, span=None)
    return replace(el, start=replace(el.start, name=tag, span=None), end=end, span=None)


def with_attribute(el: Element, name: str, value: Sequence[Node] | None) -> Element:
    """Set ``name`` (every other occurrence, conditional ones included, is removed)."""
    new = attribute(name, value)
    parts = list(el.start.parts)
    first = next((i for i, p in enumerate(parts) if isinstance(p, Attribute) and p.key == name.lower()), None)
    if first is not None:
        parts[first] = new
        rest = _drop_attribute(tuple(parts[first + 1:]), name.lower())
        parts = [*parts[:first + 1], *rest]
    else:
        parts = list(_drop_attribute(tuple(parts), name.lower()))
        at = len(parts) - 1 if parts and _is_space(parts[-1]) else len(parts)
        parts[at:at] = [Text(" "), new]
    return _with_parts(el, tuple(parts))


def without_attribute(el: Element, name: str) -> Element:
    return _with_parts(el, _drop_attribute(el.start.parts, name.lower()))


def _with_parts(el: Element, parts: tuple[Node, ...]) -> Element:
    return replace(el, start=replace(el.start, parts=parts, span=None), span=None)


def _drop_attribute(parts: tuple[Node, ...], key: str) -> tuple[Node, ...]:
    kept: list[Node] = []
    for part in parts:
        if isinstance(part, Attribute) and part.key == key:
            if kept and _is_space(kept[-1]):
                kept.pop()
            continue
        if isinstance(part, Block):
            branches = tuple(replace(b, children=_drop_attribute(b.children, key), span=None) for b in part.branches)
            part = replace(part, branches=branches, span=None) if branches != part.branches else part
        kept.append(part)
    return tuple(kept)


def _is_space(node: Node) -> bool:
    return isinstance(node, Text) and not node.text.strip()


def class_attribute(el: Element) -> Attribute | None:
    found = el.start.attribute("class")
    if found is None and "class=" in el.start.print().lower():
        raise TreeEditError(f"<{el.tag}> sets its class inside template code; its classes cannot be edited",
                            fix="declare the slot on an element whose class attribute is written in the tag")
    return found


def add_class(el: Element, token: str) -> Element:
    current = class_attribute(el)
    if current is None:
        return with_attribute(el, "class", (Text(token),))
    if token in static_tokens(current):
        return el
    value = current.value or ()
    joiner = " " if value and not value[-1].print()[-1:].isspace() else ""
    new = replace(current, value=(*value, Text(joiner + token)), quote=current.quote or '"', span=None)
    if not current.equals:
        new = replace(new, equals="=")
    return _with_parts(el, tuple(new if p is current else p for p in el.start.parts))


def remove_class(el: Element, token: str) -> Element:
    """Remove ``token`` wherever the class attribute spells it out, conditional branches included.

    A token glued to template code (``card--{{ ratio }}``) is not a token of the source and stays.
    """
    current = class_attribute(el)
    if current is None or not current.value:
        return el
    value = _remove_token(current.value, token)
    if value == current.value:
        return el
    if not "".join(p.print() for p in value).strip():
        return without_attribute(el, "class")
    new = replace(current, value=value, span=None)
    return _with_parts(el, tuple(new if p is current else p for p in el.start.parts))


def _remove_token(value: tuple[Node, ...], token: str) -> tuple[Node, ...]:
    pattern = re.compile(rf"(?<!\S){re.escape(token)}(?!\S)")
    out: list[Node] = []
    for i, part in enumerate(value):
        if isinstance(part, Block):
            branches = tuple(replace(b, children=_remove_token(b.children, token), span=None) for b in part.branches)
            out.append(part if branches == part.branches else replace(part, branches=branches, span=None))
            continue
        if not isinstance(part, Text):
            out.append(part)
            continue
        text = part.text
        for match in reversed(list(pattern.finditer(text))):
            glued_left = match.start() == 0 and i > 0 and glues(value[i - 1], at_end=True)
            glued_right = match.end() == len(text) and i + 1 < len(value) and glues(value[i + 1], at_end=False)
            if glued_left or glued_right:
                continue
            text = _cut(text, match.start(), match.end())
        out.append(part if text == part.text else Text(text))
    return tuple(out)


def _cut(text: str, start: int, end: int) -> str:
    """Remove ``text[start:end]`` and the whitespace after it (or, at the end, the whitespace before it)."""
    after = len(text[end:]) - len(text[end:].lstrip())
    if after:
        return text[:start] + text[end + after:]
    before = start - len(text[:start].rstrip())
    return text[:start - before] + text[end:]


__all__ = [
    "TreeEditError", "add_class", "add_class_token", "attribute", "class_attribute", "element", "escape",
    "insert_after", "insert_before", "insert_into", "literal", "node_at", "remove", "remove_attribute",
    "remove_class", "remove_class_token", "rename", "rename_tag", "replace_node", "set_attribute", "splice",
    "template_value", "update_element", "with_attribute", "without_attribute", "wrap",
]
