"""A canonical form of rendered HTML, for comparing old and new output on the server side.

``normalize_html(a) == normalize_html(b)`` means the two fragments hold the same elements, attributes
and text up to what never shows: attribute order, class token order, ``data-slot`` markers, comments,
runs of whitespace, whitespace-only text, and the spelling of inline styles (``a:b;`` vs ``a: b``).
Both sides go through the same parser (lxml), so its HTML quirks cancel out.
"""

from __future__ import annotations

import html
import re

import lxml.html
import tinycss2
from lxml import etree

__all__ = ["IGNORED_ATTRIBUTES", "normalize_html"]

IGNORED_ATTRIBUTES = frozenset({"data-slot"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr"})
RAW_TEXT = frozenset({"script", "style"})
_SPACE = re.compile(r"\s+")


def normalize_html(fragment: str) -> str:
    """The canonical text of an HTML fragment (see the module docstring for what it ignores)."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="phoenix-root")
    return _children(root)


def _children(element: etree._Element) -> str:
    parts: list[str] = []
    text = element.text or ""
    for child in element:
        if isinstance(child.tag, str):  # comments and processing instructions keep only their tail
            parts += [_text(text), _element(child)]
            text = ""
        text += child.tail or ""
    parts.append(_text(text))
    return "".join(parts)


def _element(element: etree._Element) -> str:
    tag = str(element.tag).lower()
    attrs = "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in _attributes(element))
    if tag in VOID:
        return f"<{tag}{attrs}>"
    inner = (element.text or "") if tag in RAW_TEXT else _children(element)
    return f"<{tag}{attrs}>{inner}</{tag}>"


def _attributes(element: etree._Element) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for raw_name, raw_value in element.attrib.items():
        name = str(raw_name).lower()
        if name in IGNORED_ATTRIBUTES:
            continue
        value = str(raw_value)
        if name == "class":
            value = " ".join(sorted(value.split()))
        elif name == "style":
            value = _style(value)
        found.append((name, value))
    return sorted(found)


def _style(value: str) -> str:
    declarations = tinycss2.parse_declaration_list(value, skip_comments=True, skip_whitespace=True)
    out = []
    for item in declarations:
        if item.type != "declaration":
            return _SPACE.sub(" ", value.strip())  # not plain declarations: compare the text as written
        text = tinycss2.serialize(item.value).strip()
        out.append(f"{item.lower_name}: {_SPACE.sub(' ', text)}{' !important' if item.important else ''}")
    return "; ".join(out)


def _text(text: str | None) -> str:
    if not text:
        return ""
    collapsed = _SPACE.sub(" ", text)
    return "" if collapsed == " " else html.escape(collapsed, quote=False)
