"""Diff two template trees (base and patched) into :class:`~translators.changes.Change` values.

    diff = diff_documents(parse(base_source), parse(patched_source), file="template.html.j2")
    diff.changes      # every change, in base document order
    diff.pairs        # base path -> patched path of every node the diff paired

How: child lists are aligned recursively. First on whole subtrees up to formatting
(:meth:`~translators.treekeys.Keys.norm`, ``difflib.SequenceMatcher(autojunk=False)``): equal subtrees
are paired (a formatting difference is one ``format`` change). In each replaced run, nodes are paired by
identity (tag + static classes + id, block kind + head, the code of a Jinja token), then leftovers by
similarity in order. Paired nodes are compared: tag, attributes, class tokens, inline style, template
code in the start tag, block heads, children (recursively). Unpaired nodes go to the post-passes of
:mod:`translators.treepost` (comment-outs, moves, wraps, unwraps), and what is left is inserted or deleted.

Whitespace-only text is formatting, never aligned: a whole-file reformat pairs every node and yields
``format`` changes only. Line-based diffing is never used (prior-art §3).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from harness.jinjatree import (
    Attribute,
    Block,
    Branch,
    Document,
    Element,
    Expression,
    Node,
    Path,
    Statement,
    Text,
)
from translators.changes import Change, ChangeKind, Lines
from translators.treekeys import (
    Keys,
    classes,
    describe,
    identity,
    significant,
    similar,
    style_declarations,
)
from translators.treekeys import (
    code as token_code,
)

TOP_LEVEL = "the top level"


@dataclass(frozen=True)
class TreeDiff:
    changes: tuple[Change, ...]
    pairs: Mapping[Path, Path]


@dataclass
class Loose:
    """A node the alignment left unpaired, waiting for the post-passes."""

    node: Node
    path: Path        # in its own tree
    parent: Path      # base path of the parent (for an insertion: the parent it was inserted into)
    patched_parent: Path
    index: int        # base child index: the node's own, or the one an insertion precedes
    label: str = TOP_LEVEL  # the parent, for people: <div class="card__info">
    claimed: bool = False


def diff_documents(base: Document, patched: Document, *, file: str) -> TreeDiff:
    from translators.treepost import resolve_loose

    differ = Differ(file)
    differ.children(base.children, patched.children, (), ())
    resolve_loose(differ)
    ordered = sorted(differ.changes, key=_order)
    return TreeDiff(tuple(ordered), dict(differ.pairs))


def _order(change: Change) -> tuple[int, int, Path]:
    lines = change.base_lines or change.patched_lines
    return (lines.start if lines else 0, 0 if change.base_lines else 1, change.where)


class Differ:
    def __init__(self, file: str) -> None:
        self.file = file
        self.keys = Keys()
        self.changes: list[Change] = []
        self.pairs: dict[Path, Path] = {}
        self.deleted: list[Loose] = []
        self.inserted: list[Loose] = []

    def add(self, change: Change) -> None:
        self.changes.append(change)

    def paired(self, kind: ChangeKind, summary: str, a: Node, b: Node, pa: Path, pb: Path, *,
               base_lines: Lines | None = None, patched_lines: Lines | None = None,
               attribute: str | None = None, more_lines: tuple[Lines, ...] = ()) -> None:
        """Record a change of node ``a`` (at ``pa``) into node ``b`` (at ``pb``)."""
        self.changes.append(Change(kind, self.file, summary, pa, base_path=pa, patched_path=pb, base_nodes=(a,),
                                   patched_nodes=(b,), base_lines=base_lines or Lines.of(a),
                                   patched_lines=patched_lines or Lines.of(b), attribute=attribute,
                                   more_lines=more_lines))

    # --- child lists ------------------------------------------------------------------------------

    def children(self, a: Sequence[Node], b: Sequence[Node], pa: Path, pb: Path, label: str = TOP_LEVEL) -> None:
        sa = [i for i, n in enumerate(a) if significant(n)]
        sb = [j for j, n in enumerate(b) if significant(n)]
        matcher = difflib.SequenceMatcher(None, [self.keys.norm(a[i]) for i in sa],
                                          [self.keys.norm(b[j]) for j in sb], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for x, y in zip(range(i1, i2), range(j1, j2), strict=True):
                    self.same(a[sa[x]], b[sb[y]], (*pa, sa[x]), (*pb, sb[y]))
                continue
            after = sa[i2] if i2 < len(sa) else len(a)
            self.run(a, b, sa[i1:i2], sb[j1:j2], pa, pb, after, label)

    def run(self, a: Sequence[Node], b: Sequence[Node], ia: list[int], ib: list[int], pa: Path, pb: Path,
            end_index: int, label: str) -> None:
        """A replaced run: pair what can be paired, leave the rest loose (in order)."""
        alignment = align([a[i] for i in ia], [b[j] for j in ib], self.keys)
        next_base = [end_index] * (len(alignment) + 1)
        for k in range(len(alignment) - 1, -1, -1):
            x = alignment[k][0]
            next_base[k] = ia[x] if x is not None else next_base[k + 1]
        for k, (x, y) in enumerate(alignment):
            if x is not None and y is not None:
                self.node(a[ia[x]], b[ib[y]], (*pa, ia[x]), (*pb, ib[y]))
            elif x is not None:
                self.deleted.append(Loose(a[ia[x]], (*pa, ia[x]), pa, pb, ia[x], label))
            elif y is not None:
                self.inserted.append(Loose(b[ib[y]], (*pb, ib[y]), pa, pb, next_base[k + 1], label))

    # --- paired nodes -----------------------------------------------------------------------------

    def same(self, a: Node, b: Node, pa: Path, pb: Path) -> None:
        """Nodes equal up to formatting: pair them (and everything inside); one ``format`` change if spelled differently."""
        self.pair_all(a, b, pa, pb)
        if a.print() != b.print():
            self.paired("format", f"{describe(a)} reformatted (no visible change)", a, b, pa, pb)

    def pair_all(self, a: Node, b: Node, pa: Path, pb: Path) -> None:
        self.pairs[pa] = pb
        for (x, kid_a), (y, kid_b) in zip(_significant_kids(a), _significant_kids(b), strict=False):
            self.pair_all(kid_a, kid_b, (*pa, x), (*pb, y))

    def node(self, a: Node, b: Node, pa: Path, pb: Path) -> None:
        if self.keys.norm(a) == self.keys.norm(b):
            self.same(a, b, pa, pb)
            return
        self.pairs[pa] = pb
        if isinstance(a, Element) and isinstance(b, Element):
            self.element(a, b, pa, pb)
        elif isinstance(a, Block) and isinstance(b, Block):
            self.block(a, b, pa, pb)
        elif isinstance(a, Text) and isinstance(b, Text):
            self.paired("text", f"text {describe(a)} changed to {describe(b)}", a, b, pa, pb)
        elif isinstance(a, Expression) and isinstance(b, Expression):
            self.paired("expression", f"expression {describe(a)} changed to {describe(b)}", a, b, pa, pb)
        elif isinstance(a, Statement) and isinstance(b, Statement):
            self.paired("statement", f"statement {describe(a)} changed to {describe(b)}", a, b, pa, pb)
        else:
            self.paired("comment", f"comment {describe(a)} changed", a, b, pa, pb)

    def element(self, a: Element, b: Element, pa: Path, pb: Path) -> None:
        StartTagDiff(self, a, b, pa, pb).run()
        self.children(a.children, b.children, pa, pb, describe(a))

    def block(self, a: Block, b: Block, pa: Path, pb: Path) -> None:
        heads_a = [token_code(branch.head) for branch in a.branches]
        heads_b = [token_code(branch.head) for branch in b.branches]
        if heads_a != heads_b:
            self.paired("block_logic", f"the template logic {describe(a)} changed to {describe(b)}", a, b, pa, pb,
                        base_lines=Lines.of(*(br.head for br in a.branches)),
                        patched_lines=Lines.of(*(br.head for br in b.branches)))
        else:
            statements = [(x.head, y.head) for x, y in zip(a.branches, b.branches, strict=True)] + [(a.end, b.end)]
            for old, new in statements:
                if self.keys.norm(old) != self.keys.norm(new):  # only the trim signs differ
                    self.paired("statement", f"whitespace control of {describe(old)} changed", a, b, pa, pb,
                                base_lines=Lines.of(old), patched_lines=Lines.of(new))
        matcher = difflib.SequenceMatcher(None, heads_a, heads_b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag in ("equal", "replace"):
                for x, y in zip(range(i1, i2), range(j1, j2), strict=False):
                    self.pairs[(*pa, x)] = (*pb, y)
                    self.children(a.branches[x].children, b.branches[y].children, (*pa, x), (*pb, y),
                                  describe(a.branches[x].head))


class StartTagDiff:
    """Compare the start tags of two paired elements: name, attributes, classes, style, template code."""

    def __init__(self, differ: Differ, a: Element, b: Element, pa: Path, pb: Path) -> None:
        self.differ, self.a, self.b, self.pa, self.pb = differ, a, b, pa, pb

    def add(self, kind: ChangeKind, summary: str, attr_a: Node | None = None, attr_b: Node | None = None,
            attribute: str | None = None) -> None:
        ends = tuple(lines for lines in (Lines.of(self.a.end), Lines.of(self.b.end)) if lines is not None)
        self.differ.paired(kind, summary, self.a, self.b, self.pa, self.pb, attribute=attribute,
                           base_lines=Lines.of(attr_a or self.a.start),
                           patched_lines=Lines.of(attr_b or self.b.start), more_lines=ends if kind == "tag" else ())

    def run(self) -> None:
        a, b = self.a, self.b
        name = describe(a)
        if a.tag != b.tag:
            self.add("tag", f"{name} renamed to <{b.tag}>")
        attrs_a = {attr.key: attr for attr in reversed(a.start.attributes())}
        attrs_b = {attr.key: attr for attr in reversed(b.start.attributes())}
        for key in _ordered_keys(a, b):
            self.attribute(key, attrs_a.get(key), attrs_b.get(key), name)
        keys = self.differ.keys
        logic_a = [keys.norm(p) for p in a.start.parts if not isinstance(p, Attribute) and significant(p)]
        logic_b = [keys.norm(p) for p in b.start.parts if not isinstance(p, Attribute) and significant(p)]
        if logic_a != logic_b:
            self.add("tag_logic", f"template code in the start tag of {name} changed")

    def attribute(self, key: str, old: Attribute | None, new: Attribute | None, name: str) -> None:
        keys = self.differ.keys
        if old is not None and new is not None and keys.value(old) == keys.value(new):
            return
        if key == "style" and style_declarations(old) is not None and style_declarations(new) is not None:
            self.add("style", f"inline style of {name} changed", old, new, key)
            return
        if old is None and new is not None:
            kind: ChangeKind = "classes" if key == "class" and new.static_value() is not None else "attribute"
            self.add(kind, f"attribute {new.name} added to {name}", None, new, key)
            return
        if new is None and old is not None:
            kind = "classes" if key == "class" and old.static_value() is not None else "attribute"
            self.add(kind, f"attribute {old.name} removed from {name}", old, None, key)
            return
        assert old is not None
        assert new is not None
        if key == "class" and self.class_tokens_only(old, new):
            added = sorted(set(classes(self.b)) - set(classes(self.a)))
            removed = sorted(set(classes(self.a)) - set(classes(self.b)))
            words = [f"class {t!r} added" for t in added] + [f"class {t!r} removed" for t in removed]
            self.add("classes", f"{', '.join(words)} on {name}", old, new, key)
            return
        self.add("attribute", f"attribute {old.name} of {name} changed", old, new, key)

    def class_tokens_only(self, old: Attribute, new: Attribute) -> bool:
        """True when only static tokens differ (the template parts of the class value are the same)."""
        keys = self.differ.keys

        def template_parts(attr: Attribute) -> list[str]:
            return [keys.norm(p) for p in attr.value or () if not isinstance(p, Text)]

        return template_parts(old) == template_parts(new) and set(classes(self.a)) != set(classes(self.b))


def align(a: list[Node], b: list[Node], keys: Keys) -> list[tuple[int | None, int | None]]:
    """Pair the nodes of a replaced run: by identity first, then leftovers by similarity, in order."""
    matcher = difflib.SequenceMatcher(None, [identity(n) for n in a], [identity(n) for n in b], autojunk=False)
    out: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += list(zip(range(i1, i2), range(j1, j2), strict=True))
        else:
            out += _pair_similar(a, b, list(range(i1, i2)), list(range(j1, j2)), keys)
    return out


def _pair_similar(a: list[Node], b: list[Node], ia: list[int], ib: list[int],
                  keys: Keys) -> list[tuple[int | None, int | None]]:
    out: list[tuple[int | None, int | None]] = []
    j = 0
    for x in ia:
        found = next((k for k in range(j, len(ib)) if similar(a[x], b[ib[k]]) and not wraps(b[ib[k]], a[x])
                      and not wraps(a[x], b[ib[k]])), None)
        if found is None:
            out.append((x, None))
            continue
        out += [(None, y) for y in ib[j:found]]
        out.append((x, ib[found]))
        j = found + 1
    out += [(None, y) for y in ib[j:]]
    return out


def wraps(outer: Node, inner: Node) -> bool:
    """Whether ``outer`` holds (directly, or in one of its branches) a node with the identity of ``inner``."""
    wanted = identity(inner)
    return any(identity(kid) == wanted for _, kid in inner_nodes(outer))


def inner_nodes(node: Node) -> Iterator[tuple[Path, Node]]:
    """The significant nodes directly inside an element, or inside each branch of a block (relative paths)."""
    if isinstance(node, Element):
        for i, kid in enumerate(node.children):
            if significant(kid):
                yield (i,), kid
    elif isinstance(node, Block):
        for bi, branch in enumerate(node.branches):
            for i, kid in enumerate(branch.children):
                if significant(kid):
                    yield (bi, i), kid


def _significant_kids(node: Node) -> list[tuple[int, Node]]:
    if isinstance(node, Element):
        return [(i, n) for i, n in enumerate(node.children) if significant(n)]
    if isinstance(node, Block):
        return list(enumerate(node.branches))
    if isinstance(node, Branch):
        return [(i, n) for i, n in enumerate(node.children) if significant(n)]
    return []


def _ordered_keys(a: Element, b: Element) -> list[str]:
    seen: dict[str, None] = {}
    for attr in (*a.start.attributes(), *b.start.attributes()):
        seen.setdefault(attr.key, None)
    return list(seen)


__all__ = ["TOP_LEVEL", "Differ", "Loose", "TreeDiff", "align", "diff_documents", "inner_nodes", "wraps"]
