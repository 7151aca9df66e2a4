"""Changes inside a text slot: the slot's new content as ``text`` (plain, rich, or a template with expressions).

Any change within the content (text, an expression or filter changed, inline markup) is expressed by the
whole patched content, so several changes in one slot give the same operation. Content the slot config
refuses (statements, calls, tags outside the rich-text list) goes to ``raw``; hostile content (a
``javascript:`` link) is unconverted.
"""

from __future__ import annotations

from translators.base import Op, Outcome
from translators.changes import AnyChange, Change
from translators.context import Context
from translators.kinds._helpers import content_problem, content_value, raw_replace


class TextTranslator:
    name = "text"
    priority = 50

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        if not isinstance(change, Change) or change.on_start_tag:
            return False
        slot = ctx.owner(change)
        if slot is None or ctx.decl(slot).kind != "text" or ctx.patched_slot(slot) is None:
            return False
        inside = ctx.is_inside(change.where, slot)
        return inside or (change.kind == "insert" and change.where == ctx.slot_path(slot))

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, Change)
        slot = ctx.owner(change)
        assert slot is not None
        patched = ctx.patched_slot(slot)
        assert patched is not None
        if not ctx.decl(slot).allows("text"):
            return raw_replace(ctx, slot, f"slot {slot!r} does not allow changing its text")
        value = content_value(patched.children)
        problem = content_problem(f"slots.{slot}.text", value)
        if problem is None:
            return Outcome.regular(Op(slot, "text", value))
        hostile, why = problem
        if hostile:
            return Outcome.unconverted("translate.unsafe_content", f"{change.summary}: {why}")
        return raw_replace(ctx, slot, f"the new text of slot {slot!r} is more than text with expressions ({why})")


TRANSLATOR = TextTranslator()
