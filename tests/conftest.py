"""Shared fixtures: one Chromium for the whole session (per xdist worker), and the golden-file switch.

    def test_x(renderer: Render) -> None:
        snap = renderer("<p class='price'>$10</p>", ".price { color: red }")

Browser tests carry ``@pytest.mark.browser``; without a Chromium they are skipped with the reason and the
fix (``phoenix browser ensure``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pytest

from harness.errors import BrowserNotFoundError
from harness.render import BrowserPool, Lane, RenderRequest, Snapshot, Viewport
from harness.render.browser import find_browser

DEFAULT_VIEWPORT = Viewport(390, 844)


class Render(Protocol):
    def __call__(self, body_html: str, css: str = "", *, viewport: Viewport = DEFAULT_VIEWPORT,
                 screenshot: bool = False, lane: Lane = "primary", key: str = "case") -> Snapshot: ...


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files from the current output instead of comparing against them")


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def browser_pool() -> Iterator[BrowserPool]:
    """The session's pool (one browser per xdist worker); skipped cleanly when no Chromium exists."""
    try:
        find_browser()
    except BrowserNotFoundError as exc:
        pytest.skip(f"no Chromium to drive: {exc}")
    pool = BrowserPool()
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session")
def renderer(browser_pool: BrowserPool) -> Render:
    """Render one fragment (batched path) and return its snapshot."""

    def render(body_html: str, css: str = "", *, viewport: Viewport = DEFAULT_VIEWPORT,
               screenshot: bool = False, lane: Lane = "primary", key: str = "case") -> Snapshot:
        request = RenderRequest(key, body_html, css, viewport, screenshot=screenshot)
        return browser_pool.render([request], lane=lane)[0]

    return render
