"""Write a generated fleet, and the bundled demo fleet (``fixtures/fleets/demo.jsonl``).

The format follows the form of the path, as ``open_source`` reads it: ``*.jsonl``/``*.ndjson`` is JSON
Lines, ``*.sqlite``/``*.sqlite3``/``*.db`` a SQLite database, anything else a directory of
``<user>/<component>.diff``. Writing goes through :mod:`harness.inputs.writers`, so every generated
fleet reads back through the same loaders the harness uses on real exports.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from harness.errors import ConfigError, Where
from harness.fleet.generate import generate_fleet
from harness.fleet.mix import FleetSpec
from harness.inputs import DEFAULT_TABLE
from harness.inputs.writers import write_folder, write_jsonl, write_sql
from harness.model import Customization
from harness.packs import fixtures_root

JSONL_SUFFIXES = (".jsonl", ".ndjson")
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
DEMO_SPEC = FleetSpec(users=40, seed=7, internal_users=3, cover=True)
DEMO_FILE = Path("fleets") / "demo.jsonl"


def output_kind(path: Path) -> str:
    """``jsonl``, ``sqlite`` or ``folder``, from the form of ``path``."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in SQLITE_SUFFIXES:
        return "sqlite"
    return "folder"


def write_fleet(records: Sequence[Customization], path: str | Path, *, overwrite: bool = False) -> int:
    """Write ``records`` to ``path`` in the format its form names; refuse to replace output unless asked."""
    target = Path(path)
    kind = output_kind(target)
    _check_target(target, kind, overwrite)
    if kind == "jsonl":
        return write_jsonl(records, target)
    if kind == "sqlite":
        if target.exists():
            target.unlink()  # a fresh file, so the same fleet gives the same bytes
        return write_sql(records, target, table=DEFAULT_TABLE)
    return write_folder(records, target)


def _check_target(target: Path, kind: str, overwrite: bool) -> None:
    if not target.parent.is_dir():
        raise ConfigError(f"the folder {target.parent} does not exist", where=Where(path=str(target)),
                          fix="create it first, or write somewhere else")
    exists = target.exists() and (kind != "folder" or any(target.iterdir()))
    if kind == "folder" and target.exists() and not target.is_dir():
        raise ConfigError(f"{target} is a file, not a folder", where=Where(path=str(target)),
                          fix="name a .jsonl or .sqlite file, or a new folder")
    if exists and (kind == "folder" or not overwrite):
        raise ConfigError(f"{target} already exists", where=Where(path=str(target)),
                          fix="pass --force to replace a file, or name a new path" if kind != "folder"
                          else "name a new or empty folder")


def demo_path() -> Path:
    """``fixtures/fleets/demo.jsonl`` of this checkout (or of the installed wheel)."""
    return fixtures_root() / DEMO_FILE


def demo_fleet_bytes() -> bytes:
    """The demo fleet as JSON Lines, exactly as ``phoenix fleet demo --write`` writes it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.jsonl"
        write_jsonl(generate_fleet(DEMO_SPEC).records, path)
        return path.read_bytes()
