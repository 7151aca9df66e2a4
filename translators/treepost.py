"""Post-passes of the tree diff: make sense of the nodes the alignment could not pair.

In order, on the unpaired (loose) nodes:

1. **comment-outs**: a new ``{# … #}`` or ``<!-- … -->`` whose text holds the source of deleted
   sibling nodes (up to whitespace) → one ``comment_out`` change for those nodes;
2. **moves**: a deleted node whose subtree (up to formatting) was inserted elsewhere → ``move``;
3. **wraps**: a new element or block holding a node with the identity of a deleted sibling →
   ``wrap`` / ``block_wrap`` (and the wrapped node is diffed against its old self);
4. **unwraps**: a deleted element or block whose content holds an inserted sibling → ``unwrap`` /
   ``block_unwrap``;
5. **moved and edited**: a deleted and an inserted element with the same distinctive identity (static
   classes or id), each the only one of its kind → ``move`` (and the two are diffed);
6. what is left: ``delete`` and ``insert``.

Passes 3-5 diff the nodes they pair, which can leave new loose nodes; the passes repeat until none appear.
"""

from __future__ import annotations

import re
from collections import defaultdict

from harness.jinjatree import Block, Element, Expression, HtmlComment, JinjaComment, Node, Statement
from translators.changes import Change, ChangeKind, Lines
from translators.treediff import TOP_LEVEL, Differ, Loose, inner_nodes
from translators.treekeys import describe, distinctive, identity

MIN_SKELETON = 6
_DELIMITERS = re.compile(r"[{}%#\s-]+")


def skeleton(source: str) -> str:
    """Source without Jinja delimiters, trim signs and whitespace: ``{%- if x %}`` and ``{#- if x #}`` agree.

    Users comment out a block either by wrapping it in ``{# #}`` or by turning its ``{%`` into ``{#``.
    """
    return _DELIMITERS.sub("", source)


def resolve_loose(d: Differ) -> None:
    seen = (-1, -1)
    while seen != (len(d.deleted), len(d.inserted)):
        seen = (len(d.deleted), len(d.inserted))
        _comment_outs(d)
        _exact_moves(d)
        _wraps(d)
        _unwraps(d)
        _identity_moves(d)
    _leftovers(d)


def _open(items: list[Loose]) -> list[Loose]:
    return [item for item in items if not item.claimed]


def _comment_outs(d: Differ) -> None:
    for new in _open(d.inserted):
        if not isinstance(new.node, JinjaComment | HtmlComment):
            continue
        body = new.node.source if isinstance(new.node, JinjaComment) else "".join(p.print() for p in new.node.body)
        text = skeleton(body)
        hidden = [old for old in _open(d.deleted) if old.parent == new.parent
                  and len(skeleton(old.node.print())) >= MIN_SKELETON and skeleton(old.node.print()) in text]
        if not hidden:
            continue
        for item in (new, *hidden):
            item.claimed = True
        style = "{# #}" if isinstance(new.node, JinjaComment) else "<!-- -->"
        names = ", ".join(describe(old.node) for old in hidden)
        d.add(Change("comment_out", d.file, f"{names} commented out with {style}", _where(hidden),
                     base_path=hidden[0].path, base_paths=tuple(o.path for o in hidden), patched_path=new.path,
                     base_nodes=tuple(o.node for o in hidden), patched_nodes=(new.node,),
                     base_lines=Lines.of(*(o.node for o in hidden)), patched_lines=Lines.of(new.node),
                     index=new.index, patched_parent=new.patched_parent))


def _exact_moves(d: Differ) -> None:
    by_key: dict[str, list[Loose]] = defaultdict(list)
    for old in _open(d.deleted):
        if isinstance(old.node, Element | Block | Expression | Statement):
            by_key[d.keys.norm(old.node)].append(old)
    for new in _open(d.inserted):
        candidates = [old for old in by_key.get(d.keys.norm(new.node), []) if not old.claimed]
        if candidates:
            _move(d, candidates[0], new, edited=False)


def _identity_moves(d: Differ) -> None:
    deleted: dict[tuple[str, ...], list[Loose]] = defaultdict(list)
    inserted: dict[tuple[str, ...], list[Loose]] = defaultdict(list)
    for old in _open(d.deleted):
        if distinctive(old.node):
            deleted[identity(old.node)].append(old)
    for new in _open(d.inserted):
        if distinctive(new.node):
            inserted[identity(new.node)].append(new)
    for ident, olds in deleted.items():
        news = inserted.get(ident, [])
        if len(olds) == 1 and len(news) == 1:
            _move(d, olds[0], news[0], edited=True)


