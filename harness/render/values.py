"""The values of rendering: what to render (:class:`RenderRequest`) and what came back (:class:`Snapshot`).

All frozen, all plain data, so a snapshot can be cached, shipped to another process and compared on any
worker with the same result. ``snapshot_to_json`` / ``snapshot_from_json`` round-trip exactly (the cache
keeps whole snapshots; the results store keeps :func:`snapshot_summary`).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.errors import RenderError

Lane = Literal["primary", "twin"]
RenderMode = Literal["batched", "standalone"]

_VIEWPORT_RE = re.compile(r"^\s*(\d{2,5})\s*[xX×]\s*(\d{2,5})\s*$")


@dataclass(frozen=True, order=True)
class Viewport:
    width: int
    height: int

    @property
    def label(self) -> str:
        return f"{self.width}x{self.height}"

    @classmethod
    def parse(cls, text: str) -> Viewport:
        """``"390x844"`` → ``Viewport(390, 844)``; anything else is a usage error with the fix."""
        match = _VIEWPORT_RE.match(text)
        if not match:
            raise RenderError(f"viewport {text!r} is not WIDTHxHEIGHT", fix="write it like 390x844",
                              code="render.bad_viewport")
        return cls(int(match[1]), int(match[2]))


@dataclass(frozen=True)
class RenderRequest:
    """One fragment to render: the component's body HTML and its stylesheet, at one viewport."""

    key: str
    body_html: str
    css: str
    viewport: Viewport
    screenshot: bool = False


@dataclass(frozen=True)
class Box:
    """A border box in CSS pixels, relative to the component root's top-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def area(self) -> float:
        return max(self.w, 0.0) * max(self.h, 0.0)


@dataclass(frozen=True)
class ElementSnap:
    """One element as rendered. ``parent`` is the index of the parent element, -1 for a top-level one."""

    index: int
    parent: int
    tag: str
    attrs: tuple[tuple[str, str], ...]  # significant attributes (not class, style, data-slot), sorted
    classes: tuple[str, ...]  # sorted, unique
    text: str  # own visible text (direct text nodes), whitespace collapsed
    styles: tuple[tuple[str, str], ...]  # curated computed styles, sorted by property
    box: Box
    visible: bool
    slot: str | None = None
    role: str | None = None
    name: str | None = None  # accessible name, approximate

    def attr(self, name: str) -> str | None:
        for key, value in self.attrs:
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class RenderMetrics:
    """Deterministic cost figures of one render (counts, never times: see docs/scoring.md)."""

    nodes: int = 0  # elements in the component (all of them, even past the extraction cap)
    boxes: int = 0  # elements that generate a layout box (display is not none / contents)
    text_nodes: int = 0  # non-blank text nodes (each is a layout object of its own)
    max_depth: int = 0
    layout_cost: int = 0  # boxes + text_nodes + flex/grid items (laid out in more than one pass)


@dataclass(frozen=True)
class RenderProblem:
    """Why a render produced no usable snapshot, with a stable code (``render.timeout``, ``render.crash``)."""

    code: str
    message: str
    fix: str


@dataclass(frozen=True)
class Snapshot:
    key: str
    viewport: Viewport
    elements: tuple[ElementSnap, ...] = ()
    blocked_requests: tuple[str, ...] = ()
    console: tuple[str, ...] = ()
    error: RenderProblem | None = None
    metrics: RenderMetrics = field(default_factory=RenderMetrics)
    screenshot: bytes | None = None
    truncated: bool = False
    mode: RenderMode = "batched"
    fallback_reason: str | None = None  # why the case was rendered standalone instead of batched
    root_box: Box = field(default_factory=lambda: Box(0.0, 0.0, 0.0, 0.0))

    @property
    def ok(self) -> bool:
        return self.error is None


def _box_json(box: Box) -> list[float]:
    return [box.x, box.y, box.w, box.h]


def _box_from(data: list[float]) -> Box:
    return Box(float(data[0]), float(data[1]), float(data[2]), float(data[3]))


def element_to_json(el: ElementSnap) -> dict[str, Any]:
    return {"i": el.index, "p": el.parent, "tag": el.tag, "attrs": [list(a) for a in el.attrs],
            "classes": list(el.classes), "text": el.text, "styles": [list(s) for s in el.styles],
            "box": _box_json(el.box), "visible": el.visible, "slot": el.slot, "role": el.role, "name": el.name}


def element_from_json(data: dict[str, Any]) -> ElementSnap:
    return ElementSnap(
        index=int(data["i"]), parent=int(data["p"]), tag=str(data["tag"]),
        attrs=tuple((str(k), str(v)) for k, v in data["attrs"]), classes=tuple(data["classes"]),
        text=str(data["text"]), styles=tuple((str(k), str(v)) for k, v in data["styles"]),
        box=_box_from(data["box"]), visible=bool(data["visible"]), slot=data.get("slot"),
        role=data.get("role"), name=data.get("name"),
    )


def snapshot_to_json(snap: Snapshot) -> dict[str, Any]:
    """A JSON-ready dict holding everything, screenshot included (base64)."""
    return {
        "key": snap.key, "viewport": snap.viewport.label,
        "elements": [element_to_json(e) for e in snap.elements],
        "blocked_requests": list(snap.blocked_requests), "console": list(snap.console),
        "error": None if snap.error is None else vars(snap.error).copy(),
        "metrics": vars(snap.metrics).copy(),
        "screenshot": None if snap.screenshot is None else base64.b64encode(snap.screenshot).decode(),
        "truncated": snap.truncated, "mode": snap.mode, "fallback_reason": snap.fallback_reason,
        "root_box": _box_json(snap.root_box),
    }


def snapshot_from_json(data: dict[str, Any]) -> Snapshot:
    error = data.get("error")
    shot = data.get("screenshot")
    return Snapshot(
        key=str(data["key"]), viewport=Viewport.parse(data["viewport"]),
        elements=tuple(element_from_json(e) for e in data["elements"]),
        blocked_requests=tuple(data["blocked_requests"]), console=tuple(data["console"]),
        error=None if error is None else RenderProblem(**error),
        metrics=RenderMetrics(**data["metrics"]),
        screenshot=None if shot is None else base64.b64decode(shot),
        truncated=bool(data["truncated"]), mode=data.get("mode", "batched"),
        fallback_reason=data.get("fallback_reason"), root_box=_box_from(data.get("root_box", [0, 0, 0, 0])),
    )


def snapshot_summary(snap: Snapshot) -> dict[str, Any]:
    """What the results store keeps: no elements, no pixels."""
    return {
        "key": snap.key, "viewport": snap.viewport.label, "elements": len(snap.elements),
        "blocked_requests": list(snap.blocked_requests), "console": list(snap.console),
        "error": None if snap.error is None else vars(snap.error).copy(),
        "metrics": vars(snap.metrics).copy(), "truncated": snap.truncated, "mode": snap.mode,
        "fallback_reason": snap.fallback_reason, "screenshot": snap.screenshot is not None,
    }
