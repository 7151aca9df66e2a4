"""Slot declarations: a pack's ``slots.toml`` as values, checked for internal consistency.

    schema = "phoenix.slots/1"
    component = "product-card"

    [slots.title]
    kind = "text"                       # element | text | container
    anchor = ".card__title"             # a selector matching exactly one element in every version
    ops = ["text", "classes", "tag", "visible"]
    tags = ["h2", "h3", "h4", "p"]

    [slots.vendor.settings.show_vendor]
    type = "bool"
    default = true
    variable = "settings.show_vendor"  # the template variable the setting drives

Whether anchors resolve on the templates is checked by :class:`~harness.slots.registry.SlotRegistry`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError

from harness.errors import SlotDeclarationError, Where
from harness.jinjatree import SelectorError
from harness.jinjatree.select import check_selector
from harness.slots.content import IDENTIFIER, TAG_NAME

SCHEMA_ID: Literal["phoenix.slots/1"] = "phoenix.slots/1"
SlotKind = Literal["element", "text", "container"]
Op = Literal["text", "attrs", "classes", "style", "visible", "tag", "wrap", "order", "insert"]
ContentKind = Literal["plain", "rich", "template"]
KIND_OPS: dict[str, frozenset[str]] = {
    "element": frozenset({"attrs", "classes", "style", "visible", "tag", "wrap"}),
    "text": frozenset({"text", "attrs", "classes", "style", "visible", "tag", "wrap"}),
    "container": frozenset({"attrs", "classes", "style", "visible", "tag", "wrap", "order", "insert"}),
}
DEFAULT_ATTRIBUTES = ("title", "alt", "aria-*", "data-*", "href", "target", "rel", "loading", "lang", "dir")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SettingDecl(_Model):
    """A typed setting (like a Shopify section setting) that drives one template variable."""

    type: Literal["bool", "int", "enum"]
    default: StrictBool | StrictInt | StrictStr
    variable: StrictStr = Field(description="dotted template variable, e.g. settings.show_vendor")
    min: StrictInt | None = None
    max: StrictInt | None = None
    choices: tuple[StrictStr, ...] = ()
    label: StrictStr = ""


class InsertDecl(_Model):
    """What a container accepts as inserted content."""

    kinds: tuple[ContentKind, ...] = ("plain",)
    tags: tuple[StrictStr, ...] = ("p", "span", "div")
    max: StrictInt = 2


class SlotDecl(_Model):
    kind: SlotKind
    anchor: StrictStr
    label: StrictStr = ""
    since: StrictStr | None = Field(None, description="first version that has this slot (default: all)")
    ops: tuple[Op, ...] = ()
    tags: tuple[StrictStr, ...] = ()
    wrap_tags: tuple[StrictStr, ...] = ("div", "span")
    attributes: tuple[StrictStr, ...] = DEFAULT_ATTRIBUTES
    settings: dict[StrictStr, SettingDecl] = Field(default_factory=dict)
    children: tuple[StrictStr, ...] = ()
    insert: InsertDecl | None = None

    def allows(self, op: str) -> bool:
        return op in self.ops or (op == "settings" and bool(self.settings))


class SlotDeclarations(_Model):
    schema_: Literal["phoenix.slots/1"] = Field(SCHEMA_ID, alias="schema")
    component: StrictStr
    slots: dict[StrictStr, SlotDecl]

    def container_of(self, slot_id: str) -> str | None:
        return next((cid for cid, decl in self.slots.items() if slot_id in decl.children), None)


def load_declarations(path: Path, *, component: str | None = None) -> SlotDeclarations:
    """Read and check ``slots.toml``; raises :class:`SlotDeclarationError` naming every problem found."""
    where = Where(component=component, file=str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SlotDeclarationError(f"slots.toml cannot be read: {exc}", where=where,
                                   fix="fix the TOML syntax", code="slots.declaration") from None
    return parse_declarations(data, where=where)


def parse_declarations(data: object, *, where: Where | None = None) -> SlotDeclarations:
    where = where or Where()
    try:
        decls = SlotDeclarations.model_validate(data)
    except ValidationError as exc:
        summary = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        raise SlotDeclarationError(f"slots.toml does not match phoenix.slots/1: {summary}", where=where,
                                   fix="see docs/slots.md for the format", code="slots.declaration") from None
    problems = list(declaration_problems(decls))
    if problems:
        slot, message = problems[0]
        more = f" (and {len(problems) - 1} more: " + "; ".join(m for _, m in problems[1:4]) + ")" \
            if len(problems) > 1 else ""
        raise SlotDeclarationError(message + more, where=where.merged(Where(component=decls.component, slot=slot)),
                                   fix="correct the declaration in slots.toml", code="slots.declaration")
    return decls


def declaration_problems(decls: SlotDeclarations) -> Iterator[tuple[str, str]]:
    """(slot id, problem) for every inconsistency between declarations (anchors are not resolved here)."""
    seen_children: dict[str, str] = {}
    for slot_id, decl in decls.slots.items():
        if not IDENTIFIER.fullmatch(slot_id):
            yield slot_id, f"slot id {slot_id!r} must be lowercase letters, digits, '-' and '_'"
        try:
            check_selector(decl.anchor)
        except SelectorError as exc:
            yield slot_id, exc.message
        extra = set(decl.ops) - KIND_OPS[decl.kind]
        if extra:
            yield slot_id, f"a {decl.kind} slot cannot allow {', '.join(sorted(extra))}"
        yield from ((slot_id, p) for p in _tag_problems(decl))
        yield from ((slot_id, p) for p in _container_problems(slot_id, decl, decls, seen_children))
        for name, setting in decl.settings.items():
            yield from ((slot_id, f"setting {name!r}: {p}") for p in setting_problems(setting))


def _tag_problems(decl: SlotDecl) -> Iterator[str]:
    for tag in (*decl.tags, *decl.wrap_tags, *(decl.insert.tags if decl.insert else ())):
        if not TAG_NAME.fullmatch(tag):
            yield f"{tag!r} is not a tag name"
    if "tag" in decl.ops and not decl.tags:
        yield "the 'tag' op needs a list of allowed tags"


def _container_problems(slot_id: str, decl: SlotDecl, decls: SlotDeclarations,
                        seen: dict[str, str]) -> Iterator[str]:
    if decl.kind != "container":
        if decl.children or decl.insert:
            yield "only containers have children or insert rules"
        return
    if ("insert" in decl.ops) != (decl.insert is not None):
        yield "a container allows 'insert' exactly when it has an [insert] table"
    if decl.insert is not None and decl.insert.max < 0:
        yield "insert.max must not be negative"
    if len(set(decl.children)) != len(decl.children):
        yield "children are listed twice"
    for child in decl.children:
        if child not in decls.slots or child == slot_id:
            yield f"child {child!r} is not another declared slot"
        elif child in seen:
            yield f"child {child!r} already belongs to container {seen[child]!r}"
        seen.setdefault(child, slot_id)


def setting_problems(setting: SettingDecl) -> Iterator[str]:
    if not all(IDENTIFIER.fullmatch(part.replace("_", "a")) for part in setting.variable.split(".")):
        yield f"variable {setting.variable!r} is not a dotted name"
    problem = setting_value_problem(setting, setting.default)
    if problem:
        yield f"default {setting.default!r}: {problem}"


def setting_value_problem(setting: SettingDecl, value: object) -> str | None:
    """Why ``value`` is not a valid value of ``setting``, or None."""
    if setting.type == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if setting.type == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            return "must be a whole number"
        if (setting.min is not None and value < setting.min) or (setting.max is not None and value > setting.max):
            return f"must be between {setting.min} and {setting.max}"
        return None
    if not isinstance(value, str) or value not in setting.choices:
        return "must be one of " + ", ".join(repr(c) for c in setting.choices)
    return None
