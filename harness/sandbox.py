"""The one Jinja sandbox, shared by legacy rendering and the SlotRenderer.

Templates here are user-edited, so they are hostile until proven otherwise. Three layers:

1. :func:`check_template_safety` walks the parsed template (and its string literals) *before anything
   runs* and refuses references to Python internals (``template.unsafe``). Every template the
   environment compiles passes this check (:meth:`PlatformSandbox.compile`), includes too.
2. Jinja's ``ImmutableSandboxedEnvironment`` stops at run time what a static check cannot see (names
   built from data); we make that access an error instead of a silent empty string.
3. Budgets (:class:`SandboxLimits`): output size and time are checked while ``generate()`` streams, in
   every loop iteration, call and include, and before every operation that can multiply a string
   (``*``, ``**``, ``+``, ``%``, ``~``, joins of buffered blocks, the widening string methods and filters).

Platform filters: ``money`` (cents → ``$1,234.50``), ``t`` (locale lookup, ``%{name}`` or ``{{ name }}``
interpolation, a visible ``translation missing: key`` marker), ``img_url(image, width)``.
"""

from __future__ import annotations

import copy
import functools
import re
import time
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from jinja2 import (
    BaseLoader,
    ChainableUndefined,
    Environment,
    TemplateNotFound,
    TemplateSyntaxError,
    nodes,
    pass_eval_context,
)
from jinja2 import filters as builtin_filters
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from harness.errors import (
    ConfigError,
    PhoenixError,
    TemplateError,
    TemplateLimitError,
    UnsafeTemplateError,
    Where,
)

__all__ = ["PlatformSandbox", "SandboxLimits", "check_template_safety", "make_environment", "render_template"]


@dataclass(frozen=True)
class SandboxLimits:
    """Budgets for one render. Exceeding any of them is a ``template.limit`` error."""

    max_output_chars: int = 2_000_000  # also caps any single string a template builds
    max_seconds: float = 2.0
    max_range: int = 10_000  # items a range or a repeated list may hold
    max_int_bits: int = 16_384  # integers a template computes (``2 ** 100000`` stops here)

    def __post_init__(self) -> None:
        for name in ("max_output_chars", "max_seconds", "max_range", "max_int_bits"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"sandbox limit {name} must be positive, got {getattr(self, name)!r}",
                                  fix=f"set {name} to a positive number", code="config.invalid")


DEFAULT_LIMITS = SandboxLimits()


# --- layer 1: the static check ----------------------------------------------------------------------

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
class _Problem:
    code: str  # template.syntax or template.unsafe
    message: str
    line: int | None
    file: str | None = None


def _tree_problem(tree: nodes.Template) -> _Problem | None:
    for node in tree.find_all(nodes.Node):
        problem = _node_problem(node)
        if problem is not None:
            return _Problem("template.unsafe", problem, node.lineno)
    return None


@functools.lru_cache(maxsize=1024)
def _source_problem(source: str, name: str) -> _Problem | None:
    """The first thing wrong with a template source (cached: a fleet shares most of its files)."""
    env = _parser()
    try:
        for line, kind, value in env.lex(source, name):
            if kind == "string" and _CODED_ESCAPE.search(value):
                return _Problem("template.unsafe", f"the string {value} spells characters with escape codes", line)
        return _tree_problem(env.parse(source, name, name))
    except TemplateSyntaxError as exc:
        return _Problem("template.syntax", exc.message or "syntax error", exc.lineno, exc.name)


def _raise(problem: _Problem, name: str, where: Where) -> None:
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
        _raise(problem, name, where or Where())


# --- layers 2 and 3: the environment ----------------------------------------------------------------

@dataclass(frozen=True)
class _Budget:
    limits: SandboxLimits
    deadline: float


_BUDGET: ContextVar[_Budget | None] = ContextVar("phoenix_sandbox_budget", default=None)


