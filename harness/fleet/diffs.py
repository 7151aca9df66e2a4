"""Write a customization's diff the way users' tools did: git-style, with ``index`` lines some of the time.

The hunks come from :func:`harness.patching.emit.unified_diff` (difflib's ``SequenceMatcher`` with
autojunk off, so a one-line change is a one-line hunk, as ``git diff`` writes it; plain
``difflib.unified_diff`` junks the popular lines of a 200+ line stylesheet and can widen a hunk to a whole
block). It always writes ``index`` lines with 12-digit blob ids; users' exports carry git's default
7 digits, or no ``index`` line at all (a plain ``diff -u`` or an editor's export), so we rewrite them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from harness.patching.emit import unified_diff

INDEX_DIGITS = 7  # git's default abbreviation
_INDEX_LINE = re.compile(rb"^index ([0-9a-f]+)\.\.([0-9a-f]+) 100644\n", re.M)


def file_order(paths: Iterable[str], entry: str, stylesheet: str) -> list[str]:
    """The order a diff lists files in: the entry template, the stylesheet, then the rest by name."""
    rank = {entry: 0, stylesheet: 1}
    return sorted(paths, key=lambda path: (rank.get(path, 2), path))


def make_diff(before: Mapping[str, bytes], after: Mapping[str, bytes], paths: Iterable[str], *,
              index: bool) -> bytes:
    """A git-style unified diff turning ``before`` into ``after`` for ``paths`` (unchanged ones skipped)."""
    diff = unified_diff(before, after, list(paths))
    if not index:
        return _INDEX_LINE.sub(b"", diff)
    return _INDEX_LINE.sub(lambda m: b"index %s..%s 100644\n" % (m.group(1)[:INDEX_DIGITS],
                                                                  m.group(2)[:INDEX_DIGITS]), diff)
