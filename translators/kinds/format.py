"""Formatting and comments: nothing visible changes, so nothing is migrated (verification confirms it)."""

from __future__ import annotations

from harness.jinjatree import Block, HtmlComment, JinjaComment, Node, Statement
from translators.base import Outcome
from translators.changes import AnyChange, Change
from translators.context import Context


class FormatTranslator:
    name = "format"
    priority = 15

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        if not isinstance(change, Change):
            return False
        if change.kind in ("insert", "delete"):
            return all(_inert_comment(node) for node in (*change.patched_nodes, *change.base_nodes))
        return change.kind in ("format", "comment")

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, Change)
        if change.kind != "format":
            return Outcome.nothing("a comment changed; comments are not shown, so there is nothing to migrate")
        return Outcome.nothing("whitespace or formatting only; the rendered component does not change")


def _inert_comment(node: Node) -> bool:
    """A ``{# #}`` comment, or an HTML comment whose Jinja code (which still runs) only prints."""
    if isinstance(node, JinjaComment):
        return True
    return isinstance(node, HtmlComment) and not any(isinstance(n, Statement | Block) for n in node.body)


TRANSLATOR = FormatTranslator()
