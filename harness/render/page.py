"""Page-level rendering: one batch of cases in shadow roots of one page, or one case standalone.

These functions drive an already prepared Playwright page (network routed, JavaScript off) and turn what
the extraction script returns into :class:`Snapshot` values. Recovery, retries and lanes live in
:mod:`harness.render.pool`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from harness.render.document import BATCH_PAGE, FREEZE_CSS, standalone_page
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
INSERT_JS = """(cases) => {
  const freeze = new CSSStyleSheet();
  freeze.replaceSync(FREEZE_CSS);
  document.body.replaceChildren();
  for (const c of cases) {
    const host = document.createElement("div");
    host.className = "phoenix-host";
    const root = host.attachShadow({mode: "open"});
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(c.css);
    root.adoptedStyleSheets = [freeze, sheet];
    root.innerHTML = c.html;
    document.body.append(host);
  }
  return cases.length;
}""".replace("FREEZE_CSS", repr(FREEZE_CSS).replace("'", '"'))
SETTLED_JS = """(mode) => {
  const roots = mode === "standalone" ? [document]
    : [...document.querySelectorAll("body > .phoenix-host")].map((h) => h.shadowRoot);
  const imagesDone = roots.every((r) => [...r.querySelectorAll("img")].every((i) => i.complete));
  return imagesDone && document.fonts.status === "loaded";
}"""


@dataclass
class PageLog:
    """What the page reported while one batch rendered (filled by the pool's event handlers)."""

    blocked: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.blocked.clear()
        self.console.clear()


@dataclass(frozen=True)
class Extracted:
    """One root's extraction plus what still has to be decided about it."""

    snapshot: Snapshot
    needs_document: str | None


def render_batch(page: Page, requests: Sequence[RenderRequest], log: PageLog, *, max_elements: int,
                 timeout_ms: float) -> list[Extracted]:
    """All ``requests`` (one viewport) in one page, each in its own shadow root."""
    page.set_content(BATCH_PAGE, timeout=timeout_ms)
    log.clear()
    page.evaluate(INSERT_JS, [{"html": r.body_html, "css": r.css} for r in requests])
    wait_settled(page, "batched", timeout_ms)
    raw = json.loads(page.evaluate(EXTRACT_JS, {"mode": "batched", "maxElements": max_elements,
                                                "props": STYLE_PROPS}))
    out = []
    hosts = page.locator("body > .phoenix-host")
    for i, (request, data) in enumerate(zip(requests, raw, strict=True)):
        shot = _screenshot(hosts.nth(i), timeout_ms) if request.screenshot else None
        blocked = _attribute(log.blocked, data["urls"], request)
        snap = _snapshot(request, data, "batched", blocked, _console(log), shot)
        out.append(Extracted(snap, data["needsDocument"]))
    return out


def render_standalone(page: Page, request: RenderRequest, log: PageLog, *, max_elements: int,
                      timeout_ms: float, reason: str | None) -> Snapshot:
    """One case in a document of its own: the case CSS in the head, the fragment in the body."""
    log.clear()
    page.set_content(standalone_page(request.body_html, request.css), timeout=timeout_ms)
    wait_settled(page, "standalone", timeout_ms)
    raw = json.loads(page.evaluate(EXTRACT_JS, {"mode": "standalone", "maxElements": max_elements,
                                                "props": STYLE_PROPS}))
    shot = _screenshot(page.locator("body"), timeout_ms) if request.screenshot else None
    snap = _snapshot(request, raw[0], "standalone", sorted(set(log.blocked)), _console(log), shot)
    return replace(snap, fallback_reason=reason)


def wait_settled(page: Page, mode: RenderMode, timeout_ms: float) -> None:
    """Wait until images are decoded or failed and fonts are loaded.

    Not ``wait_for_function``: with the page's JavaScript off its polling timers never fire, so it checks
    once and then waits forever. ``wait_for_timeout`` keeps Playwright's event loop (and our route
    handler) running between checks.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(SETTLED_JS, mode):
        if time.monotonic() > deadline:
            raise PlaywrightTimeoutError(f"images or fonts did not settle within {timeout_ms / 1000:g} s")
        page.wait_for_timeout(10)


def _screenshot(locator: Any, timeout_ms: float) -> bytes | None:
    try:
        shot: bytes = locator.screenshot(animations="disabled", caret="hide", timeout=timeout_ms)
    except PlaywrightError:
        return None  # a root of zero height has no pixels; the snapshot says so by screenshot=None
    return shot


def _console(log: PageLog) -> tuple[str, ...]:
    return tuple(m for m in log.console if "Failed to load resource" not in m)


def _attribute(blocked: list[str], referenced: list[str], request: RenderRequest) -> list[str]:
    """The blocked requests that belong to this case of a batch (its own URLs, or named in its source)."""
    refs = set(referenced)
    source = request.body_html + request.css
    mine = {url for url in blocked if url in refs or _tail(url) in source}
    return sorted(mine)


def _tail(url: str) -> str:
    path = url.split("?", 1)[0].rstrip("/")
    return path.rsplit("/", 1)[-1] or url


def _snapshot(request: RenderRequest, data: dict[str, Any], mode: RenderMode, blocked: list[str],
              console: tuple[str, ...], shot: bytes | None) -> Snapshot:
    return Snapshot(
        key=request.key, viewport=request.viewport,
        elements=tuple(_element(e) for e in data["elements"]),
        blocked_requests=tuple(blocked), console=console,
        metrics=RenderMetrics(**data["metrics"]), screenshot=shot, truncated=bool(data["truncated"]),
        mode=mode, root_box=_box(data["rootBox"]),
    )


def _element(row: list[Any]) -> ElementSnap:
    index, parent, tag, attrs, classes, text, styles, box, visible, slot, role, name = row
    return ElementSnap(
        index=index, parent=parent, tag=tag, attrs=tuple((a, v) for a, v in attrs), classes=tuple(classes),
        text=text, styles=tuple(sorted((p, v) for p, v in styles)), box=_box(box), visible=bool(visible),
        slot=slot, role=role, name=name,
    )


def _box(values: list[float]) -> Box:
    x, y, w, h = (float(v) for v in values)
    return Box(x, y, w, h)
