"""Validate a slot config: its shape (pydantic), its size, hostile content, and the pack's declarations.

Every problem becomes a :class:`~harness.errors.SlotConfigError` whose ``where.path`` is the config path
(``slots.title.attrs.onclick``); all problems are collected, never just the first.
"""

from __future__ import annotations

import difflib
import fnmatch
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from harness.errors import SlotConfigError, TemplateError
from harness.sandbox import check_template_safety
from harness.slots.config import PlainText, RichText, SlotConfig, SlotOverride, TemplateText, TextValue
from harness.slots.content import (
    IDENTIFIER,
    attribute_issues,
    rich_issues,
    tag_issues,
    template_issues,
    token_issues,
)
from harness.slots.css import custom_css_issues, style_issues
from harness.slots.declarations import SlotDecl, SlotDeclarations, setting_value_problem
from harness.slots.issues import Issue, errors, join

MAX_STRING_BYTES = 64 * 1024
MAX_CONFIG_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ConfigCheck:
    """The outcome of loading one config: the model (when it has the right shape) and every error."""

    config: SlotConfig | None
    errors: tuple[SlotConfigError, ...]

    @property
    def ok(self) -> bool:
        return self.config is not None and not self.errors


def load_config(data: object, decls: SlotDeclarations | None = None, *,
                versions: Sequence[str] = ()) -> ConfigCheck:
    """Check raw JSON data (sizes, shape) and, when it has the right shape, its content."""
    oversize = list(size_issues(data))
    try:
        config = SlotConfig.model_validate(data)
    except ValidationError as exc:
        return ConfigCheck(None, tuple(errors([*oversize, *schema_issues(exc, data)])))
    if oversize:  # do not feed megabytes to the sanitizers; the size is reason enough
        return ConfigCheck(config, tuple(errors(oversize, component=config.component, version=config.version)))
    return ConfigCheck(config, validate_config(config, decls, versions=versions))


def validate_config(config: SlotConfig, decls: SlotDeclarations | None = None, *,
                    versions: Sequence[str] = ()) -> tuple[SlotConfigError, ...]:
    issues = list(size_issues(config.to_json()))
    if not issues:
        issues += content_issues(config)
        if decls is not None:
            issues += declaration_issues(config, decls, versions)
    return tuple(errors(issues, component=config.component, version=config.version))


# --- size and shape ---------------------------------------------------------------------------------

def size_issues(data: object) -> Iterator[Issue]:
    total = len(json.dumps(data, default=str).encode("utf-8", "surrogatepass"))
    if total > MAX_CONFIG_BYTES:
        yield Issue("", f"the config is {total:,} bytes, over the limit of {MAX_CONFIG_BYTES:,}",
                    "move large content out of the config", "slots.too_large")
    yield from _long_strings(data, ())


def _long_strings(data: object, keys: tuple[str | int, ...]) -> Iterator[Issue]:
    if isinstance(data, str):
        size = len(data.encode("utf-8", "surrogatepass"))
        if size > MAX_STRING_BYTES:
            yield Issue(join(*keys), f"the value is {size:,} bytes, over the limit of {MAX_STRING_BYTES:,}",
                        "shorten it", "slots.too_large")
    elif isinstance(data, Mapping):
        for key, value in data.items():
            yield from _long_strings(str(key), (*keys, "<key>"))
            yield from _long_strings(value, (*keys, str(key)[:64]))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from _long_strings(value, (*keys, index))


def schema_issues(exc: ValidationError, data: object) -> list[Issue]:
    """Pydantic's errors, one issue per path; a value matching no member of a union gets one issue."""
    messages: dict[str, list[str]] = {}
    unions: dict[str, list[str]] = {}
    for error in exc.errors():
        keys, member = _data_path(error["loc"], data, error["type"])
        path = join(*keys)
        if member is not None:
            unions.setdefault(path, [])
            if member not in unions[path]:
                unions[path].append(member)
        elif error["msg"] not in messages.setdefault(path, []):
            messages[path].append(error["msg"])
    fix = "see docs/slots.md and schemas/slot-config.v1.json for the format"
    issues = [Issue(path, "does not match any allowed form (" + ", ".join(_FORMS.get(m, m) for m in members) + ")",
                    fix, "slots.schema") for path, members in unions.items()]
    issues += [Issue(path, "; ".join(msgs[:3]), fix, "slots.schema")
               for path, msgs in messages.items() if path not in unions]
    return issues


