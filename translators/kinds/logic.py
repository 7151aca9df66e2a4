"""The ``raw`` fallback: a change inside one slot that no slot option expresses keeps its template code.

New template logic (``{% if %}``, ``{% for %}``, ``{% set %}``), markup inside an element slot, changes of
a block around a slot: the slot is replaced by its edited source, or, for new content next to a child
slot or at an edge of the slot, the new source is placed there. Always reviewed.
"""

from __future__ import annotations

from translators.base import Outcome
from translators.changes import AnyChange, Change
from translators.context import Context
from translators.kinds._helpers import raw_at, raw_replace
from translators.treekeys import significant

SURROUNDING = frozenset({"wrap", "block_wrap", "unwrap", "block_unwrap", "comment_out", "delete"})


class LogicTranslator:
    name = "raw"
    priority = 90

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        return isinstance(change, Change) and ctx.owner(change) is not None

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, Change)
        slot = ctx.owner(change)
        assert slot is not None
        reason = f"{change.summary}; {_why(change, slot)}"
        if change.kind == "insert" and change.where == ctx.slot_path(slot) and change.index is not None:
            placed = _positioned(ctx, change, slot, reason)
            if placed is not None:
                return placed
        if change.where == ctx.slot_path(slot) and change.kind in SURROUNDING:
            source = "".join(node.print() for node in change.patched_nodes)
            return raw_replace(ctx, slot, reason, source=source)
        return raw_replace(ctx, slot, reason)


def _why(change: Change, slot: str) -> str:
    """Why no slot option expresses the change, in words."""
    if change.kind == "attribute" and change.attribute in ("style", "class"):
        return f"the {change.attribute} attribute is written with template code, which slot options cannot hold"
    if change.kind in ("block_logic", "block_wrap", "block_unwrap"):
        return f"template logic ({{% if %}}, {{% for %}}) inside slot {slot!r} has no slot option"
    if change.kind in ("statement", "tag_logic"):
        return f"template code inside slot {slot!r} has no slot option"
    if change.kind == "insert":
        return f"slot {slot!r} has no option to add this content here"
    return f"slot {slot!r} has no option for this"


def _positioned(ctx: Context, change: Change, slot: str, reason: str) -> Outcome | None:
    """New nodes at an edge of the slot, or right next to a child slot element, as a positioned raw entry."""
    assert change.index is not None
    kids = ctx.slot_element(slot).children
    before = [i for i in range(change.index) if significant(kids[i])]
    after = [i for i in range(change.index, len(kids)) if significant(kids[i])]
    source = "".join(node.print() for node in change.patched_nodes)
    line = change.patched_lines.start if change.patched_lines else 0
    key = f"{slot}-line-{line}"
    path = ctx.slot_path(slot)
    if before and (prev := ctx.slot_at((*path, before[-1]))) is not None:
        return raw_at(prev, "after", source, reason, key)
    if after and (nxt := ctx.slot_at((*path, after[0]))) is not None:
        return raw_at(nxt, "before", source, reason, key)
    if not before:
        return raw_at(slot, "prepend", source, reason, key)
    if not after:
        return raw_at(slot, "append", source, reason, key)
    return None


TRANSLATOR = LogicTranslator()
