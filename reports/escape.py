"""The escaping discipline of the reports, in one place.

User content (ids, diffs, configs, mismatch text, metadata, rendered documents) reaches a report in three
ways, each with one rule:

1. **HTML text and attributes**: Jinja with ``autoescape=True``; never ``|safe`` on user data. The only
   ``Markup`` we build ourselves escapes every piece of user text first (:mod:`reports.highlight`).
2. **JSON in ``<script type="application/json">``**: :func:`script_json` writes every ``<`` that starts
   ``</`` or ``<!`` as ``\\u003c`` (so neither ``</script`` nor ``<!--`` can appear: those are the only
   sequences the HTML parser acts on inside a script element) and keeps the output ASCII (U+2028, U+2029
   and lone surrogates travel as escapes). Parsed with ``JSON.parse``.
3. **Rendered documents**: shown only in ``<iframe sandbox="">`` (no scripts, no same-origin, no forms,
   no popups, no navigation of the report) whose ``srcdoc`` is assembled from :func:`frame_parts`: a head
   with a Content-Security-Policy meta (:data:`FRAME_CSP`: nothing loads, only inline styles and
   ``data:`` images), the renderer's frame CSS, the stored stylesheet (``</`` escaped as in
   :func:`harness.render.document.standalone_page`), optional highlight rules, then the stored fragment.
   The iframe is inert (``pointer-events: none``, ``tabindex=-1``): a link in a customization cannot be
   followed from the report.

The report page itself carries a CSP (:func:`page_csp`) that allows only our own inline scripts, by hash:
even an escaping bug could not run an injected script or event handler.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any

import cssselect
from markupsafe import Markup

from harness.render.document import FRAME_CSS

FRAME_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
# In a script element's text only "</" (an end tag: "</script" closes the element) and "<!" (the "<!--" that
# starts the escaped states, where "<script" nests) change what the parser does; nothing else is special
# there (no character references either). A "<" that starts either is written as the JSON escape \u003c.
_JSON_UNSAFE = re.compile(r"<(?=[/!])")


def script_json(value: Any) -> Markup:
    """``value`` as JSON that is safe inside ``<script type="application/json">`` (see the module doc)."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False, default=str)
    return Markup(_JSON_UNSAFE.sub(r"\\u003c", text))


def frame_head() -> str:
    """The start of every render's ``srcdoc``, up to where the stored stylesheet goes."""
    return (f'<!doctype html><html><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{FRAME_CSP}">'
            f"<style>{FRAME_CSS}</style>")


def style_text(css: str) -> str:
    """A stylesheet as it may sit inside ``<style>``: ``</`` cannot close the element."""
    return css.replace("</", "<\\/")


def srcdoc(html: str, css: str, highlight_css: str = "") -> str:
    """The whole ``srcdoc`` of one render (the report's script builds the same string from the parts)."""
    extra = f"<style>{style_text(highlight_css)}</style>" if highlight_css else ""
    return f"{frame_head()}<style>{style_text(css)}</style>{extra}</head><body>{html}</body></html>"


# --- inert documents ------------------------------------------------------------------------------
# The renderer blocked every request of a case (images, stylesheets, fonts) and ran no JavaScript, so the
# report must load and run nothing either. The frame's sandbox and CSP already block all of it, but each
# blocked load or script logs a console error; so references become `data:,` (an empty resource) and
# scripts and handlers are disarmed first. Whatever these patterns miss is still blocked by the sandbox and
# the CSP: this is tidiness, not the security boundary.

_URL_ATTRS = ("src|poster|background|lowsrc|dynsrc|longdesc|data|codebase|archive|action|"
              "formaction|ping|manifest|xlink:href|icon")
_ATTR_URL = re.compile(rf"""(?i)(\s(?:{_URL_ATTRS})\s*=\s*)(?:"[^"]*"|'[^']*'|[^\s>"']+)""")
_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_HREF = re.compile(r"(?i)(\s)href(\s*=)")
_SRCSET = re.compile(r"(?i)(\s)((?:image)?srcset)(\s*=)")  # a srcset cannot hold data:, (its comma splits it)
_HTTP_EQUIV = re.compile(r"(?i)(\s)http-equiv(\s*=)")
# A frame or plugin may not load even `data:,` (the frame's CSP has no frame-src / object-src: each try logs a
# console error), so their URL attributes are renamed away; with no URL a frame shows an empty about:blank.
_EMBED_TAG = re.compile(r"(?i)<(?:iframe|frame|object|embed)\b")
_EMBED_URL = re.compile(r"(?i)(\s)(src|srcdoc|data)(\s*=)")
_SCRIPT_START = re.compile(r"(?i)<script\b")
_HANDLER = re.compile(r"(?i)(\s)(on[a-z]+\s*=)")
_STYLE_ATTR = re.compile(r"""(?i)(\sstyle\s*=\s*)("[^"]*"|'[^']*')""")
_STYLE_ELEMENT = re.compile(r"(?is)(<style\b[^>]*>)(.*?)(</style\s*>)")
_CSS_URL = re.compile(r"""(?i)url\(\s*(?!["']?data:)(?:"[^"]*"|'[^']*'|[^)]*)\s*\)""")
_CSS_IMPORT = re.compile(r"""(?i)@import\s+(?:url\([^)]*\)|"[^"]*"|'[^']*')[^;]*;?""")
EMPTY_URL = "data:,"