_FORMS = {"PlainText": '{"plain": ...}', "RichText": '{"rich": ...}', "TemplateText": '{"template": ...}',
          "str": "a string", "none": "null", "bool": "true/false", "int": "a whole number"}


def _data_path(loc: tuple[str | int, ...], data: object, kind: str) -> tuple[list[str | int], str | None]:
    """The part of a pydantic ``loc`` that names keys of ``data``, and the union member it tried, if any."""
    keys: list[str | int] = []
    node: Any = data
    for index, step in enumerate(loc):
        found, child = _child(node, step)
        if not found and not (index == len(loc) - 1 and kind in ("missing", "extra_forbidden")):
            return keys, str(step).split("[")[0]
        node = child
        keys.append(step)
    return keys, None


def _child(node: object, step: str | int) -> tuple[bool, object]:
    if isinstance(node, Mapping) and step in node:
        return True, node[step]
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return True, node[step]
    return False, None


# --- hostile content (no declarations needed) --------------------------------------------------------

def content_issues(config: SlotConfig) -> list[Issue]:
    issues: list[Issue] = []
    for slot_id, override in config.slots.items():
        if override is not None:
            issues += _override_issues(("slots", slot_id), override)
    for css_id, css in config.custom_css.items():
        issues += _id_issues(("custom_css", css_id))
        if css is not None:
            issues += custom_css_issues(join("custom_css", css_id), css)
    for raw_id, raw in config.raw.items():
        issues += _id_issues(("raw", raw_id))
        if raw is not None:
            issues += _raw_source_issues(join("raw", raw_id, "source"), raw.source)
    for unconverted_id in config.unconverted:
        issues += _id_issues(("unconverted", unconverted_id))
    return issues


def _override_issues(keys: tuple[str, ...], override: SlotOverride) -> list[Issue]:
    issues: list[Issue] = []
    if override.text is not None:
        issues += text_issues(join(*keys, "text"), override.text)
    issues += _attrs_issues((*keys, "attrs"), override.attrs or {})
    if override.classes is not None:
        issues += token_issues(join(*keys, "classes", "add"), override.classes.add)
        issues += token_issues(join(*keys, "classes", "remove"), override.classes.remove)
        for token in sorted(set(override.classes.add) & set(override.classes.remove)):
            issues.append(Issue(join(*keys, "classes"), f"class {token!r} is both added and removed",
                                "keep it in one of the two lists", "slots.conflict"))
    for prop, value in (override.style or {}).items():
        if value is not None:
            issues += style_issues(join(*keys, "style"), prop, value)
    if override.tag is not None:
        issues += tag_issues(join(*keys, "tag"), override.tag, None)
    if override.wrap is not None:
        issues += tag_issues(join(*keys, "wrap", "tag"), override.wrap.tag, None)
        issues += token_issues(join(*keys, "wrap", "classes"), override.wrap.classes)
        issues += _attrs_issues((*keys, "wrap", "attrs"), dict(override.wrap.attrs))
    for insert_id, insert in (override.insert or {}).items():
        issues += _id_issues((*keys, "insert", insert_id))
        if insert is None:
            continue
        here = (*keys, "insert", insert_id)
        issues += tag_issues(join(*here, "tag"), insert.tag, None)
        issues += token_issues(join(*here, "classes"), insert.classes)
        issues += _attrs_issues((*here, "attrs"), dict(insert.attrs))
        if insert.content is not None:
            issues += text_issues(join(*here, "content"), insert.content)
    return issues


def text_issues(path: str, value: TextValue) -> list[Issue]:
    if isinstance(value, PlainText):
        return []
    if isinstance(value, RichText):
        return rich_issues(path, value.rich)
    return template_issues(path, value.template, markup=True)


