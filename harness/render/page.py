"""Page-level rendering: one batch of cases in shadow roots of one page, or one case standalone.

These functions drive an already prepared Playwright page (JavaScript off, loads blocked) and turn what the
extraction script returns into :class:`Snapshot` values. Recovery, retries, lanes and the pages themselves
live in :mod:`harness.render.pool`.

A batch is one ``evaluate``: the script replaces the page's hosts with the batch's cases (each stylesheet is
built once per page and shared by every root that uses it), checks that images and fonts settled, and
extracts every root. Only when something is still loading does the page get polled again.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from harness.render.document import FREEZE_CSS, standalone_page
from harness.render.values import (
    Box,
    ElementSnap,
    RenderMetrics,
    RenderMode,
    RenderRequest,
    Snapshot,
)

EXTRACT_JS = resources.files("harness.render").joinpath("extract.js").read_text(encoding="utf-8")
STYLE_PROPS = (
    "color", "background-color", "background-image", "opacity", "visibility", "display",
    "font-family", "font-size", "font-weight", "font-style", "line-height", "letter-spacing",
    "text-align", "text-decoration-line", "text-transform", "white-space",
    "border-top-width", "border-right-width", "border-bottom-width", "border-left-width",
    "border-top-style", "border-right-style", "border-bottom-style", "border-left-style",
    "border-top-color", "border-right-color", "border-bottom-color", "border-left-color",
    "border-top-left-radius", "border-top-right-radius", "border-bottom-right-radius",
    "border-bottom-left-radius", "box-shadow", "text-shadow", "outline-style", "outline-width",
    "outline-color", "transform", "filter", "object-fit", "z-index", "list-style-type", "position", "float",
)
# The snapshot keeps styles sorted by property; the extraction returns them in this order already.
OUTPUT_PROPS = tuple(sorted(STYLE_PROPS))
# Read one shorthand instead of four longhands (measured faster); the script splits the value back.
SHORTHANDS = {
    f"border-{part}": [f"border-{side}-{part}" for side in ("top", "right", "bottom", "left")]
    for part in ("width", "style", "color")
} | {"border-radius": [f"border-{corner}-radius" for corner in ("top-left", "top-right", "bottom-right",
                                                                 "bottom-left")]}
PSEUDO_KEYS = ("::before content", "::after content")
POLL_MS = 10
MAX_SHEETS = 256  # distinct stylesheets a page keeps built; past it the page starts over
# CSS that may give ::before / ::after content (a CSS escape could spell either word: then assume so).
_PSEUDO = re.compile(r"before|after|\\", re.IGNORECASE)
# CSS (or inline styles) that may reference an image beyond background-image.
_CSS_URL = re.compile(r"url\(|image-set|\\", re.IGNORECASE)
_STYLE_ROWS: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}
_STYLE_ROWS_MAX = 50_000


@dataclass
class PageLog:
    """What the page reported while one batch rendered (filled by the pool's event handlers)."""

    blocked: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.blocked.clear()
        self.console.clear()


# Replace the page's hosts with one shadow root per case. Stylesheets are built once per page (by id) and
# shared by every root with the same CSS; the freeze sheet is built once.
INSERT_JS = """(plan) => {
  const state = window.__phoenix || (window.__phoenix = {sheets: new Map(), freeze: null});
  if (plan.reset) state.sheets.clear();
  if (!state.freeze) {
    state.freeze = new CSSStyleSheet();
    state.freeze.replaceSync(plan.freeze);
  }
  for (const [id, css] of plan.sheets) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    state.sheets.set(id, sheet);
  }
  const hosts = plan.cases.map((c) => {
    const host = document.createElement("div");
    host.className = "phoenix-host";
    const root = host.attachShadow({mode: "open"});
    root.adoptedStyleSheets = [state.freeze, state.sheets.get(c.sheet)];
    root.innerHTML = c.html;
    return host;
  });
  document.body.replaceChildren(...hosts);
}"""


@dataclass
class SheetRegistry:
    """Which stylesheets a batch page has already built (by id), so each CSS text crosses over once."""

    ids: dict[str, int] = field(default_factory=dict)
    limit: int = MAX_SHEETS

    def plan(self, requests: Sequence[RenderRequest]) -> dict[str, Any]:
        reset = len(self.ids) + len({r.css for r in requests} - self.ids.keys()) > self.limit
        if reset:
            self.ids.clear()
        sheets = []
        for request in requests:
            if request.css not in self.ids:
                self.ids[request.css] = len(self.ids)
                sheets.append([self.ids[request.css], request.css])
        return {"reset": reset, "freeze": FREEZE_CSS, "sheets": sheets,
                "cases": [{"html": r.body_html, "sheet": self.ids[r.css]} for r in requests]}


@dataclass(frozen=True)
class Extracted:
    """One root's extraction plus what still has to be decided about it."""

    snapshot: Snapshot
    needs_document: str | None


def extract_args(mode: RenderMode, requests: Sequence[RenderRequest], *, max_elements: int) -> dict[str, Any]:
    """The arguments of the extraction script for these cases (also what the benchmarks' bare loop passes)."""
    return {"mode": mode, "maxElements": max_elements, "props": OUTPUT_PROPS, "shorthands": SHORTHANDS,
            "roots": [root_flags(r) for r in requests]}


def root_flags(request: RenderRequest) -> dict[str, bool]:
    """Which optional reads a case needs: pseudo-element content and images named only in CSS (or in the
    fragment's style attributes and, rendered standalone, its own ``<style>``)."""
    css, body = _css_flags(request.css), _css_flags(request.body_html)
    return {"pseudo": css[0] or body[0], "cssUrls": css[1] or body[1]}


@lru_cache(maxsize=512)
def _css_flags(text: str) -> tuple[bool, bool]:
    return bool(_PSEUDO.search(text)), bool(_CSS_URL.search(text))


def render_batch(page: Page, sheets: SheetRegistry, requests: Sequence[RenderRequest], log: PageLog, *,
                 max_elements: int, timeout_ms: float) -> list[Extracted]:
    """All ``requests`` (one viewport) in one page, each in its own shadow root.

    Two calls: the insert (images start, and fail at once under the page's policy, once it returns), then
    the extraction, which polls only when something is still loading.
    """
    log.clear()
    page.evaluate(INSERT_JS, sheets.plan(requests))
    args = extract_args("batched", requests, max_elements=max_elements)
    raw = _settled(page, args, timeout_ms)
    out = []
    hosts = page.locator("body > .phoenix-host")
    styles = _style_rows(raw["styles"])
    console = _console(log)
    for i, (request, data) in enumerate(zip(requests, raw["roots"], strict=True)):
        shot = _screenshot(hosts.nth(i), timeout_ms) if request.screenshot else None
        snap = _snapshot(request, data, styles, "batched", data["loads"], console, shot)
        out.append(Extracted(snap, data["needsDocument"]))
    return out


def render_standalone(page: Page, request: RenderRequest, log: PageLog, *, max_elements: int,
                      timeout_ms: float, reason: str | None) -> Snapshot:
    """One case in a document of its own: the case CSS in the head, the fragment in the body."""
    log.clear()
    page.set_content(standalone_page(request.body_html, request.css), timeout=timeout_ms)
    raw = _settled(page, extract_args("standalone", [request], max_elements=max_elements), timeout_ms)
    shot = _screenshot(page.locator("body"), timeout_ms) if request.screenshot else None
    data = raw["roots"][0]
    # The requests the page made (stylesheets, fonts, imports a document can load) and what its elements load.
    blocked = sorted(set(log.blocked) | set(data["loads"]))
    snap = _snapshot(request, data, _style_rows(raw["styles"]), "standalone", blocked, _console(log), shot)
    return replace(snap, fallback_reason=reason)


def _settled(page: Page, args: dict[str, Any], timeout_ms: float) -> dict[str, Any]:
    """The extraction once images are decoded or failed and fonts are loaded.

    Not ``wait_for_function``: with the page's JavaScript off its polling timers never fire, so it checks
    once and then waits forever. ``wait_for_timeout`` keeps Playwright's event loop (and the pool's request
    handlers) running between checks.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    text = page.evaluate(EXTRACT_JS, {**args, "settle": True})
    while not text:
        if time.monotonic() > deadline:
            raise PlaywrightTimeoutError(f"images or fonts did not settle within {timeout_ms / 1000:g} s")
        page.wait_for_timeout(POLL_MS)
        text = page.evaluate(EXTRACT_JS, {**args, "settle": True})
    data: dict[str, Any] = json.loads(text)
    return data


def _screenshot(locator: Any, timeout_ms: float) -> bytes | None:
    try:
        shot: bytes = locator.screenshot(animations="disabled", caret="hide", timeout=timeout_ms)
    except PlaywrightError:
        return None  # a root of zero height has no pixels; the snapshot says so by screenshot=None
    return shot


_QUIET = ("Failed to load resource", "violates the following Content Security Policy directive")


def _console(log: PageLog) -> tuple[str, ...]:
    """The page's console errors, without the ones every blocked load writes."""
    return tuple(m for m in log.console if not any(q in m for q in _QUIET))


def _style_rows(rows: list[list[str]]) -> list[tuple[tuple[str, str], ...]]:
    """Each distinct style vector of a call as the snapshot's sorted (property, value) pairs; equal vectors
    share one tuple across calls (less memory, and equal elements compare by identity)."""
    if len(_STYLE_ROWS) > _STYLE_ROWS_MAX:
        _STYLE_ROWS.clear()
    out = []
    for row in rows:
        key = tuple(row)
        pairs = _STYLE_ROWS.get(key)
        if pairs is None:
            before, after = key[-2], key[-1]
            pseudo: list[tuple[str, str]] = [(PSEUDO_KEYS[1], after)] if after else []
            if before:
                pseudo.append((PSEUDO_KEYS[0], before))  # sorted: "::after" < "::before" < any property
            pairs = _STYLE_ROWS[key] = (*pseudo, *zip(OUTPUT_PROPS, key, strict=False))
        out.append(pairs)
    return out


def _snapshot(request: RenderRequest, data: dict[str, Any], styles: list[tuple[tuple[str, str], ...]],
              mode: RenderMode, blocked: list[str], console: tuple[str, ...], shot: bytes | None) -> Snapshot:
    return Snapshot(
        key=request.key, viewport=request.viewport,
        elements=tuple(_element(e, styles) for e in data["elements"]),
        blocked_requests=tuple(blocked), console=console,
        metrics=RenderMetrics(**data["metrics"]), screenshot=shot, truncated=bool(data["truncated"]),
        mode=mode, root_box=_box(data["rootBox"]),
    )


def _element(row: list[Any], styles: list[tuple[tuple[str, str], ...]]) -> ElementSnap:
    index, parent, tag, attrs, classes, text, style, box, visible, slot, role, name = row
    return ElementSnap(
        index=index, parent=parent, tag=tag, attrs=tuple((a, v) for a, v in attrs), classes=tuple(classes),
        text=text, styles=styles[style], box=_box(box), visible=bool(visible), slot=slot, role=role, name=name,
    )


def _box(values: list[float]) -> Box:
    x, y, w, h = (float(v) for v in values)
    return Box(x, y, w, h)
