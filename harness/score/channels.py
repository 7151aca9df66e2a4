"""Per matched pair: how similar two elements are in text, computed style, box and attributes.

Every function is symmetric in its two elements (values are put in a fixed order before any arithmetic),
so ``compare(a, b)`` and ``compare(b, a)`` give the same score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.score.color import color_distance, describe
from harness.score.tree import Node
from harness.score.values import Tolerances

TEXT_PROPS = frozenset({
    "color", "font-family", "font-size", "font-weight", "font-style", "line-height", "letter-spacing",
    "text-align", "text-decoration-line", "text-transform", "white-space", "text-shadow",
})
IMPORTANCE = {
    "color": 1.0, "background-color": 1.0, "background-image": 1.0, "font-size": 1.0, "opacity": 1.0,
    "visibility": 1.0, "font-weight": 0.8, "font-family": 0.8, "display": 0.5, "box-shadow": 0.5,
}
SIDE_IMPORTANCE = 0.25  # each of the four border sides / corners
FRIENDLY = {"color": "colour", "background-color": "background", "background-image": "background image",
            "font-size": "font size", "font-weight": "font weight", "font-family": "font",
            "font-style": "font style", "text-decoration-line": "text decoration"}
# Attributes whose change a visitor sees or uses: their differences are noticeable.
USER_FACING_ATTRS = frozenset({"href", "src", "srcset", "alt", "title", "role", "type", "name", "value",
                               "action", "method", "for", "target", "rel", "disabled", "checked", "hidden",
                               "placeholder", "id", "tabindex", "lang", "dir"})
_PX = re.compile(r"^(-?\d+(?:\.\d+)?)px$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class PropertyDiff:
    prop: str
    old: str
    new: str
    importance: float
    similarity: float
    noticeable: bool

    def message(self, label: str) -> str:
        return f"{label} {FRIENDLY.get(self.prop, self.prop)} {describe(self.old)} → {describe(self.new)}"


def style_diffs(old: Node, new: Node, tol: Tolerances, skip: frozenset[str]) -> list[PropertyDiff]:
    """The computed-style properties that differ and matter for this pair (see ``_relevant``)."""
    out = []
    for prop in sorted(old.styles.keys() | new.styles.keys()):
        a, b = old.styles.get(prop, ""), new.styles.get(prop, "")
        if a == b or prop in skip or not _relevant(prop, old, new):
            continue
        sim, noticeable = property_similarity(prop, a, b, tol)
        if sim < 1.0:
            out.append(PropertyDiff(prop, a, b, importance(prop), sim, noticeable))
    return out


def importance(prop: str) -> float:
    if prop.startswith(("border-", "outline-")):
        return SIDE_IMPORTANCE
    return IMPORTANCE.get(prop, 0.5)


def style_similarity(diffs: list[PropertyDiff]) -> float:
    return max(0.0, 1.0 - sum(d.importance * (1.0 - d.similarity) for d in diffs))


def property_similarity(prop: str, a: str, b: str, tol: Tolerances) -> tuple[float, bool]:
    """(similarity in [0, 1], noticeable) of two computed values of one property."""
    first, second = sorted((a, b))
    if prop.endswith("color"):
        delta = color_distance(first, second)
        if delta is not None:
            return max(0.0, 1.0 - delta / 25.0), delta >= tol.color_delta_e
    if prop == "font-family":
        same = _family(first) == _family(second)
        return float(same), not same
    px_a, px_b = _PX.match(first), _PX.match(second)
    if px_a and px_b:
        x, y = float(px_a[1]), float(px_b[1])
        scale = max(abs(x), abs(y), 1.0)
        return 1.0 - min(1.0, abs(x - y) / scale), abs(x - y) >= tol.length_px
    if _NUMBER.match(first) and _NUMBER.match(second):
        x, y = float(first), float(second)
        span = 900.0 if prop == "font-weight" else 1.0 if prop == "opacity" else max(abs(x), abs(y), 1.0)
        return 1.0 - min(1.0, abs(x - y) / span), abs(x - y) >= (0.02 if prop == "opacity" else 1e-9)
    return 0.0, True


def _family(value: str) -> str:
    return ",".join(part.strip().strip("\"'").lower() for part in value.split(","))


def _relevant(prop: str, old: Node, new: Node) -> bool:
    """A property matters when it can show: text properties only where there is text, a border colour
    only where that border is drawn, list markers only on list items."""
    if prop in TEXT_PROPS:
        return old.has_text or new.has_text
    for part in ("border-top", "border-right", "border-bottom", "border-left", "outline"):
        if prop in (f"{part}-color", f"{part}-width"):
            styles = (old.styles.get(f"{part}-style", "none"), new.styles.get(f"{part}-style", "none"))
            return any(s not in ("none", "hidden") for s in styles)
    if prop == "list-style-type":
        return "list-item" in (old.styles.get("display"), new.styles.get("display"))
    if prop == "object-fit":
        return old.snap.tag in ("img", "video") or new.snap.tag in ("img", "video")
    return True


def attribute_diffs(old: Node, new: Node, skip: frozenset[str]) -> list[tuple[str, str | None, str | None]]:
    out = []
    for name in sorted(old.attrs.keys() | new.attrs.keys()):
        a, b = old.attrs.get(name), new.attrs.get(name)
        if a != b and name not in skip:
            out.append((name, a, b))
    return out


def movement_words(dx: float, dy: float, tol: float) -> str:
    parts = []
    if abs(dy) >= tol:
        parts.append(f"{_px(abs(dy))} px {'down' if dy > 0 else 'up'}")
    if abs(dx) >= tol:
        parts.append(f"{_px(abs(dx))} px {'right' if dx > 0 else 'left'}")
    return " and ".join(parts)


def size_words(w: float, h: float) -> str:
    return f"{_px(w)}×{_px(h)}"


def _px(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def quote(text: str | None, limit: int = 60) -> str:
    if text is None:
        return "(none)"
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
