"""A slot element put inside a new, plain element: ``wrap: {tag, classes, attrs}``."""

from __future__ import annotations

import html

from harness.jinjatree import Attribute, Element, Text
from translators.base import Op, Outcome
from translators.changes import AnyChange, Change
from translators.context import Context
from translators.treekeys import classes


class WrapTranslator:
    name = "wrap"
    priority = 60

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        if not isinstance(change, Change) or change.kind != "wrap" or change.extra or len(change.paths) != 1:
            return False
        slot = ctx.slot_at(change.paths[0])
        wrapper = change.patched_nodes[0]
        return slot is not None and isinstance(wrapper, Element) and wrapper.end is not None \
            and _plain(wrapper) is not None and ctx.decl(slot).allows("wrap") \
            and wrapper.tag in ctx.decl(slot).wrap_tags

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, Change)
        slot = ctx.slot_at(change.paths[0])
        wrapper = change.patched_nodes[0]
        assert slot is not None
        assert isinstance(wrapper, Element)
        attrs = _plain(wrapper)
        assert attrs is not None
        return Outcome.regular(Op(slot, "wrap", {"tag": wrapper.tag, "classes": list(classes(wrapper)),
                                                 "attrs": attrs}))


def _plain(element: Element) -> dict[str, str] | None:
    """The wrapper's attributes other than class, when every part of its start tag is plain text."""
    found: dict[str, str] = {}
    for part in element.start.parts:
        if isinstance(part, Text) and not part.text.strip():
            continue
        if not isinstance(part, Attribute):
            return None
        value = part.static_value()
        if value is None:
            return None
        if part.key != "class":
            found[part.name] = html.unescape(value)
    return found


TRANSLATOR = WrapTranslator()
