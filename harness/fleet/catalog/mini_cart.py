"""Edit recipes for the mini cart summary (fixtures/components/mini-cart), with their ground truth."""

from __future__ import annotations

import random

from harness.fleet.recipes import (
    TEMPLATE,
    Catalog,
    Files,
    css_value,
    insert_before_line,
    move_block,
    pick,
    reindent,
    remove_block,
    replace,
    rewrite_block,
)
from harness.fleet.recipes import Translation as T

CATALOG = Catalog("mini-cart")
recipe = CATALOG.recipe

_HEADING = "<h2 class=\"mini-cart__heading\">{{ 'cart.title' | t }}</h2>"
_CHECKOUT = '<button type="submit" name="checkout" class="button mini-cart__checkout"'
_VIEW_CART = "  <a class=\"mini-cart__view-cart\" href=\"/cart\">{{ 'cart.view_cart' | t }}</a>"
_BADGES_IF = "  {%- if settings.show_trust_badges %}"
_FORM = '  <form class="mini-cart__form"'


# --- lossless: eligible ------------------------------------------------------------------------------

@recipe("checkout-text", ["text"], T.LOSSLESS, "rewords the checkout button", touches=["checkout"])
def checkout_text(files: Files, rng: random.Random) -> Files:
    text = pick(rng, ["Secure checkout", "Checkout now", "Pay now"])
    return replace(files, TEMPLATE, "{{- 'cart.checkout' | t -}}", text)


@recipe("view-cart-key", ["text"], T.LOSSLESS, "labels the cart link with another translation key",
        touches=["view-cart"])
def view_cart_key(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "{{ 'cart.view_cart' | t }}</a>", "{{ 'cart.title' | t }}</a>")


@recipe("checkout-style", ["style"], T.LOSSLESS, "colours the checkout button inline", touches=["checkout"])
def checkout_style(files: Files, rng: random.Random) -> Files:
    colour = pick(rng, ["#1a7f37", "#334fb4", "#c8102e"])
    return replace(files, TEMPLATE, _CHECKOUT, f'{_CHECKOUT} style="background: {colour}; border-color: {colour};"')


@recipe("checkout-data-attribute", ["attribute"], T.LOSSLESS, "adds a tracking attribute to the checkout button",
        touches=["checkout"])
def checkout_data_attribute(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, _CHECKOUT, f'{_CHECKOUT} data-track="mini-cart-checkout"')


@recipe("heading-tag-h3", ["tag"], T.LOSSLESS, "makes the heading an h3", touches=["heading"])
def heading_tag_h3(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, _HEADING, _HEADING.replace("h2", "h3"))


@recipe("heading-class", ["class"], T.LOSSLESS, "adds a class to the heading", touches=["heading"])
def heading_class(files: Files, rng: random.Random) -> Files:
    extra = pick(rng, ["h4", "mini-cart__heading--small"])
    return replace(files, TEMPLATE, '<h2 class="mini-cart__heading">', f'<h2 class="mini-cart__heading {extra}">')


@recipe("taxes-commented-out", ["comment_out"], T.LOSSLESS, "comments out the taxes note", touches=["taxes"])
def taxes_commented_out(files: Files, rng: random.Random) -> Files:
    return rewrite_block(files, TEMPLATE, '  <p class="mini-cart__taxes">', "</p>",
                         lambda text: "  {#- " + text.strip() + " -#}\n")


@recipe("gift-wrap-line", ["element_added"], T.LOSSLESS, "adds a static gift-wrap line above the checkout",
        touches=["summary-order"])
def gift_wrap_line(files: Files, rng: random.Random) -> Files:
    text = pick(rng, ["Free gift wrapping on every order", "Gift wrapping available at checkout"])
    return insert_before_line(files, TEMPLATE, _FORM, f'  <p class="mini-cart__gift">{text}</p>\n')


@recipe("view-cart-removed", ["element_removed"], T.LOSSLESS, "removes the 'View cart' link",
        touches=["view-cart"])
def view_cart_removed(files: Files, rng: random.Random) -> Files:
    return remove_block(files, TEMPLATE, _VIEW_CART, "</a>")


@recipe("badges-removed", ["element_removed", "logic"], T.LOSSLESS, "removes the trust badges",
        touches=["badges"])
def badges_removed(files: Files, rng: random.Random) -> Files:
    return remove_block(files, TEMPLATE, _BADGES_IF, "  {%- endif %}")


