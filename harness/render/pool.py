"""The browser pool: one Chromium per process, one isolated context per lane, batches in reused pages.

    with BrowserPool() as pool:
        old = pool.render(requests)                 # the "primary" lane
        twin = pool.render(requests, lane="twin")   # the same pages again, in a separate context

Every page: JavaScript off (customizations' scripts and inline handlers never run; Playwright's evaluate
still works), every request but the frame itself refused (by the batch page's Content-Security-Policy, or
aborted by the route) and recorded, reduced motion, a fixed viewport, locale, time zone and colour scheme.
A lane keeps one page per viewport for its whole life: no viewport switch, no navigation per batch. A batch that fails (a crash, a hang caught by the watchdog, a
Playwright error) is retried once on a fresh browser, then split in halves until the culprit case fails
alone with a :class:`RenderProblem`; its neighbours render normally.
"""

from __future__ import annotations

import atexit
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from typing import TypeVar

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Request, Route, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from harness.render.browser import LAUNCH_ARGS, descendant_pids, find_browser
from harness.render.document import BATCH_PAGE, FRAME_URL, STANDALONE_FRAME, document_reason
from harness.render.page import PageLog, SheetRegistry, render_batch, render_standalone
from harness.render.values import Lane, RenderProblem, RenderRequest, Snapshot, Viewport

T = TypeVar("T")


@dataclass(frozen=True)
class PoolOptions:
    batch_size: int = 24  # cases per page; measured in bench/bench_render.py
    timeout_s: float = 30.0  # per batch or standalone case, watchdog included
    max_elements: int = 5_000  # extraction cap; past it the snapshot is `truncated`
    max_nodes: int = 50_000  # a case with more elements fails alone (render.too_large)
    max_depth: int = 400  # Chromium's parser flattens nesting past 512: such a page is not what was written
    max_source_bytes: int = 5_000_000  # fragment + CSS; larger ones are refused before rendering
    executable: str | None = None  # a Chromium to use instead of find_browser()'s choice


@dataclass
class PoolStats:
    batches: int = 0
    standalone: int = 0
    launches: int = 0
    retries: int = 0
    splits: int = 0
    failures: int = 0


class _RenderFailure(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Page:
    """One page of a lane's context, kept for many batches: its viewport never changes, and a batch page
    never navigates again (each batch replaces the hosts of the one document)."""

    def __init__(self, context: BrowserContext, viewport: Viewport, frame: str, *, record: bool) -> None:
        self.log = PageLog()
        self.sheets = SheetRegistry()
        self.crashed = False
        self.viewport = viewport
        self.frame = frame
        self.page: Page = context.new_page()
        self.page.set_viewport_size({"width": viewport.width, "height": viewport.height})
        self.page.route("**/*", self._route)
        if record:  # a batch page derives what each case loads from the DOM instead (harness/render/page.py)
            self.page.on("request", self._on_request)
        self.page.on("console", lambda msg: self.log.console.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.log.console.append(str(exc)))
        self.page.on("crash", self._on_crash)
        self.page.goto(FRAME_URL)
        self.log.clear()

    @property
    def usable(self) -> bool:
        return not self.crashed and not self.page.is_closed()

    def _route(self, route: Route) -> None:
        """Only the frame itself is served; anything the page's policy let through is aborted here."""
        if route.request.url == FRAME_URL and route.request.is_navigation_request():
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self.frame)
        else:
            route.abort("blockedbyclient")

    def _on_request(self, request: Request) -> None:
        """Every load the page attempted (aborted by the route) is recorded."""
        url = request.url
        if not url.startswith("data:") and not (url == FRAME_URL and request.is_navigation_request()):
            self.log.blocked.append(url)

    def _on_crash(self, _page: Page) -> None:
        self.crashed = True

    def set_viewport(self, viewport: Viewport) -> None:
        if viewport != self.viewport:
            self.page.set_viewport_size({"width": viewport.width, "height": viewport.height})
            self.viewport = viewport


class _Lane:
    """One browser context (the isolation unit of a lane): a batch page per viewport, and one page that
    renders the cases that need a document of their own."""

    def __init__(self, browser: Browser, viewport: Viewport) -> None:
        self.context: BrowserContext = browser.new_context(
            java_script_enabled=False, viewport={"width": viewport.width, "height": viewport.height},
            reduced_motion="reduce", color_scheme="light", forced_colors="none", locale="en-US",
            timezone_id="UTC", device_scale_factor=1, service_workers="block", accept_downloads=False,
        )
        self.batch_pages: dict[Viewport, _Page] = {}
        self.standalone_page: _Page | None = None
        self.last: _Page | None = None

    @property
    def page(self) -> Page:
        """The Playwright page used last (tests reach for it to crash it on purpose)."""
        assert self.last is not None
        return self.last.page

    def batch(self, viewport: Viewport) -> _Page:
        page = self.batch_pages.get(viewport)
        if page is None or not page.usable:
            page = self.batch_pages[viewport] = _Page(self.context, viewport, BATCH_PAGE, record=False)
        self.last = page
        return page

    def standalone(self, viewport: Viewport) -> _Page:
        page = self.standalone_page
        if page is None or not page.usable:
            page = self.standalone_page = _Page(self.context, viewport, STANDALONE_FRAME, record=True)
        page.set_viewport(viewport)
        self.last = page
        return page


