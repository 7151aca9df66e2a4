"""Edit recipes for the product card (fixtures/components/product-card), with their ground truth."""

from __future__ import annotations

import random

from harness.fleet.recipes import (
    TEMPLATE,
    Catalog,
    Files,
    append_css,
    css_value,
    insert_after_line,
    insert_before_line,
    move_block,
    pick,
    reindent,
    remove_block,
    replace,
    rewrite_block,
)
from harness.fleet.recipes import Translation as T

CATALOG = Catalog("product-card")
recipe = CATALOG.recipe

_VENDOR_IF = "{%- if settings.show_vendor and product.vendor %}"
_SWATCHES_IF = "{%- if settings.show_swatches and product.swatches %}"
_RATING_IF = "{%- if settings.show_rating and product.rating %}"
_QUICK_ADD_IF = "{%- if settings.show_quick_add %}"
_SALE_BADGE = "<span class=\"badge badge--sale\""
_TITLE = '<h3 class="card__title"'


# --- lossless: eligible ------------------------------------------------------------------------------

@recipe("title-class", ["class"], T.LOSSLESS, "adds a class to the title heading",
        touches=["title"])
def title_class(files: Files, rng: random.Random) -> Files:
    extra = pick(rng, ["card__title--bold", "card__title--caps", "h5"])
    return replace(files, TEMPLATE, _TITLE, f'<h3 class="card__title {extra}"')


@recipe("price-class-removed", ["class"], T.LOSSLESS, "removes the shared 'price' class from the price block",
        touches=["price"])
def price_class_removed(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, '<div class="card__price price{%', '<div class="card__price{%')


@recipe("sold-out-badge-text", ["text"], T.LOSSLESS, "replaces the sold-out badge's translation with plain text",
        touches=["badge-sold-out"])
def sold_out_badge_text(files: Files, rng: random.Random) -> Files:
    old = "id=\"Badge-{{ card_id }}\">{{ 'products.sold_out' | t }}</span>"
    text = pick(rng, ["Gone", "Sold", "All gone"])
    return replace(files, TEMPLATE, old, f"id=\"Badge-{{{{ card_id }}}}\">{text}</span>")


@recipe("title-link-upper", ["text"], T.LOSSLESS, "shows the product title in capitals (an expression change)",
        touches=["title"])
def title_link_upper(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "{{- product.title -}}", "{{- product.title | upper -}}")


@recipe("root-data-attribute", ["attribute"], T.LOSSLESS, "adds an analytics data attribute to the card",
        touches=["root"])
def root_data_attribute(files: Files, rng: random.Random) -> Files:
    name = pick(rng, ["data-analytics", "data-track", "data-list"])
    return replace(files, TEMPLATE, '  data-product-id="{{ product.id }}"\n',
                   f'  data-product-id="{{{{ product.id }}}}"\n  {name}="product-card"\n')


@recipe("title-inline-style", ["style"], T.LOSSLESS, "gives the title an inline style",
        touches=["title"])
def title_inline_style(files: Files, rng: random.Random) -> Files:
    style = pick(rng, ["letter-spacing: 0.05em;", "font-weight: 700;", "text-align: center;"])
    return replace(files, TEMPLATE, _TITLE, f'{_TITLE} style="{style}"')


@recipe("title-tag-h2", ["tag"], T.LOSSLESS, "makes the title an h2 instead of an h3",
        touches=["title"])
def title_tag_h2(files: Files, rng: random.Random) -> Files:
    changed = replace(files, TEMPLATE, _TITLE, '<h2 class="card__title"')
    return replace(changed, TEMPLATE, "      </a>\n    </h3>\n", "      </a>\n    </h2>\n")


@recipe("title-wrapped", ["element_added"], T.LOSSLESS, "wraps the title in a heading container",
        touches=["title", "info-order"])
def title_wrapped(files: Files, rng: random.Random) -> Files:
    changed = insert_before_line(files, TEMPLATE, _TITLE, '    <div class="card__heading">\n')
    return insert_after_line(changed, TEMPLATE, "    </h3>", "    </div>\n")


@recipe("free-shipping-line", ["element_added"], T.LOSSLESS, "adds a static 'Free shipping' line under the price",
        touches=["info-order"])
def free_shipping_line(files: Files, rng: random.Random) -> Files:
    text = pick(rng, ["Free shipping", "Free shipping over $50", "Ships in 24 hours"])
    return insert_before_line(files, TEMPLATE, _RATING_IF, f'    <p class="card__note">{text}</p>\n')


@recipe("free-shipping-line-styled", ["element_added", "css"], T.LOSSLESS,
        "adds a 'Free shipping' line and a plain CSS rule for it",
        touches=["info-order", "css-end"])
