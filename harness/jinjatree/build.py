"""Pair the flat token stream into a tree: Jinja blocks first (Jinja decides what runs), then elements.

Both passes degrade instead of failing: a block tag without its partner stays a bare :class:`Statement`,
a start tag without an end tag in the same branch stays a bare :class:`StartTag` (its would-be children
follow it as siblings), and a stray end tag stays a bare :class:`EndTag`. Printing is unaffected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from harness.jinjatree.nodes import (
    Attribute,
    Block,
    Branch,
    Element,
    EndTag,
    HtmlComment,
    Node,
    Span,
    StartTag,
    Statement,
)

# opener -> the statements that may start a further branch of it
BLOCK_TAGS: dict[str, frozenset[str]] = {
    "if": frozenset({"elif", "else"}),
    "for": frozenset({"else"}),
    "macro": frozenset(),
    "call": frozenset(),
    "filter": frozenset(),
    "with": frozenset(),
    "set": frozenset(),
    "block": frozenset(),
    "autoescape": frozenset(),
    "trans": frozenset({"pluralize"}),
    "raw": frozenset(),
}
_MIDDLE = frozenset().union(*BLOCK_TAGS.values())
_BLOCK_SET = re.compile(r"set\s+[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*(\||\Z)")


def opens_block(statement: Statement) -> bool:
    keyword = statement.keyword
    if keyword == "set":
        return _BLOCK_SET.match(statement.inner) is not None
    return keyword in BLOCK_TAGS


def is_block_tag(statement: Statement) -> bool:
    """True for statements that only make sense paired (openers, ``else``-likes, ``end...``)."""
    keyword = statement.keyword
    return opens_block(statement) or keyword in _MIDDLE or (keyword[3:] in BLOCK_TAGS and keyword[:3] == "end")


@dataclass
class _Frame:
    head: Statement | None
    branches: list[tuple[Statement, list[Node]]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    def current(self) -> list[Node]:
        return self.branches[-1][1] if self.branches else self.children

    def flatten(self) -> list[Node]:
        nodes: list[Node] = []
        for head, body in self.branches:
            nodes.append(head)
            nodes.extend(body)
        return nodes


def pair_blocks(items: Sequence[Node]) -> list[Node]:
    """Group ``{% if %}…{% endif %}``-style statements into :class:`Block` nodes."""
    root = _Frame(None)
    stack = [root]
    for item in items:
        if not isinstance(item, Statement):
            stack[-1].current().append(item)
        elif opens_block(item):
            frame = _Frame(item)
            frame.branches.append((item, []))
            stack.append(frame)
        elif item.keyword.startswith("end") and _close(stack, item):
            continue
        elif item.keyword in _MIDDLE and stack[-1].head is not None and \
                item.keyword in BLOCK_TAGS[stack[-1].head.keyword]:
            stack[-1].branches.append((item, []))
        else:
            stack[-1].current().append(item)
    while len(stack) > 1:
        frame = stack.pop()
        stack[-1].current().extend(frame.flatten())
    return root.children


def _close(stack: list[_Frame], end: Statement) -> bool:
    opener = end.keyword[3:]
    depth = next((d for d in range(len(stack) - 1, 0, -1) if _keyword(stack[d].head) == opener), None)
    if depth is None:
        return False
    while len(stack) - 1 > depth:
        frame = stack.pop()
        stack[-1].current().extend(frame.flatten())
    frame = stack.pop()
    branches = tuple(Branch(head, tuple(body), span=_cover(head, body)) for head, body in frame.branches)
    block = Block(branches, end, span=_cover(branches[0], [end]))
    stack[-1].current().append(block)
    return True


def _keyword(head: Statement | None) -> str | None:
    return None if head is None else head.keyword


def _cover(first: Node, rest: Sequence[Node]) -> Span | None:
    spans = [first.span] + [node.span for node in rest]
    known = [span for span in spans if span is not None]
    if not known:
        return None
    start, end = known[0], known[-1]
    return Span(start.start, end.end, start.line, end.end_line)


@dataclass
class _Open:
    start: StartTag | None
    children: list[Node] = field(default_factory=list)


def pair_elements(items: Sequence[Node]) -> list[Node]:
    """Pair start and end tags of the same name within one sequence of siblings."""
    stack = [_Open(None)]
    for item in items:
        if isinstance(item, Block):
            item = _pair_in_block(item)
        if isinstance(item, StartTag):
            if item.is_void or item.self_closing:
                stack[-1].children.append(Element(item, span=item.span))
            else:
                stack.append(_Open(item))
        elif isinstance(item, EndTag):
            _close_element(stack, item)
        else:
            stack[-1].children.append(item)
    while len(stack) > 1:
        _unwind(stack)
    return stack[0].children


def _pair_in_block(block: Block) -> Block:
    branches = tuple(replace(branch, children=tuple(pair_elements(branch.children))) for branch in block.branches)
    return replace(block, branches=branches)


def _close_element(stack: list[_Open], end: EndTag) -> None:
    depth = next((d for d in range(len(stack) - 1, 0, -1) if _tag(stack[d].start) == end.tag), None)
    if depth is None:
        stack[-1].children.append(end)
        return
    while len(stack) - 1 > depth:
        _unwind(stack)
    frame = stack.pop()
    assert frame.start is not None
    element = Element(frame.start, tuple(frame.children), end, span=_cover(frame.start, [end]))
    stack[-1].children.append(element)


def _tag(start: StartTag | None) -> str | None:
    return None if start is None else start.tag


def _unwind(stack: list[_Open]) -> None:
    frame = stack.pop()
    assert frame.start is not None
    stack[-1].children.append(frame.start)
    stack[-1].children.extend(frame.children)


def build(items: Sequence[Node]) -> list[Node]:
    """The tree of a flat token stream: blocks everywhere, elements in content."""
    return pair_elements([_build_inside(node) for node in pair_blocks(items)])


def _build_inside(node: Node) -> Node:
    """Pair blocks inside tag parts, attribute values and comment bodies (no elements there)."""
    if isinstance(node, StartTag):
        return replace(node, parts=tuple(_build_inside(p) for p in pair_blocks(node.parts)))
    if isinstance(node, Attribute) and node.value:
        return replace(node, value=tuple(_build_inside(p) for p in pair_blocks(node.value)))
    if isinstance(node, HtmlComment):
        return replace(node, body=tuple(pair_blocks(node.body)))
    if isinstance(node, Block):
        branches = tuple(replace(b, children=tuple(_build_inside(c) for c in b.children)) for b in node.branches)
        return replace(node, branches=branches)
    return node


def unpaired(children: Sequence[Node]) -> Iterator[Node]:
    """Bare start/end tags and block statements without a partner, anywhere under ``children``."""
    for node in children:
        if isinstance(node, StartTag | EndTag) or (isinstance(node, Statement) and is_block_tag(node)):
            yield node
        if isinstance(node, Element):
            yield from unpaired(node.start.parts)
            yield from unpaired(node.children)
        elif isinstance(node, Block):
            for branch in node.branches:
                yield from unpaired(branch.children)
        elif isinstance(node, StartTag):
            yield from unpaired(node.parts)
        elif isinstance(node, Attribute) and node.value:
            yield from unpaired(node.value)
        elif isinstance(node, HtmlComment):
            yield from unpaired(node.body)