@recipe("badges-before-checkout", ["reorder"], T.LOSSLESS, "shows the trust badges above the checkout button",
        touches=["badges", "summary-order"])
def badges_before_checkout(files: Files, rng: random.Random) -> Files:
    return move_block(files, TEMPLATE, _BADGES_IF, "  {%- endif %}", before_line=_FORM)


@recipe("subtotal-css", ["css"], T.LOSSLESS, "enlarges the subtotal (a plain rule)", touches=["css-subtotal"])
def subtotal_css(files: Files, rng: random.Random) -> Files:
    return css_value(files, ".mini-cart__subtotal { font-size", "font-size", pick(rng, ["1.8rem", "2rem"]))


@recipe("reformatted", ["formatting"], T.LOSSLESS,
        "re-indents the whole template with four spaces (a formatter run; nothing visible changes)",
        touches=["formatting"], last=True)
def reformatted(files: Files, rng: random.Random) -> Files:
    return {**files, TEMPLATE: reindent(files[TEMPLATE])}


# --- translatable with review ------------------------------------------------------------------------

@recipe("returns-badge-removed", ["element_removed"], T.REVIEW,
        "removes one trust badge (the badge items have no slot)", touches=["badges"])
def returns_badge_removed(files: Files, rng: random.Random) -> Files:
    return remove_block(files, TEMPLATE, '<li class="trust-badge trust-badge--returns">', "</li>")


@recipe("almost-there", ["logic", "text"], T.REVIEW, "adds 'Almost there!' when less than $30 is missing",
        touches=["shipping"])
def almost_there(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "      {{ 'cart.free_shipping_remaining' | t(amount=(remaining | money)) }}\n",
                   "      {{ 'cart.free_shipping_remaining' | t(amount=(remaining | money)) }}"
                   "{% if remaining < 3000 %} Almost there!{% endif %}\n")


@recipe("progress-bar-colour", ["style"], T.REVIEW, "colours the progress bar in its templated inline style",
        touches=["shipping"])
def progress_bar_colour(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, 'style="width: {{ progress }}%;"',
                   'style="width: {{ progress }}%; background: #1a7f37;"')


@recipe("note-placeholder", ["attribute"], T.REVIEW, "rewords the order note's placeholder", touches=["note"])
def note_placeholder(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "placeholder=\"{{ 'cart.note_placeholder' | t }}\"",
                   'placeholder="Anything we should know?"')


@recipe("view-cart-hover-css", ["css"], T.REVIEW, "changes the cart link's hover colour",
        touches=["css-view-cart"])
def view_cart_hover_css(files: Files, rng: random.Random) -> Files:
    return css_value(files, ".mini-cart__view-cart:hover {", "color", pick(rng, ["#000000", "var(--mini-sale)"]))


@recipe("desktop-badges-css", ["css"], T.REVIEW, "centres the badges on desktop (inside a media query)",
        touches=["css-media"])
def desktop_badges_css(files: Files, rng: random.Random) -> Files:
    return css_value(files, "  .mini-cart__badges { justify-content: space-between; }", "justify-content", "center")


# --- untranslatable: blocked -------------------------------------------------------------------------

@recipe("script-added", ["script"], T.UNTRANSLATABLE, "adds a script that saves the note as it is typed",
        touches=["note"])
def script_added(files: Files, rng: random.Random) -> Files:
    script = ("  <script>\n    document.getElementById('{{ summary_id }}-note').addEventListener('change', "
              "function (e) { fetch('/cart/update.js', {method: 'POST', body: new URLSearchParams({note: "
              "e.target.value})}); });\n  </script>\n")
    return insert_before_line(files, TEMPLATE, _FORM, script)


@recipe("threshold-default", ["logic"], T.UNTRANSLATABLE,
        "assumes a $50 free-shipping threshold when none is set (a top-level {% set %})", touches=["top"])
def threshold_default(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "settings.free_shipping_threshold | default(0)",
                   "settings.free_shipping_threshold | default(5000, true)")


@recipe("view-cart-into-header", ["reorder"], T.UNTRANSLATABLE,
        "moves the 'View cart' link into the header (a move across slots)", touches=["view-cart", "header"])
def view_cart_into_header(files: Files, rng: random.Random) -> Files:
    return move_block(files, TEMPLATE, _VIEW_CART, "</a>", before_line='    <span class="mini-cart__count"')


__all__ = ["CATALOG"]
