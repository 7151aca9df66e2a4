"""A line matcher with Myers' shortest edit script, shaped like :class:`difflib.SequenceMatcher`.

difflib matches the longest common block first. On template text, which repeats itself (the same card
markup for each branch, ``</div>`` everywhere), that choice can pair a block with the wrong copy, and a
three-line edit becomes a diff of dozens of lines that moves whole blocks around. git diffs (and merges,
in ``git merge-file``) with Myers' algorithm, which finds a *shortest* edit script. This class overrides
``get_matching_blocks`` with it, so ``get_opcodes``/``get_grouped_opcodes`` and merge3 (which only calls
``get_matching_blocks``) inherit it. Past ``MAX_EDITS`` differences (a formatter run over a whole file)
the quadratic cost is not worth it and difflib's own matching, with autojunk off, is used instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from difflib import Match

MAX_EDITS = 800


class MyersMatcher(difflib.SequenceMatcher[bytes]):
    """``SequenceMatcher(None, a, b)`` with Myers matching blocks; ``isjunk``/``autojunk`` are ignored."""

    def __init__(self, isjunk: Callable[[bytes], bool] | None = None, a: Sequence[bytes] = (),
                 b: Sequence[bytes] = (), autojunk: bool = False) -> None:
        self._lines = (a, b)
        self._blocks: list[Match] | None = None
        super().__init__(None, a, b, autojunk=False)

    def get_matching_blocks(self) -> list[Match]:
        if self._blocks is None:
            blocks = self._myers_blocks()
            self._blocks = super().get_matching_blocks() if blocks is None else [Match(*b) for b in blocks]
        return self._blocks

    def _myers_blocks(self) -> list[tuple[int, int, int]] | None:
        blocks = matching_blocks(*self._lines)
        return None if blocks is None else slide(blocks, *self._lines, down=True)


class UpMyersMatcher(MyersMatcher):
    """The same shortest script with every insertion and deletion slid up instead of down. Where an
    inserted ``</div>`` sits next to an identical line, the two matchers put it on either side."""

    def _myers_blocks(self) -> list[tuple[int, int, int]] | None:
        blocks = matching_blocks(*self._lines)
        return None if blocks is None else slide(blocks, *self._lines, down=False)


class LongestBlockMatcher(difflib.SequenceMatcher[bytes]):
    """difflib's own pairing (longest block first) with autojunk off: a third, independent alignment."""

    def __init__(self, isjunk: Callable[[bytes], bool] | None = None, a: Sequence[bytes] = (),
                 b: Sequence[bytes] = (), autojunk: bool = False) -> None:
        super().__init__(None, a, b, autojunk=False)


def slide(blocks: list[tuple[int, int, int]], a: Sequence[bytes], b: Sequence[bytes], *,
          down: bool) -> list[tuple[int, int, int]]:
    """Move each pure insertion or deletion as far down (or up) as identical lines allow, as git's diff
    compaction does; the script stays a shortest one, only its choice among equal ones changes."""
    result = [[0, 0, 0]] + [list(block) for block in blocks]  # an empty block before a leading change
    for index in range(len(result) - 1):
        first, second = result[index], result[index + 1]
        if down:
            while second[2] > 0 and _can_slide(first, second, a, b, first[2], second[0], second[1]):
                first[2] += 1
                second[0], second[1], second[2] = second[0] + 1, second[1] + 1, second[2] - 1
        else:
            while first[2] > 0 and _can_slide(first, second, a, b, first[2] - 1, second[0] - 1, second[1] - 1):
                first[2] -= 1
                second[0], second[1], second[2] = second[0] - 1, second[1] - 1, second[2] + 1
    return _normalise([(i, j, size) for i, j, size in result], len(a), len(b))


def _can_slide(first: list[int], second: list[int], a: Sequence[bytes], b: Sequence[bytes], offset: int,
               other_i: int, other_j: int) -> bool:
    """Whether the line at ``offset`` into the gap equals the line the gap would swap with."""
    gap_a, gap_b = second[0] - first[0] - first[2], second[1] - first[1] - first[2]
    if gap_a == 0 and gap_b > 0:  # pure insertion: compare lines of b
        return b[first[1] + offset] == b[other_j]
    if gap_b == 0 and gap_a > 0:  # pure deletion: compare lines of a
        return a[first[0] + offset] == a[other_i]
    return False


def _normalise(blocks: list[tuple[int, int, int]], n: int, m: int) -> list[tuple[int, int, int]]:
    merged: list[tuple[int, int, int]] = []
    for x, y, size in blocks:
        if not size:
            continue
        if merged and merged[-1][0] + merged[-1][2] == x and merged[-1][1] + merged[-1][2] == y:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        else:
            merged.append((x, y, size))
    merged.append((n, m, 0))
    return merged

def matching_blocks(a: Sequence[bytes], b: Sequence[bytes],
                    limit: int = MAX_EDITS) -> list[tuple[int, int, int]] | None:
    """Blocks ``(i, j, size)`` with ``a[i:i+size] == b[j:j+size]`` along a shortest edit script, ending
    with ``(len(a), len(b), 0)`` like difflib; None when more than ``limit`` edits are needed."""
    n, m = len(a), len(b)
    prefix = 0
    while prefix < min(n, m) and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(n, m) - prefix and a[n - 1 - suffix] == b[m - 1 - suffix]:
        suffix += 1
    snakes = _shortest_path(a[prefix:n - suffix], b[prefix:m - suffix], limit)
    if snakes is None:
        return None
    blocks = [(0, 0, prefix)] + [(x + prefix, y + prefix, size) for x, y, size in snakes]
    blocks.append((n - suffix, m - suffix, suffix))
    merged: list[tuple[int, int, int]] = []
    for x, y, size in blocks:
        if not size:
            continue
        if merged and merged[-1][0] + merged[-1][2] == x and merged[-1][1] + merged[-1][2] == y:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        else:
            merged.append((x, y, size))
    merged.append((n, m, 0))
    return merged


def _shortest_path(a: Sequence[bytes], b: Sequence[bytes], limit: int) -> list[tuple[int, int, int]] | None:
    """The diagonal runs ("snakes") of a shortest edit script from (0, 0) to (len(a), len(b))."""
    n, m = len(a), len(b)
    frontier: dict[int, int] = {1: 0}  # diagonal k = x - y → furthest x reached
    history: list[dict[int, int]] = []
    for edits in range(min(n + m, limit) + 1):
        history.append(dict(frontier))
        for k in range(-edits, edits + 1, 2):
            down = k == -edits or (k != edits and frontier[k - 1] < frontier[k + 1])
            x = frontier[k + 1] if down else frontier[k - 1] + 1
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x, y = x + 1, y + 1
            frontier[k] = x
            if x >= n and y >= m:
                return _backtrack(history, n, m)
    return None


def _backtrack(history: list[dict[int, int]], x: int, y: int) -> list[tuple[int, int, int]]:
    snakes: list[tuple[int, int, int]] = []
    for edits in range(len(history) - 1, 0, -1):
        before = history[edits]
        k = x - y
        down = k == -edits or (k != edits and before[k - 1] < before[k + 1])
        previous_k = k + 1 if down else k - 1
        previous_x = before[previous_k]
        start_x = previous_x if down else previous_x + 1
        snakes.append((start_x, start_x - k, x - start_x))
        x, y = previous_x, previous_x - previous_k
    snakes.append((0, 0, x))
    snakes.reverse()
    return snakes
