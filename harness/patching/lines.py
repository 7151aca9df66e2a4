"""Byte-level line helpers shared by the parser, the applier and the merger.

Lines are split on ``\\n`` only. ``bytes.splitlines`` and ``str.splitlines`` also split on ``\\r``,
``\\x0b``, ``\\x0c``, ``\\x1c``-``\\x1e``, ``\\x85``, U+2028 and U+2029, which would cut real template
lines in two (prior-art §3: whatthepatch breaks on U+2028 for exactly this reason).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Literal

EndingStyle = Literal["lf", "crlf", "mixed", "none"]


def split_lines(data: bytes) -> list[bytes]:
    """Split after every ``\\n``, keeping it; the last line may lack one. ``b""`` has no lines."""
    lines = data.split(b"\n")
    result = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        result.append(lines[-1])
    return result


def split_text_lines(text: str) -> list[str]:
    """:func:`split_lines` for text (the diff itself, once decoded)."""
    parts = text.split("\n")
    result = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        result.append(parts[-1])
    return result


def ending_style(lines: Iterable[bytes]) -> EndingStyle:
    """Which line ending the terminated lines use; lines without an ending are not counted."""
    crlf = lf = 0
    for line in lines:
        if line.endswith(b"\r\n"):
            crlf += 1
        elif line.endswith(b"\n"):
            lf += 1
    if crlf and lf:
        return "mixed"
    if crlf:
        return "crlf"
    return "lf" if lf else "none"


def convert_ending(line: bytes, style: Literal["lf", "crlf"]) -> bytes:
    """Give a terminated line the ending ``style``; a line without an ending is returned as is."""
    if not line.endswith(b"\n"):
        return line
    body = line[:-2] if line.endswith(b"\r\n") else line[:-1]
    return body + (b"\r\n" if style == "crlf" else b"\n")


def strip_ending(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return line[:-2]
    return line[:-1] if line.endswith(b"\n") else line


def git_blob_sha1(data: bytes) -> str:
    """The id git gives a file's content (``git hash-object``), as in ``index <old>..<new>`` lines."""
    header = b"blob %d\x00" % len(data)
    return hashlib.sha1(header + data, usedforsecurity=False).hexdigest()


def preview(line: bytes, limit: int = 60) -> str:
    """A short, printable rendering of a line for messages (endings shown, long lines cut)."""
    text = repr(line.decode("utf-8", "backslashreplace"))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def find_windows(lines: Sequence[bytes], window: Sequence[bytes], *, limit: int = 0) -> list[int]:
    """Every index where ``window`` occurs in ``lines`` (stop after ``limit`` hits if > 0)."""
    size = len(window)
    if size == 0:
        return []
    first = window[0]
    hits: list[int] = []
    for start in range(len(lines) - size + 1):
        if lines[start] == first and list(lines[start:start + size]) == list(window):
            hits.append(start)
            if limit and len(hits) >= limit:
                break
    return hits
