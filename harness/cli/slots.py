"""``phoenix slots show|validate|schema``: the slot system's declarations, configs and JSON Schema.

    phoenix slots show product-card [--version 1.2.0] [--json]
    phoenix slots validate config.json [--json]     # exit 0 valid, 1 invalid (one line per error)
    phoenix slots schema [--write | --check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from harness.errors import ConfigError, PhoenixError, SlotConfigError, Where
from harness.packs import default_packs
from harness.slots.config import json_schema_text
from harness.slots.registry import SlotRegistry, VersionSlots
from harness.slots.validate import MAX_CONFIG_BYTES, load_config

SCHEMA_FILE = "slot-config.v1.json"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("slots", help="show slot declarations, validate slot configs, export the schema")
    actions = parser.add_subparsers(dest="slots_command", metavar="ACTION", required=True)

    show = actions.add_parser("show", help="a component's slots: kinds, ops, settings and defaults")
    show.add_argument("component")
    show.add_argument("--version", dest="pack_version", help="pack version (default: the current one)")
    show.add_argument("--json", action="store_true", help="print JSON instead of text")
    show.set_defaults(handler=_show)

    validate = actions.add_parser("validate", help="validate a slot config against its component (exit 1 if invalid)")
    validate.add_argument("config", type=Path)
    validate.add_argument("--json", action="store_true", help="print the errors as JSON")
    validate.set_defaults(handler=_validate)

    schema = actions.add_parser("schema", help="print the JSON Schema of slot configs")
    mode = schema.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help=f"write schemas/{SCHEMA_FILE} in the source checkout")
    mode.add_argument("--check", action="store_true", help=f"exit 1 when schemas/{SCHEMA_FILE} is out of date")
    schema.set_defaults(handler=_schema)


# --- show -------------------------------------------------------------------------------------------

def _show(args: argparse.Namespace) -> int:
    pack = default_packs().get_pack(args.component)
    slots = SlotRegistry.for_pack(pack).resolve(args.pack_version)
    described = describe(slots)
    if args.json:
        print(json.dumps({"component": pack.name, "version": slots.version, "slots": described}, indent=2))
        return 0
    print(f"{pack.name} {slots.version}: {len(described)} slots")
    for slot in described:
        print(_show_line(slot))
    return 0


def describe(slots: VersionSlots) -> list[dict[str, Any]]:
    """Every slot of a version as plain data (what ``slots show --json`` prints)."""
    out = []
    for slot in slots.slots.values():
        decl, defaults = slot.decl, slot.defaults
        entry: dict[str, Any] = {
            "id": slot.id, "kind": decl.kind, "label": decl.label, "anchor": decl.anchor, "ops": list(decl.ops),
            "defaults": {"tag": defaults.tag, "classes": list(defaults.classes),
                         "attributes": dict(defaults.attributes), "text": defaults.text},
            "settings": {name: s.model_dump(exclude_defaults=True) for name, s in decl.settings.items()},
        }
        if decl.tags:
            entry["tags"] = list(decl.tags)
        if decl.kind == "container":
            entry["children"] = [c for c in decl.children if c in slots.slots]
            entry["insert"] = decl.insert.model_dump() if decl.insert else None
        out.append(entry)
    return out


def _show_line(slot: dict[str, Any]) -> str:
    defaults = slot["defaults"]
    classes = "".join("." + c for c in defaults["classes"])
    lines = [f"  {slot['id']:<16} {slot['kind']:<10} <{defaults['tag']}{classes}>  ops: {', '.join(slot['ops']) or '-'}"]
    if slot.get("tags"):
        lines.append(f"{'':30}tags: {', '.join(slot['tags'])}")
    if slot.get("children"):
        lines.append(f"{'':30}children: {', '.join(slot['children'])}")
    if slot.get("insert"):
        rules = slot["insert"]
        lines.append(f"{'':30}insert: up to {rules['max']} of {', '.join(rules['kinds'])} in "
                     f"{', '.join('<' + t + '>' for t in rules['tags'])}")
    for name, setting in slot["settings"].items():
        lines.append(f"{'':30}setting {name} ({setting['type']}, default {json.dumps(setting['default'])}) "
                     f"-> {setting['variable']}")
    if defaults["text"]:
        lines.append(f"{'':30}text: {defaults['text']}")
    return "\n".join(lines)


# --- validate ---------------------------------------------------------------------------------------

def _validate(args: argparse.Namespace) -> int:
    problems = validate_file(args.config)
    if args.json:
        print(json.dumps({"valid": not problems, "errors": [p.as_dict() for p in problems]}, indent=2))
    elif not problems:
        print(f"{args.config}: valid")
    for problem in [] if args.json else problems:
        print(_error_line(problem))
    return 1 if problems else 0


def validate_file(path: Path) -> list[PhoenixError]:
    """Every problem of the config in ``path`` (empty when it is valid for its component)."""
    where = Where(file=str(path))
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            return [SlotConfigError(f"the file is {size:,} bytes, over the limit of {MAX_CONFIG_BYTES:,}",
                                    where=where, fix="move large content out of the config", code="slots.too_large")]
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path} does not exist", where=where, fix="pass the path of a slot config") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [SlotConfigError(f"the file is not JSON: {exc}", where=where, fix="write valid UTF-8 JSON",
                                code="slots.not_json")]
    component = data.get("component") if isinstance(data, dict) else None
    if not isinstance(component, str):
        return list(load_config(data).errors)
    try:
        registry = SlotRegistry.for_pack(default_packs().get_pack(component))
    except PhoenixError as exc:
        return [SlotConfigError(exc.message, where=Where(path="component", component=component),
                                fix=exc.fix, code="slots.unknown_component")]
    return list(load_config(data, registry.declarations, versions=registry.versions).errors)


def _error_line(error: PhoenixError) -> str:
    path = error.where.path or "(config)"
    return f"{path}: {error.message} [{error.code}] (fix: {error.fix})"


# --- schema -----------------------------------------------------------------------------------------

def schema_path() -> Path:
    return Path(__file__).resolve().parents[2] / "schemas" / SCHEMA_FILE


def _schema(args: argparse.Namespace) -> int:
    text = json_schema_text()
    target = schema_path()
    if args.write:
        if not target.parent.is_dir():
            raise ConfigError(f"{target.parent} does not exist", fix="run --write from a source checkout")
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
        return 0
    if args.check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text:
            print(f"{target} is out of date; run: phoenix slots schema --write", file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    sys.stdout.write(text)
    return 0
