"""Split template source into a flat stream of Jinja tokens and HTML tokens, keeping every character.

Written by hand rather than on top of ``jinja2.lexer``: Jinja's lexer normalizes newlines, strips the
whitespace that ``{%-`` controls from the neighbouring data and reports no offsets, so it cannot print a
template back byte for byte. The rules for finding where a Jinja token ends follow Jinja's own (string
literals are skipped, ``}}`` / ``%}`` only end a token when brackets are balanced). Where HTML and Jinja
disagree, Jinja wins, as it does at render time: Jinja tokens are recognized inside tags, attribute
values, comments and ``<script>`` text. Anything that is not a complete token stays text.
"""

from __future__ import annotations

import bisect
import re

from harness.jinjatree.nodes import (
    Attribute,
    Block,
    Branch,
    Declaration,
    EndTag,
    Expression,
    HtmlComment,
    JinjaComment,
    Node,
    Span,
    StartTag,
    Statement,
    Text,
)

RAW_TEXT_ELEMENTS = frozenset({"script", "style", "textarea", "title"})

_CANDIDATE = re.compile(r"\{[{%#]|<")
_JINJA_START = re.compile(r"\{[{%#]")
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9:_.-]*")
_ATTR_NAME = re.compile(r"[^\s=>/{]+|\{(?![{%#])")
_SPACE = re.compile(r"\s+")
_RAW_OPEN = re.compile(r"\{%[-+]?\s*raw\s*[-+]?%\}\Z")
_RAW_CLOSE = re.compile(r"\{%[-+]?\s*endraw\s*[-+]?%\}")
_COMMENT_END = re.compile(r"--!?>")
_PAIRS = {"(": ")", "[": "]", "{": "}"}


def jinja_token_end(source: str, pos: int) -> int | None:
    """End offset of the Jinja token starting at ``pos`` (``{{``, ``{%`` or ``{#``), or ``None``."""
    opener = source[pos:pos + 2]
    if opener == "{#":
        end = source.find("#}", pos + 2)
        return None if end < 0 else end + 2
    if opener not in ("{{", "{%"):
        return None
    closer = "}}" if opener == "{{" else "%}"
    balanced = _balanced_end(source, pos + 2, closer)
    if balanced is not None:
        return balanced
    end = source.find(closer, pos + 2)  # unbalanced code: Jinja would refuse it; keep the token anyway
    return None if end < 0 else end + 2


def _balanced_end(source: str, pos: int, closer: str) -> int | None:
    stack: list[str] = []
    i, n = pos, len(source)
    while i < n:
        char = source[i]
        if char in "'\"":
            i = _string_end(source, i)
            if i < 0:
                return None
            continue
        if not stack and source.startswith(closer, i):
            return i + 2
        if char in _PAIRS:
            stack.append(_PAIRS[char])
        elif stack and char == stack[-1]:
            stack.pop()
        i += 1
    return None


def _string_end(source: str, pos: int) -> int:
    quote, i, n = source[pos], pos + 1, len(source)
    while i < n:
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == quote:
            return i + 1
        i += 1
    return -1


