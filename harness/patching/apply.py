"""The strict applier: one :class:`FilePatch` onto one file's bytes, in memory, byte for byte.

Rules (prior-art §3: fuzzy placement lands on the wrong copy of repeated lines):
- A hunk applies where its header says when its old lines (context and removed lines) are there exactly.
- Otherwise it applies elsewhere only if its old lines occur exactly once in the whole file; that is
  recorded as an ``offset`` event. Several occurrences: refused (``patch.ambiguous``). Context is never
  fuzzed, and a pure insertion without any context (``diff -U0``) cannot be placed safely at all.
- Line endings. A diff whose lines all end in LF applied to a file whose lines all end in CRLF (or the
  reverse) is converted to the file's endings and recorded as a ``line_endings`` event. This is safe
  because nothing downstream can see the difference: Jinja's lexer rewrites every newline to its
  ``newline_sequence``, and HTML and CSS parsers normalise CRLF to LF before tokenising. Anything less
  clear-cut (either side mixed) is applied exactly, and a hunk that fails only because of line endings
  is refused as ``patch.line_endings`` so the reader knows why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.errors import PatchError, Where
from harness.patching.lines import (
    convert_ending,
    ending_style,
    find_windows,
    preview,
    split_lines,
    strip_ending,
)
from harness.patching.values import DiffLine, FilePatch, Hunk, PatchEvent

MAX_LISTED = 5
FIX_VERSION = ("record the version the diff was made against (base_version), or regenerate the diff "
               "against that version")


@dataclass(frozen=True)
class AppliedFile:
    """One file before and after its hunks, and what had to be done to place them."""

    path: str
    before: bytes
    after: bytes
    events: tuple[PatchEvent, ...]

    @property
    def exact(self) -> bool:
        return not self.events


def apply_file(patch: FilePatch, data: bytes, *, where: Where, exact_only: bool = False) -> AppliedFile:
    """Apply ``patch`` to ``data``. ``exact_only`` refuses offsets and line-ending conversion."""
    where = Where(file=patch.path).merged(where)
    lines = split_lines(data)
    hunks, events = _match_line_endings(patch, lines, where, exact_only)
    output: list[bytes] = []
    cursor = 0
    for hunk in hunks:
        position = _place(hunk, lines, cursor, Where(hunk=hunk.number).merged(where), exact_only)
        if position != _stated_index(hunk):
            moved = position - _stated_index(hunk)
            events.append(PatchEvent("offset", f"hunk {hunk.number} of {patch.path} applied {abs(moved)} "
                                     f"line{'s' if abs(moved) != 1 else ''} "
                                     f"{'later' if moved > 0 else 'earlier'} than stated (at line "
                                     f"{position + 1} instead of {_stated_index(hunk) + 1}); its context "
                                     "occurs only there", file=patch.path, hunk=hunk.number, lines=moved))
        output.extend(lines[cursor:position])
        output.extend(hunk.new_lines)
        cursor = position + hunk.old_len
    output.extend(lines[cursor:])
    _check_line_structure(output, patch, where)
    return AppliedFile(patch.path, data, b"".join(output), tuple(events))


def _stated_index(hunk: Hunk) -> int:
    """0-based index where the hunk's old lines start (for an insertion: the line it goes before)."""
    return hunk.old_start - 1 if hunk.old_len else hunk.old_start


def _place(hunk: Hunk, lines: Sequence[bytes], cursor: int, where: Where, exact_only: bool) -> int:
    stated = _stated_index(hunk)
    old = hunk.old_lines
    if not old:
        return _place_insertion(hunk, lines, cursor, where)
    # a hunk whose new side ends without a newline must end at the end of the file
    at_end = not hunk.new_lines[-1].endswith(b"\n") if hunk.new_lines else False

    def fits(start: int) -> bool:
        return start >= cursor and (not at_end or start + len(old) == len(lines))

    if fits(stated) and list(lines[stated:stated + len(old)]) == list(old):
        return stated
    if exact_only:
        raise _mismatch(hunk, lines, where)
    hits = [hit for hit in find_windows(lines, old) if not at_end or hit + len(old) == len(lines)]
    if len(hits) > 1:
        shown = ", ".join(str(hit + 1) for hit in hits[:MAX_LISTED])
        more = " and more" if len(hits) > MAX_LISTED else ""
        raise PatchError(
            f"hunk {hunk.number} of {where.file} does not match at {hunk.old_range()}, and its "
            f"{_count(len(old), 'old line')} {'occurs' if len(old) == 1 else 'occur'} at several places "
            f"(lines {shown}{more}); applying it at any of them would be a guess", where=Where(line=hunk.old_start).merged(where), fix=FIX_VERSION,
            code="patch.ambiguous")
    if not hits or not fits(hits[0]):
        raise _mismatch(hunk, lines, where)
    return hits[0]


