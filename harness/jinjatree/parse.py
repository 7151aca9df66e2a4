"""``parse(source) -> Document``: the entry point of the template-aware tree."""

from __future__ import annotations

from harness.jinjatree.build import build
from harness.jinjatree.lexer import Lexer, lex
from harness.jinjatree.nodes import Document, Node


def parse(source: str, *, name: str = "<template>") -> Document:
    """Parse Jinja2 + HTML source into a :class:`Document`; never fails, ``print()`` returns ``source``."""
    children = tuple(build(lex(source)))
    return Document(children, name, span=Lexer(source).span(0, len(source)))


def parse_fragment(source: str) -> tuple[Node, ...]:
    """The top-level nodes of a piece of template source (spans relative to the fragment)."""
    return parse(source, name="<fragment>").children
