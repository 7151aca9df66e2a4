"""The checks unidiff does not make: where each hunk really ends, and whether its header tells the truth.

unidiff stops reading a hunk as soon as the counts in its ``@@`` header are used up, so a header that
undercounts silently drops the lines after it (git apply does the same; prior-art §3). This scanner walks
the decoded diff line by line, consumes each hunk by its counts exactly as a patch tool would, and then
refuses the diff when hunk-looking lines follow the hunk (the header lies), when the diff ends inside a
hunk (truncated), when a line that is not a hunk line arrives before the counts are used up (the header
overcounts), or when a hunk line holds bytes that are not UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness.errors import PatchError, Where

HUNK_HEADER = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)", re.DOTALL)
EMPTY_CONTEXT = ("\n", "\r\n")  # an empty context line whose leading space an editor stripped
SIGNATURE = ("-- \n", "-- \r\n")  # `git format-patch` ends a patch with "-- " and the git version

FIX_REEXPORT = "export the customization again from the legacy system; the stored diff is damaged"


@dataclass(frozen=True)
class HunkCounts:
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    header: str


def parse_header(line: str) -> HunkCounts | None:
    match = HUNK_HEADER.fullmatch(line.rstrip("\r\n"))
    if match is None:
        return None
    old_start, old_len, new_start, new_len, header = match.groups()
    return HunkCounts(int(old_start), 1 if old_len is None else int(old_len),
                      int(new_start), 1 if new_len is None else int(new_len), header.strip())


def check_hunk_extents(lines: Sequence[str], where: Where) -> int:
    """Check every hunk of the diff; return how many hunks there are (0 means: not a unified diff)."""
    file: str | None = None
    hunk = 0
    total = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith(("diff --git ", "+++ ")):
            file = header_path(line)
            hunk = 0
        if line.startswith("@@"):
            hunk += 1
            total += 1
            index = _scan_hunk(lines, index, Where(file=file, hunk=hunk).merged(where))
            continue
        index += 1
    return total


def header_path(line: str) -> str:
    """The file a ``+++ b/x`` or ``diff --git a/x b/x`` line names, for messages only."""
    if line.startswith("+++ "):
        name = line[4:].split("\t")[0].rstrip("\r\n")
    else:
        name = line.rstrip("\r\n").rsplit(" ", 1)[-1]
    return name[2:] if name.startswith("b/") else name


def _scan_hunk(lines: Sequence[str], start: int, where: Where) -> int:
    counts = parse_header(lines[start])
    if counts is None:
        raise _error("patch.malformed", f"diff line {start + 1} starts like a hunk header but is not one: "
                     f"{lines[start].rstrip()!r} (expected '@@ -start,count +start,count @@')",
                     FIX_REEXPORT, where)
    old_left, new_left = counts.old_len, counts.new_len
    index = start + 1
    while old_left > 0 or new_left > 0:
        if index >= len(lines):
            raise _error("patch.truncated", f"the diff ends inside hunk {where.hunk} of {where.file}: "
                         f"{old_left} old and {new_left} new lines announced by its header are missing",
                         FIX_REEXPORT, where)
        line = lines[index]
        op = body_op(line)
        if op is None:
            raise _error("patch.hunk_count", f"hunk {where.hunk} of {where.file} announces "
                         f"{counts.old_len} old and {counts.new_len} new lines, but diff line {index + 1} "
                         f"ends it with {old_left} old and {new_left} new lines still missing",
                         FIX_REEXPORT, where)
        _check_body_line(lines, index, where)
        if op in " -":
            old_left -= 1
        if op in " +":
            new_left -= 1
        if old_left < 0 or new_left < 0:
            side = "old" if old_left < 0 else "new"
            raise _error("patch.hunk_count", f"hunk {where.hunk} of {where.file} has more {side} lines "
                         f"than its header announces ({counts.old_len} old, {counts.new_len} new); "
                         f"diff line {index + 1} is one too many", FIX_REEXPORT, where)
        index += 1
    if index < len(lines) and lines[index].startswith("\\"):
        _check_body_line(lines, index, where)
        index += 1
    if index < len(lines) and _continues_hunk(lines, index):
        raise _error("patch.hunk_count", f"hunk {where.hunk} of {where.file} announces {counts.old_len} old "
                     f"and {counts.new_len} new lines, but more hunk lines follow at diff line {index + 1} "
                     f"({lines[index].rstrip()[:40]!r}); a patch tool would silently drop them",
                     FIX_REEXPORT, where)
    return index


def body_op(line: str) -> str | None:
    """The operation of a hunk line (``" "``, ``"-"``, ``"+"``, ``"\\\\"``), or None if it is not one."""
    if line in EMPTY_CONTEXT:
        return " "
    if line[:1] in (" ", "-", "+", "\\"):
        return line[0]
    return None


def _continues_hunk(lines: Sequence[str], index: int) -> bool:
    line = lines[index]
    if line[:1] not in (" ", "-", "+") or line in SIGNATURE:
        return False
    next_line = lines[index + 1] if index + 1 < len(lines) else ""
    return not (line.startswith("--- ") and next_line.startswith("+++ "))


def _check_body_line(lines: Sequence[str], index: int, where: Where) -> None:
    line = lines[index]
    if not line.endswith("\n"):
        raise _error("patch.truncated", f"the diff ends in the middle of diff line {index + 1} (hunk "
                     f"{where.hunk} of {where.file}): the line has no line ending", FIX_REEXPORT, where)
    if line.startswith("\\"):
        if not line.startswith("\\ No newline at end of file"):
            raise _error("patch.malformed", f"diff line {index + 1} is not a hunk line: {line.rstrip()!r}",
                         FIX_REEXPORT, where)
        return
    try:
        line.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = line[exc.start].encode("utf-8", "surrogateescape")
        raise _error("patch.encoding", f"diff line {index + 1} (hunk {where.hunk} of {where.file}) is not "
                     f"valid UTF-8: byte 0x{bad.hex()} at column {exc.start}", "save the customized file "
                     "as UTF-8 in the legacy editor and export the diff again", where) from None


def _error(code: str, message: str, fix: str, where: Where) -> PatchError:
    return PatchError(message, where=where, fix=fix, code=code)
