"""The Jinja sandbox: unsafe templates never run, budgets hold, platform filters behave (harness/sandbox.py)."""

from __future__ import annotations

import os
from typing import Any

import jinja2
import pytest

from harness.errors import TemplateError, TemplateLimitError, UnsafeTemplateError, Where
from harness.sandbox import SandboxLimits, check_template_safety, make_environment, render_template


class Probe:
    """Data whose method leaves a trace when a template runs at all."""

    def __init__(self) -> None:
        self.calls = 0

    def touch(self) -> str:
        self.calls += 1
        return "TOUCHED"


def render(source: str, data: dict[str, Any] | None = None, *, limits: SandboxLimits | None = None,
           locale: dict[str, str] | None = None) -> str:
    env = make_environment({"t.html.j2": source}, locale=locale or {}, limits=limits)
    return render_template(env, "t.html.j2", data or {})


# id → (payload, what it prints when it runs in a plain, unsandboxed Jinja environment; None: a web-framework
# payload with nothing to reach here)
PAYLOADS: dict[str, tuple[str, str | None]] = {
    "str-class-mro": ("{{ ''.__class__.__mro__ }}", "<class 'object'>"),
    "object-subclasses": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "<class 'type'>"),
    "mro-method": ("{{ ''.__class__.mro()[1].__subclasses__() }}", "<class 'type'>"),
    "int-base-subclasses": ("{{ (1).__class__.__base__.__subclasses__() }}", "<class 'type'>"),
    "cycler-init-globals-os": ("{{ cycler.__init__.__globals__.os.getcwd() }}", os.getcwd()),
    "lipsum-globals-os": ("{{ lipsum.__globals__['os'].getcwd() }}", os.getcwd()),
    "joiner-init-globals": ("{{ joiner.__init__.__globals__.__name__ }}", "jinja2.utils"),
    "namespace-init-globals": ("{{ namespace.__init__.__globals__.__name__ }}", "jinja2.utils"),
    "self-template-context": ("{{ self._TemplateReference__context }}", "<Context"),
    "self-init-globals": ("{{ self.__init__.__globals__.__name__ }}", "jinja2.runtime"),
    "attr-filter": ("{{ ''|attr('__class__') }}", "<class 'str'>"),
    "str-format-method": ("{{ '{0.__class__}'.format(product) }}", "<class 'dict'>"),
    "format-filter": ("{{ '%s'|format(product.__class__) }}", "<class 'dict'>"),
    "hex-escaped-dunder": ("{{ ''['\\x5f\\x5fclass\\x5f\\x5f'] }}", "<class 'str'>"),
    "octal-escaped-dunder": ("{{ product['\\137\\137class\\137\\137'] }}", "<class 'dict'>"),
    "dunder-subscript": ("{{ product['__class__'] }}", "<class 'dict'>"),
    "computed-subscript": ("{{ product['_' ~ '_class__'] }}", "<class 'dict'>"),
    "printf-char-codes": ("{{ '%c%c%s%c%c' % (95, 95, 'class', 95, 95) }}", "__class__"),
    "generator-frame-globals": ("{{ (product|map('string')).gi_frame.f_globals.__name__ }}", "jinja2.filters"),
    "map-attribute-dunder": ("{{ [product]|map(attribute='__class__')|list }}", "<class 'dict'>"),
    "flask-config": ("{{ config.items() }}", None),
    "flask-request-globals": ("{{ request.application.__globals__.__builtins__ }}", None),
}
LIVE = sorted(name for name, (_, trace) in PAYLOADS.items() if trace is not None)
PRODUCT = {"title": "Linen Overshirt", "price": 6800}


@pytest.mark.parametrize("payload", LIVE)
def test_the_payload_is_live_in_plain_jinja(payload: str) -> None:
    source, trace = PAYLOADS[payload]
    assert trace is not None
    assert trace in jinja2.Environment().from_string(source).render(product=PRODUCT)


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_the_static_check_refuses_the_payload(payload: str) -> None:
    source = "<p>{{ product.title }}</p>\n" + PAYLOADS[payload][0]
    with pytest.raises(UnsafeTemplateError) as caught:
        check_template_safety(source, name="evil.html.j2", where=Where(user="u042", component="product-card"))
    error = caught.value
    assert error.code == "template.unsafe"
    assert (error.where.user, error.where.component, error.where.file, error.where.line) == (
        "u042", "product-card", "evil.html.j2", 2)
    assert error.fix


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_the_payload_never_executes_in_the_sandbox(payload: str) -> None:
    probe = Probe()
    env = make_environment({"evil.html.j2": "{{ probe.touch() }}\n" + PAYLOADS[payload][0]})
    with pytest.raises(UnsafeTemplateError):
        render_template(env, "evil.html.j2", {"probe": probe, "product": dict(PRODUCT)})
    assert probe.calls == 0


