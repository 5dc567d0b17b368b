"""WCAG 2.2 colour arithmetic: parse colours, relative luminance, contrast ratio, blending.

Pure functions (no Kivy), used by the accessibility audit and the appearance tests.
Colours are either hex strings ("#RGB", "#RRGGBB", "#RRGGBBAA") or sequences of 3–4 floats
in 0..1 (Kivy's RGBA convention).
"""

from __future__ import annotations

from collections.abc import Sequence

RGB = tuple[float, float, float]
RGBA = tuple[float, float, float, float]
Colour = str | Sequence[float]


def parse_colour(colour: Colour) -> RGBA:
    """Return ``colour`` as an RGBA tuple of floats in 0..1; ValueError if malformed."""
    if isinstance(colour, str):
        text = colour.strip().lstrip("#")
        if len(text) in (3, 4):
            text = "".join(ch * 2 for ch in text)
        if len(text) not in (6, 8):
            raise ValueError(f"not a hex colour: {colour!r}")
        try:
            parts = [int(text[i : i + 2], 16) / 255.0 for i in range(0, len(text), 2)]
        except ValueError:
            raise ValueError(f"not a hex colour: {colour!r}") from None
    else:
        parts = [float(v) for v in colour]
        if len(parts) not in (3, 4) or any(not 0.0 <= v <= 1.0 for v in parts):
            raise ValueError(f"not an RGB(A) colour in 0..1: {colour!r}")
    if len(parts) == 3:
        parts.append(1.0)
    return (parts[0], parts[1], parts[2], parts[3])


def to_hex(colour: Colour) -> str:
    """``colour`` as "#RRGGBB" (alpha dropped)."""
    r, g, b, _ = parse_colour(colour)
    return "#" + "".join(f"{round(v * 255):02X}" for v in (r, g, b))


def _linear(channel: float) -> float:
    """sRGB channel (0..1) to linear light, as WCAG 2.2 defines it."""
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: Colour) -> float:
    """WCAG relative luminance L = 0.2126 R + 0.7152 G + 0.0722 B of linearised channels."""
    r, g, b, _ = parse_colour(colour)
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def blend(top: Colour, bottom: Colour) -> RGBA:
    """Composite ``top`` over ``bottom`` with top's alpha (source-over); result is opaque
    when ``bottom`` is."""
    tr, tg, tb, ta = parse_colour(top)
    br, bg, bb, ba = parse_colour(bottom)
    out_a = ta + ba * (1.0 - ta)
    if out_a == 0.0:
        return (0.0, 0.0, 0.0, 0.0)

    def mix(t: float, b: float) -> float:
        return (t * ta + b * ba * (1.0 - ta)) / out_a

    return (mix(tr, br), mix(tg, bg), mix(tb, bb), out_a)


def contrast_ratio(foreground: Colour, background: Colour) -> float:
    """WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05), 1.0 … 21.0.

    A translucent foreground is first composited over the background (what the eye sees).
    """
    fg = blend(foreground, background) if parse_colour(foreground)[3] < 1.0 else foreground
    l1 = relative_luminance(fg)
    l2 = relative_luminance(background)
    hi, lo = max(l1, l2), min(l1, l2)
    return (hi + 0.05) / (lo + 0.05)