def _move(d: Differ, old: Loose, new: Loose, *, edited: bool) -> None:
    old.claimed = new.claimed = True
    same_parent = old.parent == new.parent
    where = "within its container" if same_parent else "to another place"
    d.add(Change("move", d.file, f"{describe(old.node)} moved {where}", old.path, base_path=old.path,
                 patched_path=new.path, base_nodes=(old.node,), patched_nodes=(new.node,),
                 base_lines=Lines.of(old.node), patched_lines=Lines.of(new.node), index=new.index,
                 patched_parent=new.patched_parent, target_parent=new.parent))
    if edited:
        d.node(old.node, new.node, old.path, new.path)
    else:
        d.pair_all(old.node, new.node, old.path, new.path)


def _wraps(d: Differ) -> None:
    for new in _open(d.inserted):
        if not isinstance(new.node, Element | Block):
            continue
        matched: list[tuple[Loose, tuple[int, ...], Node]] = []
        inner = list(inner_nodes(new.node))
        for rel, kid in inner:
            old = next((o for o in _open(d.deleted) if o.parent == new.parent and o not in [m[0] for m in matched]
                        and identity(o.node) == identity(kid)), None)
            if old is not None:
                matched.append((old, rel, kid))
        if not matched:
            continue
        olds = [m[0] for m in matched]
        for item in (new, *olds):
            item.claimed = True
        kind: ChangeKind = "wrap" if isinstance(new.node, Element) else "block_wrap"
        names = ", ".join(describe(o.node) for o in olds)
        d.add(Change(kind, d.file, f"{names} wrapped in {describe(new.node)}", _where(olds),
                     base_path=olds[0].path, base_paths=tuple(o.path for o in olds), patched_path=new.path,
                     base_nodes=tuple(o.node for o in olds), patched_nodes=(new.node,),
                     base_lines=Lines.of(*(o.node for o in olds)), patched_lines=Lines.of(new.node),
                     index=new.index, patched_parent=new.patched_parent, extra=len(inner) > len(matched)))
        for old, rel, kid in matched:
            d.node(old.node, kid, old.path, (*new.path, *rel))


def _unwraps(d: Differ) -> None:
    for old in _open(d.deleted):
        if not isinstance(old.node, Element | Block):
            continue
        inner = list(inner_nodes(old.node))
        matched: list[tuple[Loose, tuple[int, ...], Node]] = []
        for rel, kid in inner:
            new = next((n for n in _open(d.inserted) if n.parent == old.parent and n not in [m[0] for m in matched]
                        and identity(n.node) == identity(kid)), None)
            if new is not None:
                matched.append((new, rel, kid))
        if not matched:
            continue
        news = [m[0] for m in matched]
        for item in (old, *news):
            item.claimed = True
        kind: ChangeKind = "unwrap" if isinstance(old.node, Element) else "block_unwrap"
        d.add(Change(kind, d.file, f"{describe(old.node)} removed around its content", old.path,
                     base_path=old.path, patched_path=news[0].path, base_nodes=(old.node,),
                     patched_nodes=tuple(n.node for n in news), base_lines=Lines.of(old.node),
                     patched_lines=Lines.of(*(n.node for n in news)), index=news[0].index,
                     patched_parent=news[0].patched_parent, extra=len(inner) > len(matched)))
        for new, rel, kid in matched:
            d.node(kid, new.node, (*old.path, *rel), new.path)


def _leftovers(d: Differ) -> None:
    for old in _open(d.deleted):
        old.claimed = True
        d.add(Change("delete", d.file, f"{describe(old.node)} removed from {old.label}", old.path, base_path=old.path,
                     base_nodes=(old.node,), base_lines=Lines.of(old.node)))
    for new in _open(d.inserted):
        new.claimed = True
        d.add(Change("insert", d.file, f"{describe(new.node)} added {_place(new.label)}", new.parent, patched_path=new.path,
                     patched_nodes=(new.node,), patched_lines=Lines.of(new.node), index=new.index,
                     patched_parent=new.patched_parent))


def _place(label: str) -> str:
    return "at the top level" if label == TOP_LEVEL else f"in {label}"


def _where(items: list[Loose]) -> tuple[int, ...]:
    """One node: its path; several siblings: their parent (the change spans them)."""
    return items[0].path if len(items) == 1 else items[0].parent


__all__ = ["resolve_loose"]
