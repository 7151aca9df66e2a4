"""A snapshot prepared for comparison: a tree with readable selector paths and visible areas.

Preparation drops what can never be a visible difference and what the user asked to ignore:
elements matched by ``IgnoreRules.selectors`` (with their subtrees) leave the tree, and elements with
``display: contents`` (wrappers that generate no box, like the slot system's markers) are spliced out,
their children handed to the parent.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field

from cssselect import GenericTranslator, SelectorError
from lxml import etree

from harness.errors import ScoringError
from harness.render.values import ElementSnap, Snapshot


@dataclass
class Node:
    """One element of a prepared tree. ``parent`` and ``children`` are positions in ``Tree.nodes``."""

    pos: int
    snap: ElementSnap
    parent: int
    children: list[int] = field(default_factory=list)
    label: str = ""
    path: str = ""
    styles: dict[str, str] = field(default_factory=dict)
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def area(self) -> float:
        return self.snap.box.area if self.snap.visible else 0.0

    @property
    def weight(self) -> float:
        """How prominent the element is: its linear size (so a card does not drown its price)."""
        return math.sqrt(self.area) + 1.0

    @property
    def signature(self) -> str:
        return f"{self.label}|{self.snap.attr('id') or ''}"

    @property
    def has_text(self) -> bool:
        return bool(self.snap.text) or any(k.endswith(" content") for k in self.styles)


@dataclass
class Tree:
    nodes: list[Node]
    roots: list[int]
    digest: str
    ignored: Counter[str]
    truncated: bool

    def total_area(self) -> float:
        return sum(n.area for n in self.nodes)


def prepare(snapshot: Snapshot, selectors: tuple[str, ...] = ()) -> Tree:
    elements = snapshot.elements
    ignored: Counter[str] = Counter()
    dropped = _ignored_by_selectors(elements, selectors, ignored)
    nodes: list[Node] = []
    by_index: dict[int, int] = {}  # snapshot index → position of the nearest kept element
    roots: list[int] = []
    for el in elements:  # pre-order: a parent always comes before its children
        parent_pos = by_index.get(el.parent, -1) if el.parent >= 0 else -1
        if el.index in dropped or (el.parent >= 0 and el.parent in dropped):
            dropped.add(el.index)
            continue
        styles = dict(el.styles)
        if styles.get("display") == "contents":
            by_index[el.index] = parent_pos
            continue
        node = Node(pos=len(nodes), snap=el, parent=parent_pos, styles=styles, attrs=dict(el.attrs))
        node.label = _label(el)
        node.path = node.label if parent_pos < 0 else f"{nodes[parent_pos].path} > {node.label}"
        nodes.append(node)
        by_index[el.index] = node.pos
        (roots if parent_pos < 0 else nodes[parent_pos].children).append(node.pos)
    return Tree(nodes, roots, _digest(nodes), ignored, snapshot.truncated)


def _label(el: ElementSnap) -> str:
    ident = el.attr("id")
    text = el.tag + (f"#{ident}" if ident else "")
    return text + "".join(f".{c}" for c in el.classes[:3])


def _digest(nodes: list[Node]) -> str:
    """Equal digests mean equal trees (for everything scoring looks at)."""
    h = hashlib.blake2b(digest_size=16)
    for n in nodes:
        s = n.snap
        h.update(repr((n.parent, s.tag, s.attrs, s.classes, s.text, s.styles, s.box, s.visible, s.role,
                       s.name)).encode())
    return h.hexdigest()


def _ignored_by_selectors(elements: tuple[ElementSnap, ...], selectors: tuple[str, ...],
                          ignored: Counter[str]) -> set[int]:
    """Indices of elements matched by any selector, found with cssselect on an lxml mirror of the tree."""
    if not selectors or not elements:
        return set()
    root = etree.Element("phoenix-root")
    mirror: dict[int, etree._Element] = {}
    for el in elements:
        parent = mirror.get(el.parent, root)
        attrs = {k: v for k, v in el.attrs if _xml_name(k)}
        if el.classes:
            attrs["class"] = " ".join(el.classes)
        node = etree.SubElement(parent, el.tag if _xml_name(el.tag) else "unknown", attrs)
        node.set("data-phoenix-index", str(el.index))
        mirror[el.index] = node
    out: set[int] = set()
    translator = GenericTranslator()
    for selector in selectors:
        try:
            xpath = translator.css_to_xpath(selector, prefix="descendant-or-self::")
        except SelectorError as exc:
            raise ScoringError(f"ignore selector {selector!r} is not valid CSS: {exc}",
                               fix="write a CSS selector such as .timestamp or [data-random]",
                               code="score.bad_ignore_selector") from exc
        found = root.xpath(xpath)
        matched = {int(e.get("data-phoenix-index") or -1) for e in found if isinstance(e, etree._Element)} - {-1}
        if matched:
            ignored[f"selector:{selector}"] += len(matched)
        out |= matched
    return out


def _xml_name(name: str) -> bool:
    return bool(name) and (name[0].isalpha() or name[0] == "_") and all(
        c.isalnum() or c in "-_." for c in name)
