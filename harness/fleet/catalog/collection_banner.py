"""Edit recipes for the collection banner (fixtures/components/collection-banner), with their ground truth."""

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

CATALOG = Catalog("collection-banner")
recipe = CATALOG.recipe

_TITLE = '    <h1 class="collection-banner__title">'
_COUNT_IF = "    {%- if settings.show_product_count %}"
_NAV = '  <nav class="collection-banner__breadcrumb"'


# --- lossless: eligible ------------------------------------------------------------------------------

@recipe("alt-escape-dropped", ["attribute"], T.LOSSLESS,
        "drops '| escape' from the image's alt (autoescape makes it redundant: nothing visible changes)",
        touches=["image"])
def alt_escape_dropped(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "| default(collection.title, true) | escape }}",
                   "| default(collection.title, true) }}")


@recipe("image-lazy", ["attribute"], T.LOSSLESS, "lazy-loads the banner image", touches=["image"])
def image_lazy(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, '      height="{{ image.height }}"\n',
                   '      height="{{ image.height }}"\n      loading="lazy"\n')


@recipe("title-tag-h2", ["tag"], T.LOSSLESS, "makes the title an h2", touches=["title"])
def title_tag_h2(files: Files, rng: random.Random) -> Files:
    changed = replace(files, TEMPLATE, _TITLE, '    <h2 class="collection-banner__title">')
    return replace(changed, TEMPLATE, "      {{- collection.title -}}\n    </h1>", "      {{- collection.title -}}\n    </h2>")


@recipe("title-class", ["class"], T.LOSSLESS, "adds a class to the title", touches=["title"])
def title_class(files: Files, rng: random.Random) -> Files:
    extra = pick(rng, ["h0", "collection-banner__title--serif"])
    return replace(files, TEMPLATE, _TITLE, f'    <h1 class="collection-banner__title {extra}">')


@recipe("title-style", ["style"], T.LOSSLESS, "centres the title inline", touches=["title"])
def title_style(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, _TITLE, '    <h1 class="collection-banner__title" style="text-align: center;">')


@recipe("eyebrow-line", ["element_added"], T.LOSSLESS, "adds a static line above the title",
        touches=["text-order"])
def eyebrow_line(files: Files, rng: random.Random) -> Files:
    text = pick(rng, ["New season", "Just landed", "Shop the collection"])
    return insert_before_line(files, TEMPLATE, _TITLE, f'    <p class="collection-banner__eyebrow">{text}</p>\n')


@recipe("breadcrumb-commented-out", ["comment_out"], T.LOSSLESS, "hides the breadcrumb in an HTML comment",
        touches=["breadcrumb"])
def breadcrumb_commented_out(files: Files, rng: random.Random) -> Files:
    return rewrite_block(files, TEMPLATE, _NAV, "  </nav>", lambda text: "  <!--\n" + text + "  -->\n")


@recipe("count-removed", ["element_removed", "logic"], T.LOSSLESS, "removes the product count",
        touches=["count"])
def count_removed(files: Files, rng: random.Random) -> Files:
    return remove_block(files, TEMPLATE, _COUNT_IF, "    {%- endif %}")


@recipe("count-before-title", ["reorder"], T.LOSSLESS, "shows the product count above the title",
        touches=["count", "title", "text-order"])
def count_before_title(files: Files, rng: random.Random) -> Files:
    return move_block(files, TEMPLATE, _COUNT_IF, "    {%- endif %}", before_line=_TITLE)


@recipe("title-weight-css", ["css"], T.LOSSLESS, "changes the title's weight (a plain rule)",
        touches=["css-title"])
def title_weight_css(files: Files, rng: random.Random) -> Files:
    return css_value(files, "\n.collection-banner__title {", "font-weight", pick(rng, ["700", "400"]))


@recipe("reformatted", ["formatting"], T.LOSSLESS,
        "re-indents the whole template with four spaces (a formatter run; nothing visible changes)",
        touches=["formatting"], last=True)
def reformatted(files: Files, rng: random.Random) -> Files:
    return {**files, TEMPLATE: reindent(files[TEMPLATE])}


# --- translatable with review ------------------------------------------------------------------------

@recipe("srcset-trimmed", ["attribute", "logic"], T.REVIEW, "serves fewer image widths (logic in an attribute)",
        touches=["image"])
def srcset_trimmed(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "{% for width in [375, 550, 750, 1100, 1500",
                   "{% for width in [750, 1500")


@recipe("count-hidden-when-empty", ["logic"], T.REVIEW, "hides the count of an empty collection",
        touches=["count"])
def count_hidden_when_empty(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, _COUNT_IF, "    {%- if settings.show_product_count and count > 0 %}")


@recipe("breadcrumb-home-text", ["text"], T.REVIEW, "renames 'Home' in the breadcrumb (its links have no slot)",
        touches=["breadcrumb"])
def breadcrumb_home_text(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "{{ 'general.home' | t }}</a>", f"{pick(rng, ['Shop', 'Start'])}</a>")


@recipe("tablet-media-css", ["css"], T.REVIEW, "makes the image taller on tablets (inside a media query)",
        touches=["css-media"])
def tablet_media_css(files: Files, rng: random.Random) -> Files:
    return css_value(files, "  .collection-banner { --banner-padding: 3.2rem 2.4rem;", "--banner-media-height",
                     pick(rng, ["40rem", "28rem"]))


@recipe("link-hover-css", ["css"], T.REVIEW, "changes the breadcrumb links' hover state",
        touches=["css-breadcrumb"])
def link_hover_css(files: Files, rng: random.Random) -> Files:
    return css_value(files, ".breadcrumb__link:hover {", "color", "var(--banner-accent)")


# --- untranslatable: blocked -------------------------------------------------------------------------

@recipe("script-added", ["script"], T.UNTRANSLATABLE, "adds a parallax script for the image",
        touches=["media"])
def script_added(files: Files, rng: random.Random) -> Files:
    script = ("  <script>\n    window.addEventListener('scroll', function () { document.querySelector("
              "'#{{ banner_id }} img').style.transform = 'translateY(' + window.scrollY / 4 + 'px)'; });\n"
              "  </script>\n")
    return insert_before_line(files, TEMPLATE, "  {%- if image %}", script)


@recipe("image-always", ["logic"], T.UNTRANSLATABLE,
        "shows the image even when the setting is off (a top-level {% set %})", touches=["top"])
def image_always(files: Files, rng: random.Random) -> Files:
    return replace(files, TEMPLATE, "{%- set image = collection.image if settings.show_image else none -%}",
                   "{%- set image = collection.image -%}")


@recipe("breadcrumb-into-text", ["reorder"], T.UNTRANSLATABLE,
        "moves the breadcrumb above the title inside the text block (a move across slots)",
        touches=["breadcrumb", "title", "text-order"])
def breadcrumb_into_text(files: Files, rng: random.Random) -> Files:
    return move_block(files, TEMPLATE, _NAV, "  </nav>", before_line=_TITLE)


__all__ = ["CATALOG"]