def _limit(message: str, fix: str) -> TemplateLimitError:
    return TemplateLimitError(message, fix=fix, code="template.limit")


def _estimated_len(value: Any, cap: int) -> int:
    """Characters ``str(value)`` would take, counted without building it (stops counting past ``cap``)."""
    total, stack = 0, [value]
    while stack and total <= cap:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, Mapping):
            total += 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 * len(item) + 2
            stack.extend(item)
        else:
            total += 24
    return total


# --- the platform's filters -------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\{\s*(\w+)\s*\}|\{\{\s*(\w+)\s*\}\}")
_CENT = Decimal("0.01")


def _filter_error(message: str, fix: str) -> TemplateError:
    return TemplateError(message, fix=fix, code="template.runtime")


def money(cents: Any) -> str:
    """An amount in cents as the storefront shows it: ``1234550`` → ``$12,345.50``; nothing for no value."""
    if cents is None or isinstance(cents, Undefined):
        return ""
    try:
        if isinstance(cents, bool):
            raise InvalidOperation
        amount = (Decimal(str(cents).strip()) / 100).quantize(_CENT, ROUND_HALF_UP)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise _filter_error(f"money expects an amount in cents, got {cents!r}",
                            "pass a whole number of cents (price, compare_at_price, ...)")
    return f"{'-' if amount < 0 else ''}${abs(amount):,.2f}"


