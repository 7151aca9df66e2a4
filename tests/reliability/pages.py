"""Opening a run's reports in Chromium with JavaScript ON (the reports need it for their own UI) and
recording everything a payload could make happen: dialogs, console errors and uncaught exceptions,
requests that are not the report file itself, ``window.__pwned``, the title.

No request is refused by the test: the reports' own Content-Security-Policy, sandboxed frames and inert
documents must stop everything (the origin server's log shows whether anything got out).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Dialog, Request

from harness.render.browser import LAUNCH_ARGS, find_browser
from harness.render.pool import _playwright

LOCAL = ("file://", "data:", "about:")


@dataclass(frozen=True)
class PageCheck:
    path: str                      # relative to the run directory: "users/js-alert.html", "index.html"
    title: str
    pwned: Any                     # window.__pwned after the page ran (None: never set)
    dialogs: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()   # console errors and uncaught exceptions
    requests: tuple[str, ...] = ()  # every request to something other than the file itself
    frames: tuple[str, ...] = field(default=())  # the URL of every frame but the page (about:srcdoc)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_pages(run_dir: Path, paths: list[str]) -> list[PageCheck]:
    """Open each page (relative to ``run_dir``) in a fresh context of one Chromium, every ``<details>``
    opened so that lazily built renders are in the page too."""
    location = find_browser()
    browser = _playwright().chromium.launch(
        executable_path=str(location.executable) if location.executable else None, args=list(LAUNCH_ARGS))
    try:
        return [_check(browser, run_dir, path) for path in paths]
    finally:
        browser.close()


def _check(browser: Browser, run_dir: Path, path: str) -> PageCheck:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    requests: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def on_request(request: Request) -> None:
        if not request.url.startswith(LOCAL):
            requests.append(request.url)

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", on_request)
    page.on("dialog", on_dialog)
    try:
        page.goto((run_dir / path).as_uri())
        page.wait_for_load_state("load")
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
        page.wait_for_timeout(300)
        return PageCheck(path, page.title(), page.evaluate("() => window.__pwned ?? null"), tuple(dialogs),
                         tuple(errors), tuple(requests), tuple(frame.url for frame in page.frames[1:]))
    finally:
        context.close()
