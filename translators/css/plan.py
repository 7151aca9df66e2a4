"""Turn one changed stylesheet rule into ``custom_css`` that keeps the legacy cascade.

The new world's CSS is the base stylesheet followed by ``custom_css`` inside ``@scope (<root>)``. In
Chromium, at equal specificity a scoped declaration beats an unscoped one whatever their order (scope
proximity comes before order of appearance), and among scoped ones the later wins. So for a rule R
changed into R' (or added at R's place), appending R' is exact only if no base rule *after* R sets the
same properties: in the legacy stylesheet such a rule L beat R' by order, in the new world R' beats L
by proximity. We therefore re-append, after R', every later rule of the patched stylesheet restricted
to the properties it shares with R' (same at-rule context), in their order, so they win again where
they did. Example (docs/translators.md has more):

    .card__title { color: #111 }           /* R, changed by the user to color: teal */
    .card--dark .card__title { color: #fff }
    .card__title:hover { color: red }      /* L: later, same property */

    custom_css:  &.card__title, & .card__title { color: teal }
                 &.card--dark .card__title, & .card--dark .card__title { color: #fff }
                 &.card__title:hover, & .card__title:hover { color: red }

Properties are compared by family (``margin`` and ``margin-top``; ``font`` and ``line-height``), because
a shorthand and its longhands override each other. Re-appending a rule that would have lost anyway is
harmless: it only repeats the legacy outcome. A removed declaration becomes ``prop: unset``, which is
exact only when no other rule sets that family (then the legacy value is the inherited or initial one);
otherwise the plan lists it as unprovable and the change goes to review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from translators.changes import CssChange, Declaration, Rule
from translators.css.select import reach_problem, scoped, split_selectors

_ALIASES = {"top": "inset", "right": "inset", "bottom": "inset", "left": "inset", "row-gap": "gap",
            "column-gap": "gap", "grid-gap": "gap", "line-height": "font", "align": "place", "justify": "place"}


def family(name: str) -> str:
    """Properties that can override each other share a family (a shorthand and its longhands)."""
    if name.startswith("--"):
        return name
    if name == "all":
        return "*"
    plain = re.sub(r"^-(webkit|moz|ms|o)-", "", name)
    if plain in _ALIASES:
        return _ALIASES[plain]
    root = plain.split("-")[0]
    return _ALIASES.get(root, root)


def overlaps(families: frozenset[str], name: str) -> bool:
    return "*" in families or family(name) == "*" or family(name) in families


_INTERACTING = {frozenset(p) for p in (("font", "line-height"), ("inset", "top"), ("inset", "right"),
                                        ("inset", "bottom"), ("inset", "left"), ("gap", "row-gap"),
                                        ("gap", "column-gap"))}


def interacts(a: str, b: str) -> bool:
    """Whether declarations of ``a`` and ``b`` override each other (one property, or a shorthand and its longhand)."""
    a, b = (re.sub(r"^-(webkit|moz|ms|o)-", "", n) for n in (a, b))
    if a == b or "all" in (a, b) or b.startswith(a + "-") or a.startswith(b + "-"):
        return True
    if frozenset((a, b)) in _INTERACTING:
        return True
    place, other = (a, b) if a.startswith("place-") else (b, a)
    return place.startswith("place-") and other.split("-")[0] in ("align", "justify")


@dataclass(frozen=True)
class ScopedRule:
    """A rule of custom_css: an original selector list and declarations, in an at-rule context."""

    context: tuple[str, ...]
    selector: str
    declarations: tuple[Declaration, ...]

    def css(self) -> str:
        body = "; ".join(d.css() for d in self.declarations)
        text = f"{scoped(self.selector)} {{ {body} }}"
        for at_rule in reversed(self.context):
            text = f"{at_rule} {{ {text} }}"
        return text


@dataclass(frozen=True)
class CssPlan:
    rules: tuple[ScopedRule, ...]   # the changed rule's declarations first, then re-appended later rules
    families: frozenset[str]
    unprovable: tuple[str, ...]     # removed properties another rule also sets
    reappended: tuple[str, ...]     # selectors of the later rules that were re-appended

    def css(self) -> str:
        return "\n".join(rule.css() for rule in self.rules)


def plan_change(change: CssChange, base: tuple[Rule, ...], patched: tuple[Rule, ...]) -> CssPlan:
    rule = change.patched or change.base
    assert rule is not None
    own = list(change.changed)
    unprovable = []
    others = [r for r in base if r != change.base] + [r for r in patched if r != change.patched]
    for name in change.removed:
        if any(interacts(name, d.name) for r in others for d in r.declarations):
            unprovable.append(name)
        own.append(Declaration(name, "unset"))
    families = frozenset(family(d.name) for d in own)
    rules = [ScopedRule(rule.context, rule.selector, tuple(own))]
    reappended = []
    for later in _later(change, base, patched):
        shared = tuple(d for d in later.declarations if overlaps(families, d.name))
        if shared and later.at_rule is None:
            rules.append(ScopedRule(later.context, later.selector, shared))
            reappended.append(later.selector)
    return CssPlan(tuple(rules), families, tuple(unprovable), tuple(reappended))


def reappend_problems(plan: CssPlan, other_roots: frozenset[str]) -> tuple[str, ...]:
    """Re-appended rules that would not match inside ``@scope`` what they matched before (ancestors outside)."""
    found = []
    for selector in plan.reappended:
        for part in split_selectors(selector):
            problem = reach_problem(part, other_roots)
            if problem is not None:
                found.append(problem)
    return tuple(found)


def _later(change: CssChange, base: tuple[Rule, ...], patched: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """The patched rules after the changed one (for a removed rule: after the place it had)."""
    if change.patched is not None:
        return patched[change.patched.order + 1:]
    assert change.base is not None
    following = {(r.context, r.selector) for r in base[change.base.order + 1:]}
    start = next((r.order for r in patched if (r.context, r.selector) in following), len(patched))
    return patched[start:]


__all__ = ["CssPlan", "ScopedRule", "family", "interacts", "overlaps", "plan_change", "reappend_problems"]
