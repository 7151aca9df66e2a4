"""Apply a slot config to a version's template tree (pure): the heart of the SlotRenderer.

Every slot element first gets a ``data-slot="<id>"`` marker; each operation then finds its element by
that marker, so edits never depend on positions computed before an earlier edit. With an empty config
the result is the legacy template plus the markers, byte for byte.

Order: element edits (attrs, classes, style, tag, text) of every slot, then container ``order`` and
``insert``, ``wrap``, ``raw`` (replacements last), and ``visible: false`` (removal) at the end.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import tinycss2

from harness.jinjatree import (
    Document,
    Element,
    Node,
    Path,
    Text,
    TreeEditError,
    add_class,
    element,
    insert_after,
    insert_before,
    insert_into,
    literal,
    node_at,
    parse_fragment,
    remove,
    remove_class,
    rename_tag,
    replace_node,
    select,
    template_value,
    update_element,
    with_attribute,
    without_attribute,
    wrap,
)
from harness.slots.config import (
    Insert,
    PlainText,
    RichText,
    SlotConfig,
    SlotOverride,
    TemplateText,
    TextValue,
)
from harness.slots.registry import VersionSlots

MARKER = "data-slot"


def apply_config(config: SlotConfig, slots: VersionSlots) -> Document:
    """The version's template with ``config`` applied (assumes a validated config)."""
    doc = mark(slots)
    overrides = {sid: o for sid, o in config.slots.items() if o is not None and sid in slots.slots}
    for slot_id, override in overrides.items():
        doc = update_element(doc, locate(doc, slot_id), functools.partial(edit_element, override=override))
    for slot_id, override in overrides.items():
        if override.order is not None:
            doc = reorder(doc, slot_id, override.order, slots)
        for insert_id, insert in (override.insert or {}).items():
            if insert is not None:
                doc = add_insert(doc, slot_id, insert_id, insert)
    for slot_id, override in overrides.items():
        if override.wrap is not None:
            wrapper = element(override.wrap.tag, _attrs(override.wrap.classes, override.wrap.attrs.items()))
            doc = wrap(doc, locate(doc, slot_id), wrapper)
    raws = sorted((r for r in config.raw.values() if r is not None and r.slot in slots.slots),
                  key=lambda r: r.position == "replace")
    for raw in raws:
        doc = _place(doc, locate(doc, raw.slot), raw.position, parse_fragment(raw.source))
    for slot_id, override in overrides.items():
        found = select(doc, _marker_selector(slot_id))
        if override.visible is False and found:
            doc = remove(doc, found[0].path)
    return doc


def mark(slots: VersionSlots) -> Document:
    """The version's tree with a ``data-slot`` marker on every slot element (nothing else changes)."""
    doc = slots.document
    for slot in slots.slots.values():
        doc = update_element(doc, slot.path, functools.partial(with_attribute, name=MARKER, value=literal(slot.id)))
    return doc


def locate(doc: Document, slot_id: str) -> Path:
    found = select(doc, _marker_selector(slot_id))
    if len(found) != 1:
        raise TreeEditError(f"slot {slot_id!r} is on {len(found)} elements of the edited template, not 1",
                            fix="do not replace a slot with raw code and also change it")
    return found[0].path


def _marker_selector(slot_id: str) -> str:
    return f'[{MARKER}="{slot_id}"]'


# --- element edits ----------------------------------------------------------------------------------

def edit_element(el: Element, override: SlotOverride) -> Element:
    for name, value in (override.attrs or {}).items():
        if value is None:
            el = without_attribute(el, name)
        else:
            el = with_attribute(el, name, template_value(value.template) if isinstance(value, TemplateText)
                                else literal(value))
    if override.classes is not None:
        for token in override.classes.remove:
            el = remove_class(el, token)
        for token in override.classes.add:
            el = add_class(el, token)
    if override.style:
        el = edit_style(el, override.style)
    if override.tag is not None:
        el = rename_tag(el, override.tag)
    if override.text is not None:
        el = Element(el.start, content_nodes(override.text), el.end)
    return el


