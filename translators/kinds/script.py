"""Scripts are never migrated: a new ``<script>``, an inline ``on*`` handler, a ``javascript:`` URL; nor
embedded pages or plugins (``<iframe>``, ``<object>``, ``<embed>``), which run someone else's code."""

from __future__ import annotations

from translators.base import Outcome
from translators.changes import AnyChange, Change
from translators.context import Context
from translators.kinds._helpers import script_in


class ScriptTranslator:
    name = "script"
    priority = 10

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        return isinstance(change, Change) and script_in(change.patched_nodes) is not None \
            and script_in(change.base_nodes) is None

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, Change)
        found = script_in(change.patched_nodes) or ""
        if "embeds" in found:
            return Outcome.unconverted(
                "translate.embed",
                f"{change.summary}: it adds {found}. Embedded content is not migrated: slot configs cannot hold it; "
                "an app or a storefront section must provide it")
        return Outcome.unconverted(
            "translate.script",
            f"{change.summary}: it adds {found}. Scripts are not migrated: slot configs cannot run code; "
            "the storefront's script settings or an app must provide this behaviour")


TRANSLATOR = ScriptTranslator()
