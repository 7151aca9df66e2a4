"""CSS in a slot config: inline ``style`` values and ``custom_css`` rules, checked with tinycss2.

Custom CSS is rendered inside ``@scope (<root selector>) { ... }``, so it must not be able to leave that
block (stray braces, an unterminated comment or string, ``</style>``), reach the page (``:root``, ``html``,
``body``, ``position: fixed``), load anything (``@import``, ``@font-face``, ``url()`` other than data
images) or run anything (``expression(``, ``behavior``, ``-moz-binding``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import tinycss2

from harness.slots.issues import Issue, join

ALLOWED_AT_RULES = frozenset({"media", "supports", "container"})
GLOBAL_SELECTORS = frozenset({"html", "body", "head"})
GLOBAL_PSEUDO = frozenset({"root", "host", "host-context"})
FORBIDDEN_PROPERTIES = frozenset({"behavior", "-moz-binding", "-ms-behavior"})
FORBIDDEN_FUNCTIONS = frozenset({"expression", "element", "-moz-element", "paint"})
URL_STRING_FUNCTIONS = frozenset({"image-set", "-webkit-image-set", "image"})
_DATA_IMAGE = re.compile(r"\s*data:image/(png|gif|jpe?g|webp|avif|bmp)[;,]", re.IGNORECASE)
_PROPERTY = re.compile(r"--[A-Za-z0-9_-]+|-?[a-z][a-z0-9-]*")
_CSS_FIX = "keep the rules inside the component: select its own elements, no page-level selectors or loads"


def style_issues(path: str, prop: str, value: str) -> list[Issue]:
    """Problems of one inline style declaration ``prop: value``."""
    where = join(*path.split("."), prop) if path else prop
    if not _PROPERTY.fullmatch(prop):
        return [Issue(where, f"{prop!r} is not a CSS property name", "use a property like 'color' or '--x'",
                      "slots.unsafe_css")]
    if re.search(r"</|<!--|-->", value):
        return [Issue(where, "the value contains markup", "write a plain CSS value", "slots.unsafe_css")]
    tokens = tinycss2.parse_component_value_list(value, skip_comments=True)
    found = [Issue(where, problem, "write a single CSS value, without ';' or braces", "slots.unsafe_css")
             for problem in _value_structure(tokens)]
    found += [Issue(where, problem, _CSS_FIX, "slots.unsafe_css") for problem in _declaration_problems(prop, tokens)]
    return found


def custom_css_issues(path: str, css: str) -> list[Issue]:
    """Problems of one ``custom_css`` entry (a list of rules)."""
    if re.search(r"</|<!--|-->", css):
        return [Issue(path, "the CSS contains markup ('</', '<!--' or '-->'), which could end the <style> element",
                      "remove the markup", "slots.unsafe_css")]
    if _unterminated(css):
        return [Issue(path, "the CSS has an unterminated comment or string", "close it", "slots.unsafe_css")]
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return [Issue(path, problem, _CSS_FIX, "slots.unsafe_css") for problem in _rules_problems(rules)]


def _unterminated(css: str) -> bool:
    for token in flat_tokens(tinycss2.parse_component_value_list(css, skip_comments=True)):
        if token.type == "error" and token.kind in ("eof-in-string", "eof-in-url", "bad-string", "bad-url"):
            return True
    return css.count("/*") > css.count("*/")


def _rules_problems(rules: Iterable[Any]) -> Iterator[str]:
    for rule in rules:
        if rule.type == "error":
            yield f"the CSS does not parse ({rule.message})"
        elif rule.type == "at-rule":
            yield from _at_rule_problems(rule)
        elif rule.type == "qualified-rule":
            yield from _selector_problems(rule.prelude)
            if rule.content is None:
                continue
            yield from _block_problems(rule.content)


def _at_rule_problems(rule: Any) -> Iterator[str]:
    if rule.lower_at_keyword not in ALLOWED_AT_RULES:
        yield f"@{rule.lower_at_keyword} reaches beyond the component (allowed: @media, @supports, @container)"
        return
    yield from _structure_problems(rule.prelude, "the prelude of @" + rule.lower_at_keyword)
    if rule.content is not None:
        yield from _rules_problems(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))


def _block_problems(content: list[Any]) -> Iterator[str]:
    for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            yield from _declaration_problems(item.lower_name, item.value)
        elif item.type == "qualified-rule":  # CSS nesting
            yield from _selector_problems(item.prelude)
            if item.content is not None:
                yield from _block_problems(item.content)
        elif item.type == "at-rule":
            yield from _at_rule_problems(item)
        elif item.type == "error":
            yield f"the CSS does not parse ({item.message})"


def _selector_problems(prelude: list[Any]) -> Iterator[str]:
    yield from _structure_problems(prelude, "a selector")
    previous = None
    for token in flat_tokens(prelude):
        if token.type == "ident" and token.lower_value in GLOBAL_SELECTORS and not _qualifies(previous):
            yield f"the selector {token.value!r} reaches the page outside the component"
        if token.type in ("ident", "function") and _is_colon(previous) and \
                _name(token) in GLOBAL_PSEUDO:
            yield f"the selector ':{_name(token)}' reaches the page outside the component"
        if token.type != "whitespace":
            previous = token


def _name(token: Any) -> str:
    return str(token.lower_value if token.type == "ident" else token.lower_name)


def _is_colon(token: Any) -> bool:
    return token is not None and token.type == "literal" and token.value == ":"


def _qualifies(token: Any) -> bool:
    """True when ``token`` makes the next identifier a class, pseudo-class or attribute, not a tag."""
    return token is not None and token.type == "literal" and token.value in (".", ":", "-")


def _structure_problems(tokens: list[Any], what: str) -> Iterator[str]:
    for token in flat_tokens(tokens):
        if token.type == "error":
            yield f"{what} does not parse ({token.message})"
        elif token.type == "{} block" or (token.type == "literal" and token.value in ("{", "}", ";")):
            yield f"{what} holds a brace or ';', which could close the @scope block"


def _value_structure(tokens: list[Any]) -> Iterator[str]:
    for token in flat_tokens(tokens):
        if token.type == "error":
            yield f"the value does not parse ({token.message})"
        elif token.type == "{} block" or (token.type == "literal" and token.value in ("{", "}", ";")):
            yield "the value holds ';' or a brace, which would start another declaration"


def _declaration_problems(prop: str, value: list[Any]) -> Iterator[str]:
    if prop in FORBIDDEN_PROPERTIES:
        yield f"the property {prop!r} runs code"
    if prop == "position" and any(t.type == "ident" and t.lower_value == "fixed" for t in value):
        yield "position: fixed places the element relative to the page, outside the component"
    for token in flat_tokens(value):
        if token.type == "url" and not _DATA_IMAGE.match(token.value):
            yield f"url({token.value}) loads a resource (only data: images are allowed)"
        elif token.type == "function":
            yield from _function_problems(token)


def _function_problems(token: Any) -> Iterator[str]:
    name = token.lower_name
    if name in FORBIDDEN_FUNCTIONS:
        yield f"{name}() is not allowed in component CSS"
    elif name in ("url", "src") or name in URL_STRING_FUNCTIONS:
        for arg in token.arguments:
            if arg.type == "string" and not _DATA_IMAGE.match(arg.value):
                yield f"{name}({arg.value!r}) loads a resource (only data: images are allowed)"


def flat_tokens(tokens: Iterable[Any]) -> Iterator[Any]:
    """Every token, descending into blocks and function arguments."""
    for token in tokens:
        yield token
        if token.type in ("() block", "[] block", "{} block"):
            yield from flat_tokens(token.content)
        elif token.type == "function":
            yield from flat_tokens(token.arguments)
