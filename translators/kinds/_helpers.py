"""Shared pieces of the translators: raw entries, content values, local checks, script detection."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from harness.errors import PhoenixError
from harness.jinjatree import (
    Attribute,
    Block,
    Element,
    Expression,
    Node,
    StartTag,
    Statement,
    Text,
    walk,
)
from harness.slots.apply import edit_element
from harness.slots.config import SlotOverride, TextValue
from harness.slots.validate import text_issues
from translators.base import Op, Outcome
from translators.changes import AnyChange, Change
from translators.context import Context
from translators.treekeys import Keys

HOSTILE_CODES = frozenset({"slots.unsafe_url", "slots.unsafe_attribute"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"})
_TEXT_VALUE: TypeAdapter[TextValue] = TypeAdapter(TextValue)
EMBEDS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "portal"})


# --- a change to a slot element's start tag ---------------------------------------------------------

@dataclass(frozen=True)
class SlotEdit:
    """A start-tag change (``classes``, ``attribute``, ``style``, ``tag``) of the element of ``slot``."""

    change: Change
    slot: str
    base: Element
    patched: Element


def slot_edit(change: AnyChange, ctx: Context, *kinds: str) -> SlotEdit | None:
    """The change as a :class:`SlotEdit` when it is one of ``kinds`` on a slot element, else None."""
    if not isinstance(change, Change) or change.kind not in kinds or change.base_path is None:
        return None
    slot = ctx.slot_at(change.base_path)
    base, patched = change.base_nodes[0], change.patched_nodes[0]
    if slot is None or not isinstance(base, Element) or not isinstance(patched, Element):
        return None
    return SlotEdit(change, slot, base, patched)


# --- raw ------------------------------------------------------------------------------------------

def raw_replace(ctx: Context, slot: str, reason: str, source: str | None = None) -> Outcome:
    """Replace ``slot``'s element with template source (by default: the slot's patched element).

    A slot that is gone from the patched tree cannot be replaced by itself: the slot around it is.
    """
    if source is None:
        patched = ctx.patched_slot(slot)
        if patched is None:
            parent = ctx.owner_of_path(ctx.slot_path(slot)[:-1])
            if parent is None:
                return Outcome.unconverted("translate.outside_slot", f"{reason}; the slot {slot!r} is gone and no "
                                           "slot contains it, so no template code can stand in for it")
            return raw_replace(ctx, parent, reason)
        source = patched.print()
    entry = {"slot": slot, "position": "replace", "source": source, "reason": reason}
    return Outcome.raw(f"{reason}; slot {slot!r} is replaced by its edited template code, for review",
                       Op(None, "raw", entry, key=f"{slot}-replace"))


def raw_at(slot: str, position: str, source: str, reason: str, key: str) -> Outcome:
    entry = {"slot": slot, "position": position, "source": source, "reason": reason}
    where = {"before": "before", "after": "after", "prepend": "at the start of", "append": "at the end of"}[position]
    return Outcome.raw(f"{reason}; the new template code is placed {where} slot {slot!r}, for review",
                       Op(None, "raw", entry, key=key))


# --- content --------------------------------------------------------------------------------------

def content_value(nodes: Iterable[Node]) -> dict[str, str]:
    """The config value for new content: plain text, rich markup, or a template with expressions."""
    kids = tuple(nodes)
    source = "".join(n.print() for n in kids)
    nested = [n for kid in kids for n in walk(kid)]
    if any(isinstance(n, Expression | Statement | Block) for n in nested):
        return {"template": source}
    if any(isinstance(n, Element | StartTag) for n in nested):
        return {"rich": source}
    return {"plain": html.unescape(source)}


def content_problem(path: str, value: dict[str, str]) -> tuple[bool, str] | None:
    """(hostile?, why) when the slot config would refuse this content, else None."""
    parsed: TextValue = _TEXT_VALUE.validate_python(value)
    issues = text_issues(path, parsed)
    if not issues:
        return None
    return any(i.code in HOSTILE_CODES for i in issues), issues[0].message


def attr_value(attr: Attribute) -> str | dict[str, str] | None:
    """An attribute's value as a config value (literal or template); None when it holds statements."""
    if attr.value is None:
        return ""
    if any(not isinstance(p, Text | Expression) for p in attr.value):
        return None
    if all(isinstance(p, Text) for p in attr.value):
        return html.unescape("".join(p.print() for p in attr.value))
    return {"template": "".join(html.unescape(p.text) if isinstance(p, Text) else p.print() for p in attr.value)}


def start_tag_matches(base: Element, override: dict[str, Any], patched: Element, attribute: str | None) -> bool:
    """Whether applying ``override`` to the base element gives the patched element's ``attribute`` (or tag
    name, for ``None``), up to formatting, without disturbing the template code written in the tag."""
    try:
        edited = edit_element(base, SlotOverride.model_validate(override))
    except (PhoenixError, ValidationError):  # an edit the tree or the model refuses is not a match
        return False
    keys = Keys()
    if attribute is None:
        return edited.tag == patched.tag
    logic = [keys.norm(p) for p in edited.start.parts if not isinstance(p, Attribute | Text)]
    if logic != [keys.norm(p) for p in base.start.parts if not isinstance(p, Attribute | Text)]:
        return False
    mine, theirs = edited.start.attribute(attribute), patched.start.attribute(attribute)
    if mine is None or theirs is None:
        return mine is None and theirs is None
    return keys.value(mine) == keys.value(theirs)


# --- hostile content ------------------------------------------------------------------------------

def script_in(nodes: Iterable[Node]) -> str | None:
    """What in ``nodes`` runs script or embeds active content (a ``<script>``, an ``on*`` handler, a
    ``javascript:`` URL, an ``<iframe>``/``<object>``/``<embed>``), or None."""
    for node in (n for top in nodes for n in walk(top)):
        if isinstance(node, Element | StartTag) and node.tag == "script":
            return "a <script> element"
        if isinstance(node, Element | StartTag) and node.tag in EMBEDS:
            return f"an <{node.tag}> element, which embeds another page or plugin"
        if isinstance(node, Attribute):
            if node.key.startswith("on"):
                return f"an inline event handler ({node.name})"
            value = "".join(p.print() for p in node.value or ()).strip().lower().replace(" ", "")
            if node.key in URL_ATTRIBUTES and value.startswith(("javascript:", "vbscript:")):
                return f"a script URL in {node.name}"
    return None


__all__ = ["SlotEdit", "attr_value", "content_problem", "content_value", "raw_at", "raw_replace", "script_in",
           "slot_edit", "start_tag_matches"]
