"""Colours: parse what Chromium's computed style prints (and what people write), compare perceptually.

tinycss2 parses CSS Color 3 (``#f00``, ``rgb()``, ``rgba()``, ``hsl()``, names); CIEDE2000 is written here
from Sharma, Wu & Dalal (2005), because no installed library computes it and the formula is short.
A translucent colour is composited over white before comparing: that is what a person sees on a card.
"""

from __future__ import annotations

import math
from functools import lru_cache

from tinycss2.color3 import parse_color

Lab = tuple[float, float, float]
RGBA = tuple[float, float, float, float]


@lru_cache(maxsize=4096)
def parse_rgba(text: str) -> RGBA | None:
    """``"rgb(255, 0, 0)"`` / ``"#f00"`` / ``"red"`` → (1.0, 0.0, 0.0, 1.0); None when not a colour."""
    parsed = parse_color(text.strip())
    if parsed is None or isinstance(parsed, str):  # "currentcolor" comes back as a string
        return None
    red, green, blue, alpha = parsed
    return (float(red), float(green), float(blue), float(alpha))


def to_hex(rgba: RGBA) -> str:
    red, green, blue, alpha = (round(c * 255) for c in rgba)
    text = f"#{red:02x}{green:02x}{blue:02x}"
    return text if alpha >= 255 else f"{text}{alpha:02x}"


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


@lru_cache(maxsize=4096)
def to_lab(rgba: RGBA) -> Lab:
    """sRGB (composited over white) → CIE L*a*b* (D65)."""
    red, green, blue, alpha = rgba
    red, green, blue = (alpha * c + (1.0 - alpha) for c in (red, green, blue))
    lr, lg, lb = _linear(red), _linear(green), _linear(blue)
    x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / 0.95047
    y = 0.2126729 * lr + 0.7151522 * lg + 0.0721750 * lb
    z = (0.0193339 * lr + 0.1191920 * lg + 0.9503041 * lb) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def ciede2000(lab1: Lab, lab2: Lab) -> float:
    """ΔE00 between two Lab colours (symmetric; 0 for equal colours)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dlp, dcp = l2 - l1, c2p - c1p
    dhp = 0.0
    if c1p * c2p:
        dhp = h2p - h1p
        dhp = dhp - 360 if dhp > 180 else dhp + 360 if dhp < -180 else dhp
    dhp_big = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp) / 2)
    lp_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    hp_bar = h1p + h2p
    if c1p * c2p:
        if abs(h1p - h2p) <= 180:
            hp_bar = (h1p + h2p) / 2
        else:
            hp_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hp_bar - 30)) + 0.24 * math.cos(math.radians(2 * hp_bar))
         + 0.32 * math.cos(math.radians(3 * hp_bar + 6)) - 0.20 * math.cos(math.radians(4 * hp_bar - 63)))
    d_theta = 30 * math.exp(-(((hp_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25.0**7))
    s_l = 1 + 0.015 * (lp_bar - 50) ** 2 / math.sqrt(20 + (lp_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dlp / s_l) ** 2 + (dcp / s_c) ** 2 + (dhp_big / s_h) ** 2
                     + r_t * (dcp / s_c) * (dhp_big / s_h))


def color_distance(old: str, new: str) -> float | None:
    """ΔE00 between two CSS colours (computed in a fixed order, so symmetric to the last bit); None if
    either is not a colour."""
    first, second = sorted((old, new))
    a, b = parse_rgba(first), parse_rgba(second)
    if a is None or b is None:
        return None
    if a == b or (a[3] == 0 and b[3] == 0):
        return 0.0
    return ciede2000(to_lab(a), to_lab(b))


def describe(value: str) -> str:
    """A colour as a person reads it (``#cc0000``); other values unchanged."""
    rgba = parse_rgba(value)
    if rgba is None:
        return value
    return "transparent" if rgba[3] == 0 else to_hex(rgba)
