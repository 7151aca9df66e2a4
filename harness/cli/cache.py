"""``phoenix cache info|prune|clear``: what the shared cache holds, and removing what is old.

    phoenix cache info                       # files and size per part, and the oldest file's age
    phoenix cache prune --older-than 30d     # remove what was written more than 30 days ago
    phoenix cache clear                      # remove every cached result, document, screenshot and page

The cache directory is ``--cache-dir``, else ``$PHOENIX_CACHE_DIR``, else ``$XDG_CACHE_HOME/phoenix``,
else ``~/.cache/phoenix`` (the same one ``phoenix run`` uses). Run directories are never touched.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.errors import ConfigError, Where
from harness.runner.cachedir import PARTS, cache_usage, parse_age, prune_cache


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("cache", help="show the shared cache's size, or prune or clear it")
    parser.add_argument("action", choices=["info", "prune", "clear"],
                        help="info: size per part; prune: remove old files; clear: remove every file")
    parser.add_argument("--older-than", default="30d", metavar="AGE",
                        help="prune files written longer ago than this: 30d, 12h, 45m (default 30d)")
    parser.add_argument("--cache-dir", type=Path, help="the cache directory (default: the one runs use)")
    parser.set_defaults(handler=_cache)


def _cache(args: argparse.Namespace) -> int:
    from harness.runner.cache import default_cache_dir

    root: Path = args.cache_dir or default_cache_dir()
    if args.action == "info":
        _info(root)
        return 0
    age = 0.0 if args.action == "clear" else _age(args.older_than)
    pruned = prune_cache(root, older_than_s=age)
    print(f"removed {pruned.files:,} files ({_size(pruned.bytes)}) from {root}")
    return 0


def _age(text: str) -> float:
    try:
        return parse_age(text)
    except ValueError:
        raise ConfigError(f"--older-than {text!r} is not an age", where=Where(source="command line"),
                          fix="pass a number with a unit: 30d, 12h, 45m or 90s", code="config.cache") from None


def _info(root: Path) -> None:
    print(f"cache directory: {root}")
    for usage in cache_usage(root):
        oldest = "" if usage.oldest_s is None else f", oldest {usage.oldest_s / 86_400:.1f} days"
        print(f"  {usage.part:<12} {usage.files:>8,} files {_size(usage.bytes):>10}{oldest}  ({PARTS[usage.part]})")


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
