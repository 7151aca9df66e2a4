"""Server-side syntax highlighting: unified diffs of Jinja/HTML/CSS files, and JSON.

Pygments does the lexing (``html+jinja`` for templates, ``css`` for stylesheets): it is a dependency of
``rich`` already, and the report stays a static file with no highlighting library in the browser.
The diff itself is read by a tolerant line classifier written here, not by ``unidiff``: the report must
show diffs that failed to parse too (that is often why the user is blocked), exactly as stored.

Every piece of text is escaped (:func:`text_escape`) before it is wrapped in a ``<span>``; the
:class:`~markupsafe.Markup` this module returns is the only pre-built HTML a report template receives, and it
is only ever placed as element content (a table cell, a ``<pre>``), never inside an attribute. The markup
is kept small (unquoted one-word classes, quotes left as they are in text): a fleet has thousands of pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from markupsafe import Markup
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES, _TokenType

LineKind = Literal["file", "meta", "hunk", "add", "del", "ctx", "note", "other"]
MAX_LINES = 4000          # lines shown per diff (the rest is counted, not shown)
MAX_LEX_CHARS = 400_000   # past this a hunk is shown without token colours
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_META = ("diff ", "index ", "--- ", "+++ ", "new file", "deleted file", "old mode", "new mode", "similarity",
         "rename ", "copy ", "Binary files")
# Token kinds left in the default colour (no span): whitespace, punctuation, operators, "other", names.
_PLAIN = frozenset({"w", "p", "x", "o", "n"})
_LEXERS = {".j2": "html+jinja", ".jinja": "html+jinja", ".html": "html+jinja", ".css": "css",
           ".json": "json", ".js": "javascript"}


@dataclass(frozen=True)
class DiffLine:
    kind: LineKind
    old_no: int | None
    new_no: int | None
    marker: str
    html: Markup
    anchor: str = ""     # hunk headers: "<file>-h<n>" (n counts per file), the target of links to the hunk


@dataclass(frozen=True)
class DiffView:
    lines: tuple[DiffLine, ...]
    hidden: int          # lines past MAX_LINES, not shown
    added: int
    removed: int
    files: tuple[str, ...]


@dataclass
class _Hunk:
    old: int
    new: int
    old_left: int
    new_left: int
    path: str


def highlight_diff(text: str, *, max_lines: int = MAX_LINES) -> DiffView:
    """Classify every line of a unified diff and colour the changed files' syntax."""
    raw = text.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    rows = list(_classify(raw[:max_lines]))
    html = _lex_rows(rows)
    lines = tuple(DiffLine(r.kind, r.old_no, r.new_no, r.marker, html[i], r.anchor) for i, r in enumerate(rows))
    files = tuple(dict.fromkeys(r.path for r in rows if r.kind == "file" and r.path))
    return DiffView(lines, max(0, len(raw) - max_lines), sum(r.kind == "add" for r in rows),
                    sum(r.kind == "del" for r in rows), files)


@dataclass
class _Row:
    kind: LineKind
    old_no: int | None
    new_no: int | None
    marker: str
    content: str
    path: str = ""
    hunk: int = -1      # rows of one hunk are lexed together
    anchor: str = ""


def _classify(lines: list[str]) -> Iterator[_Row]:
    hunk: _Hunk | None = None
    path = ""
    hunk_index = -1
    per_file: dict[str, int] = {}
    for line in (raw.removesuffix("\r") for raw in lines):
        if hunk is not None and (hunk.old_left > 0 or hunk.new_left > 0):
            row = _hunk_row(line, hunk, hunk_index)
            if row is not None:
                yield row
                continue
        hunk = None
        header = _HUNK.match(line)
        if header:
            hunk_index += 1
            old, new = int(header[1]), int(header[3])
            hunk = _Hunk(old, new, _count(header[2]), _count(header[4]), path)
            per_file[path] = per_file.get(path, 0) + 1
            yield _Row("hunk", None, None, "", line, path, anchor=hunk_anchor(path, per_file[path]))
        elif line.startswith(("+++ ", "diff --git ")):
            path = _path_of(line) or path
            yield _Row("file" if line.startswith("+++ ") else "meta", None, None, "", line, path)
        elif line.startswith(_META):
            yield _Row("meta", None, None, "", line)
        elif line.startswith("\\"):
            yield _Row("note", None, None, "", line)
        elif line[:1] in ("+", "-"):  # outside a valid hunk: still show what the diff adds and removes
            yield _Row("add" if line[0] == "+" else "del", None, None, line[0], line[1:], path)
        else:
            yield _Row("other", None, None, "", line)


