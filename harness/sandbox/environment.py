"""Layers 2 and 3 of the sandbox: the environment and its budgets, and rendering.

Jinja's ``ImmutableSandboxedEnvironment`` stops at run time what a static check cannot see (names built
from data); we make that access an error instead of a silent empty string. Budgets
(:class:`SandboxLimits`): output size and time are checked while ``generate()`` streams, in every loop
iteration, call and include, and before every operation that can multiply a string (``*``, ``**``, ``+``,
``%``, ``~``, joins of buffered blocks, the widening string methods and filters).
"""

from __future__ import annotations

import copy
import re
import time
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import BaseLoader, ChainableUndefined, Environment, TemplateNotFound, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
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
from harness.sandbox.filters import estimated_len, platform_filters
from harness.sandbox.safety import (
    UNSAFE_ATTRIBUTES,
    UNSAFE_FILTERS,
    check_template_safety,
    raise_problem,
    tree_problem,
)

__all__ = ["DEFAULT_LIMITS", "PlatformSandbox", "SandboxLimits", "make_environment", "render_template"]


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

@dataclass(frozen=True)
class _Budget:
    limits: SandboxLimits
    deadline: float


_BUDGET: ContextVar[_Budget | None] = ContextVar("phoenix_sandbox_budget", default=None)


def _clock() -> float:
    """The CPU time of this thread, not the wall clock: a template's budget must not depend on how busy the
    machine is (on a loaded CI runner a 5 ms render once took over 2 s of wall time and failed its budget,
    turning a complete translation partial). A sandboxed template cannot wait without spending CPU."""
    return time.thread_time()


def _limit(message: str, fix: str) -> TemplateLimitError:
    return TemplateLimitError(message, fix=fix, code="template.limit")


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
        if budget is not None and _clock() > budget.deadline:
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
        self.ensure_size(sum(estimated_len(value, cap) for value in values), "joining with '~'")
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
            self.ensure_size(estimated_len(value, cap), "printing a collection")
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
                    one = estimated_len(seq, limits.max_output_chars)
                    self.ensure_size(one * times, "repeating a value with '*'")
                    if not isinstance(seq, str) and len(seq) * times > limits.max_range:
                        raise _limit("repeating a list with '*' makes too many items", "repeat fewer times")
        elif operator == "**" and ints and right > 0 and abs(left) > 1:
            if left.bit_length() * right > limits.max_int_bits:
                raise _limit(f"{left} ** {right} is too large", "compute smaller numbers")
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            cap = limits.max_output_chars
            self.ensure_size(estimated_len(left, cap) + estimated_len(right, cap), "adding with '+'")
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
            size = sum(estimated_len(item, cap) for item in items) + len(owner) * len(items)
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
            problem = tree_problem(source)
            if problem is not None:
                raise_problem(problem, label, Where())
        if raw:
            return super().compile(source, name, filename, raw=True, defer_init=defer_init)
        return super().compile(source, name, filename, raw=False, defer_init=defer_init)

    def get_template(self, name: str | Any, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> Any:
        self.check_time()  # includes and imports come through here, recursion included
        return super().get_template(name, parent, globals)


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
    budget = _Budget(limits, _clock() + limits.max_seconds)
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
