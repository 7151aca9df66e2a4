"""The slot config: what a user (or the migration) changes about a component, as data.

One JSON document per user and component (``schema = "phoenix.slot-config/1"``), see docs/slots.md.
The same model is used for every layer the :class:`~harness.slots.merge.ConfigMerger` combines
(defaults, version preset, migrated config, later user edits): in a layer, ``null`` where the schema
allows it deletes the override of the layers below, except for attribute and style values, where
``null`` is itself the change ("remove this attribute / property").
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

SCHEMA_ID: Literal["phoenix.slot-config/1"] = "phoenix.slot-config/1"

InsertPosition = Literal["prepend", "append", "before", "after"]
RawPosition = Literal["replace", "before", "after", "prepend", "append"]
SettingValue = StrictBool | StrictInt | StrictStr


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class PlainText(_Model):
    """Literal text: escaped when rendered, never interpreted as markup or template code."""

    plain: StrictStr


class RichText(_Model):
    """A little sanitized HTML (``<em>``, ``<strong>``, ``<br>``, ...); rejected unless nh3 leaves it unchanged."""

    rich: StrictStr


class TemplateText(_Model):
    """Text with ``{{ expressions }}`` over the component's data (``Save {{ discount }}%``); no statements."""

    template: StrictStr


TextValue = Annotated[PlainText | RichText | TemplateText, Field(description="exactly one of plain, rich, template")]
AttrValue = Annotated[StrictStr | TemplateText | None,
                      Field(description="a literal value, a template value, or null to remove the attribute")]


class ClassOps(_Model):
    """Class tokens to add and remove; merged as sets (a later add cancels an earlier remove)."""

    add: tuple[StrictStr, ...] = ()
    remove: tuple[StrictStr, ...] = ()


class Wrap(_Model):
    """Wrap the slot element in a new element."""

    tag: StrictStr
    classes: tuple[StrictStr, ...] = ()
    attrs: dict[StrictStr, StrictStr] = Field(default_factory=dict)


class Insert(_Model):
    """New content in a container, placed relative to the container or one of its child slots."""

    position: InsertPosition = "append"
    ref: StrictStr | None = Field(None, description="the child slot that 'before'/'after' refer to")
    tag: StrictStr
    classes: tuple[StrictStr, ...] = ()
    attrs: dict[StrictStr, StrictStr | TemplateText] = Field(default_factory=dict)
    content: TextValue | None = None


class SlotOverride(_Model):
    """Every change one slot can receive; which ones a slot accepts is declared in the pack's slots.toml."""

    text: TextValue | None = None
    attrs: dict[StrictStr, AttrValue] | None = None
    classes: ClassOps | None = None
    style: dict[StrictStr, StrictStr | None] | None = Field(
        None, description="CSS property -> value (null removes the property from the inline style)")
    visible: StrictBool | None = None
    tag: StrictStr | None = None
    settings: dict[StrictStr, SettingValue | None] | None = None
    wrap: Wrap | None = None
    order: tuple[StrictStr, ...] | None = Field(
        None, description="containers: a permutation of the declared child slots")
    insert: dict[StrictStr, Insert | None] | None = None


class RawEntry(_Model):
    """Template source kept as is (always sent to review): the escape hatch for logic changes."""

    slot: StrictStr
    position: RawPosition
    source: StrictStr
    reason: StrictStr


class Unconverted(_Model):
    """A hunk of the legacy diff that no translator could express: reported, never dropped silently."""

    file: StrictStr
    hunk: StrictInt | None = None
    header: StrictStr = ""
    text: StrictStr
    code: StrictStr
    reason: StrictStr


class SlotConfig(_Model):
    """One component's slot config (one layer, or the merged result)."""

    schema_: Literal["phoenix.slot-config/1"] = Field(SCHEMA_ID, alias="schema")
    component: StrictStr
    version: StrictStr | None = None
    slots: dict[StrictStr, SlotOverride | None] = Field(default_factory=dict)
    custom_css: dict[StrictStr, StrictStr | None] = Field(
        default_factory=dict, description="id -> CSS rules, rendered inside @scope (<root selector>)")
    raw: dict[StrictStr, RawEntry | None] = Field(default_factory=dict)
    unconverted: dict[StrictStr, Unconverted | None] = Field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The document as written (only what was set; ``schema`` always present)."""
        data = self.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return {"schema": SCHEMA_ID, **data}

    def is_empty(self) -> bool:
        return not (self.slots or self.custom_css or self.raw or self.unconverted)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`SlotConfig` (committed as ``schemas/slot-config.v1.json``)."""
    schema = SlotConfig.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://phoenix.invalid/schemas/slot-config.v1.json", **schema}


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