def _attrs_issues(keys: tuple[str, ...], attrs: Mapping[str, str | TemplateText | None]) -> list[Issue]:
    issues: list[Issue] = []
    for name, value in attrs.items():
        path = join(*keys, name)
        if isinstance(value, TemplateText):
            issues += attribute_issues(path, name, value.template, template=True)
            issues += template_issues(path, value.template, markup=False)
        else:
            issues += attribute_issues(path, name, value)
    return issues


def _id_issues(keys: tuple[str, ...]) -> list[Issue]:
    if IDENTIFIER.fullmatch(keys[-1]):
        return []
    return [Issue(join(*keys), f"{keys[-1]!r} is not a valid id", "use lowercase letters, digits, '-' and '_'",
                  "slots.bad_name")]


def _raw_source_issues(path: str, source: str) -> list[Issue]:
    try:
        check_template_safety(source, name=path)
    except TemplateError as exc:
        return [Issue(path, exc.message, exc.fix or "fix the template", "slots.unsafe_template")]
    return []


# --- against the pack's declarations ----------------------------------------------------------------

def declaration_issues(config: SlotConfig, decls: SlotDeclarations, versions: Sequence[str] = ()) -> list[Issue]:
    issues: list[Issue] = []
    if config.component != decls.component:
        issues.append(Issue("component", f"the config is for {config.component!r}, the pack is {decls.component!r}",
                            "validate it against its own component", "slots.component_mismatch"))
    if versions and config.version is not None and config.version not in versions:
        issues.append(Issue("version", f"{decls.component} has no version {config.version!r}",
                            "use one of " + ", ".join(versions), "slots.unknown_version"))
    insert_ids: dict[str, str] = {}
    for slot_id, override in config.slots.items():
        decl = decls.slots.get(slot_id)
        if decl is None:
            issues.append(_unknown_slot(("slots", slot_id), slot_id, decls))
        elif override is not None:
            issues += _since_issues(slot_id, decl, config.version, versions)
            issues += _declared_issues(("slots", slot_id), override, decl, decls)
            for insert_id in override.insert or {}:
                if insert_id in decls.slots or insert_ids.setdefault(insert_id, slot_id) != slot_id:
                    issues.append(Issue(join("slots", slot_id, "insert", insert_id),
                                        f"insert id {insert_id!r} is already used by another slot or insert",
                                        "choose an id used nowhere else in the config", "slots.conflict"))
    for raw_id, raw in config.raw.items():
        if raw is not None and raw.slot not in decls.slots:
            issues.append(_unknown_slot(("raw", raw_id, "slot"), raw.slot, decls))
        elif raw is not None:
            issues += [Issue(join("raw", raw_id, "slot"), i.message, i.fix, i.code)
                       for i in _since_issues(raw.slot, decls.slots[raw.slot], config.version, versions)]
    return issues


def _unknown_slot(keys: tuple[str, ...], slot_id: str, decls: SlotDeclarations) -> Issue:
    close = difflib.get_close_matches(slot_id, list(decls.slots), n=3)
    hint = f"did you mean {', '.join(close)}?" if close else "known slots: " + ", ".join(decls.slots)
    return Issue(join(*keys), f"{decls.component} has no slot {slot_id!r}", hint, "slots.unknown_slot")


def _since_issues(slot_id: str, decl: SlotDecl, version: str | None, versions: Sequence[str]) -> list[Issue]:
    if decl.since is None or version is None or decl.since not in versions or version not in versions:
        return []
    if versions.index(version) >= versions.index(decl.since):
        return []
    return [Issue(join("slots", slot_id), f"slot {slot_id!r} exists from version {decl.since} on, not in {version}",
                  f"migrate to {decl.since} or later, or drop the override", "slots.unknown_slot")]


