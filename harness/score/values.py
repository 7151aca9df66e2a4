"""The values of scoring: weights, tolerances, ignore rules, mismatches and the case score."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

MismatchKind = Literal["missing", "extra", "text", "style", "moved", "resized", "attribute", "pixels",
                       "truncated"]
SUBSCORES = ("structure", "text", "style", "layout", "pixels")


@dataclass(frozen=True)
class Weights:
    """How much each sub-score counts in the combined score (normalised over the sub-scores present).

    ``pixels`` only counts when both snapshots carry a screenshot. See docs/scoring.md.
    """

    structure: float = 0.35
    text: float = 0.20
    style: float = 0.20
    layout: float = 0.25
    pixels: float = 0.20

    def of(self, name: str) -> float:
        value: float = getattr(self, name)
        return value


@dataclass(frozen=True)
class Tolerances:
    """Per-element thresholds past which a difference is *noticeable* (the first level of the gate)."""

    color_delta_e: float = 2.0  # CIEDE2000; ~1 is a just-noticeable difference side by side
    length_px: float = 0.5  # font sizes, border widths, radii
    position_px: float = 1.0  # a box moved (relative to its parent) or resized by at least this much
    pixel_threshold: float = 0.1  # per-pixel YIQ distance (0..1) under which two pixels are equal
    noticeable_pixels: int = 16  # differing pixels (after anti-aliasing tolerance) that make a mismatch
    noise_score: float = 0.995  # old vs its twin below this: the case is NOISY


@dataclass(frozen=True)
class IgnoreRules:
    """What never counts as a difference. Each use is counted in ``CaseScore.ignored_counts``.

    ``selectors``: CSS selectors of elements (and their subtrees) to leave out, like ``.timestamp``.
    ``attributes``: attribute names (``data-id``); ``properties``: computed style properties (``box-shadow``).
    """

    selectors: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    properties: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mismatch:
    """One difference, in words a person understands, with a fingerprint that groups it across users."""

    selector: str
    kind: MismatchKind
    property: str
    old: str
    new: str
    weight: float  # how much of the combined score this difference costs (approximate share)
    noticeable: bool
    message: str
    fingerprint: str

    @staticmethod
    def make(selector: str, kind: MismatchKind, prop: str, old: str, new: str, *, weight: float,
             noticeable: bool, message: str) -> Mismatch:
        digest = hashlib.blake2b("\x1f".join((selector, kind, prop, old, new)).encode(), digest_size=8)
        return Mismatch(selector, kind, prop, old, new, round(weight, 6), noticeable, message, digest.hexdigest())


@dataclass(frozen=True)
class CaseScore:
    score: float
    subscores: Mapping[str, float]
    mismatches: tuple[Mismatch, ...]
    noisy: bool = False
    noise: tuple[Mismatch, ...] = ()  # what differed between old and its twin (ignored in old vs new)
    ignored_counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def noticeable(self) -> tuple[Mismatch, ...]:
        return tuple(m for m in self.mismatches if m.noticeable)
