"""Changes outside every slot (template logic at the top of the template, like a new ``{% set %}``)."""

from __future__ import annotations

from translators.base import Outcome
from translators.changes import AnyChange, Change
from translators.context import Context


class OutsideTranslator:
    name = "outside"
    priority = 30

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        return isinstance(change, Change) and ctx.owner(change) is None

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, Change)
        return Outcome.unconverted(
            "translate.outside_slot",
            f"{change.summary}: this is outside every slot of {ctx.pack.name} (template logic at the top "
            "level, or around the whole component), and a slot config can only change slots")


TRANSLATOR = OutsideTranslator()
