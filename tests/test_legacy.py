"""Legacy rendering of (possibly patched) pack files (harness/legacy.py)."""

from __future__ import annotations

import pytest

from harness.errors import TemplateError, TemplateLimitError, UnsafeTemplateError, Where
from harness.legacy import LegacyRender, render_legacy
from harness.packs import ComponentPack, default_packs
from harness.sandbox import SandboxLimits

CARD = default_packs().get_pack("product-card")
DEFAULT = CARD.scenario("default").data


def patched(changes: dict[str, bytes], pack: ComponentPack = CARD, version: str = "1.2.0") -> dict[str, bytes]:
    """A version's files with some of them replaced, as a customization's diff would leave them."""
    return {**pack.version(version).files, **changes}


def test_renders_the_entry_template_with_the_scenario_and_returns_the_stylesheet() -> None:
    result = render_legacy(CARD, CARD.current_version.files, DEFAULT)
    assert isinstance(result, LegacyRender)
    assert 'class="product-card product-card--portrait"' in result.html
    assert "Linen Overshirt" in result.html
    assert "$68.00" in result.html
    assert result.css == CARD.current_version.files["styles.css"].decode()


def test_a_patched_snippet_is_the_one_included() -> None:
    original = CARD.current_version.files["snippets/rating.html.j2"]
    files = patched({"snippets/rating.html.j2": original.replace(b"rating__count", b"rating__total")})
    html = render_legacy(CARD, files, DEFAULT).html
    assert "rating__total" in html
    assert "rating__count" not in html


def test_a_patched_macro_file_is_the_one_imported() -> None:
    price = CARD.current_version.files["snippets/price.html.j2"].replace(b"{{ cents | money }}\n  {%- endif",
                                                                          b"{{ cents | money }} (tax incl.)\n  {%- endif")
    html = render_legacy(CARD, patched({"snippets/price.html.j2": price}), DEFAULT).html
    assert "$68.00 (tax incl.)" in html


def test_the_patched_stylesheet_is_returned() -> None:
    css = CARD.current_version.files["styles.css"] + b"\n.card__title { color: rebeccapurple; }\n"
    assert render_legacy(CARD, patched({"styles.css": css}), DEFAULT).css.endswith(
        ".card__title { color: rebeccapurple; }\n")


def test_each_version_renders_its_own_markup() -> None:
    on_sale = CARD.scenario("on-sale").data
    assert "price__unit" not in render_legacy(CARD, CARD.version("1.0.0").files, on_sale).html
    assert "price__unit" in render_legacy(CARD, CARD.version("1.1.0").files, on_sale).html
    assert 'loading="lazy"' in render_legacy(CARD, CARD.version("1.2.0").files, on_sale).html


def test_a_non_utf8_template_is_a_decode_error_with_file_and_line() -> None:
    template = CARD.current_version.files["template.html.j2"].replace(b"{{ product.vendor }}",
                                                                      "{{ product.vendor }} café".encode("latin-1"))
    with pytest.raises(TemplateError) as caught:
        render_legacy(CARD, patched({"template.html.j2": template}), DEFAULT,
                      where=Where(user="u007", version="1.2.0"))
    error = caught.value
    assert error.code == "template.decode"
    assert (error.where.user, error.where.component, error.where.file) == ("u007", "product-card", "template.html.j2")
    assert error.where.line == template[: template.index(b"caf\xe9")].count(b"\n") + 1
    assert "UTF-8" in error.message


class Probe:
    def __init__(self) -> None:
        self.calls = 0

    def touch(self) -> str:
        self.calls += 1
        return "TOUCHED"


def test_an_unsafe_patched_snippet_stops_the_render_before_anything_runs() -> None:
    probe = Probe()
    entry = b"{{ probe.touch() }}\n" + CARD.current_version.files["template.html.j2"]
    evil = b"{{ cycler.__init__.__globals__.os.getcwd() }}"
    files = patched({"template.html.j2": entry, "snippets/rating.html.j2": evil})
    with pytest.raises(UnsafeTemplateError) as caught:
        render_legacy(CARD, files, dict(DEFAULT, probe=probe))
    assert caught.value.where.file == "snippets/rating.html.j2"
    assert probe.calls == 0


def test_a_syntax_error_names_file_and_line() -> None:
    template = CARD.current_version.files["template.html.j2"].replace(b"{%- endfor %}", b"{%- endfore %}")
    with pytest.raises(TemplateError) as caught:
        render_legacy(CARD, patched({"template.html.j2": template}), DEFAULT)
    assert caught.value.code == "template.syntax"
    assert caught.value.where.file == "template.html.j2"
    assert caught.value.where.line == template[: template.index(b"endfore")].count(b"\n") + 1


def test_a_runtime_error_keeps_the_callers_where() -> None:
    template = CARD.current_version.files["template.html.j2"].replace(
        b"{{ product.vendor }}", b"{{ product.vendor }} {{ product.weight - 1 }}")
    with pytest.raises(TemplateError) as caught:
        render_legacy(CARD, patched({"template.html.j2": template}), DEFAULT,
                      where=Where(user="u042", scenario="default"))
    error = caught.value
    assert error.code == "template.runtime"
    assert (error.where.user, error.where.scenario, error.where.file) == ("u042", "default", "template.html.j2")
    assert error.where.line == template[: template.index(b"product.weight")].count(b"\n") + 1


def test_a_deleted_entry_template_is_reported() -> None:
    files = dict(CARD.current_version.files)
    del files["template.html.j2"]
    with pytest.raises(TemplateError) as caught:
        render_legacy(CARD, files, DEFAULT)
    assert caught.value.code == "template.missing"


def test_limits_apply_to_legacy_renders() -> None:
    with pytest.raises(TemplateLimitError):
        render_legacy(CARD, CARD.current_version.files, DEFAULT, limits=SandboxLimits(max_output_chars=500))


def test_rendering_is_repeatable() -> None:
    first = render_legacy(CARD, CARD.current_version.files, DEFAULT)
    assert render_legacy(CARD, dict(CARD.current_version.files), DEFAULT) == first
