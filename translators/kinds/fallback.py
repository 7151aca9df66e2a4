"""The last resort: a change no other translator took is reported, never dropped."""

from __future__ import annotations

from translators.base import Outcome
from translators.changes import AnyChange
from translators.context import Context


class FallbackTranslator:
    name = "fallback"
    priority = 1000

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        return True

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        return Outcome.unconverted("translate.unsupported",
                                   f"{change.summary}: no slot option or template code can express this change")


TRANSLATOR = FallbackTranslator()
