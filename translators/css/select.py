"""Selectors of stylesheet rules: split, checked for reach, rewritten for ``@scope``, matched (cssselect + lxml).

The SlotRenderer puts ``custom_css`` inside ``@scope (<root selector>) { ... }``. There, a selector without
``&`` or ``:scope`` gets an implicit ``:where(:scope)`` *descendant* prefix, so it matches neither the root
element itself nor anything whose ancestors in the selector lie outside the component (checked in
Chromium; see docs/translators.md). A legacy selector ``S`` is therefore written as ``&S, & S``
(``&`` after a leading type selector: ``h3&.x``): the first compound may be the root or inside it, exactly
the elements ``S`` matched inside the component, and ``&`` (``:where(:scope)``) adds no specificity.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import cssselect
from cssselect import parser as css
from lxml import etree

STATE_PSEUDO = ("hover", "focus", "focus-visible", "focus-within", "active", "visited", "target",
                "before", "after", "placeholder", "marker", "selection", "first-line", "first-letter",
                "backdrop", "file-selector-button")
_STATE = re.compile(r"::?(" + "|".join(re.escape(s) for s in sorted(STATE_PSEUDO, key=len, reverse=True))
                    + r")(?![\w-])", re.IGNORECASE)
_GLOBAL_TEXT = re.compile(r":(root|host|host-context)\b|::(slotted|part)\b", re.IGNORECASE)
GLOBAL_TAGS = frozenset({"html", "body", "head"})
_LEADING_TYPE = re.compile(r"\s*(\*|[A-Za-z][A-Za-z0-9-]*)")
_TRANSLATOR = cssselect.HTMLTranslator()


def split_selectors(prelude: str) -> list[str]:
    """The complex selectors of a selector list (commas inside parentheses do not split)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(prelude):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(prelude[start:i].strip())
            start = i + 1
    parts.append(prelude[start:].strip())
    return [p for p in parts if p]


def has_state(selector: str) -> bool:
    """Whether the selector needs a state (``:hover``) or targets a pseudo-element, never rendered here."""
    return _STATE.search(selector) is not None


def without_states(selector: str) -> str:
    """The selector with states and pseudo-elements dropped: the elements it can style at all."""
    stripped = _STATE.sub("", selector).strip()
    if not stripped or stripped[-1] in ">+~":  # a compound left empty matches any element
        stripped += "*"
    return stripped


def reach_problem(selector: str, other_roots: frozenset[str]) -> str | None:
    """Why a selector reaches outside the component (page, other components), or None."""
    if _GLOBAL_TEXT.search(selector):
        return f"the selector '{selector}' targets the page, not the component"
    try:
        parsed = cssselect.parse(without_states(selector))
    except cssselect.SelectorError as exc:
        return f"the selector '{selector}' cannot be read ({exc})"
    for item in parsed:
        for tag, classes in _compounds(item.parsed_tree):
            if tag in GLOBAL_TAGS:
                return f"the selector '{selector}' reaches the page (<{tag}>)"
            foreign = sorted(classes & other_roots)
            if foreign:
                return f"the selector '{selector}' targets another component (.{foreign[0]})"
    return None


def _compounds(tree: object) -> Iterator[tuple[str | None, frozenset[str]]]:
    while isinstance(tree, css.CombinedSelector):
        yield from _compounds(tree.subselector)
        tree = tree.selector
    classes: set[str] = set()
    while not isinstance(tree, css.Element):
        if isinstance(tree, css.Class):
            classes.add(str(tree.class_name))
        tree = getattr(tree, "selector", None)
        if tree is None:
            return
    tag = None if tree.element in (None, "*") else str(tree.element).lower()
    yield tag, frozenset(classes)


def scoped(selector_list: str) -> str:
    """``S`` → ``&S, & S`` for every selector of the list (see the module docstring)."""
    out = []
    for selector in split_selectors(selector_list):
        lead = _LEADING_TYPE.match(selector)
        glued = selector[:lead.end()] + "&" + selector[lead.end():] if lead else "&" + selector
        out += [glued, "& " + selector]
    return ", ".join(out)


def specificity(selector: str) -> tuple[int, int, int]:
    found = cssselect.parse(selector.replace("&", ""))[0].specificity()
    return (int(found[0]), int(found[1]), int(found[2]))


def xpath(selector: str, *, prefix: str = "descendant-or-self::") -> str:
    """The XPath of a selector (states dropped); raises ``cssselect.SelectorError`` / ``ExpressionError``."""
    return str(_TRANSLATOR.css_to_xpath(without_states(selector), prefix=prefix))


def scoped_xpath(selector: str) -> str:
    """XPath, from the scoping root as context node, of one selector written inside ``@scope``."""
    text = selector.strip()
    if "&" not in text:
        return xpath(text, prefix="descendant::")  # the implicit :where(:scope) descendant prefix
    if text.startswith("&") and text[1:2].isspace():  # "& S": S strictly inside the root
        rest = text[1:].strip()
        if rest.startswith(">"):
            return xpath(rest[1:].strip(), prefix="child::")
        return xpath(rest, prefix="descendant::")
    return xpath(text.replace("&", "", 1), prefix="self::")  # "h3&.x ...": the first compound is the root


def matching(root: etree._Element, selector: str) -> list[etree._Element]:
    """Elements under (and including) ``root`` that ``selector`` matches, states ignored; [] if unreadable."""
    try:
        found = root.xpath(xpath(selector))
    except (cssselect.SelectorError, cssselect.ExpressionError, etree.XPathError):
        return []
    return [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []


__all__ = ["GLOBAL_TAGS", "STATE_PSEUDO", "has_state", "matching", "reach_problem", "scoped", "scoped_xpath",
           "specificity", "split_selectors", "without_states", "xpath"]