def test_from_string_is_checked_too() -> None:
    env = make_environment({})
    with pytest.raises(UnsafeTemplateError):
        env.from_string("{{ ''.__class__ }}")


# Names built from data at run time cannot be seen statically: Jinja's sandbox stops them, loudly.
RUNTIME_PAYLOADS: dict[str, tuple[str, str]] = {
    "name-in-a-variable": ("{% set k = '_' ~ '_class__' %}{{ product[k] }}", "<class 'dict'>"),
    "groupby-built-name": ("{% set k = '_' ~ '_class__' %}{{ [product]|groupby(k)|list }}", "<class 'dict'>"),
    "format-by-subscript": ("{% set f = 'form' ~ 'at' %}{% set s = '{0._' ~ '_class_' ~ '_}' %}{{ s[f](product) }}",
                            "<class 'dict'>"),
}


@pytest.mark.parametrize("payload", sorted(RUNTIME_PAYLOADS))
def test_names_built_at_run_time_are_stopped_by_the_sandbox(payload: str) -> None:
    source, trace = RUNTIME_PAYLOADS[payload]
    assert trace in jinja2.Environment().from_string(source).render(product=PRODUCT)
    check_template_safety(source, name="t.html.j2")  # invisible to the static check ...
    with pytest.raises(UnsafeTemplateError, match="sandbox stopped") as caught:
        render(source, {"product": dict(PRODUCT)})  # ... but stopped, and no output is returned
    assert caught.value.code == "template.unsafe"


def test_no_jinja_helpers_and_no_attr_filter() -> None:
    env = make_environment({})
    assert set(env.globals) == {"range", "dict"}
    assert not {"attr", "format", "pprint", "random"} & set(env.filters)
    assert {"money", "t", "img_url"} <= set(env.filters)


# --- budgets -------------------------------------------------------------------------------------------

FAST = SandboxLimits(max_seconds=0.05)
LIMIT_CASES: dict[str, tuple[str, SandboxLimits | None, str]] = {
    "huge-output": ("{% for i in range(10000) %}{{ 'x' * 1000 }}{% endfor %}", None, "the output"),
    "string-times-a-billion": ("{{ 'a' * 10**9 }}", None, "repeating"),
    "huge-power": ("{{ 2 ** 100000 }}", None, "too large"),
    "list-repeated": ("{{ ([1] * 20000)|length }}", None, "too many items"),
    "slow-nested-loops": ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", FAST,
                          "longer than"),
    "branching-recursion": ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
                            "{{ f(40) }}", FAST, "longer than"),
    "deep-macro-recursion": ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", None, "recursed"),
    "doubling-concat": ("{% macro f(s, n) %}{% if n %}{{ f(s ~ s, n - 1) }}{% endif %}{% endmacro %}{{ f('ab', 40) }}",
                        None, "'~'"),
    "buffered-block": ("{% set s %}{% for i in range(3000) %}{{ 'y' * 1000 }}{% endfor %}{% endset %}{{ s|length }}",
                       None, "block of output"),
    "big-range": ("{{ range(100000)|length }}", None, "range"),
    "center-filter": ("{{ 'a'|center(10**9) }}", None, "center"),
    "center-method": ("{{ 'a'.center(10**9) }}", None, "str.center"),
    "replace-growth": ("{{ ('a' * 100000)|replace('a', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb') }}", None, "replace"),
    "join-filter": ("{{ (['a' * 100000] * 15)|join('x' * 50000) }}", None, "join"),
    "printed-collection": ("{% set b = 'a' * 1000000 %}{{ [b, b, b] }}", None, "collection"),
    "printf-width": ("{{ '%999999999d' % 1 }}", None, "too wide"),
}


@pytest.mark.parametrize("case", sorted(LIMIT_CASES))
def test_budgets_stop_the_template(case: str) -> None:
    source, limits, mentioned = LIMIT_CASES[case]
    with pytest.raises(TemplateLimitError) as caught:
        render(source, limits=limits)
    assert caught.value.code == "template.limit"
    assert caught.value.where.file == "t.html.j2"
    assert mentioned in caught.value.message


def test_limits_passed_to_render_override_the_environment() -> None:
    env = make_environment({"t.html.j2": "{{ 'x' * 50 }}"}, limits=SandboxLimits(max_output_chars=10))
    assert render_template(env, "t.html.j2", {}, limits=SandboxLimits()) == "x" * 50
    with pytest.raises(TemplateLimitError):
        render_template(env, "t.html.j2", {})


# --- behaviour of the platform -------------------------------------------------------------------------

