"""Class tokens added to or removed from a slot element: ``classes: {add, remove}``.

Removal reaches tokens inside ``{% if %}`` branches of the class attribute. The operation is checked
locally (applied to the base element, it must give the patched class attribute); otherwise, as when the
class attribute's template logic changed, the slot goes to ``raw``.
"""

from __future__ import annotations

from harness.jinjatree import Attribute, Text, walk
from translators.base import Op, Outcome
from translators.changes import AnyChange, Change
from translators.context import Context
from translators.kinds._helpers import raw_replace, slot_edit, start_tag_matches
from translators.treekeys import classes


class ClassesTranslator:
    name = "classes"
    priority = 52

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        if isinstance(change, Change) and change.kind == "attribute" and change.attribute != "class":
            return False
        return slot_edit(change, ctx, "classes", "attribute") is not None

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        edit = slot_edit(change, ctx, "classes", "attribute")
        assert edit is not None
        if not ctx.decl(edit.slot).allows("classes"):
            return raw_replace(ctx, edit.slot, f"slot {edit.slot!r} does not allow class changes")
        before, after = edit.base.start.attribute("class"), edit.patched.start.attribute("class")
        value = {"add": sorted(set(classes(edit.patched)) - set(classes(edit.base))),
                 "remove": sorted(spelled(before) - spelled(after))}
        if start_tag_matches(edit.base, {"classes": value}, edit.patched, "class"):
            return Outcome.regular(Op(edit.slot, "classes", value))
        return raw_replace(ctx, edit.slot, f"the template logic of the class attribute of slot {edit.slot!r} changed")


def spelled(attr: Attribute | None) -> set[str]:
    """Every class token written in the attribute, in static text or inside template branches."""
    if attr is None:
        return set()
    return {token for part in attr.value or () for node in walk(part) if isinstance(node, Text)
            for token in node.text.split()}


TRANSLATOR = ClassesTranslator()
