"""Whole slots removed or commented out: ``visible: false`` on each (verified by rendering).

The removed node must be made of slots: a slot element, a child unit around one
(``{% if %}<div class="card__vendor">…</div>{% endif %}``), or a block holding only slots and code
that prints nothing. A slot without the ``visible`` option is removed with ``raw`` (for review).
"""

from __future__ import annotations

from harness.jinjatree import Block, Element, EndTag, Expression, Node, Path, StartTag, Statement, Text
from translators.base import Op, Outcome
from translators.changes import AnyChange, Change
from translators.context import Context
from translators.kinds._helpers import raw_replace

PRINTING_STATEMENTS = frozenset({"include", "call", "print", "extends", "block"})


class VisibilityTranslator:
    name = "visibility"
    priority = 45

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        if not isinstance(change, Change) or change.kind not in ("delete", "comment_out"):
            return False
        slots = [s for path in change.paths for s in ctx.outermost_within(path)]
        return bool(slots) and not any(prints_besides_slots(ctx, ctx.base_node(p), p) for p in change.paths)

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, Change)
        slots = [s for path in change.paths for s in ctx.outermost_within(path)]
        ops: list[Op] = []
        refused: list[str] = []
        for slot in slots:
            if ctx.decl(slot).allows("visible"):
                ops.append(Op(slot, "visible", False))
            else:
                refused.append(slot)
        if not refused:
            return Outcome.regular(*ops)
        raws = [raw_replace(ctx, slot, f"slot {slot!r} has no 'visible' option", source="") for slot in refused]
        reason = "; ".join(r.reason for r in raws)
        return Outcome.raw(reason, *ops, *(op for r in raws for op in r.ops))


def prints_besides_slots(ctx: Context, node: Node, path: Path) -> bool:
    """Whether ``node`` shows anything once the slot elements inside it are taken out."""
    if ctx.slot_at(path) is not None:
        return False
    if isinstance(node, Text):
        return bool(node.text.strip())
    if isinstance(node, Expression | Element | StartTag | EndTag):
        return True
    if isinstance(node, Statement):
        return node.keyword in PRINTING_STATEMENTS
    if isinstance(node, Block):
        return node.kind not in ("if", "for", "set", "with") or any(
            prints_besides_slots(ctx, kid, (*path, b, k))
            for b, branch in enumerate(node.branches) for k, kid in enumerate(branch.children))
    return False  # comments


TRANSLATOR = VisibilityTranslator()
