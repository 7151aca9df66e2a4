"""Values of the patch engine: a parsed diff, what happened while applying it, and the outcome.

Every value is frozen. Line contents are ``bytes`` exactly as they appear in the file the hunk applies
to: with their ``\\n`` or ``\\r\\n`` ending, and without one when the diff says ``\\ No newline at end of
file``. Nothing is normalised, so applying is a byte-exact operation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from harness.errors import PatchError, Where

LineOp = Literal[" ", "-", "+"]
FileKind = Literal["modify"]
EventKind = Literal["offset", "line_endings", "identified_base", "index_mismatch", "rebased"]


@dataclass(frozen=True)
class DiffLine:
    """One line of a hunk: ``op`` is ``" "`` (context), ``"-"`` (removed) or ``"+"`` (added)."""

    op: LineOp
    text: bytes

    @property
    def has_newline(self) -> bool:
        return self.text.endswith(b"\n")


@dataclass(frozen=True)
class Hunk:
    """One ``@@ -old_start,old_len +new_start,new_len @@ header`` block; ``number`` counts from 1 per file."""

    number: int
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    header: str
    lines: tuple[DiffLine, ...]

    @property
    def old_lines(self) -> tuple[bytes, ...]:
        return tuple(line.text for line in self.lines if line.op != "+")

    @property
    def new_lines(self) -> tuple[bytes, ...]:
        return tuple(line.text for line in self.lines if line.op != "-")

    @property
    def has_context(self) -> bool:
        return self.old_len > 0

    def old_range(self) -> str:
        """The old-side lines as a person reads them: ``"lines 12-18"``, ``"line 12"``, ``"after line 3"``."""
        if self.old_len == 0:
            return f"after line {self.old_start}" if self.old_start else "at the start of the file"
        if self.old_len == 1:
            return f"line {self.old_start}"
        return f"lines {self.old_start}-{self.old_start + self.old_len - 1}"


@dataclass(frozen=True)
class FilePatch:
    """The hunks for one file. ``index`` holds the git blob prefixes of ``index <old>..<new>`` if present."""

    old_path: str
    new_path: str
    hunks: tuple[Hunk, ...]
    index: tuple[str, str] | None
    kind: FileKind = "modify"

    @property
    def path(self) -> str:
        return self.new_path


@dataclass(frozen=True)
class ParsedDiff:
    """A whole diff: one :class:`FilePatch` per file, in diff order, each path at most once."""

    files: tuple[FilePatch, ...]

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(f.path for f in self.files)


@dataclass(frozen=True)
class PatchEvent:
    """Something the engine did that a reviewer should know about (the patch still applied).

    ``offset``: a hunk applied ``lines`` lines away from its stated position (its context was unique).
    ``line_endings``: the diff's line endings were converted to the file's.
    ``identified_base``: the record had no base version; ``version`` is the one the engine chose.
    ``index_mismatch``: the diff's ``index`` line names a blob that is not the recorded base's file.
    ``rebased``: the patch was made against ``version`` and merged onto the current version.
    """

    kind: EventKind
    message: str
    file: str | None = None
    hunk: int | None = None
    lines: int | None = None
    version: str | None = None

    def as_dict(self) -> dict[str, str | int]:
        values: dict[str, str | int | None] = {
            "kind": self.kind, "message": self.message, "file": self.file, "hunk": self.hunk,
            "lines": self.lines, "version": self.version,
        }
        return {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True)
class ConflictRegion:
    """A region both the user and the new version changed. Line ranges are 1-based and inclusive.

    An empty range (an insertion point) has ``end == start - 1``.
    """

    file: str
    base_lines: tuple[int, int]
    current_lines: tuple[int, int]
    patched_lines: tuple[int, int]
    ambiguous: bool = False  # the changes do not overlap, but how they merge depends on line alignment

    def describe(self, base_version: str, current_version: str) -> str:
        if self.ambiguous:
            return (f"{self.file} {_span(self.base_lines)} of {base_version}: the user's change (now "
                    f"{_span(self.patched_lines)}) and {current_version}'s (now {_span(self.current_lines)}) "
                    "sit among repeated lines, and how they combine depends on which copies are paired")
        return (f"{self.file} {_span(self.base_lines)} of {base_version} changed both by the user "
                f"(now {_span(self.patched_lines)}) and by {current_version} (now {_span(self.current_lines)})")


def _span(lines: tuple[int, int]) -> str:
    start, end = lines
    if end < start:
        return f"the point before line {start}"
    return f"line {start}" if start == end else f"lines {start}-{end}"


class PatchConflict(PatchError):
    """The three-way merge onto the current version conflicts; ``conflicts`` lists every region."""

    default_code = "patch.conflict"

    def __init__(self, message: str, *, conflicts: tuple[ConflictRegion, ...], where: Where | None = None,
                 fix: str | None = None) -> None:
        self.conflicts = conflicts
        super().__init__(message, where=where, fix=fix, code="patch.conflict")

    def as_dict(self) -> dict[str, object]:
        data = super().as_dict()
        data["conflicts"] = [
            {"file": c.file, "base_lines": list(c.base_lines), "current_lines": list(c.current_lines),
             "patched_lines": list(c.patched_lines), "ambiguous": c.ambiguous}
            for c in self.conflicts
        ]
        return data


@dataclass(frozen=True)
class PatchOutcome:
    """A customization applied to the *current* version of its component.

    ``base_files``/``patched_files`` are the current version's files before/after the change (all files,
    changed or not); ``base_version`` is the version the diff was made against (recorded or identified).
    ``effective_diff`` turns ``base_files`` into ``patched_files`` exactly: it is the user's diff itself
    when that applied exactly to the current version, else a regenerated one.
    """

    base_version: str
    target_version: str
    base_files: Mapping[str, bytes]
    patched_files: Mapping[str, bytes]
    changed_files: tuple[str, ...]
    events: tuple[PatchEvent, ...] = field(default=())
    effective_diff: bytes = b""

    @property
    def rebased(self) -> bool:
        return self.base_version != self.target_version

    def events_of(self, kind: EventKind) -> tuple[PatchEvent, ...]:
        return tuple(e for e in self.events if e.kind == kind)