class Lexer:
    """Turns one source string into a flat list of nodes (elements and blocks are paired later)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._newlines = [i for i, char in enumerate(source) if char == "\n"]

    def span(self, start: int, end: int) -> Span:
        line = bisect.bisect_left(self._newlines, start) + 1
        end_line = bisect.bisect_left(self._newlines, max(start, end - 1)) + 1
        return Span(start, end, line, end_line)

    def text(self, start: int, end: int) -> Text:
        return Text(self.source[start:end], span=self.span(start, end))

    # --- Jinja tokens ----------------------------------------------------------------------------

    def jinja(self, pos: int) -> tuple[Node, int] | None:
        end = jinja_token_end(self.source, pos)
        if end is None:
            return None
        raw = self.source[pos:end]
        span = self.span(pos, end)
        if raw.startswith("{{"):
            return Expression(raw, span=span), end
        if raw.startswith("{#"):
            return JinjaComment(raw, span=span), end
        head = Statement(raw, span=span)
        if _RAW_OPEN.match(raw):
            close = _RAW_CLOSE.search(self.source, end)
            if close is not None:
                body = (self.text(end, close.start()),) if close.start() > end else ()
                branch = Branch(head, body, span=self.span(pos, close.start()))
                tail = Statement(close.group(), span=self.span(close.start(), close.end()))
                return Block((branch,), tail, span=self.span(pos, close.end())), close.end()
        return head, end

    def _mixed(self, start: int, stop: re.Pattern[str], limit: int | None = None) -> tuple[list[Node], int]:
        """Text and Jinja tokens from ``start`` up to the first match of ``stop`` (or ``limit``)."""
        nodes: list[Node] = []
        end = len(self.source) if limit is None else limit
        text_from = i = start
        while i < end:
            jinja = _JINJA_START.search(self.source, i, end)
            halt = stop.search(self.source, i, end)
            if halt is not None and (jinja is None or halt.start() <= jinja.start()):
                end = halt.start()
                break
            if jinja is None:
                i = end
                break
            token = self.jinja(jinja.start())
            if token is None:
                i = jinja.start() + 1
                continue
            if jinja.start() > text_from:
                nodes.append(self.text(text_from, jinja.start()))
            nodes.append(token[0])
            text_from = i = token[1]
        if end > text_from:
            nodes.append(self.text(text_from, end))
        return nodes, end

    # --- HTML tokens -----------------------------------------------------------------------------

    def markup(self, pos: int) -> tuple[Node, int] | None:
        source = self.source
        if source.startswith("<!--", pos):
            return self.comment(pos)
        if source.startswith("<!", pos) or source.startswith("<?", pos):
            end = source.find(">", pos)
            if end < 0 or _JINJA_START.search(source, pos, end):
                return None  # Jinja code runs even there: keep it as nodes and the rest as text
            return Declaration(source[pos:end + 1], span=self.span(pos, end + 1)), end + 1
        if source.startswith("</", pos):
            return self.end_tag(pos)
        return self.start_tag(pos)

    def comment(self, pos: int) -> tuple[Node, int]:
        for short in (">", "->"):
            if self.source.startswith(short, pos + 4):
                end = pos + 4 + len(short)
                return HtmlComment((), short, span=self.span(pos, end)), end
        body, end = self._mixed(pos + 4, _COMMENT_END)
        close = _COMMENT_END.match(self.source, end)
        close_text = close.group() if close else ""
        stop = end + len(close_text)
        return HtmlComment(tuple(body), close_text, span=self.span(pos, stop)), stop

    def end_tag(self, pos: int) -> tuple[Node, int] | None:
        name = _TAG_NAME.match(self.source, pos + 2)
        if name is None:
            return None
        close = self.source.find(">", name.end())
        if close < 0 or _JINJA_START.search(self.source, name.end(), close):
            return None
        tail = self.source[name.end():close]
        return EndTag(name.group(), tail, span=self.span(pos, close + 1)), close + 1

    def start_tag(self, pos: int) -> tuple[Node, int] | None:
        source = self.source
        name = _TAG_NAME.match(source, pos + 1)
        if name is None or (name.end() < len(source) and not _ends_name(source, name.end())):
            return None
        parts: list[Node] = []
        i = name.end()
        while i < len(source):
            if source[i] == ">" or source.startswith("/>", i):
                close = ">" if source[i] == ">" else "/>"
                end = i + len(close)
                return StartTag(name.group(), tuple(parts), close, span=self.span(pos, end)), end
            step = self._tag_part(i)
            if step is None:
                return None
            parts.append(step[0])
            i = step[1]
        return None

    def _tag_part(self, i: int) -> tuple[Node, int] | None:
        source = self.source
        space = _SPACE.match(source, i)
        if space is not None:
            return self.text(i, space.end()), space.end()
        if _JINJA_START.match(source, i):
            token = self.jinja(i)
            if token is not None:
                return token
        if source[i] == "/":
            return self.text(i, i + 1), i + 1
        return self.attribute(i)

    def attribute(self, pos: int) -> tuple[Node, int] | None:
        source = self.source
        name = _ATTR_NAME.match(source, pos) or re.compile(r"[=]|\{").match(source, pos)
        assert name is not None  # any character a tag part can start with is matched
        name_end = name.end()
        while name_end < len(source):  # "{" that does not open a Jinja token belongs to the name
            more = _ATTR_NAME.match(source, name_end)
            if more is None:
                break
            name_end = more.end()
        after = _SPACE.match(source, name_end)
        eq = after.end() if after else name_end
        if not source.startswith("=", eq):
            return Attribute(source[pos:name_end], span=self.span(pos, name_end)), name_end
        value_at = eq + 1
        space = _SPACE.match(source, value_at)
        value_at = space.end() if space else value_at
        equals = source[name_end:value_at]
        value = self._attribute_value(value_at)
        if value is None:
            return None
        quote, parts, end = value
        attribute = Attribute(source[pos:name_end], equals, quote, tuple(parts), span=self.span(pos, end))
        return attribute, end

    def _attribute_value(self, pos: int) -> tuple[str, list[Node], int] | None:
        quote = self.source[pos:pos + 1]
        if quote in ("'", '"'):
            parts, end = self._mixed(pos + 1, re.compile(re.escape(quote)))
            if end >= len(self.source):
                return None  # unterminated quoted value: the "tag" is text
            return quote, parts, end + 1
        parts, end = self._mixed(pos, _UNQUOTED_END)
        return "", parts, end

    def raw_text(self, pos: int, tag: str) -> tuple[list[Node], int]:
        """Content of ``<script>``-like elements: text and Jinja tokens up to ``</tag``."""
        stop = re.compile(rf"</{re.escape(tag)}(?=[\s/>])", re.IGNORECASE)
        return self._mixed(pos, stop)


_UNQUOTED_END = re.compile(r"[\s>]")


def _ends_name(source: str, pos: int) -> bool:
    char = source[pos]
    return char.isspace() or char in "/>"


def lex(source: str) -> list[Node]:
    """The flat token stream of ``source``: concatenating ``print()`` of every node gives ``source``."""
    lexer = Lexer(source)
    nodes: list[Node] = []
    text_from = i = 0
    n = len(source)
    while i < n:
        found = _CANDIDATE.search(source, i)
        if found is None:
            break
        at = found.start()
        token = lexer.jinja(at) if source[at] == "{" else lexer.markup(at)
        if token is None:
            i = at + 1
            continue
        if at > text_from:
            nodes.append(lexer.text(text_from, at))
        node, i = token
        nodes.append(node)
        if isinstance(node, StartTag) and node.tag in RAW_TEXT_ELEMENTS and not node.self_closing:
            body, i = lexer.raw_text(i, node.tag)
            nodes.extend(body)
        text_from = i
    if n > text_from:
        nodes.append(lexer.text(text_from, n))
    return nodes
