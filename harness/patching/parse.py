"""Parse one customization's diff into frozen values, refusing everything the engine will not apply.

unidiff does the parsing (``PatchSet.from_string`` on text decoded by us, never its text-mode file
reader, which converts CRLF). Around it we check what unidiff does not: hunk counts (:mod:`.scan`),
binary content, renames and copies, mode changes, created or deleted files, unsafe paths and files
patched twice. Non-UTF-8 bytes outside hunks (a commit message in Latin-1) survive as surrogates and are
harmless; inside a hunk they are refused.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence

from unidiff.constants import DEV_NULL
from unidiff.errors import UnidiffParseError
from unidiff.patch import Hunk as RawHunk
from unidiff.patch import PatchedFile, PatchSet

from harness.errors import PatchError, Where
from harness.patching.lines import split_text_lines
from harness.patching.scan import FIX_REEXPORT, check_hunk_extents, header_path
from harness.patching.values import DiffLine, FilePatch, Hunk, LineOp, ParsedDiff

DEFAULT_MAX_BYTES = 1024 * 1024
SPECIAL_MODES = {"120000": "a symbolic link", "160000": "a git submodule"}
_INDEX = re.compile(r"index ([0-9a-f]{4,64})\.\.([0-9a-f]{4,64})(?: \d+)?")
_BINARY = re.compile(r"(Binary files? .* (differ|has changed)|GIT binary patch)\s*")
_RENAME = re.compile(r"(rename|copy) (from|to) |similarity index |dissimilarity index ")
_MODE = re.compile(r"(old|new) mode ")
_NEW_OR_DELETED = re.compile(r"(new|deleted) file mode ")
_CONTEXT_DIFF = re.compile(r"\*\*\* |\*{15}")
_NORMAL_DIFF = re.compile(r"\d+(,\d+)?[acd]\d+(,\d+)?\s*")
FIX_ONE_FILE = "only changes to existing template and stylesheet files can be migrated; review by hand"


def parse_diff(data: bytes, *, where: Where, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedDiff:
    """Parse ``data`` (the diff's bytes) or raise :class:`PatchError` with a stable ``code``."""
    _check_size(data, where, max_bytes)
    text = data.decode("utf-8", "surrogateescape")
    lines = split_text_lines(text)
    _reject_header_lines(lines, where)
    if check_hunk_extents(lines, where) == 0 and not any(line.startswith("+++ ") for line in lines):
        raise _not_unified(lines, where)
    try:
        patchset = PatchSet.from_string(text)
    except UnidiffParseError as exc:
        raise _fail("patch.malformed", f"the diff is not a well-formed unified diff: {exc}",
                    FIX_REEXPORT, where) from None
    files = tuple(_file_patch(patched, where) for patched in patchset)
    if not files:
        raise _not_unified(lines, where)
    _reject_duplicates(files, where)
    return ParsedDiff(files)


def _check_size(data: bytes, where: Where, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise _fail("patch.too_large", f"the diff is {len(data):,} bytes, over the limit of "
                    f"{max_bytes:,} bytes", "review this customization by hand, or raise the limit "
                    "(max_bytes) if the diff is legitimate", where)
    if not data.strip():
        raise _fail("patch.empty", "the diff is empty", "delete the record if the user has no "
                    "customization, or export the diff again", where)
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        lines = split_text_lines(data.decode("utf-8", "surrogateescape"))
        raise _fail("patch.binary", f"the diff holds a NUL byte on diff line {line}: it is binary, "
                    "not text", FIX_ONE_FILE, Where(file=_file_at(lines, line - 1)).merged(where))


def _file_at(lines: Sequence[str], index: int) -> str | None:
    """The file whose part of the diff holds line ``index`` (None before the first file header)."""
    headers = (line for line in reversed(lines[:index + 1]) if line.startswith(("diff --git ", "+++ ")))
    return next((header_path(line) for line in headers), None)


def _reject_header_lines(lines: Sequence[str], where: Where) -> None:
    """Refuse binary patches, renames, copies, mode changes and created/deleted files by their headers."""
    for number, line in enumerate(lines, 1):
        if line[:1] in (" ", "-", "+", "@", "\\"):
            continue  # hunk lines and file headers cannot be any of the headers below
        refusal = _header_refusal(line, number)
        if refusal:
            code, message, fix = refusal
            raise _fail(code, message, fix, Where(file=_file_at(lines, number - 1)).merged(where))


def _header_refusal(line: str, number: int) -> tuple[str, str, str] | None:
    shown = f"diff line {number}: {line.strip()!r}"
    if _BINARY.fullmatch(line):
        return "patch.binary", f"the diff holds a binary patch ({shown})", FIX_ONE_FILE
    if _RENAME.match(line):
        kind = {"copy": "copies", "rena": "renames"}.get(line[:4], "renames or copies")
        return "patch.rename", f"the diff {kind} a file ({shown})", FIX_ONE_FILE
    if _MODE.match(line):
        return ("patch.mode_change", f"the diff changes a file mode ({shown})",
                "drop the mode change from the diff; modes do not exist in the slot system")
    if _NEW_OR_DELETED.match(line):
        added = line.startswith("new")
        return ("patch.file_added" if added else "patch.file_deleted",
                f"the diff {'creates' if added else 'deletes'} a file ({shown})", FIX_ONE_FILE)
    return None


def _not_unified(lines: Sequence[str], where: Where) -> PatchError:
    first = next((line for line in lines if line.strip()), "")
    kind = "it has no '@@' hunks and no '---'/'+++' file headers"
    if any(_CONTEXT_DIFF.match(line) for line in lines):
        kind = "it is a context diff ('***' headers)"
    elif _NORMAL_DIFF.fullmatch(first):
        kind = "it is a normal (ed-style) diff"
    return _fail("patch.not_unified", f"the record is not a unified diff: {kind}; it starts "
                 f"{first.rstrip()[:60]!r}", "export the customization as a unified diff (diff -u, "
                 "git diff)", where)


def _file_patch(patched: PatchedFile, where: Where) -> FilePatch:
    old_path, new_path = _paths(patched.source_file, patched.target_file)
    at = Where(file=new_path if new_path != DEV_NULL else old_path).merged(where)
    if old_path == DEV_NULL or new_path == DEV_NULL:
        code = "patch.file_added" if old_path == DEV_NULL else "patch.file_deleted"
        raise _fail(code, f"the diff {'creates' if old_path == DEV_NULL else 'deletes'} {at.file}",
                    FIX_ONE_FILE, at)
    if old_path != new_path:
        raise _fail("patch.rename", f"the diff renames {old_path} to {new_path}", FIX_ONE_FILE, at)
    _check_path(new_path, at)
    mode = patched.target_mode or patched.source_mode
    if mode in SPECIAL_MODES:
        raise _fail("patch.special_file", f"{new_path} is {SPECIAL_MODES[mode]}, not a text file",
                    FIX_ONE_FILE, at)
    if patched.is_binary_file:
        raise _fail("patch.binary", f"the diff changes {new_path} as a binary file", FIX_ONE_FILE, at)
    if not patched:
        raise _fail("patch.truncated", f"the diff names {new_path} but holds no hunk for it",
                    FIX_REEXPORT, at)
    hunks = tuple(_hunk(number, raw, at) for number, raw in enumerate(patched, 1))
    _check_order(hunks, at)
    return FilePatch(old_path, new_path, hunks, _index(patched))


def _paths(source: str, target: str) -> tuple[str, str]:
    old, new = _clean(source), _clean(target)
    if old.startswith("a/") and new.startswith("b/"):
        return old[2:], new[2:]
    if old.startswith("a/") and new == DEV_NULL:
        return old[2:], new
    if old == DEV_NULL and new.startswith("b/"):
        return old, new[2:]
    return old, new


def _clean(raw: str) -> str:
    name = raw.rstrip("\r")
    if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
        # git quotes names with unusual bytes C-style ("a/caf\303\251.html"); undo it
        decoded: bytes = codecs.escape_decode(name[1:-1].encode("utf-8", "surrogateescape"))[0]
        name = decoded.decode("utf-8", "surrogateescape")
    return name


def _check_path(path: str, at: Where) -> None:
    reason = _unsafe_reason(path)
    if reason:
        raise _fail("patch.unsafe_path", f"the diff names the path {path!r}, which {reason}",
                    "diff paths must be relative to the component version, like a/template.html.j2", at)


def _unsafe_reason(path: str) -> str | None:
    parts = path.split("/")
    checks = (
        (not path, "is empty"),
        (path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", path) is not None, "is absolute"),
        (path.startswith("~"), "points into a home directory"),
        ("\\" in path, "contains a backslash"),
        (".." in parts, "climbs out of the component with '..'"),
        (any(part in ("", ".") for part in parts), "has an empty or '.' segment"),
        (any(ord(char) < 32 or 0xDC80 <= ord(char) <= 0xDCFF for char in path),
         "contains control characters or bytes that are not UTF-8"),
    )
    return next((reason for failed, reason in checks if failed), None)


def _hunk(number: int, raw: RawHunk, at: Where) -> Hunk:
    lines: list[DiffLine] = []
    for line in raw:
        kind = line.line_type
        if kind == "\\":
            if not lines or not lines[-1].text.endswith(b"\n"):
                raise _fail("patch.malformed", f"hunk {number} of {at.file} has a misplaced "
                            "'\\ No newline at end of file' marker", FIX_REEXPORT,
                            Where(hunk=number).merged(at))
            lines[-1] = DiffLine(lines[-1].op, lines[-1].text[:-1])
        elif kind in (" ", "-", "+"):
            op: LineOp = " " if kind == " " else ("-" if kind == "-" else "+")
            lines.append(DiffLine(op, str(line.value).encode("utf-8")))
    for side in ([line for line in lines if line.op != "+"], [line for line in lines if line.op != "-"]):
        if any(not line.text.endswith(b"\n") for line in side[:-1]):
            raise _fail("patch.malformed", f"hunk {number} of {at.file} marks a line 'No newline at end of "
                        "file' that is not its last line", FIX_REEXPORT, Where(hunk=number).merged(at))
    return Hunk(number, raw.source_start, raw.source_length, raw.target_start, raw.target_length,
                raw.section_header.strip(), tuple(lines))


def _check_order(hunks: Sequence[Hunk], at: Where) -> None:
    end = 0
    for hunk in hunks:
        start = hunk.old_start - 1 if hunk.old_len else hunk.old_start
        if start < end:
            raise _fail("patch.hunk_order", f"hunk {hunk.number} of {at.file} starts at old line "
                        f"{hunk.old_start}, inside or before the previous hunk", FIX_REEXPORT,
                        Where(hunk=hunk.number).merged(at))
        end = start + hunk.old_len


def _index(patched: PatchedFile) -> tuple[str, str] | None:
    for line in patched.patch_info or ():
        match = _INDEX.fullmatch(line.rstrip("\r\n"))
        if match:
            return match.group(1), match.group(2)
    return None


def _reject_duplicates(files: Sequence[FilePatch], where: Where) -> None:
    seen: set[str] = set()
    for patch in files:
        if patch.path in seen:
            raise _fail("patch.duplicate_file", f"the diff patches {patch.path} twice",
                        "merge the two parts into one diff of the file", Where(file=patch.path).merged(where))
        seen.add(patch.path)


def _fail(code: str, message: str, fix: str, where: Where) -> PatchError:
    return PatchError(message, where=where, fix=fix, code=code)