def content_nodes(value: TextValue) -> tuple[Node, ...]:
    """Template nodes for new content: plain text escaped, rich text inert to Jinja, template text parsed."""
    if isinstance(value, PlainText):
        return literal(value.plain)
    if isinstance(value, RichText):
        return (Text(value.rich.replace("{", "&#123;")),) if value.rich else ()
    return parse_fragment(value.template)


def edit_style(el: Element, changes: dict[str, str | None]) -> Element:
    """Set or remove inline style properties (the style attribute must be plain text)."""
    current = el.start.attribute("style")
    text = "" if current is None else current.static_value()
    if text is None:
        raise TreeEditError(f"<{el.tag}> writes its style with template code", fix="use custom_css instead")
    kept = [(d.lower_name, tinycss2.serialize(d.value).strip(), d.important)
            for d in tinycss2.parse_declaration_list(text, skip_comments=True, skip_whitespace=True)
            if d.type == "declaration" and d.lower_name not in {p.lower() for p in changes}]
    kept += [(prop.lower(), value, False) for prop, value in changes.items() if value is not None]
    style = "; ".join(f"{name}: {value}{' !important' if important else ''}" for name, value, important in kept)
    return with_attribute(el, "style", literal(style)) if style else without_attribute(el, "style")


# --- containers ----------------------------------------------------------------------------------------

def unit_index(container: Element, child_id: str) -> int | None:
    """Index of the node among ``container``'s children that holds the element of ``child_id``."""
    for index, node in enumerate(container.children):
        if select(Document((node,)), _marker_selector(child_id)):
            return index
    return None


def reorder(doc: Document, container_id: str, order: Iterable[str], slots: VersionSlots) -> Document:
    path = locate(doc, container_id)
    container = _element_at(doc, path)
    units = {child: unit_index(container, child) for child in slots.slots[container_id].decl.children}
    present = {child: index for child, index in units.items() if index is not None}
    positions = sorted(present.values())
    kids = list(container.children)
    for position, child in zip(positions, [c for c in order if c in present], strict=True):
        kids[position] = container.children[present[child]]
    return update_element(doc, path, lambda el: Element(el.start, tuple(kids), el.end))


def add_insert(doc: Document, container_id: str, insert_id: str, insert: Insert) -> Document:
    attrs = [*_attrs(insert.classes, insert.attrs.items()), (MARKER, literal(insert_id))]
    new = element(insert.tag, attrs, content_nodes(insert.content) if insert.content is not None else ())
    path = locate(doc, container_id)
    if insert.position in ("prepend", "append"):
        return insert_into(doc, path, new, at="start" if insert.position == "prepend" else "end")
    assert insert.ref is not None  # validated: before/after name a child slot
    index = unit_index(_element_at(doc, path), insert.ref)
    if index is None:
        raise TreeEditError(f"{insert.ref!r} is not in container {container_id!r} in this version",
                            fix="insert relative to a child that exists in this version")
    place = insert_before if insert.position == "before" else insert_after
    return place(doc, (*path, index), new)


def _attrs(classes: Iterable[str], attrs: Iterable[tuple[str, str | TemplateText]]) -> list[tuple[str, tuple[Node, ...]]]:
    found = [("class", literal(" ".join(classes)))] if classes else []
    for name, value in attrs:
        found.append((name, template_value(value.template) if isinstance(value, TemplateText) else literal(value)))
    return [(name, value) for name, value in found if name != "class" or value]


def _place(doc: Document, path: Path, position: str, nodes: tuple[Node, ...]) -> Document:
    if position == "replace":
        return replace_node(doc, path, *nodes)
    if position == "before":
        return insert_before(doc, path, *nodes)
    if position == "after":
        return insert_after(doc, path, *nodes)
    return insert_into(doc, path, *nodes, at="start" if position == "prepend" else "end")


def _element_at(doc: Document, path: Path) -> Element:
    node = node_at(doc, path)
    assert isinstance(node, Element)
    return node


__all__ = ["MARKER", "add_insert", "apply_config", "content_nodes", "edit_element", "edit_style",
           "locate", "mark", "reorder", "unit_index"]
