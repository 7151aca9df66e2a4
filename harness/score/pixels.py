"""Pixel comparison of two element screenshots with NumPy, pixelmatch-style.

Two pixels differ when their YIQ distance exceeds ``threshold`` (0..1 of the largest possible distance).
Anti-aliasing tolerance: a differing pixel only counts when, in one image or the other, it has no close
enough pixel in the 3×3 neighbourhood of the other image: an edge shifted by up to one pixel (sub-pixel
layout, anti-aliasing) does not count, a glyph that appeared or vanished does. Screenshots of
different sizes are compared on the larger canvas, padded with white.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

MAX_DELTA = 35215.0 / (255.0 * 255.0)  # pixelmatch's largest YIQ distance, for channels in 0..1
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class PixelDiff:
    score: float  # 1 - differing / all pixels
    count: int
    box: tuple[int, int, int, int] | None  # x, y, w, h around the differing pixels
    mask: Mask


def decode(png: bytes) -> NDArray[np.float32]:
    with Image.open(io.BytesIO(png)) as img:
        return np.asarray(img.convert("RGB"), dtype=np.float32) / 255.0


def _pad(img: NDArray[np.float32], height: int, width: int) -> NDArray[np.float32]:
    out = np.ones((height, width, 3), dtype=np.float32)
    out[: img.shape[0], : img.shape[1]] = img
    return out


def _yiq(img: NDArray[np.float32]) -> NDArray[np.float32]:
    matrix = np.array([[0.29889531, 0.58662247, 0.11448223],
                       [0.59597799, -0.27417610, -0.32180189],
                       [0.21147017, -0.52261711, 0.31114694]], dtype=np.float32)
    result: NDArray[np.float32] = img @ matrix.T
    return result


def _delta(p: NDArray[np.float32], q: NDArray[np.float32]) -> NDArray[np.float32]:
    d = p - q
    result: NDArray[np.float32] = 0.5053 * d[..., 0] ** 2 + 0.299 * d[..., 1] ** 2 + 0.1957 * d[..., 2] ** 2
    return result


def _nearest(p: NDArray[np.float32], q: NDArray[np.float32]) -> NDArray[np.float32]:
    """Per pixel of ``p``, the smallest distance to any pixel of ``q`` in its 3×3 neighbourhood."""
    height, width = p.shape[:2]
    padded = np.pad(q, ((1, 1), (1, 1), (0, 0)), mode="edge")
    best = np.full((height, width), np.inf, dtype=np.float32)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            best = np.minimum(best, _delta(p, padded[dy:dy + height, dx:dx + width]))
    return best


def pixel_diff(old_png: bytes, new_png: bytes, *, threshold: float = 0.1,
               ignore: Mask | None = None) -> PixelDiff:
    """Compare two PNGs; ``ignore`` masks pixels known to be noisy (old vs its twin)."""
    first, second = sorted((old_png, new_png))  # symmetric to the last bit
    a, b = decode(first), decode(second)
    height, width = max(a.shape[0], b.shape[0]), max(a.shape[1], b.shape[1])
    ya, yb = _yiq(_pad(a, height, width)), _yiq(_pad(b, height, width))
    limit = MAX_DELTA * threshold * threshold
    exact = _delta(ya, yb) > limit
    mask = exact & ((_nearest(ya, yb) > limit) | (_nearest(yb, ya) > limit))
    if ignore is not None:
        region = np.zeros_like(mask)
        region[: ignore.shape[0], : ignore.shape[1]] = ignore[:height, :width]
        mask &= ~region
    count = int(mask.sum())
    box = None
    if count:
        ys, xs = np.nonzero(mask)
        box = (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))
    return PixelDiff(1.0 - count / float(height * width), count, box, mask)


def overlay_png(old_png: bytes, new_png: bytes, twin_png: bytes | None = None, *, threshold: float = 0.1) -> bytes:
    """A picture of what differs, for people: the new screenshot faded, the differing pixels in red.

    The pixels are those :func:`harness.score.compare` counts: old vs new at ``threshold``, with what
    differs between old and its twin (noise) masked out."""
    noise = pixel_diff(old_png, twin_png, threshold=threshold).mask if twin_png is not None else None
    mask = pixel_diff(old_png, new_png, threshold=threshold, ignore=noise).mask
    new = decode(new_png)
    canvas = _pad(new, mask.shape[0], mask.shape[1])
    faded = 1.0 - (1.0 - canvas) * 0.35
    faded[mask] = (0.86, 0.1, 0.1)
    out = io.BytesIO()
    Image.fromarray(np.round(faded * 255.0).astype(np.uint8), "RGB").save(out, format="PNG", optimize=False)
    return out.getvalue()
