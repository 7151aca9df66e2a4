"""normalize_html: one canonical text for fragments that differ only in what never shows."""

from __future__ import annotations

import pytest

from harness.htmlnorm import normalize_html


@pytest.mark.parametrize(("a", "b"), [
    ('<p class="b a" id="x">t</p>', '<p id="x" class="a  b">t</p>'),
    ('<p data-slot="title">t</p>', "<p>t</p>"),
    ("<p>a <!-- note --> b</p>", "<p>a  b</p>"),
    ("<div>\n  <p>a\n   b</p>\n</div>", "<div><p>a b</p></div>"),
    ('<p style="color:red;margin : 0">t</p>', '<p style="color: red; margin: 0">t</p>'),
    ("<br/><img src=x alt>", '<br><img alt="" src="x">'),
    ("<P CLASS=a>t</P>", '<p class="a">t</p>'),
    ("a &amp; b", "a &#38; b"),
], ids=["attr-and-class-order", "data-slot", "comments", "whitespace", "style", "void", "case", "entities"])
def test_equivalent_fragments_normalize_equal(a: str, b: str) -> None:
    assert normalize_html(a) == normalize_html(b)


@pytest.mark.parametrize(("a", "b"), [
    ("<p>a</p>", "<p>b</p>"),
    ('<p class="a">t</p>', '<p class="b">t</p>'),
    ("<p>t</p>", "<div>t</div>"),
    ('<a href="/x">t</a>', '<a href="/y">t</a>'),
    ("<p>t</p><p>u</p>", "<p>u</p><p>t</p>"),
    ('<p style="color: red">t</p>', '<p style="color: blue">t</p>'),
    ("<p>a b</p>", "<p>ab</p>"),
], ids=["text", "class", "tag", "href", "order", "style", "inner-space"])
def test_visible_differences_survive(a: str, b: str) -> None:
    assert normalize_html(a) != normalize_html(b)


def test_canonical_text_is_stable_and_idempotent() -> None:
    source = '<div class="z y" data-slot="c"><!-- x --><span title="a&quot;b">1 &lt; 2</span>\n\n<script>if (a<b) {}</script></div>'
    once = normalize_html(source)
    assert once == '<div class="y z"><span title="a&quot;b">1 &lt; 2</span><script>if (a<b) {}</script></div>'
    assert normalize_html(once) == once
    assert normalize_html("") == ""
    assert normalize_html("  \n ") == ""
