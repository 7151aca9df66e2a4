"""Where the reports go in a run directory, and safe file names for any user id.

    RUN_DIR/index.html              the fleet dashboard
    RUN_DIR/users/<name>.html       one report per user (``user_file_names`` picks ``<name>``)
    RUN_DIR/manifest.json|csv       the migration tool's input (docs/reports.md)
    RUN_DIR/plan.json|csv           the rollout plan (harness.plan.write_plan)

A user id is whatever the platform stored: it may hold slashes, dots, spaces, quotes, non-ASCII text or
differ from another id only by case (which collides on macOS and Windows file systems). A name is the id
itself when it is already lower-case ``[a-z0-9_-]`` (plus inner dots) and not a reserved device name;
otherwise a readable slug plus a digest of the id. Names are unique within a run, case-insensitively.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from harness.files import write_output

USERS_DIR = "users"
INDEX_FILE = "index.html"
MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"

_PLAIN = re.compile(r"^[a-z0-9_-][a-z0-9._-]{0,63}$")
_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})
_SLUG_LENGTH = 40


def user_file_names(user_ids: Iterable[str]) -> dict[str, str]:
    """user id → file name (``<name>.html``), unique case-insensitively, stable for the same set of ids."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for user_id in sorted(set(user_ids), key=lambda u: (not _is_plain(u), u)):
        name = user_id if _is_plain(user_id) else _hashed(user_id, 10)
        length = 10
        while name in taken:
            length += 6
            name = _hashed(user_id, length) if length <= 64 else f"{_hashed(user_id, 64)}-{len(taken)}"
        taken.add(name)
        names[user_id] = f"{name}.html"
    return names


def _is_plain(user_id: str) -> bool:
    return (bool(_PLAIN.match(user_id)) and not user_id.endswith(".") and ".." not in user_id
            and user_id.split(".")[0] not in _RESERVED)


def _hashed(user_id: str, length: int) -> str:
    digest = hashlib.sha256(user_id.encode("utf-8", "surrogatepass")).hexdigest()[:length]
    slug = _UNSAFE.sub("-", user_id.lower()).strip("-")[:_SLUG_LENGTH].strip("-")
    return f"{slug}-{digest}" if slug else f"user-{digest}"


def write_text(path: Path, text: str) -> Path:
    """Write atomically (a reader never sees half a report); a failure is a :class:`StoreError`. UTF-8, a
    lone surrogate (text that was not valid Unicode) written as ``?``."""
    return write_bytes(path, text.encode("utf-8", errors="replace"))


def write_bytes(path: Path, data: bytes) -> Path:
    """:func:`write_text` for a page already encoded."""
    return write_output(path, data, what="the report", code="report.write")