class BrowserPool:
    """Renders :class:`RenderRequest` values into :class:`Snapshot` values. Not thread-safe: one per process."""

    def __init__(self, options: PoolOptions | None = None) -> None:
        self.options = options or PoolOptions()
        self.stats = PoolStats()
        self._browser: Browser | None = None
        self._browser_pids: set[int] = set()
        self._lanes: dict[Lane, _Lane] = {}

    def __enter__(self) -> BrowserPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- public -------------------------------------------------------------------------------------

    def render(self, requests: Sequence[RenderRequest], *, lane: Lane = "primary") -> list[Snapshot]:
        """Snapshots in the order of ``requests``; a case that cannot render carries ``error``."""
        results: dict[int, Snapshot] = {}
        batchable: dict[Viewport, list[int]] = {}
        for i, request in enumerate(requests):
            refused = self._refuse(request)
            reason = None if refused else document_reason(request.body_html, request.css)
            if refused:
                results[i] = refused
            elif reason:
                results[i] = self._standalone(request, lane, reason)
            else:
                batchable.setdefault(request.viewport, []).append(i)
        size = max(1, self.options.batch_size)
        for indices in batchable.values():
            for start in range(0, len(indices), size):
                chunk = indices[start:start + size]
                for i, snap in zip(chunk, self._batch([requests[i] for i in chunk], lane), strict=True):
                    results[i] = snap
        return [self._check_limits(results[i]) for i in range(len(requests))]

    def render_one(self, request: RenderRequest, *, lane: Lane = "primary") -> Snapshot:
        return self.render([request], lane=lane)[0]

    def render_standalone(self, request: RenderRequest, *, lane: Lane = "primary") -> Snapshot:
        """Render in a document of its own even when it could share a batch (parity tests, baselines)."""
        return self._check_limits(self._standalone(request, lane, None))

    def close(self) -> None:
        self._lanes.clear()
        try:
            if self._browser is not None:
                self._browser.close()
        except PlaywrightError:
            pass  # a dead browser cannot be closed politely; it is gone anyway
        self._browser = None

    # --- batches, retries, splitting -----------------------------------------------------------------

    def _batch(self, requests: list[RenderRequest], lane: Lane) -> list[Snapshot]:
        try:
            return self._attempt_batch(requests, lane)
        except _RenderFailure:
            self.stats.retries += 1
            self._recover()
        return self._isolate(requests, lane)

    def _isolate(self, requests: list[RenderRequest], lane: Lane) -> list[Snapshot]:
        try:
            return self._attempt_batch(requests, lane)
        except _RenderFailure as failure:
            self._recover()
            if len(requests) == 1:
                self.stats.failures += 1
                return [_failed(requests[0], failure.code, failure.message)]
        self.stats.splits += 1
        half = len(requests) // 2
        return self._isolate(requests[:half], lane) + self._isolate(requests[half:], lane)

    def _attempt_batch(self, requests: list[RenderRequest], lane: Lane) -> list[Snapshot]:
        page = self._lane(lane, requests[0].viewport).batch(requests[0].viewport)
        self.stats.batches += 1
        extracted = self._guarded(page, lambda: render_batch(
            page.page, page.sheets, requests, page.log, max_elements=self.options.max_elements,
            timeout_ms=self.options.timeout_s * 1000))
        out = []
        for request, item in zip(requests, extracted, strict=True):
            if item.needs_document:
                out.append(self._standalone(request, lane, item.needs_document))
            else:
                out.append(item.snapshot)
        return out

    def _standalone(self, request: RenderRequest, lane: Lane, reason: str | None) -> Snapshot:
        self.stats.standalone += 1
        for attempt in range(2):
            page = self._lane(lane, request.viewport).standalone(request.viewport)
            try:
                return self._guarded(page, lambda p=page: render_standalone(  # type: ignore[misc]
                    p.page, request, p.log, max_elements=self.options.max_elements,
                    timeout_ms=self.options.timeout_s * 1000, reason=reason))
            except _RenderFailure as failure:
                self._recover()
                if attempt == 1:
                    self.stats.failures += 1
                    return _failed(request, failure.code, failure.message)
                self.stats.retries += 1
        raise AssertionError("unreachable")  # pragma: no cover

    def _guarded(self, page: _Page, work: Callable[[], T]) -> T:
        """Run ``work`` under the watchdog; turn every way a browser can fail into a _RenderFailure."""
        with self._watchdog() as fired:
            try:
                return work()
            except PlaywrightError as exc:
                if fired.is_set():
                    raise _RenderFailure("render.timeout", f"rendering took longer than "
                                         f"{self.options.timeout_s:g} s and the browser was stopped") from exc
                if page.crashed:
                    raise _RenderFailure("render.crash", "the browser page crashed while rendering") from exc
                raise _RenderFailure("render.failed", f"the browser failed: {exc.message}") from exc

    @contextmanager
    def _watchdog(self) -> Iterator[threading.Event]:
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            for pid in sorted(self._browser_pids):
                with suppress(OSError):
                    os.kill(pid, signal.SIGKILL)

        timer = threading.Timer(self.options.timeout_s, kill)
        timer.daemon = True
        timer.start()
        try:
            yield fired
        finally:
            timer.cancel()

    # --- browser lifecycle --------------------------------------------------------------------------

    def _lane(self, lane: Lane, viewport: Viewport) -> _Lane:
        if self._browser is None or not self._browser.is_connected():
            self._launch()
        found = self._lanes.get(lane)
        if found is None:
            assert self._browser is not None
            found = self._lanes[lane] = _Lane(self._browser, viewport)
        return found

    def _launch(self) -> None:
        self.close()
        playwright = _playwright()
        before = descendant_pids()
        location = find_browser(self.options.executable)
        executable = str(location.executable) if location.executable else None
        self._browser = playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS),
                                                         headless=True)
        self._browser_pids = descendant_pids() - before
        self.stats.launches += 1

    def _recover(self) -> None:
        """After a failure: relaunch the browser (cheap next to a wrong snapshot from a sick one)."""
        self.close()

    # --- limits -------------------------------------------------------------------------------------

    def _refuse(self, request: RenderRequest) -> Snapshot | None:
        size = len(request.body_html.encode()) + len(request.css.encode())
        if size > self.options.max_source_bytes:
            return _failed(request, "render.too_large",
                           f"the fragment and CSS are {size:,} bytes (limit {self.options.max_source_bytes:,})")
        return None

    def _check_limits(self, snap: Snapshot) -> Snapshot:
        if snap.error is not None:
            return snap
        metrics = snap.metrics
        if metrics.nodes > self.options.max_nodes:
            return _limit(snap, "render.too_large",
                          f"the component has {metrics.nodes:,} elements (limit {self.options.max_nodes:,})")
        if metrics.max_depth > self.options.max_depth:
            return _limit(snap, "render.too_deep", f"elements nest {metrics.max_depth} deep (limit "
                          f"{self.options.max_depth}; Chromium flattens nesting past 512 levels)")
        return snap


