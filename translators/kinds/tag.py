"""A slot element renamed (``<h3>`` to ``<h2>``): ``tag``, when the new tag is in the slot's allow-list."""

from __future__ import annotations

from translators.base import Op, Outcome
from translators.changes import AnyChange
from translators.context import Context
from translators.kinds._helpers import raw_replace, slot_edit


class TagTranslator:
    name = "tag"
    priority = 58

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        return slot_edit(change, ctx, "tag") is not None

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        edit = slot_edit(change, ctx, "tag")
        assert edit is not None
        decl = ctx.decl(edit.slot)
        tag = edit.patched.tag
        if not decl.allows("tag") or tag not in decl.tags:
            allowed = ", ".join(decl.tags) or "none"
            return raw_replace(ctx, edit.slot, f"slot {edit.slot!r} cannot become <{tag}> (allowed tags: {allowed})")
        return Outcome.regular(Op(edit.slot, "tag", tag))


TRANSLATOR = TagTranslator()
