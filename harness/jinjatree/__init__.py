"""A template-aware tree of Jinja2 + HTML source that prints back byte for byte.

    doc = parse(source, name="template.html.j2")
    assert doc.print() == source
    [title] = select(doc, "h3.card__title")
    doc = update_element(doc, title.path, lambda el: add_class(el, "card__title--big"))

Jinja tokens are nodes identified by their text (never placeholders), blocks hold their branches, elements
hold their start tag (attributes may contain template code), children and end tag. Badly interleaved
HTML and Jinja degrades to bare tag nodes in that region; see ``Document.degraded()``.
"""

from harness.jinjatree.edit import (
    TreeEditError,
    add_class,
    add_class_token,
    attribute,
    element,
    escape,
    insert_after,
    insert_before,
    insert_into,
    literal,
    node_at,
    remove,
    remove_attribute,
    remove_class,
    remove_class_token,
    rename,
    rename_tag,
    replace_node,
    set_attribute,
    splice,
    template_value,
    update_element,
    with_attribute,
    without_attribute,
    wrap,
)
from harness.jinjatree.nodes import (
    VOID_ELEMENTS,
    Attribute,
    Block,
    Branch,
    Declaration,
    Document,
    Element,
    EndTag,
    Expression,
    HtmlComment,
    JinjaComment,
    Node,
    Span,
    StartTag,
    Statement,
    Text,
    children_of,
    walk,
)
from harness.jinjatree.parse import parse, parse_fragment
from harness.jinjatree.select import Located, Path, SelectorError, element_classes, select, static_tokens

__all__ = [
    "VOID_ELEMENTS", "Attribute", "Block", "Branch", "Declaration", "Document", "Element", "EndTag",
    "Expression", "HtmlComment", "JinjaComment", "Located", "Node", "Path", "SelectorError", "Span",
    "StartTag", "Statement", "Text", "TreeEditError", "add_class", "add_class_token", "attribute",
    "children_of", "element", "element_classes", "escape", "insert_after", "insert_before", "insert_into",
    "literal", "node_at", "parse", "parse_fragment", "remove", "remove_attribute", "remove_class",
    "remove_class_token", "rename", "rename_tag", "replace_node", "select", "set_attribute", "splice",
    "static_tokens", "template_value", "update_element", "walk", "with_attribute", "without_attribute",
    "wrap",
]
