"""``ConfigMerger``: fold the layers of a user's slot config into one config, keeping each value's origin.

    merger = ConfigMerger(declarations, versions=pack_versions)
    merged = merger.merge(Layer("defaults", merger.defaults("1.2.0")), Layer("migrated", config))
    merged.origin("slots.title.text")        # -> "migrated"
    merged.reset("slots.title.text")         # the same stack without that override
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.errors import SlotConfigError, SlotDeclarationError, Where
from harness.slots.config import SlotConfig
from harness.slots.declarations import SlotDeclarations
from harness.slots.issues import Issue, join, split
from harness.slots.merge import (
    DEFAULTS,
    Item,
    Tree,
    combine,
    drop,
    layer_tree,
    overlay,
    override_paths,
    resolve,
    unlayer,
)
from harness.slots.validate import validate_config


@dataclass(frozen=True)
class Layer:
    """One named layer of a slot config (``defaults``, ``preset``, ``migrated``, ``user``, ...)."""

    name: str
    config: SlotConfig


@dataclass(frozen=True)
class MergedConfig:
    """The merged config, where each of its values came from, and every problem found on the way."""

    config: SlotConfig
    origins: Mapping[str, str]
    layers: tuple[Layer, ...]
    errors: tuple[SlotConfigError, ...]
    merger: ConfigMerger = field(compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def origin(self, path: str) -> str | None:
        """The layer the value at ``path`` came from (for a map: the one layer all its values came from)."""
        if path in self.origins:
            return self.origins[path]
        under = {layer for leaf, layer in self.origins.items() if leaf.startswith(path + ".")}
        return under.pop() if len(under) == 1 else None

    def overrides(self) -> tuple[str, ...]:
        """Every path that a layer other than the defaults sets or deletes."""
        paths = {join(*keys) for layer in self.layers if layer.name != DEFAULTS
                 for keys in override_paths(layer_tree(layer.config, layer.name)) if keys}
        return tuple(sorted(paths))

    def reset(self, path: str) -> MergedConfig:
        """The same layers with every override at or under ``path`` dropped (back to the defaults)."""
        keys = split(path)
        layers = []
        for layer in self.layers:
            if layer.name == DEFAULTS:
                layers.append(layer)
                continue
            data = unlayer(drop(layer_tree(layer.config, layer.name), keys))
            meta = {"component": layer.config.component, "version": layer.config.version}
            layers.append(Layer(layer.name, SlotConfig.model_validate({**meta, **data})))
        return self.merger.merge(*layers)


class ConfigMerger:
    """Merges layers and validates the result against a pack's declarations (when given)."""

    def __init__(self, declarations: SlotDeclarations | None = None, *, versions: Sequence[str] = ()) -> None:
        self.declarations = declarations
        self.versions = tuple(versions)

    def defaults(self, version: str | None = None) -> SlotConfig:
        """The defaults layer: every declared setting at its default value."""
        if self.declarations is None:
            raise SlotDeclarationError("the defaults layer needs the pack's slot declarations",
                                       fix="build the merger with SlotRegistry.for_pack(pack).merger()")
        slots = {slot_id: {"settings": {name: s.default for name, s in decl.settings.items()}}
                 for slot_id, decl in self.declarations.slots.items() if decl.settings}
        return SlotConfig.model_validate({"component": self.declarations.component, "version": version,
                                          "slots": slots})

    def merge(self, *layers: Layer) -> MergedConfig:
        base: Item = Tree()
        overrides: Item = Tree()
        for layer in layers:
            if layer.name == DEFAULTS:
                base = combine(base, layer_tree(layer.config, layer.name))
            else:
                overrides = combine(overrides, layer_tree(layer.config, layer.name))
        tree = overlay(base, overrides)
        assert isinstance(tree, Tree)
        data, leaf_origins = resolve(tree)
        origins = {join(*keys): layer for keys, layer in leaf_origins.items()}
        config = SlotConfig.model_validate({**_metadata(layers, self.declarations), **data})
        at = {"component": config.component, "version": config.version}
        found = [issue.error(**at) for issue in _metadata_issues(layers)]
        for layer in layers:
            found += [issue.error(**at, source=layer.name) for issue in _layer_issues(layer, self.declarations)]
        seen = {(error.code, error.where.path) for error in found}
        for error in validate_config(config, self.declarations, versions=self.versions):
            if (error.code, error.where.path) not in seen:
                error.at(Where(source=_source(error.where.path, origins)))
                found.append(error)
        return MergedConfig(config, origins, tuple(layers), tuple(found), self)


def _metadata(layers: Sequence[Layer], decls: SlotDeclarations | None) -> dict[str, Any]:
    component = decls.component if decls is not None else next((la.config.component for la in layers), "")
    version = next((la.config.version for la in reversed(layers) if la.config.version is not None), None)
    return {"component": component, "version": version}


def _metadata_issues(layers: Sequence[Layer]) -> list[Issue]:
    issues = []
    for key in ("component", "version"):
        values = {getattr(layer.config, key) for layer in layers} - {None}
        if len(values) > 1:
            said = ", ".join(f"{la.name}: {getattr(la.config, key)}" for la in layers if getattr(la.config, key))
            issues.append(Issue(key, f"the layers disagree on the {key} ({said})",
                                f"merge only layers made for one {key}", "slots.conflict"))
    return issues


def _layer_issues(layer: Layer, decls: SlotDeclarations | None) -> list[Issue]:
    """Problems a merge would hide: a token both added and removed in one layer, unknown slots below."""
    issues = []
    for slot_id, override in layer.config.slots.items():
        if decls is not None and slot_id not in decls.slots:
            issues.append(Issue(join("slots", slot_id), f"layer {layer.name!r} names an unknown slot {slot_id!r}",
                                "known slots: " + ", ".join(decls.slots), "slots.unknown_slot"))
        if override is not None and override.classes is not None:
            for token in sorted(set(override.classes.add) & set(override.classes.remove)):
                issues.append(Issue(join("slots", slot_id, "classes"),
                                    f"layer {layer.name!r} both adds and removes class {token!r}",
                                    "keep it in one of the two lists", "slots.conflict"))
    return issues


def _source(path: str | None, origins: Mapping[str, str]) -> str | None:
    """The layer(s) the value at ``path`` came from, for error messages."""
    if not path:
        return None
    keys = split(path)
    for end in range(len(keys), 0, -1):
        prefix = join(*keys[:end])
        if prefix in origins:
            return origins[prefix]
    under = sorted({layer for leaf, layer in origins.items() if leaf.startswith(path + ".")})
    return ", ".join(under) or None
