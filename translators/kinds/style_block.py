"""A ``<style>`` element added to the template: its rules become ``custom_css``, for review.

In the legacy page the ``<style>`` applied to the whole page (after the component's stylesheet); as
custom CSS it applies only inside the component. Rules that reach outside, at-rules, or CSS built with
template code are unconverted.
"""

from __future__ import annotations

from harness.jinjatree import Element, Text
from translators.base import Op, Outcome
from translators.changes import AnyChange, Change
from translators.context import Context
from translators.css.plan import ScopedRule
from translators.css.rules import parse_rules
from translators.css.select import reach_problem, split_selectors


class StyleBlockTranslator:
    name = "style-block"
    priority = 20

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        return isinstance(change, Change) and change.kind == "insert" and len(change.patched_nodes) == 1 \
            and isinstance(change.patched_nodes[0], Element) and change.patched_nodes[0].tag == "style"

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, Change)
        element = change.patched_nodes[0]
        assert isinstance(element, Element)
        if not all(isinstance(kid, Text) for kid in element.children):
            return Outcome.unconverted("translate.style_block", f"{change.summary}: the CSS is built with template "
                                       "code, which custom CSS cannot hold")
        rules = parse_rules("".join(kid.print() for kid in element.children))
        for rule in rules:
            if rule.at_rule is not None:
                return Outcome.unconverted("translate.css_at_rule", f"{change.summary}: {rule.selector} cannot "
                                           "become component CSS")
            for selector in split_selectors(rule.selector):
                problem = reach_problem(selector, ctx.other_roots)
                if problem is not None:
                    return Outcome.unconverted("translate.css_outside", f"{change.summary}: {problem}")
        css = "\n".join(ScopedRule(r.context, r.selector, r.declarations).css() for r in rules)
        line = change.patched_lines.start if change.patched_lines else 0
        return Outcome.review(
            f"{change.summary}: its rules applied to the whole page and now apply only inside "
            f"{ctx.pack.name}; check that nothing else on the page relied on them",
            Op(None, "custom_css", css, key=f"style-{line:04d}"))


TRANSLATOR = StyleBlockTranslator()
