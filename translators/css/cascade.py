"""Verify CSS translations without a browser: the winning declarations per element, old vs new.

For a rendered scenario, both worlds are evaluated on the same markup (the HTML check has already shown
the markup equal): the legacy world with the patched stylesheet (plus rules of ``<style>`` elements in
the template, which come after it), the new world with the base stylesheet plus the ``custom_css``
entries as rules scoped to the component root. Per element and property, the winner is the declaration
with the highest (importance, specificity, scoped, order), the cascade Chromium applies for one author
origin without layers (tests/test_translators_browser.py checks this model against Chromium).

Only the property families the translation touches are compared. ``@media`` rules are evaluated at each
configured viewport width (``min-width`` / ``max-width`` queries); a rule under a condition that cannot be
evaluated here (``@supports``, ``@container``, other media features) that sets a compared property makes
the check fail closed. Rules needing a state (``:hover``) or styling a pseudo-element are never rendered
and are left out on both sides (their changes go to review). A shorthand and its longhand that both
win are also compared by which came later (``margin`` after ``margin-top`` is not the same as before
it). ``unset`` counts as nothing declared.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cssselect
import lxml.html
from lxml import etree

from translators.changes import Rule
from translators.css.plan import interacts, overlaps
from translators.css.rules import parse_rules
from translators.css.select import has_state, scoped_xpath, specificity, split_selectors, xpath

DEFAULT_WIDTHS = (390, 1280)  # the widths of the harness's default viewports ([tool.phoenix] viewports)
_WIDTH = re.compile(r"\(\s*(min|max)-width\s*:\s*([\d.]+)(px|rem|em)\s*\)")
_MEDIA_TYPES = frozenset({"", "all", "screen", "only screen"})


class Unverifiable(Exception):
    """A rule that matters for the comparison cannot be evaluated here."""


def media_applies(context: str, width: int) -> bool | None:
    """Whether ``@media <query>`` holds at ``width`` CSS pixels; None when the query cannot be evaluated."""
    if not context.startswith("@media"):
        return None
    for query in context[len("@media"):].lower().split(","):
        holds = True
        for part in (p.strip() for p in re.split(r"\band\b", query)):
            if part in _MEDIA_TYPES:
                continue
            if part in ("print", "only print"):
                holds = False
                continue
            match = _WIDTH.fullmatch(part)
            if match is None:
                return None
            pixels = float(match[2]) * (16 if match[3] in ("rem", "em") else 1)
            holds = holds and (width >= pixels if match[1] == "min" else width <= pixels)
        if holds:
            return True
    return False


Rank = tuple[bool, tuple[int, int, int], bool, int, int, int]
SKIPPED_TAGS = frozenset({"style", "script"})
_BLOCK = 100_000  # order offset between style sheets: later sheets come after every rule of earlier ones


@dataclass(frozen=True)
class _Entry:
    xpath: str
    rank: tuple[tuple[int, int, int], bool, int, int]
    declarations: tuple[tuple[str, str, bool, int], ...]
    scoped: bool


def entries(rules: Iterable[Rule], families: frozenset[str], *, scoped: bool, offset: int,
            width: int) -> list[_Entry]:
    found = []
    for rule in rules:
        if rule.at_rule is not None or has_state(rule.selector):
            continue
        decls = tuple((d.name, d.value, d.important, i) for i, d in enumerate(rule.declarations)
                      if overlaps(families, d.name))
        if not decls:
            continue
        applies = [media_applies(context, width) for context in rule.context]
        if None in applies:
            raise Unverifiable(f"the rule '{rule.selector}' under {' '.join(rule.context)} sets "
                               f"{decls[0][0]} and its condition cannot be evaluated here")
        if not all(applies):
            continue
        for sub, selector in enumerate(split_selectors(rule.selector)):
            path = scoped_xpath(selector) if scoped else xpath(selector)
            found.append(_Entry(path, (specificity(selector), scoped, offset + rule.order, sub), decls, scoped))
    return found


def winners(fragment: etree._Element, roots: Sequence[etree._Element], rules: list[_Entry]
            ) -> dict[int, dict[str, tuple[Rank, str]]]:
    """element id -> property -> (rank, value) of the winning declaration."""
    best: dict[int, dict[str, tuple[Rank, str]]] = defaultdict(dict)
    for entry in rules:
        contexts = roots if entry.scoped else [fragment]
        for context in contexts:
            for element in context.xpath(entry.xpath):
                if not isinstance(element, etree._Element):
                    continue
                for name, value, important, index in entry.declarations:
                    rank: Rank = (important, *entry.rank, index)
                    current = best[id(element)].get(name)
                    if current is None or rank > current[0]:
                        best[id(element)][name] = (rank, value)
    return best


def compare(legacy_html: str, legacy_css: Sequence[str], new_html: str, new_css: str, custom_css: Sequence[str],
            root_selector: str, families: frozenset[str], widths: Sequence[int] = DEFAULT_WIDTHS) -> str | None:
    """The first element whose winning declarations differ, in words; None when all agree at every width."""
    old_tree, new_tree = _fragment(legacy_html), _fragment(new_html)
    old_elements, new_elements = _elements(old_tree), _elements(new_tree)
    if [e.tag for e in old_elements] != [e.tag for e in new_elements]:
        return "the two renders do not have the same elements"
    roots = [e for e in new_tree.xpath(xpath(root_selector)) if isinstance(e, etree._Element)]
    for width in widths:
        try:
            old_rules = [e for i, css in enumerate(legacy_css)
                         for e in entries(parse_rules(css), families, scoped=False, offset=i * _BLOCK, width=width)]
            new_rules = entries(parse_rules(new_css), families, scoped=False, offset=0, width=width)
            new_rules += [e for i, css in enumerate(custom_css)
                          for e in entries(parse_rules(css), families, scoped=True, offset=(i + 1) * _BLOCK,
                                           width=width)]
        except (cssselect.SelectorError, cssselect.ExpressionError) as exc:
            return f"a selector cannot be evaluated here ({exc})"
        except Unverifiable as exc:
            return str(exc)
        old, new = winners(old_tree, [], old_rules), winners(new_tree, roots, new_rules)
        for a, b in zip(old_elements, new_elements, strict=True):
            left, right = _effective(old.get(id(a), {})), _effective(new.get(id(b), {}))
            if _values(left) != _values(right) or _conflicts(left) != _conflicts(right):
                return (f"at {width}px wide, {_name(a)} gets {_show(_values(left))} with the legacy stylesheet "
                        f"but {_show(_values(right))} after migration")
    return None


def _fragment(html: str) -> etree._Element:
    return lxml.html.fragment_fromstring(html, create_parent="phoenix-root")


def _elements(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str) and e.tag not in SKIPPED_TAGS
            and not any(a.tag in SKIPPED_TAGS for a in e.iterancestors())]


def _effective(found: dict[str, tuple[Rank, str]]) -> dict[str, tuple[Rank, str]]:
    """Winners that set something: ``unset`` is what an element gets when nothing is declared."""
    return {name: won for name, won in found.items() if won[1].lower() != "unset"}


def _values(found: dict[str, tuple[Rank, str]]) -> dict[str, str]:
    return {name: value for name, (_, value) in sorted(found.items())}


def _conflicts(found: dict[str, tuple[Rank, str]]) -> set[tuple[str, str]]:
    """For each shorthand/longhand pair that both won, which came later (the later one sets the shared part)."""
    names = sorted(found)
    return {(a, b) if found[a][0] < found[b][0] else (b, a)
            for i, a in enumerate(names) for b in names[i + 1:] if interacts(a, b)}


def _show(declarations: dict[str, str]) -> str:
    return "; ".join(f"{n}: {v}" for n, v in declarations.items()) or "nothing"


def _name(element: etree._Element) -> str:
    classes = str(element.get("class", ""))
    return f"<{element.tag!s}{' class=' + repr(classes) if classes else ''}>"


__all__ = ["compare", "entries", "winners"]