def translator(locale: Mapping[str, str]) -> Callable[..., str]:
    """The ``t`` filter over one locale: ``{{ 'products.percent_off' | t(percent=20) }}``."""

    def t(key: Any, **values: Any) -> str:
        text = locale.get(str(key))
        if text is None:
            return f"translation missing: {key}"

        def fill(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(2)
            return str(values[name]) if name in values else match.group(0)

        return _PLACEHOLDER.sub(fill, text)

    return t


def img_url(image: Any, width: Any = None) -> str:
    """The URL of an image (a ``{src, ...}`` mapping or a URL) at ``width`` pixels, CDN style."""
    src = image.get("src") if isinstance(image, Mapping) else image
    if src is None or isinstance(src, Undefined) or src == "":
        return ""
    url = str(src)
    if width is None:
        return url
    if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= 5760:
        raise _filter_error(f"img_url expects a width between 1 and 5760 pixels, got {width!r}",
                            "pass a whole number of pixels, e.g. img_url(533)")
    return f"{url}{'&' if '?' in url else '?'}width={width}"


def _number(value: Any) -> int:
    return value if isinstance(value, int) else 0


def platform_filters(env: PlatformSandbox, locale: Mapping[str, str]) -> dict[str, Callable[..., Any]]:
    """The platform filters, and Jinja's widening filters with a size check in front."""

    def center(value: Any, width: int = 80) -> str:
        env.ensure_size(_number(width), "the center filter")
        return builtin_filters.do_center(value, width)

    def indent(s: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
        text, pad = str(s), len(width) if isinstance(width, str) else _number(width)
        env.ensure_size(len(text) + (text.count("\n") + 1) * pad, "the indent filter")
        return builtin_filters.do_indent(s, width, first, blank)

    @pass_eval_context
    def replace(eval_ctx: EvalContext, s: Any, old: Any, new: Any, count: int | None = None) -> str:
        text, old_text, new_text = str(s), str(old), str(new)
        hits = text.count(old_text) if old_text else len(text) + 1
        env.ensure_size(len(text) + hits * (len(new_text) - len(old_text)), "the replace filter")
        return builtin_filters.do_replace(eval_ctx, s, old, new, count)

    @pass_eval_context
    def join(eval_ctx: EvalContext, value: Any, d: str = "", attribute: str | int | None = None) -> str:
        items = [] if value is None else list(value)
        cap = env.current_limits().max_output_chars
        env.ensure_size(sum(_estimated_len(i, cap) for i in items) + len(str(d)) * len(items), "the join filter")
        return builtin_filters.sync_do_join(eval_ctx, items, d, attribute)

    def wordwrap(s: Any, width: int = 79, break_long_words: bool = True, wrapstring: str | None = None,
                 break_on_hyphens: bool = True) -> str:
        text, wrap = str(s), wrapstring if wrapstring is not None else env.newline_sequence
        env.ensure_size(len(text) + (len(text) // max(_number(width), 1) + 1) * len(wrap), "the wordwrap filter")
        return builtin_filters.do_wordwrap(env, s, width, break_long_words, wrapstring, break_on_hyphens)

    def counted(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(value: Any, count: int, *args: Any) -> Any:
            env._range(_number(count))
            return original(value, count, *args)
        guarded.__name__ = name
        return guarded

    return {"money": money, "t": translator(locale), "img_url": img_url, "center": center, "indent": indent,
            "replace": replace, "join": join, "wordwrap": wordwrap,
            "slice": counted("slice", builtin_filters.sync_do_slice),
            "batch": counted("batch", builtin_filters.do_batch)}


class _BudgetedCodeGenerator(CodeGenerator):
    """Jinja's code generator with two hooks (``Environment.code_generator_class`` is the documented way).

    Every ``{% for %}`` iterates through :meth:`PlatformSandbox.budget_loop` (a time check, and ``None``
    iterates as empty, like Liquid's nil), and every ``~`` goes through :meth:`PlatformSandbox.bounded_concat`
    so a doubling string is stopped before it is built. Jinja has no interception point for either.
    """

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        node = copy.copy(node)  # the caller's tree stays as it was
        node.iter = nodes.Call(nodes.EnvironmentAttribute("budget_loop"), [node.iter], [], None, None,
                               lineno=node.lineno)
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        else:
            join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
        self.write(f"environment.bounded_concat({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _FilesLoader(BaseLoader):
    """Jinja's BaseLoader, but each file is reported under its own name so tracebacks and errors name it."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = dict(files)

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.files:
            raise TemplateNotFound(template)
        return self.files[template], template, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.files)


class PlatformSandbox(ImmutableSandboxedEnvironment):
    """The sandboxed environment of the storefront platform. Build it with :func:`make_environment`."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BudgetedCodeGenerator

    def __init__(self, files: Mapping[str, str], locale: Mapping[str, str], limits: SandboxLimits) -> None:
        super().__init__(loader=_FilesLoader(dict(files)), autoescape=True, undefined=ChainableUndefined,
                         finalize=self._finalize, auto_reload=False)
        self.limits = limits
        self.globals.clear()  # no cycler, joiner, lipsum or namespace: nothing here needs them
        self.globals.update(range=self._range, dict=dict)
        self.filters.update(platform_filters(self, locale))
        for name in UNSAFE_FILTERS | {"random"}:  # random: a render must be repeatable
            self.filters.pop(name, None)

    # budgets
    def current_limits(self) -> SandboxLimits:
        budget = _BUDGET.get()
        return budget.limits if budget is not None else self.limits

    def check_time(self) -> None:
        budget = _BUDGET.get()
        if budget is not None and time.monotonic() > budget.deadline:
            raise _limit(f"the template ran longer than {budget.limits.max_seconds:g} s",
                         "remove the loop or recursion that does not end (or raise max_seconds)")

    def ensure_size(self, chars: int, what: str) -> None:
        cap = self.current_limits().max_output_chars
        if chars > cap:
            raise _limit(f"{what} would make {chars:,} characters; the limit is {cap:,}",
                         "build less output (or raise max_output_chars)")

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        cap = self.current_limits().max_range
        if len(numbers) > cap:
            raise _limit(f"range({', '.join(map(str, args))}) has {len(numbers):,} items; the limit is {cap:,}",
                         "loop over fewer items (or raise max_range)")
        return numbers

    def budget_loop(self, iterable: Any) -> Iterator[Any]:
        if iterable is None:
            return
        for count, item in enumerate(iterable):
            if count % 32 == 0:
                self.check_time()
            yield item

    def bounded_concat(self, join: Callable[[Iterable[Any]], str], values: tuple[Any, ...]) -> str:
        cap = self.current_limits().max_output_chars
        self.ensure_size(sum(_estimated_len(value, cap) for value in values), "joining with '~'")
        return join(values)

    def concat(self, parts: Iterable[str]) -> str:  # Jinja's is "".join
        items = list(parts)
        self.ensure_size(sum(map(len, items)), "a block of output")
        return "".join(items)

    def _finalize(self, value: Any) -> Any:
        if value is None:
            return ""  # like Liquid's nil
        if isinstance(value, list | tuple | set | frozenset | Mapping):
            cap = self.current_limits().max_output_chars
            self.ensure_size(_estimated_len(value, cap), "printing a collection")
        return value

    # operators and calls
    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self._check_binop(operator, left, right, self.current_limits())
        return self.binop_table[operator](left, right)

    def _check_binop(self, operator: str, left: Any, right: Any, limits: SandboxLimits) -> None:
        ints = isinstance(left, int) and isinstance(right, int)
        if operator == "*" and ints and left.bit_length() + right.bit_length() > limits.max_int_bits:
            raise _limit("a multiplication makes an integer too large", "compute smaller numbers")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int) and times > 1:
                    one = _estimated_len(seq, limits.max_output_chars)
                    self.ensure_size(one * times, "repeating a value with '*'")
                    if not isinstance(seq, str) and len(seq) * times > limits.max_range:
                        raise _limit("repeating a list with '*' makes too many items", "repeat fewer times")
        elif operator == "**" and ints and right > 0 and abs(left) > 1:
            if left.bit_length() * right > limits.max_int_bits:
                raise _limit(f"{left} ** {right} is too large", "compute smaller numbers")
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            cap = limits.max_output_chars
            self.ensure_size(_estimated_len(left, cap) + _estimated_len(right, cap), "adding with '+'")
        elif operator == "%" and isinstance(left, str):
            self._check_printf(left, limits)

    def _check_printf(self, fmt: str, limits: SandboxLimits) -> None:
        for match in re.finditer(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?", fmt):
            for group in match.groups():
                if group == "*" or (group is not None and int(group) > limits.max_output_chars):
                    raise _limit(f"the format {match.group(0)!r} is too wide", "use a smaller width")

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.check_time()
        args = self._guard_string_method(obj, args, kwargs)
        return super().call(context, obj, *args, **kwargs)

    def _guard_string_method(self, obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        owner = getattr(obj, "__self__", None)
        if not isinstance(owner, str) or not isinstance(obj, types.BuiltinMethodType | types.MethodType):
            return args
        method = obj.__name__
        first = args[0] if args else next(iter(kwargs.values()), None)
        if method in {"center", "ljust", "rjust", "zfill"} and isinstance(first, int):
            self.ensure_size(first, f"str.{method}")
        elif method == "expandtabs" and isinstance(first, int):
            self.ensure_size(len(owner) + owner.count("\t") * first, "str.expandtabs")
        elif method == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
            hits = owner.count(args[0]) if args[0] else len(owner) + 1
            self.ensure_size(len(owner) + hits * (len(args[1]) - len(args[0])), "str.replace")
        elif method == "join" and args:
            items = list(args[0])
            cap = self.current_limits().max_output_chars
            size = sum(_estimated_len(item, cap) for item in items) + len(owner) * len(items)
            self.ensure_size(size, "str.join")
            return (items, *args[1:])
        return args

    # attribute access: refusals are errors, not silent empty strings
    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return attr not in UNSAFE_ATTRIBUTES and super().is_safe_attribute(obj, attr, value)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        raise SecurityError(f"access to attribute {attribute!r} of a {type(obj).__name__!r} object is unsafe")

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if super().wrap_str_format(value) is not None:
            raise SecurityError("str.format reaches object attributes and is not allowed")
        return None

    # every template compiled here (loaded, included or from_string) passes the static check first
    def compile(self, source: str | nodes.Template, name: str | None = None,
                filename: str | None = None, raw: bool = False, defer_init: bool = False) -> Any:
        label = name or filename or "<template>"
        if isinstance(source, str):
            check_template_safety(source, name=label)
            source = self.parse(source, name, filename)
        else:
            problem = _tree_problem(source)
            if problem is not None:
                _raise(problem, label, Where())
        if raw:
            return super().compile(source, name, filename, raw=True, defer_init=defer_init)
        return super().compile(source, name, filename, raw=False, defer_init=defer_init)

    def get_template(self, name: str | Any, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> Any:
        self.check_time()  # includes and imports come through here, recursion included
        return super().get_template(name, parent, globals)


@functools.cache
def _parser() -> PlatformSandbox:
    return PlatformSandbox({}, {}, DEFAULT_LIMITS)


def make_environment(files: Mapping[str, str], *, locale: Mapping[str, str] | None = None,
                     limits: SandboxLimits | None = None) -> PlatformSandbox:
    """A sandbox over ``files`` (relative path → source): autoescape on, Liquid-like undefined."""
    return PlatformSandbox(files, locale or {}, limits or DEFAULT_LIMITS)


# --- rendering ----------------------------------------------------------------------------------------

def _where_in_templates(exc: BaseException, env: PlatformSandbox, name: str) -> Where:
    """The innermost template file and line of an error, from Jinja's rewritten traceback."""
    files = set(env.loader.list_templates()) if env.loader is not None else set()
    where, tb = Where(file=name), exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in files:
            where = Where(file=tb.tb_frame.f_code.co_filename, line=tb.tb_lineno)
        tb = tb.tb_next
    return where


def _translate(exc: Exception, env: PlatformSandbox, name: str) -> PhoenixError:
    here = _where_in_templates(exc, env, name)
    if isinstance(exc, PhoenixError):
        return exc.at(here)
    if isinstance(exc, TemplateSyntaxError):
        return TemplateError(f"the template does not parse: {exc.message}", code="template.syntax",
                             where=Where(file=exc.name or name, line=exc.lineno), fix="fix the template syntax")
    if isinstance(exc, SecurityError):
        return UnsafeTemplateError(f"the sandbox stopped an unsafe operation: {exc}", where=here,
                                   fix="remove the access to Python internals", code="template.unsafe")
    if isinstance(exc, RecursionError | MemoryError):
        return TemplateLimitError("the template recursed too deeply or ran out of memory", where=here,
                                  fix="give the recursive macro or include a base case", code="template.limit")
    if isinstance(exc, TemplateNotFound):
        return TemplateError(f"the template includes {exc.name!r}, which the component does not have",
                             where=here, fix="include one of the component's files, or add the file",
                             code="template.missing")
    return TemplateError(f"the template failed while rendering: {type(exc).__name__}: {exc}", where=here,
                         fix="check that line against the scenario data (a missing value used in arithmetic "
                             "or a wrong type is the usual cause)", code="template.runtime")


def render_template(env: PlatformSandbox, name: str, data: Mapping[str, Any], *,
                    limits: SandboxLimits | None = None) -> str:
    """Render ``name`` with ``data``, streaming, within ``limits`` (default: the environment's)."""
    limits = limits or env.limits
    budget = _Budget(limits, time.monotonic() + limits.max_seconds)
    token = _BUDGET.set(budget)
    parts: list[str] = []
    size = 0
    try:
        for chunk in env.get_template(name).generate(dict(data)):
            size += len(chunk)
            env.ensure_size(size, "the output")
            env.check_time()
            parts.append(chunk)
    except Exception as exc:
        raise _translate(exc, env, name) from exc
    finally:
        _BUDGET.reset(token)
    return "".join(parts)
