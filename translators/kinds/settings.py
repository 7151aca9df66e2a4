"""A slot removed (or commented out) where the component already has a setting that hides it.

``{% if settings.show_vendor and product.vendor %}<div class="card__vendor">…</div>{% endif %}`` with the
vendor line deleted is ``settings.show_vendor = false`` on the vendor slot: the store's own switch. Only
when the guarding ``{% if %}`` has one branch, requires the setting (a conjunct), and the setting's
variable appears nowhere else in the template (else turning it off would hide more).
"""

from __future__ import annotations

import re

import jinja2
from jinja2 import nodes

from harness.jinjatree import Block
from translators.base import Op, Outcome
from translators.changes import AnyChange, Change
from translators.context import Context

_ENV = jinja2.Environment()


class SettingsTranslator:
    name = "settings"
    priority = 40

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        return isinstance(change, Change) and _setting(change, ctx) is not None

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, Change)
        found = _setting(change, ctx)
        assert found is not None
        slot, setting = found
        return Outcome.regular(Op(slot, "settings", {setting: False}))


def _setting(change: Change, ctx: Context) -> tuple[str, str] | None:
    if change.kind not in ("delete", "comment_out") or len(change.paths) != 1:
        return None
    path = change.paths[0]
    slot = ctx.slot_at(path) or ctx.unit_slot(path)
    if slot is None:
        return None
    guard = ctx.slot_path(slot)[:-2]
    block = ctx.base_node(guard) if guard else None
    if not isinstance(block, Block) or block.kind != "if" or len(block.branches) != 1 or path not in (
            guard, ctx.slot_path(slot)):
        return None
    condition = conjuncts(block.branches[0].head.inner[len("if"):].strip())
    source = ctx.base.print()
    for name, setting in ctx.decl(slot).settings.items():
        if setting.type == "bool" and setting.default is True and setting.variable in condition \
                and len(re.findall(rf"\b{re.escape(setting.variable)}\b", source)) == 1:
            return slot, name
    return None


def conjuncts(condition: str) -> frozenset[str]:
    """Dotted names that must all be true for ``condition`` (the operands of its top-level ``and``s)."""
    try:
        template = _ENV.parse("{% if " + condition + " %}{% endif %}")
    except jinja2.TemplateSyntaxError:
        return frozenset()
    test = template.body[0].test if template.body and isinstance(template.body[0], nodes.If) else None
    found: set[str] = set()
    stack = [test]
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.And):
            stack += [node.left, node.right]
        elif node is not None and (name := _dotted(node)) is not None:
            found.add(name)
    return frozenset(found)


def _dotted(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return str(node.name)
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return None if base is None else f"{base}.{node.attr}"
    return None


TRANSLATOR = SettingsTranslator()
