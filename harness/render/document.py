"""The pages the renderer loads, and which cases cannot share a page.

Every case renders inside the same *frame*: a block formatting context as wide as the viewport that is
the containing block of its content (``display: flow-root; position: relative``), no margins, no scroll
bars, a fixed font. Standalone, the frame is the ``<body>``; batched, it is a ``.phoenix-host`` element
whose shadow root holds the case (its CSS inside the shadow root), so the same CSS lays out the same way.

A case needs a document of its own when its CSS reaches outside its root (``html``, ``body``, ``:root``,
a universal selector that would also style the body, ``position: fixed`` / ``sticky`` relative to the
viewport), loads something (``@import``, ``@font-face``), or its fragment carries its own ``<style>`` or
``<link>`` (their cascade order against the case CSS differs inside a shadow root).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import tinycss2
from tinycss2 import ast

FRAME_URL = "http://phoenix.invalid/"
FRAME_FONT = '"DejaVu Sans", "Liberation Sans", sans-serif'
# Frozen motion and a hidden caret, inside every root (a document style does not reach shadow trees).
FREEZE_CSS = ("*, *::before, *::after { caret-color: transparent !important; transition: none !important; "
              "scroll-behavior: auto !important; }")
_FRAME_BOX = "display: flow-root; position: relative; margin: 0; padding: 0;"
FRAME_CSS = (
    f"html {{ margin: 0; padding: 0; scrollbar-width: none; font: 16px/normal {FRAME_FONT}; }}\n"
    f"body {{ {_FRAME_BOX} }}\n.phoenix-host {{ {_FRAME_BOX} }}\n{FREEZE_CSS}"
)
# The batch page loads nothing: its Content-Security-Policy refuses every request before it is made (no
# round trip to the pool's route per image, and an image fails at once, so "settled" costs nothing). The
# browser still reports each refused request, which is how the pool records it.
BATCH_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; media-src data:"
BATCH_PAGE = (f'<!doctype html><html><head><meta charset="utf-8">'
              f'<meta http-equiv="Content-Security-Policy" content="{BATCH_CSP}"><style>{FRAME_CSS}</style></head>'
              "<body></body></html>")
# The page standalone cases are written into (set_content): no policy, the pool's route blocks the loads.
STANDALONE_FRAME = '<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>'

_OWN_ASSETS = re.compile(r"<\s*(style|link)\b", re.IGNORECASE)
_DOCUMENT_TYPES = {"html", "body"}
_SAFE_UNIVERSAL_PROPS = {"box-sizing", "-webkit-box-sizing", "-moz-box-sizing"}
_COMBINATORS = {">", "+", "~"}


def standalone_page(body_html: str, css: str) -> str:
    """The whole document of a case rendered alone (also the bare-loop baseline's document)."""
    css_text = css.replace("</", "<\\/")
    return (f'<!doctype html><html><head><meta charset="utf-8"><style>{FRAME_CSS}</style>'
            f"<style>{css_text}</style></head><body>{body_html}</body></html>")


def document_reason(body_html: str, css: str) -> str | None:
    """Why this case must be rendered in a page of its own, or None when it can share a batch page."""
    if _OWN_ASSETS.search(body_html):
        return "the fragment has its own <style> or <link>"
    return css_reason(css)


@lru_cache(maxsize=256)
def css_reason(css: str) -> str | None:
    """The stylesheet half of :func:`document_reason` (cached: a fleet shares a few stylesheets)."""
    for rule in _rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)):
        reason = _rule_reason(rule)
        if reason:
            return reason
    return None


def _rules(nodes: list[ast.Node]) -> Iterator[ast.Node]:
    """Every rule, descending into conditional group rules (@media, @supports, @layer, @container)."""
    for node in nodes:
        if isinstance(node, ast.AtRule) and node.content is not None and node.lower_at_keyword in {
                "media", "supports", "layer", "container", "document", "scope"}:
            yield node
            yield from _rules(tinycss2.parse_blocks_contents(node.content, skip_comments=True,
                                                             skip_whitespace=True))
        else:
            yield node


def _rule_reason(rule: ast.Node) -> str | None:
    if isinstance(rule, ast.AtRule):
        if rule.lower_at_keyword in {"import", "font-face"}:
            return f"@{rule.lower_at_keyword} needs the document (and would load from the network)"
        return None
    if not isinstance(rule, ast.QualifiedRule):
        return None
    properties = _declared(rule)
    for prop, value in properties:
        if prop == "position" and value in {"fixed", "sticky"}:
            return f"position: {value} is relative to the viewport"
    for selector in _split_selectors(rule.prelude):
        reason = _selector_reason(selector, {p for p, _ in properties})
        if reason:
            return f"selector {tinycss2.serialize(selector).strip()!r} {reason}"
    return None


def _declared(rule: ast.QualifiedRule) -> list[tuple[str, str]]:
    out = []
    for decl in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
        if isinstance(decl, ast.Declaration):
            out.append((decl.lower_name, tinycss2.serialize(decl.value).strip().lower()))
    return out


def _split_selectors(prelude: list[ast.Node]) -> list[list[ast.Node]]:
    selectors: list[list[ast.Node]] = [[]]
    for token in prelude:
        if isinstance(token, ast.LiteralToken) and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return [s for s in selectors if any(not isinstance(t, ast.WhitespaceToken) for t in s)]


def _selector_reason(selector: list[ast.Node], properties: set[str]) -> str | None:
    previous: ast.Node | None = None
    for token in selector:
        if isinstance(token, ast.IdentToken) and token.lower_value in _DOCUMENT_TYPES and not (
                isinstance(previous, ast.LiteralToken) and previous.value in {".", ":"}):
            return f"styles <{token.lower_value}>"
        if (isinstance(token, ast.IdentToken) and token.lower_value == "root"
                and isinstance(previous, ast.LiteralToken) and previous.value == ":"):
            return "styles :root"
        previous = token
    if _subject_is_universal(selector) and not properties <= _SAFE_UNIVERSAL_PROPS:
        return "would also style the page's <body>"
    return None


def _subject_is_universal(selector: list[ast.Node]) -> bool:
    """True when the last compound has no type, class, id or attribute test (``*``, ``:not(.a)``)."""
    subject: list[ast.Node] = []
    tokens = list(selector)
    while tokens and isinstance(tokens[-1], ast.WhitespaceToken):
        tokens.pop()
    for token in tokens:
        if isinstance(token, ast.WhitespaceToken) or (
                isinstance(token, ast.LiteralToken) and token.value in _COMBINATORS):
            subject = []
        else:
            subject.append(token)
    previous: ast.Node | None = None
    for token in subject:
        if isinstance(token, ast.HashToken | ast.SquareBracketsBlock):
            return False
        if isinstance(token, ast.IdentToken) and not (
                isinstance(previous, ast.LiteralToken) and previous.value == ":"):
            return False  # a type selector, or a class name after "."
        previous = token
    return True