def free_shipping_line_styled(files: Files, rng: random.Random) -> Files:
    changed = insert_before_line(files, TEMPLATE, _RATING_IF, '    <p class="card__note">Free shipping</p>\n')
    colour = pick(rng, ["#2d6a1f", "#1a7f37", "green"])
    return append_css(changed, f".card__note {{ margin: 0; color: {colour}; font-size: 1.2rem; }}\n")


@recipe("swatches-removed", ["element_removed", "logic"], T.LOSSLESS, "removes the colour swatches block",
        touches=["swatches"])
def swatches_removed(files: Files, rng: random.Random) -> Files:
    return remove_block(files, TEMPLATE, _SWATCHES_IF, "    </ul>\n    {%- endif %}")


@recipe("rating-removed", ["element_removed", "include", "logic"], T.LOSSLESS,
        "removes the rating block and its include",
        touches=["rating"])
def rating_removed(files: Files, rng: random.Random) -> Files:
    return remove_block(files, TEMPLATE, _RATING_IF, "    </div>\n    {%- endif %}")


@recipe("quick-add-removed", ["element_removed", "logic"], T.LOSSLESS, "removes the quick-add form",
        touches=["quick-add"])
def quick_add_removed(files: Files, rng: random.Random) -> Files:
    return remove_block(files, TEMPLATE, _QUICK_ADD_IF, "  </form>\n  {%- endif %}")


@recipe("vendor-commented-out", ["comment_out"], T.LOSSLESS,
        "comments out the vendor block although the show_vendor setting exists",
        touches=["vendor"])
def vendor_commented_out(files: Files, rng: random.Random) -> Files:
    return rewrite_block(files, TEMPLATE, _VENDOR_IF, "    {%- endif %}",
                         lambda text: "    {#- vendor hidden\n" + text + "    -#}\n")


@recipe("sale-badge-commented-out", ["comment_out"], T.LOSSLESS, "comments out the sale badge",
        touches=["badge-sale"])
def sale_badge_commented_out(files: Files, rng: random.Random) -> Files:
    return rewrite_block(files, TEMPLATE, _SALE_BADGE, "</span>",
                         lambda text: "    {#" + text.rstrip("\n").lstrip(" ") + "#}\n")


@recipe("price-before-title", ["reorder"], T.LOSSLESS, "moves the price above the title, inside the info block",
        touches=["price", "title", "info-order"])
def price_before_title(files: Files, rng: random.Random) -> Files:
    return move_block(files, TEMPLATE, '<div class="card__price', "\n    </div>",
                      before_line=_TITLE)


@recipe("badge-css", ["css"], T.LOSSLESS, "changes the sale badge colour in the stylesheet (a plain rule)",
        touches=["css-badge"])
def badge_css(files: Files, rng: random.Random) -> Files:
    colour = pick(rng, ["#000000", "#e4572e", "#8a1538"])
    return css_value(files, ".badge--sale {", "background", colour)


@recipe("badge-radius-css", ["css"], T.LOSSLESS, "squares the badges (the --badge-radius variable)",
        touches=["css-root"])
def badge_radius_css(files: Files, rng: random.Random) -> Files:
    return css_value(files, "  --badge-radius:", "--badge-radius", pick(rng, ["0", "0.2rem"]))


@recipe("reformatted", ["formatting"], T.LOSSLESS,
        "re-indents the whole template with four spaces (a formatter run; nothing visible changes)",
        touches=["formatting"], last=True)
def reformatted(files: Files, rng: random.Random) -> Files:
    return {**files, TEMPLATE: reindent(files[TEMPLATE])}


# --- translatable with review ------------------------------------------------------------------------

@recipe("sale-badge-conditional", ["logic"], T.REVIEW, "shows the sale badge only from 10% off (a new condition)",
        touches=["badge-sale"])
def sale_badge_conditional(files: Files, rng: random.Random) -> Files:
    least = pick(rng, ["10", "15", "20"])
    return rewrite_block(files, TEMPLATE, _SALE_BADGE, "</span>",
                         lambda text: f"    {{%- if percent_off >= {least} %}}\n  {text}    {{%- endif %}}\n")


@recipe("swatches-limit", ["logic"], T.REVIEW, "shows at most three swatches (a literal in the loop)",
        touches=["swatches"])
def swatches_limit(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "product.swatches[:max_swatches]", "product.swatches[:3]")


@recipe("quick-add-when-available", ["logic"], T.REVIEW, "hides quick add for sold-out products",
        touches=["quick-add"])
def quick_add_when_available(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, _QUICK_ADD_IF, "{%- if settings.show_quick_add and product.available %}")


@recipe("image-alt-title", ["attribute"], T.REVIEW, "uses the product title as the image's alt text",
        touches=["media"])
