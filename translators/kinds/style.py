"""Inline style declarations of a slot element changed: ``style`` (``null`` removes a property)."""

from __future__ import annotations

from translators.base import Op, Outcome
from translators.changes import AnyChange
from translators.context import Context
from translators.kinds._helpers import raw_replace, slot_edit, start_tag_matches
from translators.treekeys import style_declarations


class StyleTranslator:
    name = "style"
    priority = 56

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        return slot_edit(change, ctx, "style") is not None

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        edit = slot_edit(change, ctx, "style")
        assert edit is not None
        if not ctx.decl(edit.slot).allows("style"):
            return raw_replace(ctx, edit.slot, f"slot {edit.slot!r} does not allow inline style changes")
        before = style_declarations(edit.base.start.attribute("style")) or {}
        after = style_declarations(edit.patched.start.attribute("style")) or {}
        value: dict[str, str | None] = {p: v for p, v in after.items() if before.get(p) != v}
        value.update({p: None for p in before if p not in after})
        if not start_tag_matches(edit.base, {"style": value}, edit.patched, "style"):
            return raw_replace(ctx, edit.slot, f"the inline style of slot {edit.slot!r} cannot be set property by property")
        return Outcome.regular(Op(edit.slot, "style", value))


TRANSLATOR = StyleTranslator()
