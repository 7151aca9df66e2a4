"""Keys of template-tree nodes for the tree diff: what makes two nodes *the same*, *the same up to
formatting*, or *the same node, edited*.

- :meth:`Keys.norm`: the subtree up to whitespace and formatting (runs of whitespace collapsed,
  whitespace-only text dropped, attribute and class order ignored). Trim signs (``{%-``) count: they
  change the rendered whitespace. Two nodes with equal ``norm`` differ at most in formatting.
- :func:`identity`: what a node *is* when its content changed: an element's tag, static classes and
  id; a block's kind and first head; the text of an expression or statement.
- :func:`similar`: a weaker pairing for edited nodes in the same place (an element renamed or with a
  class added, a block whose condition changed).

Jinja tokens are keyed by their own code, never by placeholders (prior-art §3).
"""

from __future__ import annotations

import re

import tinycss2

from harness.jinjatree import (
    Attribute,
    Block,
    Branch,
    Declaration,
    Element,
    EndTag,
    Expression,
    HtmlComment,
    JinjaComment,
    Node,
    StartTag,
    Statement,
    Text,
    static_tokens,
)

_SPACE = re.compile(r"\s+")

Identity = tuple[str, ...]


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text)


def significant(node: Node) -> bool:
    """Whitespace-only text separates nodes; it is formatting, not content."""
    return not (isinstance(node, Text) and not node.text.strip())


def code(token: Expression | Statement | JinjaComment) -> str:
    return collapse(token.inner).strip()


def trims(token: Expression | Statement) -> str:
    """The whitespace control of a token (``-`` signs), which changes what the page shows: not formatting."""
    return ("-" if token.trims_before else "") + "|" + ("-" if token.trims_after else "")


class Keys:
    """Normalized subtree keys, memoized per node object (one instance per diff)."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Node, str]] = {}

    def norm(self, node: Node) -> str:
        found = self._memo.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
        key = self._norm(node)
        self._memo[id(node)] = (node, key)
        return key

    def children(self, nodes: tuple[Node, ...]) -> str:
        return "".join(self.norm(n) for n in nodes if significant(n))

    def _norm(self, node: Node) -> str:
        if isinstance(node, Text):
            return "T" + collapse(node.text)
        if isinstance(node, Expression):
            return "{{" + trims(node) + code(node) + "}}"
        if isinstance(node, Statement):
            return "{%" + trims(node) + code(node) + "%}"
        if isinstance(node, JinjaComment):
            return "{#" + code(node) + "#}"
        if isinstance(node, HtmlComment):
            return "<!--" + collapse("".join(p.print() for p in node.body)) + "-->"
        if isinstance(node, Declaration):
            return "<!" + collapse(node.source) + ">"
        if isinstance(node, Block):
            return "".join(self.norm(b) for b in node.branches) + self.norm(node.end)
        if isinstance(node, Branch):
            return self.norm(node.head) + "[" + self.children(node.children) + "]"
        if isinstance(node, Element):
            end = "" if node.end is None else f"</{node.tag}>"
            return self.start(node.start) + self.children(node.children) + end
        if isinstance(node, StartTag):
            return self.start(node) + "!unpaired"
        if isinstance(node, EndTag):
            return f"</{node.tag}>!unpaired"
        if isinstance(node, Attribute):
            return self.attribute(node)
        raise TypeError(f"unknown node {type(node).__name__}")  # pragma: no cover - Node is a closed union

    def start(self, tag: StartTag) -> str:
        attrs = sorted(self.attribute(a) for a in tag.attributes())
        logic = [self.norm(p) for p in tag.parts if not isinstance(p, Attribute) and significant(p)]
        return f"<{tag.tag} " + " ".join(attrs) + " " + "".join(logic) + ">"

    def attribute(self, attr: Attribute) -> str:
        return attr.key + "=" + self.value(attr)

    def value(self, attr: Attribute) -> str:
        """An attribute's value up to formatting (class tokens sorted, style declarations respelled)."""
        if attr.value is None:
            return '""'
        static = attr.static_value()
        if attr.key == "class" and static is not None:
            return '"' + " ".join(sorted(static.split())) + '"'
        if attr.key == "style" and static is not None:
            return '"' + style_text(static) + '"'
        parts = [p for p in attr.value if not empty_block(p)]
        return '"' + "".join(collapse(p.print()) if isinstance(p, Text) else self.norm(p) for p in parts) + '"'


