"""``SlotRegistry``: a pack's slot declarations, resolved on the template tree of every version.

``SlotRegistry.for_pack(pack)`` reads ``slots.toml`` (and ``presets/<v>.json``), parses every version's
entry template and resolves each anchor to exactly one element. It refuses (``slots.declaration``)
declarations that do not hold on some version: an anchor matching nothing or several elements, a
container whose children are not in distinct child units, a ``classes`` or ``style`` op on an element
whose class or style is written inside template code, a text slot holding another slot.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.errors import SlotDeclarationError, Where
from harness.jinjatree import Document, Element, Path, TreeEditError, element_classes, parse, select
from harness.jinjatree.edit import class_attribute
from harness.packs import ComponentPack
from harness.slots.config import SlotConfig
from harness.slots.declarations import SlotDecl, SlotDeclarations, load_declarations
from harness.slots.merge import DEFAULTS, MIGRATED, PRESET
from harness.slots.merger import ConfigMerger, Layer
from harness.slots.validate import load_config

SLOTS_FILE = "slots.toml"
PRESETS_DIR = "presets"


@dataclass(frozen=True)
class SlotDefaults:
    """What a slot looks like with no override, read from its anchor element."""

    tag: str
    classes: tuple[str, ...]
    attributes: tuple[tuple[str, str], ...]  # name -> value as written (may hold {{ }})
    text: str | None  # the content's template source, for text slots
    settings: Mapping[str, bool | int | str]


@dataclass(frozen=True)
class ResolvedSlot:
    id: str
    decl: SlotDecl
    path: Path
    element: Element
    defaults: SlotDefaults


@dataclass(frozen=True)
class VersionSlots:
    """The slots of one version: the parsed entry template and every slot resolved on it."""

    version: str
    document: Document
    slots: Mapping[str, ResolvedSlot]
    units: Mapping[str, Mapping[str, int]]  # container -> child slot -> index of its unit in the container


class SlotRegistry:
    """Declarations, presets and resolved anchors of one component pack."""

    def __init__(self, pack: ComponentPack, declarations: SlotDeclarations,
                 presets: Mapping[str, SlotConfig] | None = None) -> None:
        self.pack = pack
        self.declarations = declarations
        self.presets = dict(presets or {})
        self.versions = tuple(pack.versions)
        self._resolved: dict[str, VersionSlots] = {}
        problems = [p for version in self.versions for p in self._resolve(version)]
        if problems:
            raise _declaration_error(pack.name, problems)

    @classmethod
    def for_pack(cls, pack: ComponentPack) -> SlotRegistry:
        """The registry of ``pack`` (cached per pack; raises ``slots.declaration`` when it does not hold)."""
        return _for_pack(pack)

    def resolve(self, version: str | None = None) -> VersionSlots:
        version = version or self.pack.current
        self.pack.version(version)  # raises pack.unknown_version
        return self._resolved[version]

    def merger(self) -> ConfigMerger:
        return ConfigMerger(self.declarations, versions=self.versions)

    def layers(self, version: str | None = None, *, migrated: SlotConfig | None = None,
               user: tuple[SlotConfig, ...] = ()) -> tuple[Layer, ...]:
        """The standard stack: defaults < preset of ``version`` < migrated < user edits (oldest first)."""
        version = version or self.pack.current
        stack = [Layer(DEFAULTS, self.merger().defaults(version))]
        if version in self.presets:
            stack.append(Layer(PRESET, self.presets[version]))
        if migrated is not None:
            stack.append(Layer(MIGRATED, migrated))
        stack += [Layer("user" if i == 0 else f"user-{i + 1}", config) for i, config in enumerate(user)]
        return tuple(stack)

    # --- resolution -------------------------------------------------------------------------------

    def _resolve(self, version: str) -> list[tuple[str | None, str, str]]:
        source = self.pack.version(version).files[self.pack.entry].decode("utf-8")
        doc = parse(source, name=f"{version}/{self.pack.entry}")
        problems: list[tuple[str | None, str, str]] = []
        slots: dict[str, ResolvedSlot] = {}
        for slot_id, decl in self.declarations.slots.items():
            if not self._exists_in(decl, version, problems, slot_id):
                continue
            found = select(doc, decl.anchor)
            if len(found) != 1:
                problems.append((slot_id, version, f"anchor {decl.anchor!r} matches {len(found)} elements, not 1"))
                continue
            problems += [(slot_id, version, p) for p in _op_problems(decl, found[0].element)]
            slots[slot_id] = ResolvedSlot(slot_id, decl, found[0].path, found[0].element,
                                          _defaults(decl, found[0].element))
        units = {cid: _units(slots, cid, problems, version) for cid, r in slots.items() if r.decl.kind == "container"}
        problems += _text_slot_problems(slots, version)
        self._resolved[version] = VersionSlots(version, doc, slots, units)
        return problems

    def _exists_in(self, decl: SlotDecl, version: str, problems: list[tuple[str | None, str, str]],
                   slot_id: str) -> bool:
        if decl.since is None:
            return True
        if decl.since not in self.versions:
            problems.append((slot_id, version, f"since = {decl.since!r} is not a version of the pack"))
            return False
        return self.versions.index(version) >= self.versions.index(decl.since)


@functools.lru_cache(maxsize=32)
def _for_pack(pack: ComponentPack) -> SlotRegistry:
    path = pack.path / SLOTS_FILE
    if not path.is_file():
        raise SlotDeclarationError(f"{pack.name} has no {SLOTS_FILE}", where=Where(component=pack.name, file=str(path)),
                                   fix="declare the component's slots (docs/slots.md)", code="slots.declaration")
    declarations = load_declarations(path, component=pack.name)
    return SlotRegistry(pack, declarations, _load_presets(pack, declarations))


def _load_presets(pack: ComponentPack, declarations: SlotDeclarations) -> dict[str, SlotConfig]:
    presets: dict[str, SlotConfig] = {}
    folder = pack.path / PRESETS_DIR
    for version in pack.versions:
        path = folder / f"{version}.json"
        if not path.is_file():
            continue
        where = Where(component=pack.name, version=version, file=str(path))
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise SlotDeclarationError(f"the preset cannot be read: {exc}", where=where, fix="write valid JSON",
                                       code="slots.preset") from None
        check = load_config(data, declarations, versions=tuple(pack.versions))
        if not check.ok or check.config is None:
            first = check.errors[0] if check.errors else None
            raise SlotDeclarationError(f"the preset is not a valid slot config: {first}", where=where,
                                       fix="fix the preset (phoenix slots validate)", code="slots.preset")
        presets[version] = check.config
    return presets


def _declaration_error(component: str, problems: list[tuple[str | None, str, str]]) -> SlotDeclarationError:
    slot, version, message = problems[0]
    more = "" if len(problems) == 1 else f" ({len(problems) - 1} more: " + "; ".join(
        f"{s} in {v}: {m}" for s, v, m in problems[1:4]) + ")"
    return SlotDeclarationError(f"{message}{more}", where=Where(component=component, version=version, slot=slot,
                                                               file=SLOTS_FILE),
                                fix="make the anchor a static class token unique in every version (docs/packs.md)",
                                code="slots.declaration")


def _op_problems(decl: SlotDecl, element: Element) -> list[str]:
    problems = []
    if "classes" in decl.ops:
        try:
            class_attribute(element)
        except TreeEditError as exc:
            problems.append(exc.message)
    style = element.start.attribute("style")
    if "style" in decl.ops and style is not None and style.static_value() is None:
        problems.append("the 'style' op needs a style attribute without template code")
    if ("tag" in decl.ops or "text" in decl.ops) and element.end is None:
        problems.append(f"<{element.tag}> has no end tag, so its tag or text cannot change")
    return problems


def _defaults(decl: SlotDecl, element: Element) -> SlotDefaults:
    attributes = tuple((a.name, "".join(p.print() for p in a.value or ())) for a in element.start.attributes())
    text = "".join(child.print() for child in element.children).strip() if decl.kind == "text" else None
    settings = {name: setting.default for name, setting in decl.settings.items()}
    return SlotDefaults(element.tag, element_classes(element), attributes, text, settings)


def _units(slots: Mapping[str, ResolvedSlot], container_id: str, problems: list[tuple[str | None, str, str]],
           version: str) -> dict[str, int]:
    container = slots[container_id]
    depth = len(container.path)
    units: dict[str, int] = {}
    for child in container.decl.children:
        resolved = slots.get(child)
        if resolved is None:
            continue  # not in this version (since)
        if resolved.path[:depth] != container.path or len(resolved.path) <= depth:
            problems.append((child, version, f"child {child!r} is not inside container {container_id!r}"))
            continue
        unit = resolved.path[depth]
        clash = next((other for other, index in units.items() if index == unit), None)
        if clash is not None:
            problems.append((child, version, f"children {clash!r} and {child!r} of {container_id!r} share one "
                                             "child unit, so they cannot be reordered independently"))
        units[child] = unit
    return units


def _text_slot_problems(slots: Mapping[str, ResolvedSlot], version: str) -> list[tuple[str | None, str, str]]:
    problems: list[tuple[str | None, str, str]] = []
    for slot in slots.values():
        if slot.decl.kind != "text":
            continue
        for other in slots.values():
            if other.id != slot.id and other.path[:len(slot.path)] == slot.path:
                problems.append((slot.id, version, f"text slot {slot.id!r} holds slot {other.id!r}; "
                                                   "replacing its text would remove it"))
    return problems
