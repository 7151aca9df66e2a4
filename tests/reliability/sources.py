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

from tests.reliability.corpus import (
    COMPONENT,
    Expect,
    blocked,
    in_added_line,
    inside_card,
    valid_diff,
)

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


def folder_kinds() -> list[SourceKind]:
    good = valid_diff("folder user")
    return [
        SourceKind("folder-empty-diff", "folder", "an empty .diff file", "f-empty-diff",
                   blocked("patch_failed", "patch.empty"), files=_diff_file("f-empty-diff", b"")),
        SourceKind("folder-symlink", "folder", "a .diff that is a symbolic link to /etc/passwd", "f-symlink",
                   blocked("load_problem", "input.unreadable", "link"), files=_symlinked("f-symlink")),
        SourceKind("folder-stray-file", "folder", "a stray notes.txt beside the diff", "f-stray",
                   blocked("load_problem", "input.unexpected_file", "notes.txt"), files=_stray("f-stray")),
        SourceKind("folder-bad-meta", "folder", "a meta.json that is not JSON", "f-bad-meta",
                   blocked("load_problem", "input.bad_meta", "meta.json"),
                   files=_with_meta("f-bad-meta", b"{base_version: 1.2.0", good)),
        SourceKind("folder-meta-without-diff", "folder", "a meta.json naming a component without a diff",
                   "f-meta-only", blocked("load_problem", "input.bad_meta", "no"),
                   files=_with_meta("f-meta-only", json.dumps({COMPONENT: {"base_version": "1.2.0"}}).encode())),
        SourceKind("folder-empty-user-dir", "folder", "a user directory with nothing in it", "f-empty-dir",
                   blocked("load_problem", "input.empty"), files=_empty_dir("f-empty-dir")),
        SourceKind("folder-binary", "folder", "a .diff holding NUL bytes", "f-binary",
                   blocked("patch_failed", "patch.binary"), files=_diff_file("f-binary", in_added_line(good, b"\x00"))),
        SourceKind("folder-latin1", "folder", "a .diff saved as Latin-1", "f-latin1",
                   blocked("patch_failed", "patch.encoding"),
                   files=_diff_file("f-latin1", in_added_line(good, b" cr\xe8me"))),
        SourceKind("folder-ssti", "folder", "template injection from a .diff file", "f-ssti",
                   blocked("unsafe_template", "template.unsafe"),
                   files=_diff_file("f-ssti", inside_card("{{ ''.__class__.__mro__[1].__subclasses__() }}"))),
        SourceKind("folder-well-formed", "folder", "a well-formed .diff (with its base version in meta.json)",
                   "f-good", Expect(frozenset({"eligible"}), "eligible", "eligible"),
                   files=_with_meta("f-good", json.dumps({COMPONENT: {"base_version": "1.2.0"}}).encode(), good)),
    ]


def sql_kinds() -> list[SourceKind]:
    good = valid_diff("sql user")
    latin = in_added_line(good, b" \xe9t\xe9")
    return [
        SourceKind("sql-null-diff", "sql", "a NULL diff", "s-null-diff",
                   blocked("load_problem", "input.bad_type", "diff"), rows=[("s-null-diff", COMPONENT, "1.2.0", None, None)]),
        SourceKind("sql-integer-user", "sql", "a user_id stored as an integer", "<customizations row 2>",
                   blocked("load_problem", "input.bad_type", "user_id"), rows=[(42, COMPONENT, "1.2.0", good, None)]),
        SourceKind("sql-text-not-utf8", "sql", "a TEXT diff whose bytes are not UTF-8", "s-text-latin1",
                   blocked("patch_failed", "patch.encoding"), rows=[("s-text-latin1", COMPONENT, "1.2.0", latin, "text")]),
        SourceKind("sql-user-not-utf8", "sql", "a TEXT user_id whose bytes are not UTF-8", "<customizations row 4>",
                   blocked("load_problem", "input.unsafe_name"),
                   rows=[(b"u\xe9", COMPONENT, "1.2.0", good, "text-user")]),
        SourceKind("sql-blob-nul", "sql", "a BLOB diff with NUL bytes", "s-blob-nul",
                   blocked("patch_failed", "patch.binary"),
                   rows=[("s-blob-nul", COMPONENT, "1.2.0", in_added_line(good, b"\x00\x01"), None)]),
        SourceKind("sql-meta-not-json", "sql", "meta that is not JSON", "s-meta-text",
                   blocked("load_problem", "input.bad_meta", "not JSON"),
                   rows=[("s-meta-text", COMPONENT, "1.2.0", good, "plan=pro")]),
        SourceKind("sql-meta-array", "sql", "meta that is a JSON array", "s-meta-array",
                   blocked("load_problem", "input.bad_meta", "object"),
                   rows=[("s-meta-array", COMPONENT, "1.2.0", good, "[1, 2]")]),
        SourceKind("sql-duplicate-rows", "sql", "two rows for the same user and component", "s-duplicate",
                   blocked("load_problem", "input.duplicate"),
                   rows=[("s-duplicate", COMPONENT, "1.2.0", good, None), ("s-duplicate", COMPONENT, None, good, None)]),
        SourceKind("sql-empty-user", "sql", "an empty user_id", "<customizations row 10>",
                   blocked("load_problem", "input.unsafe_name"), rows=[("", COMPONENT, "1.2.0", good, None)]),
        SourceKind("sql-well-formed", "sql", "a well-formed row", "s-good",
                   Expect(frozenset({"eligible"}), "eligible", "eligible"),
                   rows=[("s-good", COMPONENT, "1.2.0", good, '{"plan": "pro"}')]),
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
        connection.execute("CREATE TABLE customizations (id INTEGER PRIMARY KEY, user_id TEXT, component TEXT, "
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


def check_sql_users(kinds: Sequence[SourceKind]) -> None:
    """Synthetic user ids name their row numbers: prove the corpus order matches them."""
    number = 0
    for kind in kinds:
        first = number + 1
        number += len(kind.rows)
        if kind.user.startswith("<customizations row"):
            assert kind.user == f"<customizations row {first}>", (kind.id, first)
