"""Turning one raw record (a JSON object, a SQL row, a folder entry) into a Customization or a LoadProblem.

All three sources share these rules, so the same data gives the same case list whatever it is stored in:
- ``user_id`` and ``component`` are safe names (they become directory names in runs and folder sources);
- ``base_version`` is a non-empty string or null; ``diff`` is text (held as surrogate-escaped text when
  it came from JSON or SQL TEXT) or bytes;
- ``meta`` is an object; its well-known keys have fixed types (``updated_at`` str, ``views_30d`` int >= 0,
  ``plan`` str, ``tags`` list of str); anything else in it is free-form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.model import Customization, LoadProblem, Record, diff_bytes_from_text

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+=-]{0,127}")
REQUIRED_KEYS = ("user_id", "component", "base_version", "diff")
OPTIONAL_KEYS = ("meta",)
META_TYPES: dict[str, tuple[type, ...]] = {"updated_at": (str,), "views_30d": (int,), "plan": (str,),
                                           "tags": (list,)}
FIX_RECORD = "correct the record in the source and run again"


class RecordInvalid(Exception):
    """Raised inside the builders; becomes a :class:`LoadProblem` (never leaves this package)."""

    def __init__(self, code: str, message: str, fix: str = FIX_RECORD) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fix = fix


@dataclass(frozen=True)
class Position:
    """Where a raw record came from: ``source`` for Customization.source, ``synthetic`` for unknown users."""

    source: str
    synthetic: str


def safe_name_problem(kind: str, value: object) -> str | None:
    """Why ``value`` cannot be a user id or component name, or None if it can."""
    if not isinstance(value, str):
        return f"{kind} must be a string, not {_type_name(value)}"
    if not SAFE_NAME.fullmatch(value):
        return (f"{kind} {value!r} is not a safe name (letters, digits and . _ @ + = -, starting with a "
                "letter or digit, at most 128 characters)")
    return None


def build(raw: Mapping[str, Any], position: Position, *, extra_keys_allowed: bool = False) -> Record:
    """A :class:`Customization` from ``raw`` (keys as in the JSONL format), or a :class:`LoadProblem`."""
    user = readable_user(raw.get("user_id"))
    component = readable_user(raw.get("component"))
    try:
        _check_keys(raw, extra_keys_allowed)
        for kind in ("user_id", "component"):
            reason = safe_name_problem(kind, raw[kind])
            if reason:
                raise RecordInvalid("input.unsafe_name" if isinstance(raw[kind], str) else "input.bad_type",
                                    reason)
        return Customization(user_id=raw["user_id"], component=raw["component"],
                             base_version=check_base_version(raw["base_version"]),
                             diff=_diff_bytes(raw["diff"]), meta=check_meta(raw.get("meta")),
                             source=position.source)
    except RecordInvalid as invalid:
        return problem(user or position.synthetic, component, position.source, invalid)


def readable_user(value: object) -> str | None:
    """``value`` if it is a safe name (usable as a user id or component in a problem), else None."""
    return value if isinstance(value, str) and SAFE_NAME.fullmatch(value) else None


def problem(user: str, component: str | None, source: str, invalid: RecordInvalid) -> LoadProblem:
    return LoadProblem(user_id=user, component=component, source=source, code=invalid.code,
                       message=invalid.message, fix=invalid.fix)


def _check_keys(raw: Mapping[str, Any], extra_keys_allowed: bool) -> None:
    missing = [key for key in REQUIRED_KEYS if key not in raw]
    if missing:
        raise RecordInvalid("input.missing_key", f"the record lacks {', '.join(missing)}")
    extra = sorted(set(raw) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if extra and not extra_keys_allowed:
        raise RecordInvalid("input.extra_key", f"the record has unknown keys: {', '.join(extra)} "
                            f"(allowed: {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)})")


def check_base_version(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordInvalid("input.bad_type", f"base_version must be a string or null, not {_type_name(value)}")
    if not value.strip() or any(ord(char) < 32 for char in value):
        raise RecordInvalid("input.bad_type", f"base_version {value!r} is empty or holds control characters",
                            "use null when the version is unknown")
    return value


def _diff_bytes(value: object) -> bytes:
    if isinstance(value, str):
        return diff_bytes_from_text(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise RecordInvalid("input.bad_type", f"diff must be text, not {_type_name(value)}")


def check_meta(value: object) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordInvalid("input.bad_meta", f"meta must be an object, not {_type_name(value)}")
    for key, types in META_TYPES.items():
        if key in value and not _has_type(value[key], types):
            raise RecordInvalid("input.bad_meta", f"meta.{key} must be {_describe(key)}, not "
                                f"{_type_name(value[key])} {value[key]!r}")
    return value


def _has_type(value: object, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool) or not isinstance(value, types):
        return False
    if isinstance(value, int):
        return value >= 0
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return True


def _describe(key: str) -> str:
    return {"views_30d": "a whole number >= 0", "tags": "a list of strings"}.get(key, "a string")


def _type_name(value: object) -> str:
    names = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def finish(records: Iterable[Record]) -> list[Record]:
    """Drop duplicate (user, component) records (the first wins; later ones become problems), then sort."""
    first_seen: dict[tuple[str, str], str] = {}
    kept: list[Record] = []
    for record in records:
        if isinstance(record, Customization):
            key = (record.user_id, record.component)
            if key in first_seen:
                record = LoadProblem(
                    user_id=record.user_id, component=record.component, source=record.source,
                    code="input.duplicate", message=f"a second record for {record.case_id} ({record.source}); "
                    f"the first one ({first_seen[key]}) is used", fix="keep one record per user and component")
            else:
                first_seen[key] = record.source
        kept.append(record)
    order = {id(record): index for index, record in enumerate(kept)}
    return sorted(kept, key=lambda r: (r.user_id, r.component or "", order[id(r)]))
