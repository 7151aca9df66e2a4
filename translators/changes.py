"""What changed between a base and a patched component: the values the tree diff and the CSS diff produce.

A :class:`Change` is one change of the template tree (a class added, an element deleted, a block
wrapped around a node, ...); a :class:`CssChange` is one changed stylesheet rule; a :class:`FileChange`
is an edit of another file (a snippet) that no slot can hold. Every change keeps the base and patched
line ranges it covers, so the report can tie it to the hunks of the effective diff.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from harness.jinjatree import Node, Path, Span

ChangeKind = Literal[
    "text",          # literal text changed (paired text nodes)
    "expression",    # a {{ }} expression changed
    "statement",     # a {% %} statement changed
    "tag",           # an element renamed
    "attribute",     # an attribute added, removed or changed (``attribute`` names it)
    "classes",       # class tokens added or removed, the rest of the class attribute unchanged
    "style",         # inline style declarations changed
    "tag_logic",     # template code written directly in a start tag (not in a value) changed
    "block_logic",   # a Jinja block's condition or branches changed
    "insert",        # new node(s)
    "delete",        # node(s) removed
    "move",          # a node moved (maybe changed too: see the changes inside it)
    "wrap",          # existing node(s) put inside a new element
    "unwrap",        # an element removed, its content kept
    "block_wrap",    # existing node(s) put inside a new Jinja block (a new conditional or loop)
    "block_unwrap",  # a Jinja block removed, its content kept
    "comment_out",   # node(s) turned into a {# #} or <!-- --> comment
    "comment",       # the text of a comment changed
    "format",        # whitespace or formatting only (no visible change)
]

START_TAG_KINDS = frozenset({"tag", "attribute", "classes", "style", "tag_logic"})


@dataclass(frozen=True)
class Lines:
    """1-based inclusive line range; ``end < start`` marks an empty point before ``start``."""

    start: int
    end: int

    @classmethod
    def of(cls, *nodes: Node | Span | None) -> Lines | None:
        spans = [n if isinstance(n, Span) else getattr(n, "span", None) for n in nodes]
        found = [s for s in spans if isinstance(s, Span)]
        if not found:
            return None
        return cls(min(s.line for s in found), max(s.end_line for s in found))

    def overlaps(self, lines: frozenset[int]) -> bool:
        return any(self.start <= line <= self.end for line in lines)

    def __str__(self) -> str:
        if self.end < self.start:
            return f"before line {self.start}"
        return f"line {self.start}" if self.start == self.end else f"lines {self.start}-{self.end}"


@dataclass(frozen=True)
class Change:
    """One change of the template tree.

    ``base_path`` / ``patched_path`` address the changed node in each tree (``None`` for an insertion /
    a deletion). ``where`` is the base path that decides which slot owns the change: the node itself, or
    for an insertion the parent it was inserted into (``index``: the base child index it precedes).
    Start-tag changes (:data:`START_TAG_KINDS`) have the element's paths.
    """

    kind: ChangeKind
    file: str
    summary: str
    where: Path
    base_path: Path | None = None
    patched_path: Path | None = None
    base_nodes: tuple[Node, ...] = ()
    patched_nodes: tuple[Node, ...] = ()
    base_lines: Lines | None = None
    patched_lines: Lines | None = None
    attribute: str | None = None
    index: int | None = None
    patched_parent: Path | None = None
    target_parent: Path | None = None   # a move: the base path of the parent it moved into
    base_paths: tuple[Path, ...] = ()    # changes of several sibling nodes (a comment-out, a wrap)
    more_lines: tuple[Lines, ...] = ()   # other lines the change touches on either side (a renamed end tag)
    extra: bool = False  # a wrap/unwrap that also adds or drops other content

    @property
    def on_start_tag(self) -> bool:
        return self.kind in START_TAG_KINDS

    @property
    def paths(self) -> tuple[Path, ...]:
        """The base paths of every node this change removes or edits (empty for an insertion)."""
        if self.base_paths:
            return self.base_paths
        return () if self.base_path is None else (self.base_path,)


CssChangeKind = Literal["rule_added", "rule_removed", "rule_changed", "at_rule_changed", "rules_reordered",
                        "style_block"]


@dataclass(frozen=True)
class Declaration:
    name: str  # lower-cased property name
    value: str  # serialized value, outer whitespace stripped
    important: bool = False
    line: int = 0

    def css(self) -> str:
        return f"{self.name}: {self.value}{' !important' if self.important else ''}"


@dataclass(frozen=True)
class Rule:
    """A qualified rule of a stylesheet, flattened out of its ``@media``/``@supports``/``@container`` blocks.

    ``context`` holds the enclosing conditional at-rules (``"@media (min-width: 750px)"``); ``at_rule``
    is set for other at-rules (``@keyframes``, ``@font-face``, ``@import``), kept whole as ``source``.
    """

    context: tuple[str, ...]
    selector: str  # the prelude, whitespace collapsed
    declarations: tuple[Declaration, ...]
    order: int
    lines: Lines
    source: str
    at_rule: str | None = None

    @property
    def key(self) -> tuple[tuple[str, ...], str]:
        return self.context, self.selector

    def properties(self) -> frozenset[str]:
        return frozenset(d.name for d in self.declarations)


@dataclass(frozen=True)
class CssChange:
    """One rule of the stylesheet added, removed or changed (or rules in the ``<style>`` of the template)."""

    kind: CssChangeKind
    file: str
    summary: str
    base: Rule | None = None
    patched: Rule | None = None
    changed: tuple[Declaration, ...] = ()  # every patched declaration of a property whose values changed
    removed: tuple[str, ...] = ()          # properties the patched rule no longer sets
    base_lines: Lines | None = None
    patched_lines: Lines | None = None
    number: int = 0  # position among the stylesheet's changes (orders the custom_css entries)


@dataclass(frozen=True)
class FileChange:
    """An edit of a file other than the entry template and the stylesheet (a snippet, a macro file)."""

    file: str
    summary: str
    shared_with: tuple[str, ...] = ()
    base_lines: Lines | None = None
    patched_lines: Lines | None = None


AnyChange = Change | CssChange | FileChange

__all__ = ["START_TAG_KINDS", "AnyChange", "Change", "ChangeKind", "CssChange", "CssChangeKind", "Declaration",
           "FileChange", "Lines", "Rule"]
