"""Three-way merge of one file with ``git merge-file`` semantics, on bytes, via the merge3 package.

``ancestor`` is the file of the version the user's diff was made against, ``current`` the same file in
the current version, ``patched`` the ancestor with the user's diff applied. Changes on one side only are
taken; identical changes on both sides are taken once; overlapping *or adjacent* changes conflict (as in
git: two edits touching neighbouring lines are not merged silently).

Alignment. merge3 matches lines with :class:`difflib.SequenceMatcher` by default, whose "autojunk"
heuristic ignores lines that occur in more than 1% of a 200+ line file and whose longest-block-first
matching can pair a block with the wrong copy of repeated markup. Like git we align with Myers' shortest
edit script. Template text repeats lines, so a shortest script is often not unique (an inserted
``</div>`` next to an existing one can sit before or after it), and the merge can depend on that choice.
git settles it with slider heuristics; we refuse to guess: the merge is run three times, with every
insertion and deletion slid down (as git's compaction does), slid up, and with difflib's longest-block
pairing, and unless all three agree the regions involved are reported as conflicts (``ambiguous``).
On 3,000 random triples of repetitive template lines, every clean merge of ours was also clean in
``git merge-file``, byte for byte; Hypothesis still finds rare triples that git calls a conflict and we
merge (both sides inserted the same line and we take it once), which is why every rebase is recorded as
a ``rebased`` event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from merge3 import Merge3

from harness.patching.lines import split_lines
from harness.patching.myers import LongestBlockMatcher, MyersMatcher, UpMyersMatcher
from harness.patching.values import ConflictRegion

Lines = list[bytes]


@dataclass(frozen=True)
class MergeResult:
    """The merged bytes, or (when ``conflicts`` is not empty) None."""

    merged: bytes | None
    conflicts: tuple[ConflictRegion, ...]


def merge_file(path: str, *, ancestor: bytes, current: bytes, patched: bytes) -> MergeResult:
    base, ours, theirs = split_lines(ancestor), split_lines(current), split_lines(patched)
    forward = _merge(path, base, ours, theirs, MyersMatcher)
    if isinstance(forward, tuple):
        return MergeResult(None, forward)
    for other_alignment in (UpMyersMatcher, LongestBlockMatcher):
        other = _merge(path, base, ours, theirs, other_alignment)
        if isinstance(other, tuple):
            return MergeResult(None, tuple(_as_ambiguous(region) for region in other))
        if other != forward:
            return MergeResult(None, _differing_regions(path, base, ours, theirs, forward, other))
    return MergeResult(b"".join(forward), ())


def _merge(path: str, base: Lines, ours: Lines, theirs: Lines, matcher_class: type) -> Lines | tuple[ConflictRegion, ...]:
    """The merged lines, or the conflicting regions."""
    matcher: Any = matcher_class  # merge3 types this parameter as a Protocol class; ours is a subclass
    merger = Merge3(base, ours, theirs, sequence_matcher=matcher)
    output: Lines = []
    conflicts: list[ConflictRegion] = []
    for region in merger.merge_regions():
        if len(region) == 3:
            kind, start, end = region
            sources = {"unchanged": base, "a": ours, "same": ours, "b": theirs}
            output.extend(sources[kind][start:end])
        else:
            _, base_start, base_end, cur_start, cur_end, pat_start, pat_end = region
            conflicts.append(ConflictRegion(path, _lines(base_start, base_end), _lines(cur_start, cur_end),
                                            _lines(pat_start, pat_end)))
    if not conflicts and any(not line.endswith(b"\n") for line in output[:-1]):
        # a last line without an ending was merged before other lines; joining them would fuse two lines
        conflicts.append(ConflictRegion(path, _lines(len(base) - 1, len(base)),
                                        _lines(len(ours) - 1, len(ours)), _lines(len(theirs) - 1, len(theirs))))
    return tuple(conflicts) if conflicts else output


def _differing_regions(path: str, base: Lines, ours: Lines, theirs: Lines, forward: Lines,
                       backward: Lines) -> tuple[ConflictRegion, ...]:
    """The changed regions of the forward merge whose output differs from the backward merge."""
    start = _common_prefix(forward, backward)
    end = len(forward) - _common_prefix(forward[::-1], backward[::-1])
    matcher: Any = MyersMatcher
    syncs = Merge3(base, ours, theirs, sequence_matcher=matcher).find_sync_regions()
    regions: list[ConflictRegion] = []
    position = 0
    previous = (0, 0, 0)
    for base_start, base_end, cur_start, cur_end, pat_start, pat_end in syncs:
        gap_base, gap_cur, gap_pat = (previous[0], base_start), (previous[1], cur_start), (previous[2], pat_start)
        size = _gap_output_size(base, ours, theirs, gap_base, gap_cur, gap_pat)
        touched = position <= end and position + size >= start
        if touched and (gap_base[0] != gap_base[1] or gap_cur[0] != gap_cur[1] or gap_pat[0] != gap_pat[1]):
            regions.append(ConflictRegion(path, _lines(*gap_base), _lines(*gap_cur), _lines(*gap_pat), True))
        position += size + (base_end - base_start)
        previous = (base_end, cur_end, pat_end)
    return tuple(regions) or (ConflictRegion(path, (1, len(base)), (1, len(ours)), (1, len(theirs)), True),)


def _gap_output_size(base: Lines, ours: Lines, theirs: Lines, gap_base: tuple[int, int],
                     gap_cur: tuple[int, int], gap_pat: tuple[int, int]) -> int:
    """How many output lines a clean merge takes from this region: the side that changed it."""
    unchanged_by_current = ours[gap_cur[0]:gap_cur[1]] == base[gap_base[0]:gap_base[1]]
    return gap_pat[1] - gap_pat[0] if unchanged_by_current else gap_cur[1] - gap_cur[0]


def _as_ambiguous(region: ConflictRegion) -> ConflictRegion:
    return ConflictRegion(region.file, region.base_lines, region.current_lines, region.patched_lines, True)


def _common_prefix(a: Sequence[bytes], b: Sequence[bytes]) -> int:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return size


def _lines(start: int, end: int) -> tuple[int, int]:
    """0-based half-open slice → 1-based inclusive range (empty: end == start - 1)."""
    return start + 1, end
