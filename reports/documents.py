"""The rendered documents of one user's page, packed small: each document once, each stylesheet once, and
a migrated document stored as its difference from today's document of the same case.

    packed = pack_documents(result.documents, pairs=[(case.old_document, case.new_document), ...])
    packed.docs[digest]   # {"h": html, "c": style}  or  {"b": base digest, "d": edits, "c": style}

``edits`` is a list whose items are either ``[start, end]`` (copy that range of the base) or a string
(insert it). Offsets count UTF-16 code units, as JavaScript strings do; the page's script rebuilds the
document with ``base.slice(start, end)``, :func:`unpack_html` is the same in Python (tests). The edits come
from a line diff refined by a token diff inside changed lines (``difflib``: about 0.4 ms a document): the
slot renderer's ``data-slot`` markers change many lines a little, so a line diff alone would keep little.
Documents are made inert first (:func:`reports.escape.inert_html`), the same way for base and delta.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import accumulate
from typing import Any

from harness.runner.result import Document
from reports.escape import inert_css, inert_html, style_text

MAX_DELTA = 0.8   # a delta is kept only when its JSON is smaller than this share of the document
# difflib's matching grows with the product of the two lengths: past these a document is kept whole, a changed
# region inserted whole (a 100,000-element render is one 700 KB line: token-diffing it took hours).
MAX_LINE_PAIRS = 4_000_000
MAX_TOKEN_PAIRS = 1_000_000
_TOKEN = re.compile(r'\s+|[<>="/]|[^\s<>="/]+')   # every character belongs to exactly one token
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
Edit = list[int] | str


@dataclass(frozen=True)
class PackedDocuments:
    docs: Mapping[str, Mapping[str, Any]]
    styles: tuple[str, ...]


@lru_cache(maxsize=64)
def _inert_style(css: str) -> str:
    """Stylesheets repeat across a fleet (a few per component version): prepared once each."""
    return style_text(inert_css(css))


@lru_cache(maxsize=4096)
def _inert_fragment(html: str) -> str:
    return inert_html(html)


def pack_documents(documents: Mapping[str, Document],
                   pairs: Iterable[tuple[str | None, str | None]] = ()) -> PackedDocuments:
    """``pairs``: (today's document, the migrated one) per case; the migrated one may become a delta."""
    styles: dict[str, int] = {}
    base_of = {new: old for old, new in pairs
               if old and new and old != new and old in documents and new in documents}
    bases = set(base_of.values())
    docs: dict[str, Mapping[str, Any]] = {}
    for digest, doc in sorted(documents.items()):
        style = styles.setdefault(_inert_style(doc.css), len(styles))
        html = _inert_fragment(doc.html)
        base = base_of.get(digest) if digest not in bases else None
        delta = _delta(_inert_fragment(documents[base].html), html) if base is not None else None
        docs[digest] = {"b": base, **delta, "c": style} if delta is not None else {"h": html, "c": style}
    return PackedDocuments(docs, tuple(styles))


def _delta(base: str, html: str) -> dict[str, Any] | None:
    edits: list[Edit] = []
    old_lines, new_lines = base.splitlines(keepends=True), html.splitlines(keepends=True)
    if len(old_lines) * len(new_lines) > MAX_LINE_PAIRS:
        return None
    starts = list(accumulate(map(len, old_lines), initial=0))
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            _copy(edits, starts[i1], starts[i2])
        elif tag == "insert":
            _insert(edits, "".join(new_lines[j1:j2]))
        elif tag == "replace":
            _token_edits(edits, "".join(old_lines[i1:i2]), starts[i1], "".join(new_lines[j1:j2]))
    edits = _utf16_offsets(edits, base)
    if len(json.dumps(edits)) >= MAX_DELTA * len(html):
        return None
    return {"d": edits}


def _token_edits(edits: list[Edit], old: str, offset: int, new: str) -> None:
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(old_tokens) * len(new_tokens) > MAX_TOKEN_PAIRS:
        _insert(edits, new)
        return
    starts = list(accumulate(map(len, old_tokens), initial=offset))
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_tokens, new_tokens, autojunk=False).get_opcodes():
        if tag == "equal":
            _copy(edits, starts[i1], starts[i2])
        elif tag != "delete":
            _insert(edits, "".join(new_tokens[j1:j2]))


def _copy(edits: list[Edit], start: int, end: int) -> None:
    last = edits[-1] if edits else None
    if isinstance(last, list) and last[1] == start:
        last[1] = end
    elif end > start:
        edits.append([start, end])


def _insert(edits: list[Edit], text: str) -> None:
    if edits and isinstance(edits[-1], str):
        edits[-1] += text
    elif text:
        edits.append(text)


def _utf16_offsets(edits: list[Edit], base: str) -> list[Edit]:
    """Character offsets → UTF-16 offsets (each character above U+FFFF is two code units in JavaScript)."""
    astral = [m.start() for m in _ASTRAL.finditer(base)]
    if not astral:
        return edits

    def shift(offset: int) -> int:
        return offset + bisect_left(astral, offset)  # one more unit per astral character before it

    return [[shift(e[0]), shift(e[1])] if isinstance(e, list) else e for e in edits]


def unpack_html(docs: Mapping[str, Mapping[str, Any]], digest: str) -> str:
    """The fragment of ``digest`` as the page's script rebuilds it (UTF-16 arithmetic included)."""
    entry = docs[digest]
    if "h" in entry:
        return str(entry["h"])
    base = unpack_html(docs, str(entry["b"])).encode("utf-16-le", "surrogatepass")
    parts = [e if isinstance(e, str) else base[2 * e[0]:2 * e[1]].decode("utf-16-le", "surrogatepass")
             for e in entry["d"]]
    return "".join(parts)
