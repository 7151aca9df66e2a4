"""Merge slot-config layers: defaults < version preset < migrated config < later user edits.

Rules (docs/slots.md): maps merge recursively; ``null`` deletes the override of the layers below (it is
a value only for attribute and style entries, where it means "remove"); classes merge as sets (a token
maps to add or remove, the later layer wins); ``text``, ``wrap``, ``order`` and each insert, raw,
custom_css and unconverted entry are replaced whole. Every leaf remembers the layer it came from.

The merge works on :class:`Tree` values, a monoid: :func:`combine` is associative, so a stack of override
layers can be folded in any grouping. A deletion followed by a map is a map that *replaces* (``reset``)
rather than merges, which is what keeps the operation associative. The defaults are the base the folded
overrides are laid on with :func:`overlay`: a deletion falls back to the default, never below it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.slots.config import SlotConfig

DEFAULTS, PRESET, MIGRATED, USER = "defaults", "preset", "migrated", "user"
TOP_MAPS = ("slots", "custom_css", "raw", "unconverted")
_MAP_FIELDS = ("attrs", "style")  # null inside is a value ("remove")
_TOMB_MAP_FIELDS = ("settings", "insert")  # null inside deletes one entry


@dataclass(frozen=True)
class Leaf:
    value: Any
    origin: str


@dataclass(frozen=True)
class Tomb:
    origin: str


@dataclass(frozen=True)
class Tree:
    entries: Mapping[str, Item] = field(default_factory=dict)
    reset: bool = False


Item = Leaf | Tomb | Tree


def combine(lower: Item | None, upper: Item) -> Item:
    """``upper`` laid over ``lower`` (associative: combine(combine(a, b), c) == combine(a, combine(b, c)))."""
    if not isinstance(upper, Tree) or upper.reset:
        return upper
    if lower is None:
        return upper
    if not isinstance(lower, Tree):  # a deletion (or a leaf) below a map: the map replaces it
        return Tree(upper.entries, reset=True)
    entries = dict(lower.entries)
    for key, value in upper.entries.items():
        entries[key] = combine(entries.get(key), value)
    return Tree(entries, reset=lower.reset)


def overlay(base: Item | None, upper: Item) -> Item:
    """``upper`` (the merged override layers) over ``base`` (the defaults), which deletions never remove.

    A deletion in an override layer means "back to the default": it drops what the layers below set,
    not the default itself.
    """
    if isinstance(upper, Tomb):
        return base if base is not None else upper
    if not isinstance(upper, Tree) or not isinstance(base, Tree):
        return upper
    entries = dict(base.entries)
    for key, value in upper.entries.items():
        entries[key] = overlay(entries.get(key), value)
    return Tree(entries)


def layer_tree(config: SlotConfig, origin: str) -> Tree:
    """The merge tree of one layer (only what the layer sets)."""
    data = config.to_json()
    top: dict[str, Item] = {}
    for name in TOP_MAPS:
        if name in data:
            top[name] = Tree({key: _slot(value, origin) if name == "slots" else _entry(value, origin)
                              for key, value in data[name].items()})
    return Tree(top)


def _entry(value: Any, origin: str) -> Item:
    return Tomb(origin) if value is None else Leaf(value, origin)


def _slot(data: Mapping[str, Any] | None, origin: str) -> Item:
    if data is None:
        return Tomb(origin)
    entries: dict[str, Item] = {}
    for key, value in data.items():
        if value is None:
            entries[key] = Tomb(origin)
        elif key in _MAP_FIELDS:
            entries[key] = Tree({name: Leaf(v, origin) for name, v in value.items()})
        elif key in _TOMB_MAP_FIELDS:
            entries[key] = Tree({name: _entry(v, origin) for name, v in value.items()})
        elif key == "classes":
            tokens = {token: Leaf("add", origin) for token in value.get("add", ())}
            tokens.update({token: Leaf("remove", origin) for token in value.get("remove", ())})
            entries[key] = Tree(tokens)
        else:
            entries[key] = Leaf(value, origin)
    return Tree(entries)


_ABSENT = object()


def resolve(tree: Tree) -> tuple[dict[str, Any], dict[tuple[str, ...], str]]:
    """The plain data of a merged tree (deletions dropped) and the origin layer of every leaf."""
    origins: dict[tuple[str, ...], str] = {}
    data = _resolve(tree, (), origins)
    result: dict[str, Any] = data if isinstance(data, dict) else {}
    for slot in result.get("slots", {}).values():
        if "classes" in slot:
            tokens = slot["classes"]
            slot["classes"] = {"add": [t for t, op in tokens.items() if op == "add"],
                               "remove": [t for t, op in tokens.items() if op == "remove"]}
    return result, origins


def _resolve(item: Item, keys: tuple[str, ...], origins: dict[tuple[str, ...], str]) -> Any:
    if isinstance(item, Tomb):
        return _ABSENT
    if isinstance(item, Leaf):
        origins[keys] = item.origin
        return item.value
    out = {}
    for key, value in item.entries.items():
        resolved = _resolve(value, (*keys, key), origins)
        if resolved is not _ABSENT:
            out[key] = resolved
    return out if out or not keys else _ABSENT


def override_paths(tree: Item, keys: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every path a layer sets or deletes."""
    if not isinstance(tree, Tree):
        return [keys]
    found = [keys] if tree.reset else []
    for key, value in tree.entries.items():
        found += override_paths(value, (*keys, key))
    return found


def drop(tree: Tree, keys: tuple[str, ...]) -> Tree:
    """``tree`` without whatever it says at or under ``keys``."""
    if not keys:
        return Tree()
    head, rest = keys[0], keys[1:]
    if head not in tree.entries:
        return tree
    entries = dict(tree.entries)
    child = entries[head]
    if not rest or not isinstance(child, Tree):
        del entries[head]
    else:
        entries[head] = drop(child, rest)
    return Tree(entries, tree.reset)


def unlayer(tree: Tree) -> dict[str, Any]:
    """The config data of a layer tree (the inverse of :func:`layer_tree` for trees without resets)."""
    data: dict[str, Any] = _plain(tree)
    for slot in data.get("slots", {}).values():
        if isinstance(slot, dict) and isinstance(slot.get("classes"), dict):
            tokens = slot["classes"]
            slot["classes"] = {"add": [t for t, op in tokens.items() if op == "add"],
                               "remove": [t for t, op in tokens.items() if op == "remove"]}
    return data


def _plain(item: Item) -> Any:
    if isinstance(item, Tomb):
        return None
    if isinstance(item, Leaf):
        return item.value
    return {key: _plain(value) for key, value in item.entries.items()}
