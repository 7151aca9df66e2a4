"""Render values and page planning, without a browser."""

from __future__ import annotations

import pytest

from harness.errors import RenderError
from harness.render.document import document_reason
from harness.render.values import (
    Box,
    ElementSnap,
    RenderMetrics,
    RenderProblem,
    Snapshot,
    Viewport,
    snapshot_from_json,
    snapshot_summary,
    snapshot_to_json,
)


def test_viewport_parses_and_labels() -> None:
    assert Viewport.parse(" 390x844 ") == Viewport(390, 844)
    assert Viewport(1280, 800).label == "1280x800"
    with pytest.raises(RenderError) as info:
        Viewport.parse("390 by 844")
    assert info.value.code == "render.bad_viewport"


def test_snapshot_json_round_trip_is_exact() -> None:
    element = ElementSnap(index=0, parent=-1, tag="p", attrs=(("id", "x"),), classes=("a", "b"), text="hi",
                          styles=(("color", "rgb(0, 0, 0)"),), box=Box(1.5, 2.0, 30.25, 18.0), visible=True,
                          slot="price", role="paragraph", name=None)
    snap = Snapshot(key="u1/card", viewport=Viewport(390, 844), elements=(element,), blocked_requests=("http://x/a",),
                    console=("boom",), metrics=RenderMetrics(1, 1, 1, 1, 2), screenshot=b"\x89PNG..",
                    truncated=True, mode="standalone", fallback_reason="styles <body>", root_box=Box(0, 0, 390, 20))
    assert snapshot_from_json(snapshot_to_json(snap)) == snap
    failed = Snapshot(key="k", viewport=Viewport(390, 844), error=RenderProblem("render.crash", "m", "f"))
    assert snapshot_from_json(snapshot_to_json(failed)) == failed
    summary = snapshot_summary(snap)
    assert summary["elements"] == 1
    assert summary["screenshot"] is True
    assert "PNG" not in str(summary)


@pytest.mark.parametrize(("body", "css", "reason"), [
    pytest.param("<p>", ".card { color: red } .a > .b { margin: 0 }", None, id="scoped rules share a page"),
    pytest.param("<p>", "*, *::before, *::after { box-sizing: border-box }", None, id="box-sizing reset"),
    pytest.param("<p>", "body { margin: 0 }", "styles <body>", id="body"),
    pytest.param("<p>", "html.js .card { color: red }", "styles <html>", id="html ancestor"),
    pytest.param("<p>", ":root { --gap: 4px }", ":root", id="root"),
    pytest.param("<p>", "* { margin: 0 }", "<body>", id="universal margin"),
    pytest.param("<p>", ":not(.x) { color: red }", "<body>", id="negation only"),
    pytest.param("<p>", "@media (min-width: 1px) { body { color: red } }", "styles <body>", id="inside media"),
    pytest.param("<p>", "@import url(a.css);", "@import", id="import"),
    pytest.param("<p>", ".bar { position: sticky; top: 0 }", "position: sticky", id="sticky"),
    pytest.param("<style>p{}</style><p>", "", "own <style>", id="fragment style"),
    pytest.param("<p>", ".body { color: red } #html { color: red }", None, id="class named body"),
])
def test_document_reason(body: str, css: str, reason: str | None) -> None:
    got = document_reason(body, css)
    if reason is None:
        assert got is None
    else:
        assert got is not None
        assert reason in got
