"""New plain content in a container, next to a child slot or at an edge: ``insert``.

The new element must be one the container accepts (tag, content kind), with a plain start tag; its place
is read from its neighbours in the base tree: right after a child slot's unit, right before one, or first
or last in the container. Anything else (a new ``{% if %}``, content between other nodes) is ``raw``.
"""

from __future__ import annotations

import re

from harness.jinjatree import Attribute, Element, Text
from translators.base import Op, Outcome
from translators.changes import AnyChange, Change
from translators.context import Context
from translators.kinds._helpers import attr_value, content_problem, content_value
from translators.treekeys import classes, significant


class InsertTranslator:
    name = "insert"
    priority = 64

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        if not isinstance(change, Change) or change.kind != "insert" or change.index is None:
            return False
        container = ctx.slot_at(change.where)
        node = change.patched_nodes[0]
        if container is None or not ctx.decl(container).allows("insert") or not isinstance(node, Element):
            return False
        rules = ctx.decl(container).insert
        return rules is not None and node.tag in rules.tags and node.end is not None \
            and _attrs(node) is not None and place(ctx, container, change.index) is not None \
            and _content_ok(container, node, rules.kinds)

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, Change)
        assert change.index is not None
        container = ctx.slot_at(change.where)
        node = change.patched_nodes[0]
        assert container is not None
        assert isinstance(node, Element)
        position, ref = place(ctx, container, change.index) or ("append", None)
        value: dict[str, object] = {"position": position, "tag": node.tag, "classes": list(classes(node)),
                                    "attrs": _attrs(node) or {}}
        if ref is not None:
            value["ref"] = ref
        if any(significant(kid) for kid in node.children):
            value["content"] = content_value(node.children)
        name = re.sub(r"[^a-z0-9-]+", "-", (classes(node) or (node.tag,))[0].lower()).strip("-") or node.tag
        line = change.patched_lines.start if change.patched_lines else 0
        return Outcome.regular(Op(container, "insert", {f"{container}-{name}-{line}": value}))


def place(ctx: Context, container: str, index: int) -> tuple[str, str | None] | None:
    """(position, ref) of an insertion before base child ``index`` of the container, if it is at a unit edge."""
    kids = ctx.slot_element(container).children
    before = [i for i in range(index) if significant(kids[i])]
    after = [i for i in range(index, len(kids)) if significant(kids[i])]
    units = {i: child for child, i in ctx.slots.units.get(container, {}).items()}
    if before and before[-1] in units:
        return "after", units[before[-1]]
    if after and after[0] in units:
        return "before", units[after[0]]
    if not before:
        return "prepend", None
    if not after:
        return "append", None
    return None


def _attrs(node: Element) -> dict[str, object] | None:
    found: dict[str, object] = {}
    for part in node.start.parts:
        if isinstance(part, Text) and not part.text.strip():
            continue
        if not isinstance(part, Attribute):
            return None
        if part.key == "class":
            if part.static_value() is None:
                return None
            continue
        value = attr_value(part)
        if value is None:
            return None
        found[part.name] = value
    return found


def _content_ok(container: str, node: Element, kinds: tuple[str, ...]) -> bool:
    if not any(significant(kid) for kid in node.children):
        return True
    value = content_value(node.children)
    return next(iter(value)) in kinds and content_problem(f"slots.{container}.insert", value) is None


TRANSLATOR = InsertTranslator()
