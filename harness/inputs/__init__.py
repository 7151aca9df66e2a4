"""Customization sources: JSON Lines, a folder of .diff files, or a SQL table (SQLite or PostgreSQL).

``open_source(spec)`` picks the source by the form of ``spec``; ``source.records()`` returns
Customizations and LoadProblems sorted by (user_id, component). Formats: docs/inputs.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from harness.errors import InputError, Where
from harness.inputs.folder import FolderSource
from harness.inputs.jsonl import JsonlSource
from harness.model import Record

if TYPE_CHECKING:
    from harness.inputs.sql import SqlSource
    from harness.inputs.writers import write_folder, write_jsonl, write_sql

DEFAULT_TABLE = "customizations"
# SQLAlchemy (~0.1 s to import) loads only when a SQL source or writer is used.
_LAZY = {"SqlSource": "harness.inputs.sql", "write_folder": "harness.inputs.writers",
         "write_jsonl": "harness.inputs.writers", "write_sql": "harness.inputs.writers"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

JSONL_SUFFIXES = (".jsonl", ".ndjson")
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


class CustomizationSource(Protocol):
    def records(self) -> list[Record]:
        """Every record, sorted by (user_id, component); bad ones as LoadProblems."""
        ...

    def describe(self) -> str:
        """One line for logs and reports: what is being read."""
        ...


def open_source(spec: str | Path, *, table: str = DEFAULT_TABLE) -> CustomizationSource:
    """The source ``spec`` names: a ``*.jsonl``/``*.ndjson`` file, a directory, a ``*.sqlite``/``*.db``
    file, or a SQLAlchemy URL (``sqlite:///...``, ``postgresql+psycopg://...``)."""
    if isinstance(spec, str) and "://" in spec:
        return _sql(spec, table)
    path = Path(spec)
    if path.is_dir():
        return FolderSource(path)
    if path.suffix.lower() in JSONL_SUFFIXES + SQLITE_SUFFIXES and not path.is_file():
        raise InputError(f"{path} does not exist", where=Where(source=str(path)), fix="check the path",
                         code="input.not_found")
    if path.suffix.lower() in JSONL_SUFFIXES:
        return JsonlSource(path)
    if path.suffix.lower() in SQLITE_SUFFIXES:
        return _sql(path, table)
    raise InputError(f"cannot tell what kind of source {str(spec)!r} is", where=Where(source=str(spec)),
                     fix="pass a .jsonl/.ndjson file, a directory of <user>/<component>.diff, a .sqlite/.db "
                     "file, or a database URL", code="input.unknown_source")


def _sql(spec: str | Path, table: str) -> CustomizationSource:
    from harness.inputs.sql import SqlSource, parse_url

    return SqlSource(parse_url(spec), table)


__all__ = [
    "CustomizationSource",
    "FolderSource",
    "JsonlSource",
    "SqlSource",
    "open_source",
    "write_folder",
    "write_jsonl",
    "write_sql",
]