_PLAYWRIGHT: list[Playwright] = []


def _playwright() -> Playwright:
    """The process's one Playwright driver (the sync API allows one per thread); pools share it and each
    launches its own browser. Stopped when the process exits."""
    if not _PLAYWRIGHT:
        _PLAYWRIGHT.append(sync_playwright().start())
        atexit.register(_stop_playwright)
    return _PLAYWRIGHT[0]


def _stop_playwright() -> None:
    with suppress(Exception):
        _PLAYWRIGHT.pop().stop()


_FIXES = {
    "render.timeout": "look for a runaway layout in this case (huge tables, deep nesting); raise "
                      "timeout_s only if the case is legitimate",
    "render.crash": "render the case alone with `phoenix compare` to reproduce; report it if it crashes again",
    "render.failed": "render the case alone with `phoenix compare` to see the browser's message",
    "render.too_large": "this is not a product card; check what the customization generates",
    "render.too_deep": "this is not a product card; check what the customization generates",
}


def _shown(key: str) -> str:
    """A case key as people read it: callers join its parts with control characters (U+001F)."""
    return " / ".join(key.split("\x1f"))


def _failed(request: RenderRequest, code: str, message: str) -> Snapshot:
    return Snapshot(key=request.key, viewport=request.viewport,
                    error=RenderProblem(code, f"case {_shown(request.key)}: {message}", _FIXES[code]))


def _limit(snap: Snapshot, code: str, message: str) -> Snapshot:
    return replace(snap, elements=(), screenshot=None,
                   error=RenderProblem(code, f"case {_shown(snap.key)}: {message}", _FIXES[code]))