def image_alt_title(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, 'alt="{{ image.alt | default(product.title, true) }}"',
                   'alt="{{ product.title }}"')


@recipe("media-link-label", ["attribute"], T.REVIEW, "labels the image link (an element no slot anchors)",
        touches=["media"])
def media_link_label(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, 'class="card__media-link" tabindex="-1"',
                   'class="card__media-link" tabindex="-1" title="{{ product.title }}"')


@recipe("regular-price-label", ["text"], T.REVIEW,
        "rewords the second (non-sale) 'Regular price' label: an edit on a duplicated line",
        touches=["price"])
def regular_price_label(files: Files, rng: random.Random) -> Files:
    line = "<span class=\"visually-hidden\">{{ 'products.regular_price' | t }}</span>"
    return replace(files, TEMPLATE, line, '<span class="visually-hidden">Price</span>', occurrence=1)


@recipe("swatch-class", ["class"], T.REVIEW, "adds a class to every swatch (no slot anchors the swatch items)",
        touches=["swatches"])
def swatch_class(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, '<li class="swatch{% if loop.first %}',
                   '<li class="swatch swatch--round{% if loop.first %}')


@recipe("inline-rating", ["include", "element_added"], T.REVIEW, "replaces the rating include with inline stars",
        touches=["rating"])
def inline_rating(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, '      {% include "snippets/rating.html.j2" %}\n',
                   '      <span class="card__stars">{{ product.rating.value | round(1) }} / 5</span>\n')


@recipe("hover-css", ["css"], T.REVIEW, "changes the title link's hover state",
        touches=["css-link"])
def hover_css(files: Files, rng: random.Random) -> Files:
    return css_value(files, ".card__link:hover {", "text-underline-offset", pick(rng, ["0.15rem", "0.4rem"]))


@recipe("media-query-css", ["css"], T.REVIEW, "adds a desktop-only rule inside a media query",
        touches=["css-end"])
def media_query_css(files: Files, rng: random.Random) -> Files:
    size = pick(rng, ["1.8rem", "2rem"])
    rule = f"@media screen and (min-width: 990px) {{\n  .card__title {{ font-size: {size}; }}\n}}\n"
    return append_css(files, rule)


@recipe("style-block", ["element_added", "css"], T.REVIEW,
        "adds a <style> block inside the card (page-wide CSS: custom CSS could hold it; "
        "a person checks the scope)",
        touches=["media"])
def style_block(files: Files, rng: random.Random) -> Files:
    return insert_before_line(files, TEMPLATE, '  <div class="card__media',
                              "  <style>.card__title { color: #c8102e; }</style>\n")


# --- untranslatable: blocked -------------------------------------------------------------------------

@recipe("percent-off-set", ["logic", "text"], T.UNTRANSLATABLE,
        "computes '% off' in a new top-level {% set %} and shows it in the sale badge",
        touches=["top", "badge-sale"])
def percent_off_set(files: Files, rng: random.Random) -> Files:
    compute = ("{%- set was = product.compare_at_price or product.price -%}\n"
               "{%- set discount = ((was - product.price) * 100 / (was or 1)) | round(0, 'floor') | int -%}\n")
    changed = insert_after_line(files, TEMPLATE, "{%- set card_id =", compute)
    label = pick(rng, ["-{{ discount }}%", "{{ discount }}% OFF", "Save {{ discount }}%"])
    return replace(changed, TEMPLATE, "{{ 'products.percent_off' | t(percent=percent_off) }}", label)


@recipe("script-added", ["script"], T.UNTRANSLATABLE, "adds a script that tracks clicks on the card",
        touches=["badges"])
def script_added(files: Files, rng: random.Random) -> Files:
    script = ("  <script>\n    document.getElementById('{{ card_id }}').addEventListener('click', function () {\n"
              "      window.dataLayer && window.dataLayer.push({event: 'card_click', id: {{ product.id }}});\n"
              "    });\n  </script>\n")
    return insert_before_line(files, TEMPLATE, "  <div class=\"card__badges\">", script)


@recipe("badges-into-info", ["reorder"], T.UNTRANSLATABLE,
        "moves the badges from over the image into the info block (a move across slots)",
        touches=["badges", "title", "info-order"])
def badges_into_info(files: Files, rng: random.Random) -> Files:
    return move_block(files, TEMPLATE, '  <div class="card__badges">', "\n  </div>",
                      before_line=_TITLE)


@recipe("shared-rating-snippet", ["element_removed"], T.UNTRANSLATABLE,
        "removes the review count from the rating snippet that quick-view shares",
        touches=["snippet-rating"])
def shared_rating_snippet(files: Files, rng: random.Random) -> Files:
    return remove_block(files, "snippets/rating.html.j2", "{%- if product.rating.count %}", "{%- endif %}")


__all__ = ["CATALOG"]
