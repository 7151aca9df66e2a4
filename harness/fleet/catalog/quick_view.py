"""Edit recipes for the quick view (fixtures/components/quick-view), with their ground truth."""

from __future__ import annotations

import random

from harness.fleet.recipes import (
    TEMPLATE,
    Catalog,
    Files,
    append_css,
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

CATALOG = Catalog("quick-view")
recipe = CATALOG.recipe

_TITLE = '<h2 class="quick-view__title" id="{{ dialog_id }}-title">{{ product.title }}</h2>'
_MORE = "<a class=\"quick-view__more\" href=\"{{ product.url }}\">{{ 'products.view_details' | t }}</a>"
_RATING_IF = "    {%- if product.rating %}"
_DESCRIPTION_IF = "    {%- if product.description %}"
_FORM = '    <form class="quick-view__form"'


# --- lossless: eligible ------------------------------------------------------------------------------

@recipe("title-tag-h1", ["tag"], T.LOSSLESS, "makes the dialog title an h1", touches=["title"])
def title_tag_h1(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, _TITLE, _TITLE.replace("<h2", "<h1").replace("</h2>", "</h1>"))


@recipe("title-style", ["style"], T.LOSSLESS, "gives the title an inline style", touches=["title"])
def title_style(files: Files, rng: random.Random) -> Files:
    style = pick(rng, ["font-weight: 700;", "text-transform: uppercase;"])
    return replace(files, TEMPLATE, '<h2 class="quick-view__title"', f'<h2 class="quick-view__title" style="{style}"')


@recipe("more-link-text", ["text"], T.LOSSLESS, "rewords the 'View full details' link", touches=["more-link"])
def more_link_text(files: Files, rng: random.Random) -> Files:
    text = pick(rng, ["See all details", "More about this product", "Full product page"])
    return replace(files, TEMPLATE, "{{ 'products.view_details' | t }}</a>", f"{text}</a>")


@recipe("more-link-new-tab", ["attribute"], T.LOSSLESS, "opens the details link in a new tab",
        touches=["more-link"])
def more_link_new_tab(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, '<a class="quick-view__more" href="{{ product.url }}">',
                   '<a class="quick-view__more" href="{{ product.url }}" target="_blank" rel="noopener">')


@recipe("more-link-removed", ["element_removed"], T.LOSSLESS, "removes the 'View full details' link",
        touches=["more-link"])
def more_link_removed(files: Files, rng: random.Random) -> Files:
    return remove_block(files, TEMPLATE, _MORE, _MORE)


@recipe("vendor-class", ["class"], T.LOSSLESS, "adds a class to the vendor line", touches=["vendor"])
def vendor_class(files: Files, rng: random.Random) -> Files:
    extra = pick(rng, ["subtitle", "quick-view__vendor--caps"])
    return replace(files, TEMPLATE, '<p class="quick-view__vendor">', f'<p class="quick-view__vendor {extra}">')


@recipe("description-commented-out", ["comment_out"], T.LOSSLESS,
        "hides the description in an HTML comment", touches=["description"])
def description_commented_out(files: Files, rng: random.Random) -> Files:
    return rewrite_block(files, TEMPLATE, _DESCRIPTION_IF, "    {%- endif %}",
                         lambda text: "    <!--\n" + text + "    -->\n")


@recipe("rating-before-price", ["reorder"], T.LOSSLESS, "shows the rating above the price",
        touches=["rating", "price", "details-order"])
def rating_before_price(files: Files, rng: random.Random) -> Files:
    return move_block(files, TEMPLATE, _RATING_IF, "    {%- endif %}",
                      before_line='    <div class="quick-view__price')


@recipe("returns-note", ["element_added"], T.LOSSLESS, "adds a static returns note above the form",
        touches=["details-order"])
def returns_note(files: Files, rng: random.Random) -> Files:
    text = pick(rng, ["Free returns within 30 days", "Free returns", "Ships next business day"])
    return insert_before_line(files, TEMPLATE, _FORM, f'    <p class="quick-view__note">{text}</p>\n')


@recipe("title-size-css", ["css"], T.LOSSLESS, "changes the title size (a plain rule)", touches=["css-title"])
def title_size_css(files: Files, rng: random.Random) -> Files:
    return css_value(files, "\n.quick-view__title {", "font-size", pick(rng, ["2rem", "2.4rem"]))


@recipe("reformatted", ["formatting"], T.LOSSLESS,
        "re-indents the whole template with four spaces (a formatter run; nothing visible changes)",
        touches=["formatting"], last=True)
def reformatted(files: Files, rng: random.Random) -> Files:
    return {**files, TEMPLATE: reindent(files[TEMPLATE])}


# --- translatable with review ------------------------------------------------------------------------

@recipe("thumbnails-removed", ["element_removed", "logic"], T.REVIEW,
        "removes the thumbnail strip (inside the gallery; no slot anchors it)", touches=["gallery"])
def thumbnails_removed(files: Files, rng: random.Random) -> Files:
    return remove_block(files, TEMPLATE, "    {%- if product.images | length > 1 %}", "    </ul>\n    {%- endif %}")


@recipe("available-variants-only", ["logic"], T.REVIEW, "lists only the variants in stock",
        touches=["form"])
def available_variants_only(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "{%- for option in product.variants %}",
                   "{%- for option in product.variants if option.available %}")


@recipe("submit-label", ["text"], T.REVIEW, "rewords the add-to-cart button (the form slot has no text op)",
        touches=["form"])
def submit_label(files: Files, rng: random.Random) -> Files:
    text = pick(rng, ["Add to bag", "Buy now"])
    return replace(files, TEMPLATE, "{% else %}{{ 'products.add_to_cart' | t }}{% endif -%}",
                   f"{{% else %}}{text}{{% endif -%}}")


@recipe("rating-include-dropped", ["include", "element_removed"], T.REVIEW,
        "drops the rating include and leaves its container empty", touches=["rating"])
def rating_include_dropped(files: Files, rng: random.Random) -> Files:
    return remove_block(files, TEMPLATE, '      {% include "snippets/rating.html.j2" %}',
                        '{% include "snippets/rating.html.j2" %}')


@recipe("focus-css", ["css"], T.REVIEW, "changes the close button's focus state", touches=["css-close"])
def focus_css(files: Files, rng: random.Random) -> Files:
    return css_value(files, ".quick-view__close:focus-visible {", "outline",
                     pick(rng, ["0.3rem solid var(--qv-accent)", "0.2rem dashed var(--qv-text)"]))


@recipe("wide-media-query-css", ["css"], T.REVIEW, "widens the dialog on large screens (a media query)",
        touches=["css-end"])
def wide_media_query_css(files: Files, rng: random.Random) -> Files:
    return append_css(files, "@media screen and (min-width: 1200px) {\n  .quick-view { max-width: 120rem; }\n}\n")


# --- untranslatable: blocked -------------------------------------------------------------------------

@recipe("script-added", ["script"], T.UNTRANSLATABLE, "adds a script that opens the cart after adding",
        touches=["form"])
def script_added(files: Files, rng: random.Random) -> Files:
    script = ("    <script>\n      document.querySelector('#{{ dialog_id }} form').addEventListener('submit', "
              "function () { document.dispatchEvent(new CustomEvent('cart:open')); });\n    </script>\n")
    return insert_before_line(files, TEMPLATE, "    <a class=\"quick-view__more\"", script)


@recipe("rating-into-gallery", ["reorder"], T.UNTRANSLATABLE,
        "moves the rating under the images (a move across slots)", touches=["rating", "gallery"])
def rating_into_gallery(files: Files, rng: random.Random) -> Files:
    return move_block(files, TEMPLATE, _RATING_IF, "    {%- endif %}",
                      before_line='  <div class="quick-view__details">')


@recipe("first-variant-only", ["logic"], T.UNTRANSLATABLE,
        "always shows the first available variant (a top-level {% set %} outside every slot)", touches=["top"])
def first_variant_only(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "{%- set variant = product.selected_variant or product.first_available_variant -%}",
                   "{%- set variant = product.first_available_variant -%}")


@recipe("shared-price-snippet", ["element_added"], T.UNTRANSLATABLE,
        "wraps prices in a span in the price snippet product-card shares", touches=["snippet-price"])
def shared_price_snippet(files: Files, rng: random.Random) -> Files:
    return replace(files, "snippets/price.html.j2", "  {%- else -%}\n    {{ cents | money }}\n",
                   '  {%- else -%}\n    <span class="money">{{ cents | money }}</span>\n')


__all__ = ["CATALOG"]
