"""Write a git-style unified diff between two sets of files (used for ``PatchOutcome.effective_diff``).

Myers' algorithm (:mod:`.myers`) finds the hunks, as in git; a line without an ending gets the
``\\ No newline at end of file`` marker. Each file gets an ``index <old>..<new>`` line with git blob ids, so the
diff identifies the version it applies to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from harness.patching.lines import git_blob_sha1, split_lines
from harness.patching.myers import MyersMatcher

NO_NEWLINE = b"\\ No newline at end of file\n"


def unified_diff(before: Mapping[str, bytes], after: Mapping[str, bytes], paths: Iterable[str],
                 *, context: int = 3) -> bytes:
    """The diff turning ``before[path]`` into ``after[path]`` for each of ``paths`` (unchanged: skipped)."""
    parts: list[bytes] = []
    for path in paths:
        old, new = before[path], after[path]
        if old == new:
            continue
        name = path.encode("utf-8", "surrogateescape")
        parts.append(b"diff --git a/%s b/%s\n" % (name, name))
        parts.append(b"index %s..%s 100644\n" % (git_blob_sha1(old)[:12].encode(),
                                                 git_blob_sha1(new)[:12].encode()))
        parts.extend(_hunks(old, new, name, context))
    return b"".join(parts)


def _hunks(old: bytes, new: bytes, name: bytes, context: int) -> list[bytes]:
    # not difflib.unified_diff: its matching (autojunk, longest block first) turns a one-line change in
    # repetitive markup into a diff that moves whole blocks; Myers gives the shortest diff, as git does
    a, b = split_lines(old), split_lines(new)
    out = [b"--- a/" + name + b"\n", b"+++ b/" + name + b"\n"]
    matcher = MyersMatcher(None, a, b)
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        out.append(b"@@ -%s +%s @@\n" % (_range(first[1], last[2]), _range(first[3], last[4])))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(_marked(b" ", a[i1:i2]))
                continue
            out.extend(_marked(b"-", a[i1:i2]))
            out.extend(_marked(b"+", b[j1:j2]))
    return out


def _marked(op: bytes, lines: list[bytes]) -> list[bytes]:
    return [op + line if line.endswith(b"\n") else op + line + b"\n" + NO_NEWLINE for line in lines]


def _range(start: int, stop: int) -> bytes:
    """A hunk header range as diff writes it: ``3`` for one line, ``2,0`` for none after line 2."""
    length = stop - start
    if length == 1:
        return b"%d" % (start + 1)
    return b"%d,%d" % (start + 1 if length else start, length)
