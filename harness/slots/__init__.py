"""The slot system: declarations (``slots.toml``), configs, validation, merging and rendering.

    registry = SlotRegistry.for_pack(pack)                  # declarations resolved on every version
    check = load_config(json_data, registry.declarations, versions=registry.versions)
    merged = registry.merger().merge(*registry.layers("1.2.0", migrated=check.config))
    result = SlotRenderer(pack).render(merged, scenario.data)   # SlotRender(html, css)

See docs/slots.md.
"""

from harness.slots.config import SCHEMA_ID, SlotConfig, SlotOverride, json_schema
from harness.slots.declarations import SlotDecl, SlotDeclarations, load_declarations
from harness.slots.merge import DEFAULTS, MIGRATED, PRESET, USER
from harness.slots.merger import ConfigMerger, Layer, MergedConfig
from harness.slots.registry import ResolvedSlot, SlotDefaults, SlotRegistry, VersionSlots
from harness.slots.render import SlotRender, SlotRenderer
from harness.slots.validate import ConfigCheck, load_config, validate_config

__all__ = [
    "DEFAULTS", "MIGRATED", "PRESET", "SCHEMA_ID", "USER", "ConfigCheck", "ConfigMerger", "Layer", "MergedConfig",
    "ResolvedSlot", "SlotConfig", "SlotDecl", "SlotDeclarations", "SlotDefaults", "SlotOverride", "SlotRegistry",
    "SlotRender", "SlotRenderer", "VersionSlots", "json_schema", "load_config", "load_declarations",
    "validate_config",
]
