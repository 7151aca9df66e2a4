"""Layer 1 of the sandbox: the static check that refuses templates reaching for Python internals.

:func:`check_template_safety` walks the parsed template (and its string literals) *before anything runs*
and refuses references to Python internals (``template.unsafe``); a source that does not parse is a
``template.syntax`` error with file and line. :class:`~harness.sandbox.environment.PlatformSandbox` runs
this check on every template it compiles, includes too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError, nodes

from harness.errors import TemplateError, UnsafeTemplateError, Where

__all__ = ["UNSAFE_ATTRIBUTES", "UNSAFE_FILTERS", "UNSAFE_NAMES", "Problem", "check_template_safety",
           "raise_problem", "tree_problem"]

# Names that reach template or framework internals (Jinja's own globals are not defined here at all).
UNSAFE_NAMES = frozenset({
    "self", "config", "request", "session", "cycler", "joiner", "lipsum", "namespace", "environment",
    "context", "builtins",
})
# Attributes of Python objects that lead to frames, globals, classes or code.
UNSAFE_ATTRIBUTES = frozenset({
    "mro", "subclasses", "builtins", "globals", "format", "format_map", "environment",
    "func_globals", "func_code", "func_closure", "func_defaults", "gi_frame", "gi_code", "gi_yieldfrom",
    "cr_frame", "cr_code", "ag_frame", "ag_code", "f_globals", "f_locals", "f_builtins", "f_back",
    "f_code", "co_code", "tb_frame", "tb_next", "im_func", "im_self", "im_class",
})
UNSAFE_FILTERS = frozenset({"attr", "format", "pprint"})
_DUNDER = re.compile(r"(?<![A-Za-z0-9])__\w+__")
# A backslash escape that spells a character by number or name (``'\x5f'``, ``'\137'``, ``'\N{...}'``).
_CODED_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\(?:x|u|U|N\{|[0-7])")
_NUMERIC_FILTERS = frozenset({"int", "float", "abs", "round", "length", "count"})


def _unsafe_name(name: str) -> bool:
    return name.startswith("_") or name in UNSAFE_ATTRIBUTES


def _attribute_problem(name: str, how: str) -> str | None:
    for part in name.split("."):
        if _unsafe_name(part):
            return f"{how} {part!r} reaches Python internals"
    return None


def _builds_string(key: nodes.Node) -> bool:
    """Whether a subscript key is computed from strings (``x['_' ~ '_class__']``), not looked up or counted."""
    if isinstance(key, nodes.Concat):
        return True
    if isinstance(key, nodes.Filter):
        return key.name not in _NUMERIC_FILTERS
    if isinstance(key, nodes.Add | nodes.Mul | nodes.Mod):
        return any(isinstance(c.value, str) for c in key.find_all(nodes.Const)) or any(
            _builds_string(child) for child in key.iter_child_nodes())
    return False


def _node_problem(node: nodes.Node) -> str | None:
    """What is unsafe about this one node, or None."""
    if isinstance(node, nodes.Name):
        unsafe = node.name.startswith("_") or node.name in UNSAFE_NAMES
        return f"the name {node.name!r} reaches template internals" if unsafe else None
    if isinstance(node, nodes.Getattr | nodes.NSRef):
        return _attribute_problem(node.attr, "the attribute")
    if isinstance(node, nodes.Getitem):
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            return _attribute_problem(node.arg.value, "the subscript")
        if _builds_string(node.arg):
            return "a subscript whose key is built from strings (use a literal key or a variable)"
        return None
    if isinstance(node, nodes.Filter):
        if node.name in UNSAFE_FILTERS:
            return f"the {node.name!r} filter reaches Python internals"
        for keyword in node.kwargs:
            if keyword.key == "attribute":
                if not isinstance(keyword.value, nodes.Const) or not isinstance(keyword.value.value, str):
                    return f"the {node.name!r} filter's attribute= must be a literal name"
                return _attribute_problem(keyword.value.value, "the attribute=")
        return None
    if isinstance(node, nodes.Const) and isinstance(node.value, str) and _DUNDER.search(node.value):
        return f"the string {node.value!r} spells a Python internal name"
    if isinstance(node, nodes.Mod) and isinstance(node.left, nodes.Const) and "%c" in str(node.left.value):
        return "'%c' formatting builds characters from numbers"
    return None


@dataclass(frozen=True)
class Problem:
    """The first thing wrong with a template: its error code, a sentence, and where."""

    code: str  # template.syntax or template.unsafe
    message: str
    line: int | None
    file: str | None = None


def tree_problem(tree: nodes.Template) -> Problem | None:
    """The first node of a parsed template that reaches for internals, as a problem, or None."""
    for node in tree.find_all(nodes.Node):
        problem = _node_problem(node)
        if problem is not None:
            return Problem("template.unsafe", problem, node.lineno)
    return None


@functools.cache
def _parser() -> Environment:
    """A parser with the sandbox's syntax: Jinja's defaults (the sandbox changes running, not parsing)."""
    return Environment()


@functools.lru_cache(maxsize=1024)
def _source_problem(source: str, name: str) -> Problem | None:
    """The first thing wrong with a template source (cached: a fleet shares most of its files)."""
    env = _parser()
    try:
        for line, kind, value in env.lex(source, name):
            if kind == "string" and _CODED_ESCAPE.search(value):
                return Problem("template.unsafe", f"the string {value} spells characters with escape codes", line)
        return tree_problem(env.parse(source, name, name))
    except TemplateSyntaxError as exc:
        return Problem("template.syntax", exc.message or "syntax error", exc.lineno, exc.name)


def raise_problem(problem: Problem, name: str, where: Where) -> None:
    """Raise ``problem`` as the error of its code (``template.syntax`` or ``template.unsafe``)."""
    here = where.merged(Where(file=problem.file or name, line=problem.line))
    if problem.code == "template.syntax":
        raise TemplateError(f"the template does not parse: {problem.message}", where=here, code=problem.code,
                            fix="fix the template syntax at that line (an unclosed tag or a misspelt tag name "
                                "is the usual cause)")
    raise UnsafeTemplateError(
        f"{problem.message}; the template was refused and not run", where=here, code=problem.code,
        fix="remove that reference: templates may use the component's data (product, settings, ...), "
            "the platform filters and Jinja's safe built-ins only",
    )


def check_template_safety(source: str, *, name: str, where: Where | None = None) -> None:
    """Refuse (``template.unsafe``) a template that reaches for Python internals; never runs it.

    Also raises ``template.syntax`` (with file and line) when the source does not parse.
    """
    problem = _source_problem(source, name)
    if problem is not None:
        raise_problem(problem, name, where or Where())