def hunk_anchor(path: str, number: int) -> str:
    """The id suffix of hunk ``number`` of ``path`` (what the translation report links to)."""
    return f"{_NOT_ID.sub('_', path)}-h{number}"


def _count(text: str | None) -> int:
    return 1 if text is None else int(text)


def _hunk_row(line: str, hunk: _Hunk, index: int) -> _Row | None:
    marker = line[:1]
    if marker == "\\":
        return _Row("note", None, None, "", line)
    if marker == "+":
        row = _Row("add", None, hunk.new, "+", line[1:], hunk.path, index)
        hunk.new, hunk.new_left = hunk.new + 1, hunk.new_left - 1
        return row
    if marker == "-":
        row = _Row("del", hunk.old, None, "-", line[1:], hunk.path, index)
        hunk.old, hunk.old_left = hunk.old + 1, hunk.old_left - 1
        return row
    if marker == " " or line == "":
        row = _Row("ctx", hunk.old, hunk.new, " ", line[1:], hunk.path, index)
        hunk.old, hunk.new = hunk.old + 1, hunk.new + 1
        hunk.old_left, hunk.new_left = hunk.old_left - 1, hunk.new_left - 1
        return row
    return None


def _path_of(line: str) -> str:
    if line.startswith("+++ "):
        name = line[4:].split("\t")[0].strip()
        return "" if name == "/dev/null" else name.removeprefix("b/")
    parts = line.split(" b/", 1)
    return parts[1].strip() if len(parts) == 2 else ""


def _lex_rows(rows: list[_Row]) -> list[Markup]:
    """Each hunk's rows lexed as one text (so multi-line tags and blocks colour right), split back per row."""
    out = [Markup(text_escape(r.content)) for r in rows]
    groups: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        if row.kind in ("add", "del", "ctx"):
            groups.setdefault(row.hunk if row.hunk >= 0 else -1 - i, []).append(i)
    for members in groups.values():
        lexer = _lexer_for(rows[members[0]].path)
        text = "\n".join(rows[i].content for i in members)
        if lexer is None or len(text) > MAX_LEX_CHARS:
            continue
        for i, html in zip(members, _lex_lines(lexer, text, len(members)), strict=True):
            out[i] = html
    return out


def _lexer_for(path: str) -> Lexer | None:
    suffix = path[path.rfind("."):].lower() if "." in path else ""
    name = _LEXERS.get(suffix)
    return get_lexer_by_name(name, stripnl=False, ensurenl=False) if name else None


def _lex_lines(lexer: Lexer, text: str, count: int) -> list[Markup]:
    lines: list[list[tuple[str, str]]] = [[]]   # per line: (css class, text) runs, same classes merged
    for token, value in lexer.get_tokens(text):
        css = _css_class(token)
        for n, piece in enumerate(value.split("\n")):
            if n:
                lines.append([])
            if not piece:
                continue
            runs = lines[-1]
            if runs and runs[-1][0] == css:
                runs[-1] = (css, runs[-1][1] + piece)
            else:
                runs.append((css, piece))
    lines = (lines + [[] for _ in range(count)])[:count]
    return [Markup("".join(f"<span class={c}>{text_escape(t)}</span>" if c else text_escape(t) for c, t in runs))
            for runs in lines]


def text_escape(text: str) -> str:
    """Escape text for element content: ``&``, ``<`` and ``>`` (quotes need no escaping there)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _css_class(token: _TokenType) -> str:
    """The short Pygments class of a token (``nt``, ``s``, ``cp``), walking up to a standard type."""
    while token not in STANDARD_TYPES and token.parent is not None:
        token = token.parent
    short = STANDARD_TYPES.get(token, "")
    return short if short and short not in _PLAIN else ""


def highlight_code(text: str, language: str) -> Markup:
    """Source text (``html+jinja``, ``css``) coloured, line breaks kept."""
    lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    if len(text) > MAX_LEX_CHARS:
        return Markup(text_escape(text))
    return Markup("\n").join(_lex_lines(lexer, text, text.count("\n") + 1))


def highlight_json(value: Any) -> Markup:
    """Pretty JSON (2-space indent, keys in stored order), coloured."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    lexer = get_lexer_by_name("json", stripnl=False, ensurenl=False)
    return Markup("\n").join(_lex_lines(lexer, text, text.count("\n") + 1))
