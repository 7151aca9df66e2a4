"""Building the corpus's raw material: diffs of the product card (valid ones, then damaged copies) and
JSON Lines records holding them exactly as the legacy exporter writes them.

    diff = inside_card('<img src="http://127.0.0.1:8000/x.png" alt="">')   # a valid git-style diff
    raw = line("u1", truncated_mid_hunk(diff))                           # one JSONL line, damaged diff
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

from harness.packs import default_packs
from harness.patching.emit import unified_diff

COMPONENT = "product-card"
TEMPLATE = "template.html.j2"
STYLES = "styles.css"


@cache
def current_version() -> str:
    return default_packs()[COMPONENT].current


@cache
def first_version() -> str:
    return next(iter(default_packs()[COMPONENT].versions))


def current_files() -> dict[str, bytes]:
    pack = default_packs()[COMPONENT]
    return dict(pack.version(pack.current).files)


def edited(path: str, edit: Callable[[str], str]) -> bytes:
    """A git-style diff of one file of the product card's current version after ``edit``."""
    before = current_files()
    after = dict(before)
    after[path] = edit(before[path].decode("utf-8")).encode("utf-8")
    assert after[path] != before[path], f"the edit of {path} changed nothing"
    return unified_diff(before, after, [path])


def appended(markup: str) -> bytes:
    """The template with ``markup`` added after the card (a line of its own)."""
    return edited(TEMPLATE, lambda text: text + markup + "\n")


def inside_card(markup: str) -> bytes:
    """The template with ``markup`` added as the first thing inside the card's info block."""
    anchor = '  <div class="card__info">\n'
    return edited(TEMPLATE, lambda text: text.replace(anchor, anchor + "    " + markup + "\n", 1))


def styled(css: str) -> bytes:
    return edited(STYLES, lambda text: text + css + "\n")


def valid_diff(note: str) -> bytes:
    """A harmless change (a Jinja comment): valid, so damage to it is the only problem."""
    return appended("{# " + note + " #}")


def line(user: Any, diff: bytes | str | Any, *, component: Any = COMPONENT, base: Any = "current",
         meta: Any = None, **extra: Any) -> bytes:
    """One JSONL line (the diff's bytes kept as surrogate escapes, as the exporter writes them)."""
    if base == "current":
        base = current_version()
    text = diff.decode("utf-8", "surrogateescape") if isinstance(diff, bytes) else diff
    record: dict[str, Any] = {"user_id": user, "component": component, "base_version": base, "diff": text}
    if meta is not None:
        record["meta"] = meta
    record.update(extra)
    return json.dumps(record).encode("utf-8")


# --- damaged diffs ----------------------------------------------------------------------------------------

def _lines(diff: bytes) -> list[bytes]:
    return diff.splitlines(keepends=True)


def truncated_mid_hunk(diff: bytes) -> bytes:
    return b"".join(_lines(diff)[:-2])


def truncated_mid_line(diff: bytes) -> bytes:
    return diff[:-6]


def lying_counts(diff: bytes, grow: int) -> bytes:
    """The first hunk header's new-side count changed by ``grow``."""
    lines = _lines(diff)
    for i, text in enumerate(lines):
        if text.startswith(b"@@ "):
            head, rest = text[3:].split(b" @@", 1)
            old, new = head.split(b" ")
            start, count = new.split(b",")
            lines[i] = b"@@ %s %s,%d @@%s" % (old, start, int(count) + grow, rest)
            break
    return b"".join(lines)


def in_added_line(diff: bytes, junk: bytes) -> bytes:
    """``junk`` appended to the first added line."""
    lines = _lines(diff)
    for i, text in enumerate(lines):
        if text.startswith(b"+") and not text.startswith(b"+++"):
            lines[i] = text[:-1] + junk + b"\n"
            break
    return b"".join(lines)


def renamed_paths(diff: bytes, old: bytes, new: bytes) -> bytes:
    return diff.replace(b"a/" + old, b"a/" + new).replace(b"b/" + old, b"b/" + new)


def crlf_mixed(diff: bytes) -> bytes:
    """The first two context lines end in CRLF, the rest in LF."""
    lines = _lines(diff)
    context = [i for i, text in enumerate(lines) if text.startswith(b" ")]
    for i in context[:2]:
        lines[i] = lines[i][:-1] + b"\r\n"
    return b"".join(lines)


@cache
def huge_diff(megabytes: int) -> bytes:
    """A diff of about ``megabytes`` MB: one hunk adding that much markup (valid except for its size)."""
    payload = "".join(f"<p>{i:08d} padding padding padding padding padding padding padding</p>\n"
                      for i in range(megabytes * 1024 * 1024 // 68))
    return edited(TEMPLATE, lambda text: text + payload)


def binary_patch(diff: bytes) -> bytes:
    header = diff.split(b"--- ", 1)[0]
    return header + b"GIT binary patch\nliteral 12\nTcmZQzU|?WkU|?WkU|?Wk00I2~\n\n"


def rename_patch() -> bytes:
    return (b"diff --git a/template.html.j2 b/card.html.j2\nsimilarity index 100%\n"
            b"rename from template.html.j2\nrename to card.html.j2\n")


def absolute_paths(diff: bytes) -> bytes:
    """The diff's hunks under ``--- /etc/passwd`` / ``+++ /etc/passwd`` headers."""
    return b"--- /etc/passwd\n+++ /etc/passwd\n" + diff.split(b"+++ b/template.html.j2\n")[1]


def new_file_patch() -> bytes:
    return (b"diff --git a/evil.py b/evil.py\nnew file mode 100644\n--- /dev/null\n+++ b/evil.py\n"
            b"@@ -0,0 +1 @@\n+import os\n")
