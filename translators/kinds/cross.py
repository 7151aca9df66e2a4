"""Moves between containers (or that carry slots out of their container) cannot be expressed."""

from __future__ import annotations

from translators.base import Outcome
from translators.changes import AnyChange, Change
from translators.context import Context


class CrossSlotTranslator:
    name = "cross-slot"
    priority = 35

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        if not isinstance(change, Change) or change.kind != "move" or change.target_parent is None:
            return False
        if change.target_parent == change.where[:-1]:
            return False  # a reorder among siblings
        source = ctx.owner_of_path(change.where[:-1])
        target = ctx.owner_of_path(change.target_parent)
        return source != target or bool(ctx.slots_within(change.where))

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, Change)
        assert change.target_parent is not None
        source = ctx.owner_of_path(change.where[:-1]) or "outside every slot"
        target = ctx.owner_of_path(change.target_parent) or "outside every slot"
        return Outcome.unconverted(
            "translate.cross_slot",
            f"{change.summary}: content moved from slot {source!r} to slot {target!r}; a slot config can "
            "reorder the children of one container but not move content between containers")


TRANSLATOR = CrossSlotTranslator()
