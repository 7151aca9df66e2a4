"""Renders per second: the pool (batched shadow roots, 1 and 2 processes) vs the bare loop, same workload.

The bare loop is what one would write first: ``page.set_content(document)`` + the same extraction, one
case at a time, in one page with the same isolation. Run: ``.venv/bin/python bench/bench_render.py [N]``.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from collections.abc import Callable

from playwright.sync_api import sync_playwright

from harness.render import BrowserPool, PoolOptions, RenderRequest, Viewport
from harness.render.browser import LAUNCH_ARGS, find_browser
from harness.render.document import standalone_page
from harness.render.page import EXTRACT_JS, extract_args
from harness.render.parallel import ParallelRenderer
from harness.render.samples import product_cards
from harness.score import compare

VIEWPORT = Viewport(390, 844)


def workload(count: int) -> list[RenderRequest]:
    return [RenderRequest(f"c{i}", c.body_html, c.css, VIEWPORT) for i, c in enumerate(product_cards(count))]


def bare_loop(requests: list[RenderRequest]) -> float:
    location = find_browser()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(location.executable) if location.executable else None,
                                    args=list(LAUNCH_ARGS))
        page = browser.new_context(java_script_enabled=False, viewport={"width": VIEWPORT.width,
                                                                        "height": VIEWPORT.height}).new_page()
        page.route("**/*", lambda route: route.abort())
        page.set_content("<p>warm up</p>")
        start = time.perf_counter()
        for r in requests:
            page.set_content(standalone_page(r.body_html, r.css))
            json.loads(page.evaluate(EXTRACT_JS, extract_args("standalone", [r], max_elements=5000)))
        elapsed = time.perf_counter() - start
        browser.close()
    return elapsed


def timed(render: Callable[[list[RenderRequest]], object], requests: list[RenderRequest]) -> float:
    render(requests)  # launch, spawn workers and warm up outside the clock
    start = time.perf_counter()
    render(requests)
    return time.perf_counter() - start


def main(count: int) -> None:
    requests = workload(count)
    bare = bare_loop(requests)
    print(f"workload: {count} product cards at {VIEWPORT.label}")
    print(f"bare loop (set_content + extract)   {count / bare:8.1f} renders/s   1.00x")
    for batch in (8, 24, 48):
        with BrowserPool(PoolOptions(batch_size=batch)) as pool:
            t = timed(pool.render, requests)
        print(f"pool, batch {batch:<3}, 1 process        {count / t:8.1f} renders/s   {bare / t:.2f}x")
    with ParallelRenderer(workers=2) as parallel:
        t = timed(parallel.render, requests)
    print(f"pool, batch 24, 2 processes         {count / t:8.1f} renders/s   {bare / t:.2f}x")
    with BrowserPool() as pool:
        shots = [RenderRequest(r.key, r.body_html, r.css, r.viewport, screenshot=True) for r in requests[:40]]
        plain = timed(pool.render, requests[:40])
        with_shots = timed(pool.render, shots)
        snaps = pool.render(requests)
    print(f"screenshots cost {with_shots / plain:.1f}x a render without")
    start = time.perf_counter()
    for a, b in itertools.pairwise(snaps):
        compare(a, b)
    per_score = (time.perf_counter() - start) / (len(snaps) - 1)
    print(f"scoring a pair of different cards: {per_score * 1000:.1f} ms = {per_score / (t / count):.0%} of a render")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 240)
