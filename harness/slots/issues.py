"""Paths into a slot config and the problems found at them.

A path is the config's keys joined with dots (``slots.title.attrs.onclick``); a key that itself holds a
dot or a tilde is escaped as in JSON Pointer (``~1`` for ``.``, ``~0`` for ``~``), so a class token like
``w-1.5`` is ``slots.card.classes.w-1~15``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from harness.errors import SlotConfigError, Where


def escape_key(key: str | int) -> str:
    return str(key).replace("~", "~0").replace(".", "~1")


def unescape_key(key: str) -> str:
    return key.replace("~1", ".").replace("~0", "~")


def join(*keys: str | int) -> str:
    return ".".join(escape_key(key) for key in keys)


def split(path: str) -> tuple[str, ...]:
    return tuple(unescape_key(key) for key in path.split(".")) if path else ()


@dataclass(frozen=True)
class Issue:
    """One problem at one path of a config: becomes a :class:`SlotConfigError`."""

    path: str
    message: str
    fix: str
    code: str

    def error(self, *, component: str | None = None, version: str | None = None,
              source: str | None = None) -> SlotConfigError:
        keys = split(self.path)
        slot = keys[1] if len(keys) > 1 and keys[0] == "slots" else None
        where = Where(component=component, version=version, slot=slot, path=self.path, source=source)
        return SlotConfigError(self.message, where=where, fix=self.fix, code=self.code)


def errors(issues: Iterable[Issue], *, component: str | None = None,
           version: str | None = None) -> list[SlotConfigError]:
    return [issue.error(component=component, version=version) for issue in issues]
