"""Hostile-content checks for the values of a slot config: markup, URLs, attributes, template code.

Each check returns :class:`~harness.slots.issues.Issue` values (empty when the value is fine). Markup is
judged by nh3 (ammonia): rich text is accepted only when sanitizing it would not change it, and the error
says what sanitizing removed. Template text is parsed by Jinja and accepted only when it is literal
markup plus ``{{ expressions }}`` that read data through names, attributes, items and allow-listed
filters: no statements, calls, ``safe``, or anything the sandbox's static check refuses.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator

import jinja2
import lxml.html
import nh3
from jinja2 import nodes

from harness.errors import TemplateError
from harness.htmlnorm import normalize_html
from harness.sandbox import check_template_safety
from harness.slots.issues import Issue

RICH_TAGS = frozenset({"a", "abbr", "b", "br", "code", "del", "em", "i", "ins", "mark", "s", "small", "span",
                       "strong", "sub", "sup", "u"})
RICH_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URL_ATTRIBUTES = frozenset({
    "href", "src", "srcset", "imagesrcset", "action", "formaction", "poster", "cite", "background", "ping",
    "data", "codebase", "longdesc", "usemap", "icon", "manifest", "xlink:href", "lowsrc", "dynsrc",
})
FORBIDDEN_ATTRIBUTES = {
    "style": "set inline styles with 'style', not through attrs",
    "class": "change classes with 'classes' (add/remove), not through attrs",
    "data-slot": "data-slot marks slots and is set by the renderer",
    "srcdoc": "srcdoc embeds a whole document",
    "is": "custom-element upgrades are not allowed",
}
FORBIDDEN_TAGS = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link", "meta",
    "form", "input", "button", "textarea", "select", "option", "svg", "math", "template", "noscript",
    "title", "head", "html", "body", "portal", "slot", "dialog",
})
TEMPLATE_FILTERS = frozenset({
    "e", "escape", "upper", "lower", "title", "capitalize", "trim", "default", "d", "round", "int", "float",
    "abs", "money", "t", "length", "count", "truncate", "replace", "join", "first", "last", "striptags",
    "string", "img_url", "wordcount",
})
_TEMPLATE_NODES = (nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Const, nodes.Filter, nodes.Concat,
                   nodes.BinExpr, nodes.UnaryExpr, nodes.Compare, nodes.Operand, nodes.CondExpr, nodes.Test,
                   nodes.Keyword, nodes.TemplateData, nodes.Output, nodes.Template, nodes.Tuple, nodes.List,
                   nodes.Slice)
ATTRIBUTE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*")
TOKEN = re.compile(r"[^\s\"'<>{}&`=]+")
IDENTIFIER = re.compile(r"[a-z0-9][a-z0-9_-]*")
TAG_NAME = re.compile(r"[a-z][a-z0-9-]*")
_PLACEHOLDER = "phxslotexpr{}x"
_ENV = jinja2.Environment(autoescape=True)


# --- markup -----------------------------------------------------------------------------------------

def sanitize(markup: str) -> str:
    return nh3.clean(markup, tags=set(RICH_TAGS), attributes={k: set(v) for k, v in RICH_ATTRIBUTES.items()},
                     link_rel=None, url_schemes=set(URL_SCHEMES), strip_comments=True)


def rich_issues(path: str, markup: str) -> list[Issue]:
    """Rich text must come out of the sanitizer unchanged (up to how it is spelled)."""
    clean = sanitize(markup)
    if normalize_html(clean) == normalize_html(markup):
        return []
    return [Issue(path, f"sanitizing this markup would remove {removed_by_sanitizer(markup, clean)}",
                  "use only " + ", ".join(f"<{t}>" for t in sorted(RICH_TAGS)) + " with plain links",
                  "slots.unsafe_html")]


def removed_by_sanitizer(before: str, after: str) -> str:
    """A short description of what sanitizing took out (``<script>, onclick on <b>``)."""
    lost = _inventory(before) - _inventory(after)
    if not lost:
        return "part of the text"
    return ", ".join(sorted(lost))


def _inventory(markup: str) -> Counter[str]:
    found: Counter[str] = Counter()
    if not markup.strip():
        return found
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    for element in root.iterdescendants():
        if not isinstance(element.tag, str):
            found["a comment"] += 1
            continue
        found[f"<{element.tag}>"] += 1
        for name, value in element.attrib.items():
            found[f"{name}={value!r} on <{element.tag}>" if name in URL_ATTRIBUTES else
                  f"{name} on <{element.tag}>"] += 1
    return found


# --- attributes and URLs ----------------------------------------------------------------------------

def url_problem(value: str) -> str | None:
    """Why a URL is unsafe (``javascript:``, ``vbscript:``, non-image ``data:``, other schemes), or None."""
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(value)).lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", cleaned)
    if match is None:
        return None
    scheme = match.group(1)
    if scheme == "data":
        ok = re.match(r"data:image/(png|gif|jpe?g|webp|avif|bmp)[;,]", cleaned)
        return None if ok else "a data: URL that is not a raster image"
    if scheme in URL_SCHEMES:
        return None
    return f"a {scheme}: URL, which " + ("runs script" if scheme in ("javascript", "vbscript") else "is not allowed")


def attribute_issues(path: str, name: str, value: str | None, *, template: bool = False) -> list[Issue]:
    """Problems of one attribute ``name=value`` set through a config (``value`` None: removal)."""
    key = name.lower()
    if not ATTRIBUTE_NAME.fullmatch(name):
        return [Issue(path, f"{name!r} is not a valid attribute name", "use letters, digits and '-'",
                      "slots.bad_name")]
    if key.startswith("on"):
        return [Issue(path, f"the event handler attribute {name!r} runs script",
                      "remove it: configs cannot attach scripts", "slots.unsafe_attribute")]
    if key in FORBIDDEN_ATTRIBUTES:
        return [Issue(path, f"the attribute {name!r} cannot be set through attrs", FORBIDDEN_ATTRIBUTES[key],
                      "slots.unsafe_attribute")]
    if value is None or key not in URL_ATTRIBUTES:
        return []
    urls = [part.split()[0] for part in value.split(",") if part.strip()] if "srcset" in key else [value]
    if template:
        urls = [urls[0].split("{{")[0]] if urls else []  # only the literal start decides the scheme
    for url in urls:
        problem = url_problem(url)
        if problem is not None:
            return [Issue(path, f"{name} holds {problem}", "use an http(s), mailto:, tel: or relative URL",
                          "slots.unsafe_url")]
    return []


def tag_issues(path: str, tag: str, allowed: frozenset[str] | None) -> list[Issue]:
    if not TAG_NAME.fullmatch(tag) or tag in FORBIDDEN_TAGS:
        return [Issue(path, f"<{tag}> cannot be used in a slot config", "use a text or layout tag like <span>",
                      "slots.tag_not_allowed")]
    if allowed is not None and tag not in allowed:
        return [Issue(path, f"<{tag}> is not allowed here", "use one of " + ", ".join(sorted(allowed)),
                      "slots.tag_not_allowed")]
    return []


def token_issues(path: str, tokens: tuple[str, ...]) -> list[Issue]:
    return [Issue(path, f"{token!r} is not a class token", "use one word without spaces, quotes or braces",
                  "slots.bad_name") for token in tokens if not TOKEN.fullmatch(token)]


# --- template code ----------------------------------------------------------------------------------

def template_issues(path: str, source: str, *, markup: bool) -> list[Issue]:
    """Problems of a ``{"template": ...}`` value; ``markup`` says whether its literal parts are HTML."""
    fix = "use only {{ expressions }} that read data (names, .attributes, ['items'], filters like | money)"
    try:
        tree = _ENV.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return [Issue(path, f"the template does not parse: {exc.message}", "fix the template syntax",
                      "slots.unsafe_template")]
    problems = list(_expression_problems(tree))
    if not problems:
        try:
            check_template_safety(source, name=path)
        except TemplateError as exc:
            problems.append(exc.message)
    found = [Issue(path, problem, fix, "slots.unsafe_template") for problem in problems]
    if markup and not found:
        found += _skeleton_issues(path, source)
    return found


def _expression_problems(tree: nodes.Template) -> Iterator[str]:
    if len(tree.body) > 1 or (tree.body and not isinstance(tree.body[0], nodes.Output)):
        yield "the template holds statements ({% ... %}); only {{ expressions }} are allowed here"
        return
    for node in tree.find_all(nodes.Node):
        if isinstance(node, nodes.Filter) and node.name == "safe":
            yield "the 'safe' filter turns off escaping"
        elif isinstance(node, nodes.Filter) and node.name not in TEMPLATE_FILTERS:
            yield f"the filter {node.name!r} is not allowed in slot templates"
        elif (isinstance(node, nodes.Name) and node.name.startswith("_")) or \
                (isinstance(node, nodes.Getattr) and node.attr.startswith("_")):
            yield "a name starting with '_' reaches internals"
        elif isinstance(node, nodes.Call):
            yield "calls are not allowed in slot templates (use filters)"
        elif not isinstance(node, _TEMPLATE_NODES):
            yield f"{type(node).__name__} is not allowed in slot templates"


def _skeleton_issues(path: str, source: str) -> list[Issue]:
    """The literal parts of template text are markup: sanitize them with expressions as placeholders."""
    counter = iter(range(10_000))
    skeleton = re.sub(r"\{\{.*?\}\}", lambda _m: _PLACEHOLDER.format(next(counter)), source, flags=re.S)
    issues = rich_issues(path, skeleton)
    if issues:
        return issues
    if not skeleton.strip() or "phxslotexpr" not in skeleton:
        return []
    root = lxml.html.fragment_fromstring(skeleton, create_parent="div")
    for element in root.iter():
        if any("phxslotexpr" in str(value) for value in element.attrib.values()):
            return [Issue(path, "an expression stands inside a tag; expressions may only produce text",
                          "move the expression into the element's text, or use attrs with a template value",
                          "slots.unsafe_template")]
    return []