def _declared_issues(keys: tuple[str, ...], override: SlotOverride, decl: SlotDecl,
                     decls: SlotDeclarations) -> list[Issue]:
    issues: list[Issue] = []
    refused = {op for op in override.model_fields_set if getattr(override, op) is not None and not decl.allows(op)}
    for op in sorted(refused):
        issues.append(Issue(join(*keys, op), f"slot {keys[-1]!r} does not allow {op!r}",
                            f"this slot allows: {', '.join(decl.ops) or 'nothing'}", "slots.op_not_allowed"))
    override = override.model_copy(update=dict.fromkeys(refused))
    if override.tag is not None:
        issues += tag_issues(join(*keys, "tag"), override.tag, frozenset(decl.tags))
    if override.wrap is not None:
        issues += tag_issues(join(*keys, "wrap", "tag"), override.wrap.tag, frozenset(decl.wrap_tags))
    for name in override.attrs or {}:
        if not any(fnmatch.fnmatchcase(name.lower(), pattern) for pattern in decl.attributes):
            issues.append(Issue(join(*keys, "attrs", name), f"slot {keys[-1]!r} does not accept the attribute {name!r}",
                                "allowed: " + ", ".join(decl.attributes), "slots.op_not_allowed"))
    issues += _settings_issues(keys, override, decl)
    issues += _order_issues(keys, override, decl)
    issues += _insert_issues(keys, override, decl)
    return issues


def _settings_issues(keys: tuple[str, ...], override: SlotOverride, decl: SlotDecl) -> list[Issue]:
    issues: list[Issue] = []
    for name, value in (override.settings or {}).items():
        setting = decl.settings.get(name)
        path = join(*keys, "settings", name)
        if setting is None:
            issues.append(Issue(path, f"slot {keys[-1]!r} has no setting {name!r}",
                                "known settings: " + (", ".join(decl.settings) or "none"), "slots.setting_invalid"))
        elif value is not None and (problem := setting_value_problem(setting, value)):
            issues.append(Issue(path, f"{value!r} {problem}", "use a value of the declared type", "slots.setting_invalid"))
    return issues


def _order_issues(keys: tuple[str, ...], override: SlotOverride, decl: SlotDecl) -> list[Issue]:
    if override.order is None or decl.kind != "container":
        return []
    if sorted(override.order) == sorted(decl.children) and len(set(override.order)) == len(override.order):
        return []
    return [Issue(join(*keys, "order"), f"order must list each child slot exactly once: {', '.join(decl.children)}",
                  "write a permutation of the container's children", "slots.order_not_permutation")]


def _insert_issues(keys: tuple[str, ...], override: SlotOverride, decl: SlotDecl) -> list[Issue]:
    inserts = {k: v for k, v in (override.insert or {}).items() if v is not None}
    rules = decl.insert
    if not inserts or rules is None:
        return []
    issues: list[Issue] = []
    if len(inserts) > rules.max:
        issues.append(Issue(join(*keys, "insert"), f"{len(inserts)} inserts, the container accepts at most {rules.max}",
                            "remove some inserts", "slots.insert_limit"))
    for insert_id, insert in inserts.items():
        here = (*keys, "insert", insert_id)
        issues += tag_issues(join(*here, "tag"), insert.tag, frozenset(rules.tags))
        kind = _kind(insert.content)
        if kind is not None and kind not in rules.kinds:
            issues.append(Issue(join(*here, "content"), f"the container does not accept {kind} content",
                                "use one of: " + ", ".join(rules.kinds), "slots.insert_kind"))
        relative = insert.position in ("before", "after")
        if relative and insert.ref not in decl.children:
            issues.append(Issue(join(*here, "ref"), f"{insert.position!r} needs ref = one of the container's children",
                                "set ref to one of: " + ", ".join(decl.children), "slots.insert_ref"))
        elif not relative and insert.ref is not None:
            issues.append(Issue(join(*here, "ref"), f"{insert.position!r} takes no ref",
                                "drop ref, or use before/after", "slots.insert_ref"))
    return issues


def _kind(value: TextValue | None) -> str | None:
    if value is None:
        return None
    return "plain" if isinstance(value, PlainText) else "rich" if isinstance(value, RichText) else "template"