@pytest.mark.parametrize(("cents", "shown"), [(6800, "$68.00"), (1234550, "$12,345.50"), (5, "$0.05"),
                                              (-250, "-$2.50"), ("1999", "$19.99"), (12.5, "$0.13"), (None, "")])
def test_money_formats_cents(cents: object, shown: str) -> None:
    assert render("{{ amount | money }}", {"amount": cents}) == shown


@pytest.mark.parametrize("bad", ["abc", True, [1]])
def test_money_refuses_what_is_not_an_amount(bad: object) -> None:
    with pytest.raises(TemplateError, match="money expects") as caught:
        render("{{ amount | money }}", {"amount": bad})
    assert caught.value.code == "template.runtime"


def test_t_looks_up_and_interpolates_both_styles() -> None:
    locale = {"a.off": "%{percent}% off", "a.stars": "{{ value }} of {{ max }}", "a.keep": "%{unknown} left"}
    source = "{{ 'a.off'|t(percent=20) }}|{{ 'a.stars'|t(value=4.5, max=5) }}|{{ 'a.keep'|t }}|{{ 'a.nope'|t }}"
    assert render(source, locale=locale) == "20% off|4.5 of 5|%{unknown} left|translation missing: a.nope"


def test_t_output_is_escaped() -> None:
    assert render("{{ 'k'|t(name=who) }}", {"who": "<b>"}, locale={"k": "Hi %{name}"}) == "Hi &lt;b&gt;"


@pytest.mark.parametrize(("image", "width", "url"), [
    ({"src": "https://cdn.shop.example/a.jpg"}, 533, "https://cdn.shop.example/a.jpg?width=533"),
    ("https://cdn.shop.example/a.jpg?v=2", 165, "https://cdn.shop.example/a.jpg?v=2&amp;width=165"),
    (None, 533, ""),
])
def test_img_url(image: object, width: int, url: str) -> None:
    assert render("{{ image | img_url(width) }}", {"image": image, "width": width}) == url


def test_img_url_refuses_a_bad_width() -> None:
    with pytest.raises(TemplateError, match="between 1 and 5760"):
        render("{{ 'https://cdn.shop.example/a.jpg' | img_url(0) }}")


def test_missing_data_renders_empty_like_liquid() -> None:
    source = "[{{ product.missing.deeper }}][{{ nothing }}][{{ product.none }}][{% for x in product.none %}x{% endfor %}]"
    assert render(source, {"product": {"none": None}}) == "[][][][]"


def test_autoescape_is_on() -> None:
    assert render("<h3>{{ title }}</h3>", {"title": "<script>alert(1)</script>"}) == (
        "<h3>&lt;script&gt;alert(1)&lt;/script&gt;</h3>")


def test_syntax_errors_name_the_file_and_line() -> None:
    with pytest.raises(TemplateError) as caught:
        check_template_safety("<div>\n{% if x %}\n</div>\n", name="template.html.j2")
    assert caught.value.code == "template.syntax"
    assert caught.value.where.file == "template.html.j2"
    assert caught.value.where.line == 2  # Jinja points at the block left open


def test_runtime_errors_name_the_innermost_file_and_line() -> None:
    env = make_environment({"t.html.j2": "<p>\n{% include 'snippets/x.html.j2' %}", "snippets/x.html.j2": "ok\n{{ price - 1 }}"})
    with pytest.raises(TemplateError) as caught:
        render_template(env, "t.html.j2", {})
    assert caught.value.code == "template.runtime"
    assert (caught.value.where.file, caught.value.where.line) == ("snippets/x.html.j2", 2)


def test_an_unknown_filter_is_a_syntax_error() -> None:
    with pytest.raises(TemplateError, match="random") as caught:
        render("{{ [1, 2]|random }}")
    assert caught.value.code == "template.syntax"


def test_a_missing_include_is_reported() -> None:
    with pytest.raises(TemplateError, match=r"nope\.html\.j2") as caught:
        render("{% include 'nope.html.j2' %}")
    assert caught.value.code == "template.missing"


def test_the_data_cannot_be_modified() -> None:
    data = {"tags": ["a"]}
    with pytest.raises(UnsafeTemplateError):
        render("{{ tags.append('b') }}", data)
    assert data == {"tags": ["a"]}


@pytest.mark.parametrize("source", [
    "{{ images[loop_index + 1] }}", "{{ images[settings.index | int] }}", "{{ images[1:5] }}",
    "{{ product['title'] }}", "{{ strings['products.sold_out'] }}", "{{ names['card__title'] }}",
    "{% set target = '_blank' %}{{ target }}", "{{ name.startswith('_') }}",
])
def test_ordinary_templates_pass_the_static_check(source: str) -> None:
    check_template_safety(source, name="t.html.j2")
