"""The SQLite file of a run (``RUN_DIR/results.sqlite``): tables, connection settings, compression.

WAL journal, one transaction per stored user, so a run killed halfway keeps every user it finished and
readers (reports, ``phoenix gate``) can read while a run writes. Documents and results are zlib-compressed
JSON; documents are content-addressed (``Document.digest``) and stored once however many users share them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import zlib
from pathlib import Path
from typing import Any

from harness.errors import StoreError, Where

STORE_FILE = "results.sqlite"
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL                 -- JSON
);
CREATE TABLE IF NOT EXISTS users (
    user_id      TEXT PRIMARY KEY,
    status       TEXT NOT NULL,         -- eligible | review | blocked | error
    rule         TEXT NOT NULL,         -- the verdict rule that decided
    headline     TEXT NOT NULL,         -- the deciding reason, for people
    reasons      TEXT NOT NULL,         -- JSON list of every reason's message, most severe first
    lowest_score REAL,
    complexity   TEXT NOT NULL,
    components   TEXT NOT NULL,         -- JSON list of component names
    input_key    TEXT NOT NULL,
    from_cache   INTEGER NOT NULL DEFAULT 0,
    result       BLOB NOT NULL,         -- zlib(UserResult.to_json())
    stored_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS users_status ON users (status);
CREATE TABLE IF NOT EXISTS documents (
    digest TEXT PRIMARY KEY,            -- Document.digest
    data   BLOB NOT NULL                -- zlib(JSON {"html": ..., "css": ...})
);
CREATE TABLE IF NOT EXISTS screenshots (
    digest TEXT PRIMARY KEY,            -- SHA-256 of the PNG
    data   BLOB NOT NULL                -- the PNG (already compressed)
);
CREATE TABLE IF NOT EXISTS fingerprints (
    fingerprint TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    component   TEXT NOT NULL,
    scenario    TEXT NOT NULL,
    viewport    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    selector    TEXT NOT NULL,
    message     TEXT NOT NULL,
    PRIMARY KEY (fingerprint, user_id, component, scenario, viewport)
);
CREATE INDEX IF NOT EXISTS fingerprints_user ON fingerprints (user_id);
"""


def store_path(run_dir: Path | str) -> Path:
    return Path(run_dir) / STORE_FILE


def connect(path: Path, *, create: bool) -> sqlite3.Connection:
    """A connection in WAL mode; ``create=False`` refuses a missing file (a reader never creates one)."""
    if not create and not path.is_file():
        raise StoreError(f"there is no results store at {path}", where=Where(path=str(path)),
                         fix="pass the run directory that `phoenix run --out` wrote", code="store.missing")
    try:
        if create and not path.is_file():
            _create(path)
        connection = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        if create:
            connection.executescript(SCHEMA)  # a store of an older run directory gains missing tables
        _check_version(connection, path)
    except sqlite3.Error as exc:
        raise StoreError(f"the results store cannot be opened: {exc}", where=Where(path=str(path)),
                         fix="check the run directory is writable and not on a network share that lacks locks",
                         code="store.open") from None
    except OSError as exc:
        raise StoreError(f"the run directory cannot be created: {exc.strerror}", where=Where(path=str(path.parent)),
                         fix="choose a run directory you can write to", code="store.open") from None
    return connection


def _create(path: Path) -> None:
    """A new store appears whole: built beside its final name, then renamed (a reader never sees it empty)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".new")
    os.close(handle)
    try:
        connection = sqlite3.connect(temporary, isolation_level=None)
        try:
            connection.executescript(SCHEMA)
            connection.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
                               (json.dumps(SCHEMA_VERSION),))
        finally:
            connection.close()
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _check_version(connection: sqlite3.Connection, path: Path) -> None:
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None or json.loads(row[0]) != SCHEMA_VERSION:
        raise StoreError(f"the results store has schema {row[0] if row else 'none'}, this harness reads "
                         f"{SCHEMA_VERSION}", where=Where(path=str(path)),
                         fix="re-run with this version of the harness, or read it with the version that wrote it",
                         code="store.version")


def pack(data: bytes) -> bytes:
    return zlib.compress(data, 6)


def unpack(blob: bytes) -> bytes:
    return zlib.decompress(blob)


def pack_json(value: Any) -> bytes:
    return pack(json.dumps(value, separators=(",", ":")).encode("ascii"))


def unpack_json(blob: bytes) -> Any:
    return json.loads(unpack(blob))
