"""The renderer in a real Chromium: isolation, determinism, batching parity, recovery, limits."""

from __future__ import annotations

import os
import signal

import pytest
from playwright.sync_api import Error as PlaywrightError

from harness.render import BrowserPool, PoolOptions, RenderRequest, Snapshot, Viewport
from harness.render.samples import product_cards
from harness.score import compare
from harness.score.pixels import pixel_diff
from tests.conftest import DEFAULT_VIEWPORT, Render

pytestmark = pytest.mark.browser

CARD = ('<div class="card"><span class="badge">Sale</span><h3 class="card__title">Shoe</h3>'
        '<p class="price">$10.00</p><button type="button">Add</button></div>')
CSS = ".card { position: relative; padding: 8px } .badge { position: absolute; top: 4px; right: 4px } " \
      ".price { color: #c00 }"

PARITY_CASES = {
    "plain card": (CARD, CSS),
    "absolute badge at the bottom": (CARD, CSS + " .badge { top: auto; bottom: 0 }"),
    "margins collapse into the root": ('<p style="margin: 20px 0">a</p><p>b</p>', ""),
    "floats": ('<div style="float: left; width: 50px; height: 30px"></div><p>next to a float</p>', ""),
    "flex and grid": ('<div style="display: grid; grid-template-columns: 1fr 2fr"><span>a</span>'
                      '<span>b</span></div><div style="display: flex; gap: 5px"><i>x</i><b>y</b></div>', ""),
    "percentage heights": ('<div class="a"><div class="b">x</div></div>', ".a { height: 50% } .b { height: 100% }"),
    "viewport units": ('<div class="hero">x</div>', ".hero { height: 20vh; width: 50vw }"),
    "first-child selectors": (CARD + CARD, ".card:first-child { color: red } .card:last-child { color: blue }"),
    "media query": (CARD, "@media (max-width: 400px) { .card { padding: 20px } }"),
}


@pytest.mark.parametrize(("body", "css"), list(PARITY_CASES.values()), ids=list(PARITY_CASES))
def test_batched_scores_exactly_like_standalone(browser_pool: BrowserPool, body: str, css: str) -> None:
    request = RenderRequest("parity", body, css, DEFAULT_VIEWPORT, screenshot=True)
    batched = browser_pool.render([RenderRequest("before", CARD, CSS, DEFAULT_VIEWPORT), request])[1]
    alone = browser_pool.render_standalone(request)
    assert (batched.mode, alone.mode) == ("batched", "standalone")
    assert batched.elements == alone.elements
    result = compare(alone, batched)
    assert result.score == 1.0, [m.message for m in result.mismatches]


def test_product_cards_batched_equal_standalone(browser_pool: BrowserPool) -> None:
    cards = product_cards(6, seed=3)
    requests = [RenderRequest(f"c{i}", c.body_html, c.css, DEFAULT_VIEWPORT) for i, c in enumerate(cards)]
    batched = browser_pool.render(requests)
    for request, snap in zip(requests, batched, strict=True):
        alone = browser_pool.render_standalone(request)
        assert snap.elements == alone.elements
        assert snap.blocked_requests == alone.blocked_requests
        assert snap.metrics == alone.metrics


FALLBACKS = {
    "body selector": ("body { margin: 8px }", "styles <body>"),
    "root variables": (":root { --x: 1px }", ":root"),
    "universal margin reset": ("* { margin: 0 }", "<body>"),
    "font face": ("@font-face { font-family: X; src: url(x.woff2) }", "@font-face"),
    "fixed position": (".card { position: fixed; top: 0 }", "position: fixed"),
}


@pytest.mark.parametrize(("css", "reason"), list(FALLBACKS.values()), ids=list(FALLBACKS))
def test_document_level_css_renders_standalone_and_says_why(renderer: Render, css: str, reason: str) -> None:
    snap = renderer(CARD, css)
    assert snap.mode == "standalone"
    assert snap.fallback_reason is not None
    assert reason in snap.fallback_reason


def test_inline_fixed_position_found_at_runtime(renderer: Render) -> None:
    snap = renderer('<div style="position: fixed; bottom: 0">sticky bar</div>')
    assert snap.mode == "standalone"
    assert snap.fallback_reason == "position: fixed on <div>"
    assert snap.elements[0].box.y == DEFAULT_VIEWPORT.height - snap.elements[0].box.h


