"""Stylesheet rules added, changed or removed: scoped ``custom_css`` that keeps the legacy cascade.

Rules reaching outside the component (``html``, ``body``, ``:root``, another component's root) and
at-rules other than ``@media``/``@supports``/``@container`` are unconverted. Rules under a media query
or needing a state (``:hover``) are expressed but go to review: the harness renders no states and only
the configured viewports. A removed declaration is exact only when no other rule sets that property.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

from translators.base import Op, Outcome
from translators.changes import AnyChange, CssChange
from translators.context import Context
from translators.css.plan import plan_change, reappend_problems
from translators.css.rules import parse_rules
from translators.css.select import has_state, matching, reach_problem, split_selectors


class CssTranslator:
    name = "css"
    priority = 70

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        return isinstance(change, CssChange) and change.kind != "style_block"

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, CssChange)
        rule = change.patched or change.base
        assert rule is not None
        if change.kind == "at_rule_changed" or rule.at_rule is not None:
            return Outcome.unconverted("translate.css_at_rule", f"{change.summary}: only plain rules (optionally in "
                                       "@media, @supports or @container) can become component CSS")
        for selector in split_selectors(rule.selector):
            problem = reach_problem(selector, ctx.other_roots)
            if problem is not None:
                return Outcome.unconverted("translate.css_outside", f"{change.summary}: {problem}")
        plan = plan_change(change, parse_rules(ctx.base_css), parse_rules(ctx.patched_css))
        op = Op(None, "custom_css", plan.css(), key=f"css-{change.number:03d}")
        moved = reappend_problems(plan, ctx.other_roots)
        if moved:
            return Outcome.review(f"{change.summary}: a later rule that must be repeated after it cannot be "
                                  f"repeated inside the component ({moved[0]})", op)
        targets = targeted_slots(ctx, rule.selector)
        return judge(change.summary, rule.context, rule.selector, plan.unprovable, targets, op)


def judge(summary: str, context: tuple[str, ...], selector: str, unprovable: tuple[str, ...],
          targets: tuple[str, ...] | None, op: Op) -> Outcome:
    """Regular when the rule is rendered here and provably exact; otherwise the same op, for review."""
    if context:
        return Outcome.review(f"{summary}: the rule applies only under {' '.join(context)}, which the harness "
                              "checks at its configured viewports only", op)
    if has_state(selector):
        return Outcome.review(f"{summary}: the rule applies in a state or to a pseudo-element (like :hover or "
                              "::before), which the harness does not render", op)
    if unprovable:
        return Outcome.review(f"{summary}: removing {', '.join(unprovable)} is exact only where no other rule sets "
                              "it, and other rules do; check the result by eye", op)
    if not targets:
        return Outcome.review(f"{summary}: the rule matches no element of the component in any scenario, so its "
                              "effect cannot be checked", op)
    return Outcome.regular(op)


def targeted_slots(ctx: Context, selector: str) -> tuple[str, ...]:
    """The slots holding elements the selector matches, in the base render of any scenario (elements the
    customization itself adds count too, as matched in the legacy render of the patch)."""
    found: set[str] = set()
    for html in ctx.renders.values():
        for element in _matches(html, selector):
            owner = next((e.get("data-slot") for e in element.iterancestors() if e.get("data-slot")), None)
            found.add(element.get("data-slot") or owner or "(no slot)")
    if not found and any(_matches(html, selector) for html in ctx.patched_renders.values()):
        found.add("(new content)")
    return tuple(sorted(found))


def _matches(html: str, selector: str) -> list[etree._Element]:
    if not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="phoenix-root")
    return [element for sel in split_selectors(selector) for element in matching(root, sel)]


TRANSLATOR = CssTranslator()