def inert_css(css: str) -> str:
    """A stylesheet with every ``url(...)`` emptied and every ``@import`` removed."""
    return _CSS_URL.sub(f"url({EMPTY_URL})", _CSS_IMPORT.sub("/* @import removed */", css))


def inert_html(html: str) -> str:
    """A fragment whose tags load and run nothing: URL attributes emptied, ``srcset`` and ``<link href>``
    renamed, ``<meta http-equiv>`` (refresh) disarmed, frames and plugins left without a URL, ``url()`` in style
    attributes and ``<style>`` elements emptied, ``<script>`` given a type no browser runs, ``on*`` handlers renamed (the renderer ran with
    JavaScript off, so none of them ever ran there either).
    Only start tags and style elements are touched: visible text is left alone."""
    html = _TAG.sub(_inert_tag, html)
    return _STYLE_ELEMENT.sub(lambda m: m.group(1) + inert_css(m.group(2)) + m.group(3), html)


def _inert_tag(match: re.Match[str]) -> str:
    tag = match.group(0)
    if _EMBED_TAG.match(tag):
        tag = _EMBED_URL.sub(r"\g<1>data-phx-\g<2>\g<3>", tag)
    tag = _ATTR_URL.sub(rf'\g<1>"{EMPTY_URL}"', tag)
    tag = _HANDLER.sub(r"\g<1>data-phx-\g<2>", tag)
    tag = _SCRIPT_START.sub('<script type="text/x-phx-inert"', tag)  # the first type attribute wins
    tag = _SRCSET.sub(r"\g<1>data-phx-\g<2>\g<3>", tag)
    if tag[1:5].lower() == "link":
        tag = _HREF.sub(r"\g<1>data-phx-href\g<2>", tag)
    if tag[1:5].lower() == "meta":
        tag = _HTTP_EQUIV.sub(r"\g<1>data-phx-http-equiv\g<2>", tag)
    return _STYLE_ATTR.sub(lambda m: m.group(1) + inert_css(m.group(2)), tag)


# --- highlighting mismatched elements inside a render ---------------------------------------------

_SELECTOR_CHARS = re.compile(r"^[A-Za-z0-9_\-.#> :()\[\]=\"'*+~]+$")
HIGHLIGHT_RULE = ("outline: 3px solid #c2185b !important; outline-offset: -1px !important; "
                  "background-color: rgba(194, 24, 91, 0.10) !important;")


def highlight_selector(path: str) -> str | None:
    """A scorer path (``div.card > p.price``) as a CSS selector anchored at the frame's ``body``.

    Returns None when the path is not a selector we can trust (odd characters, or cssselect rejects it):
    the mismatch is still listed in words, just not outlined.
    """
    path = path.strip()
    if not path or not _SELECTOR_CHARS.match(path) or "</" in path:
        return None
    selector = f"body > {path}"
    try:
        cssselect.parse(selector)
    except cssselect.SelectorError:
        return None
    return selector


def highlight_css(paths: Iterable[str]) -> str:
    """One rule outlining the innermost elements of ``paths`` (an ancestor of another listed element is left
    out, so a changed price does not outline the whole card; unusable paths too); empty when none is left."""
    unique = {p.strip() for p in paths if p.strip()}
    innermost = [p for p in unique if not any(q.startswith(p + " > ") for q in unique)]
    selectors = sorted({s for s in (highlight_selector(p) for p in innermost) if s is not None})
    return f"{', '.join(selectors)} {{ {HIGHLIGHT_RULE} }}" if selectors else ""


# --- the report page's own policy -----------------------------------------------------------------

def script_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def page_csp(scripts: Iterable[str]) -> str:
    """The report page's policy: only the given inline scripts run; nothing loads from anywhere."""
    hashes = " ".join(script_hash(s) for s in scripts)
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'")
