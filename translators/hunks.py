"""Tie changes to the hunks of the effective diff, so the report speaks the user's diff.

A change belongs to every hunk whose removed lines (base side) or added lines (patched side) it
overlaps. A change that overlaps none (a moved node whose lines the diff shows as context) goes to the
nearest hunk of its file. A hunk no change explains is whitespace or formatting the tree ignores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.errors import Where
from harness.patching import Hunk, parse_diff
from translators.changes import AnyChange, Change, Lines


@dataclass(frozen=True)
class HunkRef:
    file: str
    number: int
    header: str
    old_range: str
    text: str
    removed: frozenset[int]   # base line numbers the hunk removes
    added: frozenset[int]     # patched line numbers the hunk adds
    old_start: int
    new_start: int

    @property
    def label(self) -> str:
        return f"{self.file} hunk {self.number} ({self.header.strip()})"


def hunks_of(diff: bytes, where: Where) -> tuple[HunkRef, ...]:
    if not diff.strip():
        return ()
    parsed = parse_diff(diff, where=where)
    return tuple(_ref(patch.path, hunk) for patch in parsed.files for hunk in patch.hunks)


def _ref(path: str, hunk: Hunk) -> HunkRef:
    removed, added = set(), set()
    old, new = hunk.old_start, hunk.new_start
    for line in hunk.lines:
        if line.op == "-":
            removed.add(old)
        if line.op == "+":
            added.add(new)
        if line.op != "+":
            old += 1
        if line.op != "-":
            new += 1
    header = f"@@ -{hunk.old_start},{hunk.old_len} +{hunk.new_start},{hunk.new_len} @@"
    text = "".join(line.op + line.text.decode("utf-8", "replace") for line in hunk.lines)
    return HunkRef(path, hunk.number, header, hunk.old_range(), text, frozenset(removed), frozenset(added),
                   hunk.old_start, hunk.new_start)


def assign(changes: Sequence[AnyChange], hunks: Sequence[HunkRef]) -> dict[int, list[int]]:
    """hunk index -> indices of the changes it holds (each change in at least one hunk of its file)."""
    found: dict[int, list[int]] = {i: [] for i in range(len(hunks))}
    for c, change in enumerate(changes):
        hits = [h for h, hunk in enumerate(hunks) if hunk.file == change.file and _touches(change, hunk)]
        if not hits:
            near = _nearest(change, hunks)
            hits = [near] if near is not None else []
        for h in hits:
            found[h].append(c)
    return found


def _touches(change: AnyChange, hunk: HunkRef) -> bool:
    base, patched = change.base_lines, change.patched_lines
    more = change.more_lines if isinstance(change, Change) else ()
    return (base is not None and base.overlaps(hunk.removed)) or \
        (patched is not None and patched.overlaps(hunk.added)) or \
        any(lines.overlaps(hunk.removed) or lines.overlaps(hunk.added) for lines in more)


def _nearest(change: AnyChange, hunks: Sequence[HunkRef]) -> int | None:
    lines: Lines | None = change.base_lines or change.patched_lines
    candidates = [(abs(h.old_start - lines.start) if lines else 0, i) for i, h in enumerate(hunks)
                  if h.file == change.file]
    return min(candidates)[1] if candidates else None


__all__ = ["HunkRef", "assign", "hunks_of"]
