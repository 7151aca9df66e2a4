"""Edit recipes for the cart line (fixtures/components/cart-line), with their ground truth."""

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

CATALOG = Catalog("cart-line")
recipe = CATALOG.recipe

_VENDOR_IF = "    {%- if settings.show_vendor and item.vendor %}"
_TOTAL = '  <div class="cart-line__total">'
_PRICE = '    <div class="cart-line__price'


# --- lossless: eligible ------------------------------------------------------------------------------

@recipe("remove-text", ["text"], T.LOSSLESS, "rewords the remove link", touches=["remove"])
def remove_text(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "{{- 'cart.remove' | t -}}", pick(rng, ["Delete", "Remove item", "×"]))


@recipe("remove-translation-key", ["text"], T.LOSSLESS,
        "shows the longer 'Remove <title>' string (another translation key)", touches=["remove"])
def remove_translation_key(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "{{- 'cart.remove' | t -}}",
                   "{{- 'cart.remove_title' | t(title=item.product_title) -}}")


@recipe("title-attribute", ["attribute"], T.LOSSLESS, "adds a title tooltip to the product link",
        touches=["title"])
def title_attribute(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, '<a href="{{ item.url }}" class="cart-line__title">',
                   '<a href="{{ item.url }}" class="cart-line__title" title="{{ item.product_title }}">')


@recipe("options-class", ["class"], T.LOSSLESS, "adds a class to the options list", touches=["options"])
def options_class(files: Files, rng: random.Random) -> Files:
    extra = pick(rng, ["cart-line__options--compact", "small-print"])
    return replace(files, TEMPLATE, '<dl class="cart-line__options">', f'<dl class="cart-line__options {extra}">')


@recipe("vendor-removed", ["element_removed", "logic"], T.LOSSLESS, "removes the vendor line",
        touches=["vendor"])
def vendor_removed(files: Files, rng: random.Random) -> Files:
    return remove_block(files, TEMPLATE, _VENDOR_IF, "    {%- endif %}")


@recipe("vendor-commented-out", ["comment_out"], T.LOSSLESS, "comments out the vendor line",
        touches=["vendor"])
def vendor_commented_out(files: Files, rng: random.Random) -> Files:
    return rewrite_block(files, TEMPLATE, _VENDOR_IF, "    {%- endif %}",
                         lambda text: "    {#\n" + text + "    #}\n")


@recipe("final-sale-note", ["element_added"], T.LOSSLESS, "adds a static 'Final sale' note under the price",
        touches=["details-order"])
def final_sale_note(files: Files, rng: random.Random) -> Files:
    return insert_before_line(files, TEMPLATE, _PRICE, '    <small class="cart-line__note">Final sale</small>\n')


@recipe("total-before-quantity", ["reorder"], T.LOSSLESS, "puts the line total before the quantity",
        touches=["line-order", "total", "quantity"])
def total_before_quantity(files: Files, rng: random.Random) -> Files:
    return move_block(files, TEMPLATE, _TOTAL, "\n  </div>", before_line='  <div class="cart-line__quantity">')


@recipe("vendor-css", ["css"], T.LOSSLESS, "changes the vendor line's colour (a plain rule)", touches=["css-vendor"])
def vendor_css(files: Files, rng: random.Random) -> Files:
    return css_value(files, ".cart-line__vendor {", "color", pick(rng, ["#121212", "var(--line-accent)"]))


@recipe("reformatted", ["formatting"], T.LOSSLESS,
        "re-indents the whole template with four spaces (a formatter run; nothing visible changes)",
        touches=["formatting"], last=True)
def reformatted(files: Files, rng: random.Random) -> Files:
    return {**files, TEMPLATE: reindent(files[TEMPLATE])}


@recipe("vendor-tag-div", ["tag"], T.LOSSLESS, "makes the vendor line a div", touches=["vendor"])
def vendor_tag_div(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, '<p class="cart-line__vendor">{{ item.vendor }}</p>',
                   '<div class="cart-line__vendor">{{ item.vendor }}</div>')


@recipe("title-style", ["style"], T.LOSSLESS, "gives the product link an inline style", touches=["title"])
def title_style(files: Files, rng: random.Random) -> Files:
    style = pick(rng, ["font-weight: 700;", "text-decoration: underline;"])
    return replace(files, TEMPLATE, 'class="cart-line__title">', f'class="cart-line__title" style="{style}">')


# --- translatable with review ------------------------------------------------------------------------

@recipe("minus-enabled-at-one", ["logic"], T.REVIEW, "disables the minus button only at zero (a changed condition)",
        touches=["quantity"])
def minus_enabled_at_one(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "{% if item.quantity <= 1 %} disabled{% endif %}",
                   "{% if item.quantity < 1 %} disabled{% endif %}")


@recipe("properties-unsorted", ["logic"], T.REVIEW, "lists line properties in their own order",
        touches=["options"])
def properties_unsorted(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "(item.properties or {}) | dictsort if", "(item.properties or {}).items() if")


@recipe("compare-price-removed", ["element_removed", "logic"], T.REVIEW,
        "drops the struck-through price in the line total (no slot anchors it)", touches=["total"])
def compare_price_removed(files: Files, rng: random.Random) -> Files:
    return remove_block(files, TEMPLATE, "    {%- if discounted %}\n    <s class=\"price__compare\">",
                        "    {%- endif %}")


@recipe("hover-css", ["css"], T.REVIEW, "changes the remove link's hover colour", touches=["css-remove"])
def hover_css(files: Files, rng: random.Random) -> Files:
    return css_value(files, ".cart-line__remove:hover {", "color", pick(rng, ["var(--line-sale)", "#000000"]))


@recipe("tablet-media-css", ["css"], T.REVIEW, "changes the thumbnail size on tablets (inside a media query)",
        touches=["css-media"])
def tablet_media_css(files: Files, rng: random.Random) -> Files:
    return css_value(files, "    --thumb-size: 10rem;", "--thumb-size", pick(rng, ["12rem", "8rem"]))


# --- untranslatable: blocked -------------------------------------------------------------------------

@recipe("script-added", ["script"], T.UNTRANSLATABLE, "adds a script that confirms before removing",
        touches=["quantity"])
def script_added(files: Files, rng: random.Random) -> Files:
    script = ("  <script>\n    document.querySelector('#{{ line_id }} .cart-line__remove').onclick = "
              "function () { return confirm('Remove this item?'); };\n  </script>\n")
    return insert_before_line(files, TEMPLATE, _TOTAL, script)


@recipe("remove-into-details", ["reorder"], T.UNTRANSLATABLE,
        "moves the remove link under the title (a move across slots)", touches=["remove", "details-order"])
def remove_into_details(files: Files, rng: random.Random) -> Files:
    return move_block(files, TEMPLATE, '    <a class="cart-line__remove"', "    </a>", before_line=_PRICE)


@recipe("discount-threshold", ["logic"], T.UNTRANSLATABLE,
        "counts a line as discounted only from 25% off (a top-level {% set %})", touches=["top"])
def discount_threshold(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "{%- set discounted = item.original_line_price > item.final_line_price -%}",
                   "{%- set discounted = (item.original_line_price - item.final_line_price) * 4 "
                   ">= item.original_line_price -%}")


__all__ = ["CATALOG"]
