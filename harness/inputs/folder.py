"""Folder source: ``<root>/<user_id>/<component>.diff`` (raw bytes) with an optional
``<root>/<user_id>/meta.json`` = ``{"<component>": {"base_version": "...", "meta": {...}}}``.

Dot files are ignored. Everything else that does not fit (unsafe names, symbolic links, stray files,
unreadable files, a broken meta.json, a meta.json entry without its diff) becomes a LoadProblem.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from harness.errors import InputError, Where
from harness.inputs.records import (
    Position,
    RecordInvalid,
    build,
    check_base_version,
    check_meta,
    finish,
    problem,
    readable_user,
)
from harness.model import LoadProblem, Record

META_FILE = "meta.json"
META_KEYS = {"base_version", "meta"}
FIX_LAYOUT = "keep only <user_id>/<component>.diff files and one meta.json per user directory"


class FolderSource:
    """Customizations from a directory tree of ``.diff`` files."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self) -> str:
        return f"folder {self.root} (<user_id>/<component>.diff)"

    def records(self) -> list[Record]:
        try:
            entries = _visible(self.root)
        except OSError as exc:
            raise InputError(f"cannot list {self.root}: {exc.strerror}", where=Where(source=str(self.root)),
                             fix="check the path and its permissions", code="input.unreadable") from None
        records: list[Record] = []
        for entry in entries:
            records.extend(self._user(entry))
        if not records:
            return [LoadProblem(user_id=f"<{self.root.name}/>", component=None, source=self.root.name,
                                code="input.empty", message=f"{self.root} holds no user directories",
                                fix="point the harness at the exported customizations")]
        return finish(records)

    def _user(self, entry: Path) -> Iterator[Record]:
        user = readable_user(entry.name)
        invalid = _entry_problem(entry, user)
        if invalid is not None or user is None:
            named = user if entry.is_dir() else None  # a stray file's name is not a user id
            yield problem(named or f"<{self.root.name}/{entry.name}>", None, entry.name,
                          invalid or RecordInvalid("input.unsafe_name", entry.name))
            return
        try:
            files = _visible(entry)
        except OSError as exc:
            yield problem(user, None, user, RecordInvalid("input.unreadable", f"cannot list {user}/: "
                                                          f"{exc.strerror}", "check the directory's permissions"))
            return
        yield from self._user_files(user, entry, files)

    def _user_files(self, user: str, directory: Path, files: list[Path]) -> Iterator[Record]:
        diffs = [path for path in files if path.name.endswith(".diff")]
        meta, meta_problem = _read_meta(directory / META_FILE) if (directory / META_FILE) in files else ({}, None)
        for path in files:
            if path not in diffs and path.name != META_FILE:
                yield problem(user, None, f"{user}/{path.name}", RecordInvalid(
                    "input.unexpected_file", f"{user}/{path.name} is neither a .diff nor {META_FILE}", FIX_LAYOUT))
        for path in diffs:
            yield self._diff(user, path, meta, meta_problem)
        for component in sorted(set(meta) - {path.name[:-5] for path in diffs}):
            yield problem(user, readable_user(component), f"{user}/{META_FILE}", RecordInvalid(
                "input.bad_meta", f"{user}/{META_FILE} describes {component!r} but there is no "
                f"{user}/{component}.diff", "remove the entry or add the diff"))
        if not files:
            yield problem(user, None, user, RecordInvalid("input.empty", f"{user}/ holds no .diff files",
                                                          "remove the directory or add the diffs"))
        elif not diffs and meta_problem is not None:
            yield problem(user, None, f"{user}/{META_FILE}", meta_problem)

    def _diff(self, user: str, path: Path, meta: dict[str, Any], meta_problem: RecordInvalid | None) -> Record:
        source = f"{user}/{path.name}"
        component = path.name[:-5]
        if meta_problem is not None:
            return problem(user, readable_user(component), source, meta_problem)
        if path.is_symlink() or not path.is_file():
            kind = "a symbolic link" if path.is_symlink() else "not a regular file"
            return problem(user, readable_user(component), source, RecordInvalid(
                "input.unreadable", f"{source} is {kind}", "replace it with the diff file itself"))
        try:
            data = path.read_bytes()
        except OSError as exc:
            return problem(user, readable_user(component), source, RecordInvalid(
                "input.unreadable", f"cannot read {source}: {exc.strerror}", "check the file's permissions"))
        entry = meta.get(component, {})
        raw = {"user_id": user, "component": component, "base_version": entry.get("base_version"),
               "diff": data, "meta": entry.get("meta")}
        return build(raw, Position(source, f"<{source}>"))


def _entry_problem(entry: Path, user: str | None) -> RecordInvalid | None:
    if entry.is_symlink():
        return RecordInvalid("input.unsafe_name", f"{entry.name!r} is a symbolic link", FIX_LAYOUT)
    if not entry.is_dir():
        return RecordInvalid("input.unexpected_file", f"{entry.name!r} is a file, not a user directory",
                             FIX_LAYOUT)
    if user is None:
        return RecordInvalid("input.unsafe_name", f"the directory name {entry.name!r} is not a safe user id "
                             "(letters, digits and . _ @ + = -)", "rename the directory")
    return None


def _visible(directory: Path) -> list[Path]:
    return sorted(path for path in directory.iterdir() if not path.name.startswith("."))


def _read_meta(path: Path) -> tuple[dict[str, Any], RecordInvalid | None]:
    """The entries of a user's meta.json, or the reason it cannot be used (then no entry is trusted)."""
    name = f"{path.parent.name}/{META_FILE}"
    if path.is_symlink() or not path.is_file():
        return {}, RecordInvalid("input.bad_meta", f"{name} is not a regular file (links are not followed)",
                                 "replace it with the file itself")
    try:
        value = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return {}, RecordInvalid("input.bad_meta", f"{name} cannot be read as JSON: {exc}",
                                 "fix the file: {\"<component>\": {\"base_version\": ..., \"meta\": {...}}}")
    try:
        if not isinstance(value, dict):
            raise RecordInvalid("input.bad_meta", f"{name} must hold an object keyed by component")
        for component, entry in value.items():
            if not isinstance(entry, dict) or set(entry) - META_KEYS:
                raise RecordInvalid("input.bad_meta", f"{name}: the entry for {component!r} must be an object "
                                    f"with only {' and '.join(sorted(META_KEYS))}")
            check_base_version(entry.get("base_version"))
            check_meta(entry.get("meta"))
    except RecordInvalid as invalid:
        return {}, RecordInvalid("input.bad_meta", f"{name}: {invalid.message}", invalid.fix)
    return value, None
