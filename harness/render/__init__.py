"""Rendering: the only package that touches Playwright. See docs/scoring.md for what is captured.

The pool (and with it Playwright, ~0.1 s to import) loads on first use: a run whose users all come from the
cache never needs it.
"""

from typing import TYPE_CHECKING, Any

from harness.render.values import (
    Box,
    ElementSnap,
    Lane,
    RenderMetrics,
    RenderProblem,
    RenderRequest,
    Snapshot,
    Viewport,
    snapshot_from_json,
    snapshot_summary,
    snapshot_to_json,
)

if TYPE_CHECKING:
    from harness.render.pool import BrowserPool, PoolOptions, PoolStats

_LAZY = {"BrowserPool", "PoolOptions", "PoolStats"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from harness.render import pool

        return getattr(pool, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Box", "BrowserPool", "ElementSnap", "Lane", "PoolOptions", "PoolStats", "RenderMetrics", "RenderProblem",
    "RenderRequest", "Snapshot", "Viewport", "snapshot_from_json", "snapshot_summary", "snapshot_to_json",
]
