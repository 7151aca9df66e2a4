"""The platform's filters, and Jinja's widening filters with a size check in front.

``money`` (cents → ``$1,234.50``), ``t`` (locale lookup, ``%{name}`` or ``{{ name }}`` interpolation, a
visible ``translation missing: key`` marker), ``img_url(image, width)``; ``center``, ``indent``, ``replace``,
``join``, ``wordwrap``, ``slice`` and ``batch`` check the sandbox's budgets before they build anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from jinja2 import filters as builtin_filters
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.runtime import Undefined

from harness.errors import TemplateError

if TYPE_CHECKING:
    from harness.sandbox.environment import PlatformSandbox

__all__ = ["estimated_len", "img_url", "money", "platform_filters", "translator"]


def estimated_len(value: Any, cap: int) -> int:
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
        env.ensure_size(sum(estimated_len(i, cap) for i in items) + len(str(d)) * len(items), "the join filter")
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
