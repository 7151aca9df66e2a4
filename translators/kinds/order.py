"""Children of one container reordered: ``order``, the container's children in their new order."""

from __future__ import annotations

from translators.base import Op, Outcome
from translators.changes import AnyChange, Change
from translators.context import Context
from translators.kinds._helpers import raw_replace


class OrderTranslator:
    name = "order"
    priority = 62

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        if not isinstance(change, Change) or change.kind != "move" or change.target_parent != change.where[:-1]:
            return False
        container = ctx.slot_at(change.where[:-1])
        moved = ctx.unit_slot(change.where)
        return container is not None and moved is not None and moved in ctx.decl(container).children

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, Change)
        container = ctx.slot_at(change.where[:-1])
        assert container is not None
        if not ctx.decl(container).allows("order"):
            return raw_replace(ctx, container, f"container {container!r} does not allow reordering its children")
        order = new_order(ctx, container)
        if order is None:
            return raw_replace(ctx, container, f"the children of {container!r} cannot be found in the edited template")
        return Outcome.regular(Op(container, "order", order))


def new_order(ctx: Context, container: str) -> list[str] | None:
    """The container's declared children sorted by where their units stand in the patched container."""
    target = ctx.patched_slot_path(container)
    if target is None:
        return None
    children = list(ctx.decl(container).children)
    placed: list[tuple[int, str]] = []
    missing: list[str] = []
    for child in children:
        path = ctx.patched_slot_path(child) if child in ctx.slots.slots else None
        if path is not None and path[:len(target)] == target and len(path) > len(target):
            placed.append((path[len(target)], child))
        else:
            missing.append(child)
    order = [child for _, child in sorted(placed)]
    for child in missing:  # gone or not in this version: keep it after its declared predecessor
        before = children[:children.index(child)]
        at = max((order.index(c) + 1 for c in before if c in order), default=0)
        order.insert(at, child)
    return order


TRANSLATOR = OrderTranslator()
