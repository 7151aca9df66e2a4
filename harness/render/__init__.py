"""Rendering: the only package that touches Playwright. See docs/scoring.md for what is captured."""

from harness.render.pool import BrowserPool, PoolOptions, PoolStats
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

__all__ = [
    "Box", "BrowserPool", "ElementSnap", "Lane", "PoolOptions", "PoolStats", "RenderMetrics", "RenderProblem",
    "RenderRequest", "Snapshot", "Viewport", "snapshot_from_json", "snapshot_summary", "snapshot_to_json",
]