def _place_insertion(hunk: Hunk, lines: Sequence[bytes], cursor: int, where: Where) -> int:
    stated = _stated_index(hunk)
    if not lines and stated == 0:
        return 0
    raise PatchError(
        f"hunk {hunk.number} of {where.file} inserts lines {hunk.old_range()} without any context "
        "lines, so nothing confirms where they belong", where=Where(line=hunk.old_start).merged(where),
        fix="export the diff with context lines (diff -u, git diff; not -U0)", code="patch.no_context")


def _mismatch(hunk: Hunk, lines: Sequence[bytes], where: Where) -> PatchError:
    stated = _stated_index(hunk)
    old = hunk.old_lines
    code = "patch.context_mismatch"
    detail = f"the file has only {len(lines)} lines"
    for offset, expected in enumerate(old):
        index = stated + offset
        if index >= len(lines):
            break
        if lines[index] != expected:
            kind = "context" if _op_of(hunk, offset) == " " else "removed"
            detail = (f"{kind} line {offset + 1} of the hunk expects {preview(expected)} but line "
                      f"{index + 1} of the file is {preview(lines[index])}")
            if strip_ending(lines[index]) == strip_ending(expected):
                both_end = lines[index].endswith(b"\n") and expected.endswith(b"\n")
                code = "patch.line_endings" if both_end else code
                detail += (" (only the line endings differ)" if both_end else
                           " (they differ only in the newline at the end of the file)")
            break
    else:
        detail = "its lines are there, but an earlier hunk already changed them"
    return PatchError(
        f"hunk {hunk.number} of {where.file} does not apply at {hunk.old_range()} and its old lines "
        f"occur nowhere else: {detail}", where=Where(line=hunk.old_start).merged(where),
        fix=FIX_VERSION if code == "patch.context_mismatch" else
        "export the diff with the line endings of the template file", code=code)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _op_of(hunk: Hunk, old_offset: int) -> str:
    old = [line for line in hunk.lines if line.op != "+"]
    return old[old_offset].op


def _match_line_endings(patch: FilePatch, lines: Sequence[bytes], where: Where,
                        exact_only: bool) -> tuple[tuple[Hunk, ...], list[PatchEvent]]:
    file_style = ending_style(lines)
    diff_style = ending_style(line.text for hunk in patch.hunks for line in hunk.lines)
    if exact_only or file_style not in ("lf", "crlf") or diff_style not in ("lf", "crlf"):
        return patch.hunks, []
    if file_style == diff_style:
        return patch.hunks, []
    converted = tuple(
        Hunk(h.number, h.old_start, h.old_len, h.new_start, h.new_len, h.header,
             tuple(DiffLine(line.op, convert_ending(line.text, file_style)) for line in h.lines))
        for h in patch.hunks
    )
    event = PatchEvent("line_endings", f"the diff of {patch.path} uses {diff_style.upper()} line endings "
                       f"and the file {file_style.upper()}; the diff was converted to "
                       f"{file_style.upper()}", file=patch.path)
    return converted, [event]


def _check_line_structure(output: Sequence[bytes], patch: FilePatch, where: Where) -> None:
    for index, line in enumerate(output[:-1]):
        if not line.endswith(b"\n"):
            raise PatchError(
                f"the patched {patch.path} would join line {index + 1} with the next one: a hunk marks a "
                "line 'No newline at end of file' that is not at the end of the file", where=where,
                fix="export the diff again; the marker belongs only on the last line of a file",
                code="patch.malformed")