def empty_block(node: Node) -> bool:
    """A block that prints nothing but whitespace in every branch (``{% if x %}{% endif %}``)."""
    return isinstance(node, Block) and all(
        all(isinstance(kid, Text) and not kid.text.strip() for kid in branch.children) for branch in node.branches)


def style_text(text: str) -> str:
    """Inline style declarations respelled (``a:b;`` == ``a: b``), or the collapsed text if not plain."""
    parsed = tinycss2.parse_declaration_list(text, skip_comments=True, skip_whitespace=True)
    out = []
    for item in parsed:
        if item.type != "declaration":
            return collapse(text).strip()
        value = collapse(tinycss2.serialize(item.value)).strip()
        out.append(f"{item.lower_name}: {value}{' !important' if item.important else ''}")
    return "; ".join(out)


def style_declarations(attr: Attribute | None) -> dict[str, str] | None:
    """``property -> value`` of a plain inline style (``{}`` when absent), ``None`` when it holds template code."""
    if attr is None:
        return {}
    text = attr.static_value()
    if text is None:
        return None
    found: dict[str, str] = {}
    for item in tinycss2.parse_declaration_list(text, skip_comments=True, skip_whitespace=True):
        if item.type != "declaration":
            return None
        value = collapse(tinycss2.serialize(item.value)).strip()
        found[item.lower_name] = value + (" !important" if item.important else "")
    return found


def identity(node: Node) -> Identity:
    """What a node is, independent of the edits inside it."""
    if isinstance(node, Element):
        ident = static_tokens(node.start.attribute("id"))
        return ("element", node.tag, " ".join(sorted(classes(node))), " ".join(ident))
    if isinstance(node, Block):
        return ("block", node.kind, code(node.branches[0].head))
    if isinstance(node, Text):
        return ("text", collapse(node.text).strip())
    if isinstance(node, Expression | Statement | JinjaComment):
        return (type(node).__name__, code(node))
    if isinstance(node, HtmlComment):
        return ("html-comment", collapse("".join(p.print() for p in node.body)).strip())
    return (type(node).__name__, collapse(node.print()).strip())


def classes(element: Element) -> tuple[str, ...]:
    return static_tokens(element.start.attribute("class"))


def distinctive(node: Node) -> bool:
    """An element whose identity is unlikely to repeat by chance (it has static classes or an id)."""
    return isinstance(node, Element) and bool(identity(node)[2] or identity(node)[3])


def similar(a: Node, b: Node) -> bool:
    """Whether ``b`` can be ``a`` edited in place (used only among nodes left over by identity pairing)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Element) and isinstance(b, Element):
        ca, cb = set(classes(a)), set(classes(b))
        if a.tag == b.tag:
            return not (ca and cb) or bool(ca & cb)
        return bool(ca) and ca == cb
    if isinstance(a, Block) and isinstance(b, Block):
        return a.kind == b.kind
    return True


def describe(node: Node, limit: int = 60) -> str:
    """A short human name of a node: ``<h3 class="card__title">``, ``{% if on_sale %}``, ``"Sale"``."""
    if isinstance(node, Element):
        tag = node.start
        attrs = [a for a in tag.attributes() if a.key in ("class", "id")][:1]
        text = f"<{tag.tag}" + "".join(" " + collapse(a.print()) for a in attrs) + ">"
    elif isinstance(node, Block):
        text = collapse(node.branches[0].head.print())
    elif isinstance(node, Text):
        text = '"' + collapse(node.text).strip() + '"'
    else:
        text = collapse(node.print()).strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


__all__ = ["Identity", "Keys", "classes", "code", "collapse", "describe", "distinctive", "empty_block", "identity",
           "significant", "similar", "style_declarations", "style_text"]
