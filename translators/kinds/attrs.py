"""Attributes of a slot element added, removed or changed: ``attrs`` (literal or template values).

Only attributes the slot allows (its ``attributes`` list); values with statements, and attributes the
slot does not accept, go to ``raw``. Hostile values (``javascript:`` URLs) are refused by validation.
"""

from __future__ import annotations

import fnmatch

from translators.base import Op, Outcome
from translators.changes import AnyChange
from translators.context import Context
from translators.kinds._helpers import attr_value, raw_replace, slot_edit, start_tag_matches


class AttrsTranslator:
    name = "attrs"
    priority = 54

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        edit = slot_edit(change, ctx, "attribute")
        return edit is not None and edit.change.attribute not in ("class", "style")

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        edit = slot_edit(change, ctx, "attribute")
        assert edit is not None
        name = edit.change.attribute or ""
        decl = ctx.decl(edit.slot)
        if not decl.allows("attrs") or not any(fnmatch.fnmatchcase(name, p) for p in decl.attributes):
            return raw_replace(ctx, edit.slot, f"slot {edit.slot!r} does not accept changes to the attribute {name!r}")
        attr = edit.patched.start.attribute(name)
        value = None if attr is None else attr_value(attr)
        if attr is not None and value is None:
            return raw_replace(ctx, edit.slot, f"the new value of {name!r} holds template logic")
        if not start_tag_matches(edit.base, {"attrs": {name: value}}, edit.patched, name):
            return raw_replace(ctx, edit.slot, f"the attribute {name!r} cannot be set without changing the tag's logic")
        return Outcome.regular(Op(edit.slot, "attrs", {name: value}))


TRANSLATOR = AttrsTranslator()