def test_network_requests_are_aborted_and_recorded(renderer: Render) -> None:
    body = ('<img src="https://cdn.example.com/a.png" alt="a"><img src="/local.png" alt="b">'
            '<div style="background-image: url(bg.jpg); height: 10px"></div>'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="inline">')
    snap = renderer(body)
    assert snap.blocked_requests == ("http://phoenix.invalid/bg.jpg", "http://phoenix.invalid/local.png",
                                     "https://cdn.example.com/a.png")


def test_scripts_and_inline_handlers_never_run(renderer: Render) -> None:
    body = ('<p id="target">kept</p><script>document.getElementById("target").remove()</script>'
            '<img src="missing.png" onerror="document.getElementById(\'target\').textContent=\'ran\'">'
            '<div onclick="this.remove()">x</div>')
    snap = renderer(body)
    target = [e for e in snap.elements if e.attr("id") == "target"]
    assert len(target) == 1
    assert target[0].text == "kept"
    assert [e.tag for e in snap.elements] == ["p", "script", "img", "div"]


def test_animations_are_settled_to_their_end_state(renderer: Render) -> None:
    css = "@keyframes grow { from { width: 10px } to { width: 200px } } .bar { height: 5px; " \
          "animation: grow 5s forwards; }"
    snap = renderer('<div class="bar"></div>', css)
    assert snap.elements[0].box.w == 200


def test_extraction_is_capped_and_says_truncated(browser_pool: BrowserPool) -> None:
    pool_options = PoolOptions(max_elements=10)
    with BrowserPool(pool_options) as pool:
        snap = pool.render_one(RenderRequest("many", "<ul>" + "<li>x</li>" * 30 + "</ul>", "", DEFAULT_VIEWPORT))
    assert snap.truncated
    assert len(snap.elements) == 10
    assert snap.metrics.nodes == 31
    assert browser_pool.stats.launches >= 1  # the session pool is untouched by the private one


def test_metrics_count_nodes_and_layout_work(renderer: Render) -> None:
    small = renderer("<div><p>a</p></div>")
    large = renderer("<div style='display:flex'>" + "<p>a</p>" * 20 + "</div>")
    assert (small.metrics.nodes, large.metrics.nodes) == (2, 21)
    assert large.metrics.layout_cost > 2 * small.metrics.layout_cost


def test_twin_lane_renders_in_a_separate_context(browser_pool: BrowserPool) -> None:
    request = RenderRequest("twin", CARD, CSS, DEFAULT_VIEWPORT)
    old = browser_pool.render_one(request)
    twin = browser_pool.render_one(request, lane="twin")
    lanes = browser_pool._lanes
    assert lanes["primary"].context is not lanes["twin"].context
    assert compare(old, twin).score == 1.0


def test_viewports_are_honoured(renderer: Render) -> None:
    narrow = renderer(CARD, CSS, viewport=Viewport(320, 640))
    wide = renderer(CARD, CSS, viewport=Viewport(1280, 800))
    assert (narrow.root_box.w, wide.root_box.w) == (320, 1280)


def test_screenshot_only_when_asked(renderer: Render) -> None:
    assert renderer(CARD, CSS).screenshot is None
    shot = renderer(CARD, CSS, screenshot=True).screenshot
    assert shot is not None
    assert shot.startswith(b"\x89PNG")


def test_crashed_page_is_recovered(browser_pool: BrowserPool, renderer: Render) -> None:
    before = renderer(CARD, CSS)
    lane = browser_pool._lanes["primary"]
    with pytest.raises(PlaywrightError, match=r"crash|closed"):
        lane.page.goto("chrome://crash")
    after = renderer(CARD, CSS)
    assert after.ok
    assert after.elements == before.elements


def test_killed_browser_is_relaunched_and_the_batch_retried() -> None:
    cards = product_cards(8, seed=5)
    requests = [RenderRequest(f"c{i}", c.body_html, c.css, DEFAULT_VIEWPORT) for i, c in enumerate(cards)]
    with BrowserPool() as pool:
        expected = pool.render(requests)
        for pid in pool._browser_pids:
            os.kill(pid, signal.SIGKILL)
        got = pool.render(requests)
        assert pool.stats.launches == 2
    assert [s.elements for s in got] == [s.elements for s in expected]


def _slow_case(nodes: int) -> str:
    return "<div>" + "<span>a</span>" * nodes + "</div>"


def test_one_pathological_case_fails_alone() -> None:
    good = [RenderRequest(f"ok{i}", CARD, CSS, DEFAULT_VIEWPORT) for i in range(3)]
    bad = RenderRequest("huge", _slow_case(400_000), "", DEFAULT_VIEWPORT)
    with BrowserPool(PoolOptions(timeout_s=1.0, max_nodes=10**7, max_source_bytes=10**8)) as pool:
        results = pool.render([good[0], bad, good[1], good[2]])
        assert pool.stats.splits >= 1
        assert pool.stats.failures == 1
    assert [s.ok for s in results] == [True, False, True, True]
    assert results[1].error is not None
    assert results[1].error.code == "render.timeout"
    assert "huge" in results[1].error.message


@pytest.mark.parametrize(("body", "code"), [
    pytest.param(_slow_case(100_000), "render.too_large", id="100,000 nodes"),
    pytest.param("<div>" * 5000 + "x" + "</div>" * 5000, "render.too_deep", id="5,000-deep nesting"),
])
def test_limits_fail_one_case_with_a_clear_error(browser_pool: BrowserPool, body: str, code: str) -> None:
    results = browser_pool.render([RenderRequest("bad", body, "", DEFAULT_VIEWPORT),
                                   RenderRequest("good", CARD, CSS, DEFAULT_VIEWPORT)])
    assert results[0].error is not None
    assert results[0].error.code == code
    assert results[0].error.fix
    assert results[1].ok
    assert results[1].elements


def test_rendering_is_deterministic_across_calls(browser_pool: BrowserPool) -> None:
    request = RenderRequest("det", product_cards(1, seed=11)[0].body_html, product_cards(1)[0].css,
                            DEFAULT_VIEWPORT, screenshot=True)
    first: Snapshot = browser_pool.render_one(request)
    second = browser_pool.render_one(request, lane="twin")
    assert first.elements == second.elements
    assert first.screenshot is not None
    assert second.screenshot is not None
    assert pixel_diff(first.screenshot, second.screenshot).count == 0

