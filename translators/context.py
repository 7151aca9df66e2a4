"""What a translator may look at: the pack, its slots resolved on the base tree, both trees and the pairing.

Ownership (issue 4): slot anchors are resolved on the *base* tree; a change belongs to the deepest slot
element containing it (for an insertion: the slot containing the insertion point). A change outside
every slot element, or one spanning several slots, belongs to no single slot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from harness.jinjatree import Document, Element, Node, Path, node_at
from harness.packs import ComponentPack
from harness.slots import SlotDecl, SlotRegistry, VersionSlots
from translators.changes import Change


@dataclass(frozen=True)
class Context:
    pack: ComponentPack
    registry: SlotRegistry
    slots: VersionSlots
    base: Document
    patched: Document
    pairs: Mapping[Path, Path]
    base_css: str = ""
    patched_css: str = ""
    renders: Mapping[str, str] = field(default_factory=dict)  # scenario -> base render with data-slot markers
    patched_renders: Mapping[str, str] = field(default_factory=dict)  # scenario -> legacy render of the patch
    other_roots: frozenset[str] = frozenset()  # root classes of the other components

    @property
    def version(self) -> str:
        return self.slots.version

    @property
    def entry(self) -> str:
        return self.pack.entry

    def decl(self, slot: str) -> SlotDecl:
        return self.registry.declarations.slots[slot]

    def slot_path(self, slot: str) -> Path:
        return self.slots.slots[slot].path

    def slot_element(self, slot: str) -> Element:
        return self.slots.slots[slot].element

    # --- ownership --------------------------------------------------------------------------------

    def owner_of_path(self, path: Path) -> str | None:
        """The deepest slot whose element is ``path`` or contains it."""
        best: tuple[int, str] | None = None
        for slot_id, slot in self.slots.slots.items():
            if path[:len(slot.path)] == slot.path and (best is None or len(slot.path) > best[0]):
                best = (len(slot.path), slot_id)
        return None if best is None else best[1]

    def owner(self, change: Change) -> str | None:
        return self.owner_of_path(change.where)

    def slot_at(self, path: Path) -> str | None:
        return next((sid for sid, slot in self.slots.slots.items() if slot.path == path), None)

    def slots_within(self, path: Path) -> tuple[str, ...]:
        """Slots whose element is ``path`` or lies inside it."""
        return tuple(sid for sid, slot in self.slots.slots.items() if slot.path[:len(path)] == path)

    def outermost_within(self, path: Path) -> tuple[str, ...]:
        """The slots inside ``path`` that no other slot inside ``path`` contains."""
        inside = self.slots_within(path)
        return tuple(s for s in inside
                     if not any(o != s and self.slot_path(s)[:len(self.slot_path(o))] == self.slot_path(o)
                                for o in inside))

    def unit_slot(self, path: Path) -> str | None:
        """The child slot whose child unit (in its container) is the node at ``path``."""
        for container, units in self.slots.units.items():
            cpath = self.slot_path(container)
            for child, index in units.items():
                if (*cpath, index) == path:
                    return child
        return None

    def unit_path(self, slot: str) -> Path | None:
        container = self.registry.declarations.container_of(slot)
        if container is None or container not in self.slots.units or slot not in self.slots.units[container]:
            return None
        return (*self.slot_path(container), self.slots.units[container][slot])

    def is_inside(self, path: Path, slot: str) -> bool:
        """``path`` is strictly inside the slot element (its content, not the element itself)."""
        spath = self.slot_path(slot)
        return len(path) > len(spath) and path[:len(spath)] == spath

    # --- the two trees ----------------------------------------------------------------------------

    def base_node(self, path: Path) -> Node:
        return node_at(self.base, path)

    def patched_node(self, path: Path) -> Node:
        return node_at(self.patched, path)

    def patched_slot(self, slot: str) -> Element | None:
        """The slot's element in the patched tree (through the diff's pairing), if it is still there."""
        path = self.pairs.get(self.slot_path(slot))
        if path is None:
            return None
        node = self.patched_node(path)
        return node if isinstance(node, Element) else None

    def patched_slot_path(self, slot: str) -> Path | None:
        return self.pairs.get(self.slot_path(slot))


__all__ = ["Context"]
