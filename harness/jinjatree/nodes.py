"""The nodes of a template-aware tree: frozen values that print back to their source byte for byte.

Every node keeps the exact text it was parsed from (split across its parts), so ``node.print()`` is the
source of that region. Equality ignores positions: a ``{{ product.title }}`` node in the base template and
the same text in a patched template are equal nodes, which is what lets translators diff two trees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = [
    "VOID_ELEMENTS", "Attribute", "Block", "Branch", "Declaration", "Document", "Element", "EndTag",
    "Expression", "HtmlComment", "JinjaComment", "Node", "Span", "StartTag", "Statement", "Text",
]

VOID_ELEMENTS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
})

_KEYWORD = re.compile(r"\{%[-+]?\s*([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Span:
    """Where a node came from: offsets ``[start, end)`` into the source and 1-based lines."""

    start: int
    end: int
    line: int
    end_line: int


@dataclass(frozen=True)
class Text:
    """Literal text: markup-free content, whitespace between attributes, raw text of ``<script>``."""

    text: str
    span: Span | None = field(default=None, compare=False, kw_only=True, repr=False)

    def print(self) -> str:
        return self.text


@dataclass(frozen=True)
class _JinjaToken:
    source: str
    span: Span | None = field(default=None, compare=False, kw_only=True, repr=False)

    def print(self) -> str:
        return self.source

    @property
    def inner(self) -> str:
        """The code between the delimiters, without whitespace-control signs and outer spaces."""
        body = self.source[2:-2]
        if body[:1] in "-+":
            body = body[1:]
        if body[-1:] in "-+":
            body = body[:-1]
        return body.strip()

    @property
    def trims_before(self) -> bool:
        return self.source[2:3] == "-"

    @property
    def trims_after(self) -> bool:
        return self.source[-3:-2] == "-"


@dataclass(frozen=True)
class Expression(_JinjaToken):
    """``{{ ... }}``: identified by its text, never replaced by a placeholder."""


@dataclass(frozen=True)
class Statement(_JinjaToken):
    """``{% ... %}`` on its own: ``set``, ``include``, or a block tag that could not be paired."""

    @property
    def keyword(self) -> str:
        match = _KEYWORD.match(self.source)
        return match.group(1) if match else ""


@dataclass(frozen=True)
class JinjaComment(_JinjaToken):
    """``{# ... #}``."""


@dataclass(frozen=True)
class Branch:
    """One branch of a block: its opening statement (``{% if %}``, ``{% elif %}``, ``{% else %}``) and body."""

    head: Statement
    children: tuple[Node, ...]
    span: Span | None = field(default=None, compare=False, kw_only=True, repr=False)

    def print(self) -> str:
        return self.head.print() + "".join(child.print() for child in self.children)


@dataclass(frozen=True)
class Block:
    """A paired Jinja block (if/for/macro/call/filter/with/set/raw/...) with its branches."""

    branches: tuple[Branch, ...]
    end: Statement
    span: Span | None = field(default=None, compare=False, kw_only=True, repr=False)

    @property
    def kind(self) -> str:
        return self.branches[0].head.keyword

    def print(self) -> str:
        return "".join(branch.print() for branch in self.branches) + self.end.print()


@dataclass(frozen=True)
class HtmlComment:
    """``<!-- ... -->``; Jinja inside a comment still runs, so the body holds Jinja nodes and text."""

    body: tuple[Node, ...]
    close: str = "-->"  # "" when the comment runs to the end of the source
    span: Span | None = field(default=None, compare=False, kw_only=True, repr=False)

    def print(self) -> str:
        return "<!--" + "".join(part.print() for part in self.body) + self.close


@dataclass(frozen=True)
class Declaration:
    """``<!DOCTYPE html>``, ``<![CDATA[...]]>``-like and ``<?...>`` constructs, kept verbatim."""

    source: str
    span: Span | None = field(default=None, compare=False, kw_only=True, repr=False)

    def print(self) -> str:
        return self.source


@dataclass(frozen=True)
class Attribute:
    """``name``, ``name=value``, ``name="a {{ b }}"``: value parts may be text, expressions, statements, blocks.

    ``equals`` is the ``=`` with the whitespace around it as written (empty when there is no value);
    ``quote`` is ``"``, ``'`` or empty; ``value`` is ``None`` for an attribute without a value.
    """

    name: str
    equals: str = ""
    quote: str = ""
    value: tuple[Node, ...] | None = None
    span: Span | None = field(default=None, compare=False, kw_only=True, repr=False)

    @property
    def key(self) -> str:
        return self.name.lower()

    def static_value(self) -> str | None:
        """The value when it is plain text (no template code in it), else ``None``."""
        if self.value is None:
            return ""
        if all(isinstance(part, Text) for part in self.value):
            return "".join(part.print() for part in self.value)
        return None

    def print(self) -> str:
        if self.value is None:
            return self.name + self.equals
        return self.name + self.equals + self.quote + "".join(p.print() for p in self.value) + self.quote


@dataclass(frozen=True)
class StartTag:
    """``<name parts...>``: parts are attributes, whitespace text and Jinja nodes in source order."""

    name: str
    parts: tuple[Node, ...] = ()
    close: str = ">"  # ">" or "/>"
    span: Span | None = field(default=None, compare=False, kw_only=True, repr=False)

    @property
    def tag(self) -> str:
        return self.name.lower()

    @property
    def self_closing(self) -> bool:
        return self.close == "/>"

    @property
    def is_void(self) -> bool:
        return self.tag in VOID_ELEMENTS

    def attributes(self) -> tuple[Attribute, ...]:
        """The attributes written directly in the tag (not inside a Jinja block), in order."""
        return tuple(part for part in self.parts if isinstance(part, Attribute))

    def attribute(self, name: str) -> Attribute | None:
        key = name.lower()
        return next((a for a in self.attributes() if a.key == key), None)

    def print(self) -> str:
        return "<" + self.name + "".join(part.print() for part in self.parts) + self.close


@dataclass(frozen=True)
class EndTag:
    """``</name>``; ``tail`` is whatever stands between the name and ``>`` (usually nothing)."""

    name: str
    tail: str = ""
    span: Span | None = field(default=None, compare=False, kw_only=True, repr=False)

    @property
    def tag(self) -> str:
        return self.name.lower()

    def print(self) -> str:
        return "</" + self.name + self.tail + ">"


@dataclass(frozen=True)
class Element:
    """A start tag paired with its end tag (``end`` is ``None`` for void and self-closing elements).

    A start or end tag that could not be paired stays in the tree as a bare :class:`StartTag` or
    :class:`EndTag` node among its siblings.
    """

    start: StartTag
    children: tuple[Node, ...] = ()
    end: EndTag | None = None
    span: Span | None = field(default=None, compare=False, kw_only=True, repr=False)

    @property
    def tag(self) -> str:
        return self.start.tag

    def print(self) -> str:
        end = self.end.print() if self.end is not None else ""
        return self.start.print() + "".join(child.print() for child in self.children) + end


Node = (Text | Expression | Statement | JinjaComment | Block | Branch | HtmlComment | Declaration
        | Attribute | StartTag | EndTag | Element)


@dataclass(frozen=True)
class Document:
    """A parsed template: ``print()`` returns the source it was parsed from, byte for byte."""

    children: tuple[Node, ...]
    name: str = "<template>"
    span: Span | None = field(default=None, compare=False, kw_only=True, repr=False)

    def print(self) -> str:
        return "".join(child.print() for child in self.children)

    def walk(self) -> Iterator[Node]:
        """Every node in document order, depth first (tag parts and attribute values included)."""
        for child in self.children:
            yield from walk(child)

    def degraded(self) -> tuple[Node, ...]:
        """Nodes the parser could not pair: bare start/end tags and block statements without partner."""
        from harness.jinjatree.build import unpaired

        return tuple(unpaired(self.children))


def children_of(node: Node | Document) -> tuple[Node, ...]:
    """The nodes directly under ``node``: what a path step indexes into."""
    if isinstance(node, Document | Element | Branch):
        return node.children
    if isinstance(node, Block):
        return node.branches
    if isinstance(node, HtmlComment):
        return node.body
    if isinstance(node, StartTag):
        return node.parts
    if isinstance(node, Attribute):
        return node.value or ()
    return ()


def walk(node: Node) -> Iterator[Node]:
    """``node`` and everything under it in source order (start tags, branch heads and ends included)."""
    yield node
    if isinstance(node, Element):
        yield from walk(node.start)
    elif isinstance(node, Branch):
        yield node.head
    for child in children_of(node):
        yield from walk(child)
    end = node.end if isinstance(node, Element | Block) else None
    if end is not None:
        yield end
