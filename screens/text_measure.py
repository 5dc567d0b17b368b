"""Chinese line breaking with the real font: a width function for
:mod:`kiosk.text.linebreak` and a one-call helper for labels.

Kivy wraps a label at spaces and otherwise anywhere (a commitment broke after "2." and
split 责/任). :func:`fit_text` breaks the text itself with the Chinese rules, measuring
with the font the label uses; give the result to a Label whose ``text_size`` width is None
(or wider than ``width``) so Kivy does not wrap it again.

    label.text = fit_text(commitment, label.width - 2 * pad, app.theme.body,
                          words=["责任", "一网通办"])
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from kivy.core.text import Label as CoreLabel

from kiosk.text import bind_enumerators, wrap


def font_measure(font_size: float, font_name: str = "Roboto") -> Callable[[str], float]:
    """Width in pixels of a text in this font and size (sum of cached glyph widths: exact
    for CJK, a pixel or two wide for kerned Latin, which only makes lines shorter)."""
    label = CoreLabel(font_size=font_size, font_name=font_name)
    widths: dict[str, float] = {}

    def measure(text: str) -> float:
        total = 0.0
        for char in text:
            if char not in widths:
                widths[char] = float(label.get_extents(char)[0]) if char != "\u2060" else 0.0
            total += widths[char]
        return total

    return measure


def fit_text(text: str, width: float, font_size: float, words: Collection[str] = (),
             font_name: str = "Roboto") -> str:
    """``text`` with no-break spaces after enumerators, broken into lines no wider than
    ``width`` pixels by the Chinese rules."""
    return wrap(bind_enumerators(text), width, font_measure(font_size, font_name), words)
