"""What the shared cache directory holds, and removing what is old: ``phoenix cache info|prune|clear``.

    usage = cache_usage(default_cache_dir())                 # per part: files, bytes, oldest
    removed = prune_cache(default_cache_dir(), older_than_s=30 * 86_400)

Every cache entry is content-addressed by everything that decides it, the harness's own code included, so
each new harness version starts a new set of entries and the old ones are never read again: the directory
only grows. Pruning by age is always safe: a removed result, document, screenshot or page is a cache miss
the next run computes again (a result whose document was removed is a miss too, see ``ResultCache``).
Only the cache's own parts are touched, never ``runs/`` (the demo's run directories live beside them).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# The parts of the cache directory, and what each holds (for people).
PARTS = {
    "results": "checked users (one file per input key)",
    "documents": "rendered HTML and CSS, shared by results",
    "screenshots": "element screenshots, shared by results",
    "reports": "user report pages (the page cache)",
}


@dataclass(frozen=True)
class PartUsage:
    part: str
    files: int
    bytes: int
    oldest_s: float | None   # age of the oldest file in seconds, None when empty


@dataclass(frozen=True)
class Pruned:
    files: int
    bytes: int


def cache_usage(root: Path, *, now: float | None = None) -> list[PartUsage]:
    """Files, bytes and the oldest file's age of each part (an absent part counts as empty)."""
    now = time.time() if now is None else now
    usage = []
    for part in PARTS:
        count = size = 0
        oldest: float | None = None
        for _path, stat in _files(root / part):
            count += 1
            size += stat.st_size
            oldest = stat.st_mtime if oldest is None else min(oldest, stat.st_mtime)
        usage.append(PartUsage(part, count, size, None if oldest is None else max(0.0, now - oldest)))
    return usage


def prune_cache(root: Path, *, older_than_s: float, now: float | None = None) -> Pruned:
    """Remove the cache files last written more than ``older_than_s`` seconds ago (0: every file), then the
    folders left empty. Files that vanish meanwhile (another process pruning) are skipped."""
    now = time.time() if now is None else now
    files = size = 0
    for part in PARTS:
        for path, stat in _files(root / part):
            if now - stat.st_mtime >= older_than_s:
                try:
                    path.unlink()
                except FileNotFoundError:
                    continue
                files += 1
                size += stat.st_size
        _remove_empty_dirs(root / part)
    return Pruned(files, size)


def parse_age(text: str) -> float:
    """``30d``, ``12h``, ``45m``, ``90s`` or a number of days → seconds; ValueError when it is none of these."""
    units = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
    text = text.strip().lower()
    number, unit = (text[:-1], text[-1]) if text[-1:] in units else (text, "d")
    value = float(number)
    if value < 0 or value != value:
        raise ValueError(text)
    return value * units[unit]


def _files(folder: Path) -> Iterator[tuple[Path, os.stat_result]]:
    if not folder.is_dir():
        return
    for directory, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(directory, name)
            try:
                yield path, path.lstat()
            except FileNotFoundError:
                continue


def _remove_empty_dirs(folder: Path) -> None:
    if not folder.is_dir():
        return
    for directory, _dirs, _names in os.walk(folder, topdown=False):
        if Path(directory) != folder:
            try:
                os.rmdir(directory)
            except OSError:
                continue  # not empty (or gone): fine
