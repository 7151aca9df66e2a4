"""Bad input that needs another source than a JSON Lines file: an empty file, a folder, a SQLite table.

Each :class:`SourceKind` is a user of one of these sources and writes its own part of it; the expectation
has the same shape as the JSONL corpus's (:class:`tests.reliability.corpus.Expect`).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.reliability.build import COMPONENT, current_version, in_added_line, inside_card, valid_diff
from tests.reliability.corpus import Expect, blocked, eligible

SQL_FILE = "fleet.sqlite"
FOLDER = "users"
EMPTY_FILE = "empty.jsonl"
Row = tuple[object, object, object, object, object]  # user_id, component, base_version, diff, meta


@dataclass(frozen=True)
class SourceKind:
    id: str
    group: str              # "folder" | "sql" | "empty source"
    what: str
    user: str
    expect: Expect
    files: Callable[[Path], None] | None = None   # folder: writes the user's directory under the root
    rows: Sequence[Row] = ()                       # sql: the user's rows


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _diff_file(user: str, data: bytes) -> Callable[[Path], None]:
    return lambda root: _write(root / user / f"{COMPONENT}.diff", data)


def _with_meta(user: str, meta: bytes, diff: bytes | None = None) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        _write(root / user / "meta.json", meta)
        if diff is not None:
            _write(root / user / f"{COMPONENT}.diff", diff)
    return build


def _symlinked(user: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        (root / user).mkdir(parents=True)
        os.symlink("/etc/passwd", root / user / f"{COMPONENT}.diff")
    return build


def _stray(user: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        _write(root / user / f"{COMPONENT}.diff", valid_diff("fine"))
        _write(root / user / "notes.txt", b"remember to ask about the price colour\n")
    return build


def _empty_dir(user: str) -> Callable[[Path], None]:
    return lambda root: (root / user).mkdir(parents=True)


def _linked_dir(user: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        os.symlink("/etc", root / user)
    return build


def _meta_json() -> bytes:
    return json.dumps({COMPONENT: {"base_version": current_version()}}).encode()


def folder_kinds() -> list[SourceKind]:
    good = valid_diff("folder user")
    return [
        SourceKind("folder-empty-diff", "folder", "an empty .diff file", "f-empty-diff",
                   blocked("patch_failed", "patch.empty", "no base version was recorded"), files=_diff_file("f-empty-diff", b"")),
        SourceKind("folder-symlink", "folder", "a .diff that is a symbolic link to /etc/passwd", "f-symlink",
                   blocked("load_problem", "input.unreadable", "symbolic link"), files=_symlinked("f-symlink")),
        SourceKind("folder-symlink-dir", "folder", "a user directory that is a symbolic link to /etc", "f-linked",
                   blocked("load_problem", "input.unsafe_name", "symbolic link"), files=_linked_dir("f-linked")),
        SourceKind("folder-stray-file", "folder", "a stray notes.txt beside the diff", "f-stray",
                   blocked("load_problem", "input.unexpected_file", "notes.txt"), files=_stray("f-stray")),
        SourceKind("folder-bad-meta", "folder", "a meta.json that is not JSON", "f-bad-meta",
                   blocked("load_problem", "input.bad_meta", "cannot be read as JSON"),
                   files=_with_meta("f-bad-meta", b"{base_version: 1.2.0", good)),
        SourceKind("folder-meta-without-diff", "folder", "a meta.json naming a component without a diff",
                   "f-meta-only", blocked("load_problem", "input.bad_meta", "but there is no"),
                   files=_with_meta("f-meta-only", _meta_json())),
        SourceKind("folder-empty-user-dir", "folder", "a user directory with nothing in it", "f-empty-dir",
                   blocked("load_problem", "input.empty", "holds no .diff files"),
                   files=_empty_dir("f-empty-dir")),
        SourceKind("folder-binary", "folder", "a .diff holding NUL bytes", "f-binary",
                   blocked("patch_failed", "patch.binary", "NUL byte"),
                   files=_diff_file("f-binary", in_added_line(good, b"\x00"))),
        SourceKind("folder-latin1", "folder", "a .diff saved as Latin-1", "f-latin1",
                   blocked("patch_failed", "patch.encoding", "not valid UTF-8"),
                   files=_diff_file("f-latin1", in_added_line(good, b" cr\xe8me"))),
        SourceKind("folder-ssti", "folder", "template injection from a .diff file", "f-ssti",
                   blocked("unsafe_template", "template.unsafe", "'__subclasses__'"),
                   files=_diff_file("f-ssti", inside_card("{{ ''.__class__.__mro__[1].__subclasses__() }}"))),
        SourceKind("folder-well-formed", "folder", "a well-formed .diff (with its base version in meta.json)",
                   "f-good", eligible(), files=_with_meta("f-good", _meta_json(), good)),
    ]


def sql_kinds() -> list[SourceKind]:
    good = valid_diff("sql user")
    latin = in_added_line(good, b" \xe9t\xe9")
    v = current_version()

    def kind(kind_id: str, what: str, user: str, expect: Expect, *rows: Row) -> SourceKind:
        return SourceKind(kind_id, "sql", what, user, expect, rows=rows)

    return [
        kind("sql-null-diff", "a NULL diff", "s-null-diff", blocked("load_problem", "input.bad_type", "diff must be"),
             ("s-null-diff", COMPONENT, v, None, None)),
        kind("sql-integer-user", "a user_id stored as an integer", "<customizations row 2>",
             blocked("load_problem", "input.bad_type", "user_id must be"), (42, COMPONENT, v, good, None)),
        kind("sql-text-not-utf8", "a TEXT diff whose bytes are not UTF-8", "s-text-latin1",
             blocked("patch_failed", "patch.encoding", "not valid UTF-8"), ("s-text-latin1", COMPONENT, v, latin, "text")),
        kind("sql-user-not-utf8", "a TEXT user_id whose bytes are not UTF-8", "<customizations row 4>",
             blocked("load_problem", "input.unsafe_name", "not a safe name"),
             (b"u\xe9", COMPONENT, v, good, "text-user")),
        kind("sql-blob-nul", "a BLOB diff with NUL bytes", "s-blob-nul", blocked("patch_failed", "patch.binary", "NUL"),
             ("s-blob-nul", COMPONENT, v, in_added_line(good, b"\x00\x01"), None)),
        kind("sql-meta-not-json", "meta that is not JSON", "s-meta-text",
             blocked("load_problem", "input.bad_meta", "not JSON"), ("s-meta-text", COMPONENT, v, good, "plan=pro")),
        kind("sql-meta-array", "meta that is a JSON array", "s-meta-array",
             blocked("load_problem", "input.bad_meta", "must be an object"), ("s-meta-array", COMPONENT, v, good, "[1, 2]")),
        kind("sql-duplicate-rows", "two rows for the same user and component", "s-duplicate",
             blocked("load_problem", "input.duplicate", "the first one"),
             ("s-duplicate", COMPONENT, v, good, None), ("s-duplicate", COMPONENT, None, good, None)),
        kind("sql-empty-user", "an empty user_id", "<customizations row 10>",
             blocked("load_problem", "input.unsafe_name", "not a safe name"), ("", COMPONENT, v, good, None)),
        kind("sql-well-formed", "a well-formed row", "s-good", eligible(),
             ("s-good", COMPONENT, v, good, '{"plan": "pro"}')),
    ]


def write_folder(kinds: Sequence[SourceKind], root: Path) -> Path:
    for kind in kinds:
        assert kind.files is not None, kind.id
        kind.files(root)
    return root


def write_sqlite(kinds: Sequence[SourceKind], path: Path) -> Path:
    """Rows in corpus order. ``diff`` bytes go in as a BLOB, except for rows whose ``meta`` is ``"text"`` /
    ``"text-user"``: those store the diff / user id as TEXT holding the raw bytes (what a C exporter writes)."""
    connection = sqlite3.connect(path)
    try:
        # user_id without a declared type: a TEXT column would turn the integer 42 into the text '42'
        connection.execute("CREATE TABLE customizations (id INTEGER PRIMARY KEY, user_id, component TEXT, "
                           "base_version TEXT, diff BLOB, meta TEXT)")
        for kind in kinds:
            for user, component, base, diff, meta in kind.rows:
                connection.execute(_insert(meta), (user, component, base, diff, None if meta in _TEXT else meta))
        connection.commit()
    finally:
        connection.close()
    return path


_TEXT = ("text", "text-user")
_COLUMNS = "INSERT INTO customizations (user_id, component, base_version, diff, meta) VALUES "


def _insert(meta: object) -> str:
    if meta == "text":
        return _COLUMNS + "(?, ?, ?, CAST(? AS TEXT), ?)"
    if meta == "text-user":
        return _COLUMNS + "(CAST(? AS TEXT), ?, ?, ?, ?)"
    return _COLUMNS + "(?, ?, ?, ?, ?)"


def empty_file_kind() -> SourceKind:
    return SourceKind("empty-source-file", "empty source", "an empty JSON Lines file", f"<{EMPTY_FILE}>",
                      blocked("load_problem", "input.empty", "holds no records"))


def sql_row_errors(kinds: Sequence[SourceKind]) -> list[str]:
    """Kinds whose synthetic user id does not name the row their first record is written to."""
    errors, number = [], 0
    for kind in kinds:
        first = number + 1
        number += len(kind.rows)
        if kind.user.startswith("<customizations row") and kind.user != f"<customizations row {first}>":
            errors.append(f"{kind.id}: {kind.user} is written to row {first}")
    return errors
