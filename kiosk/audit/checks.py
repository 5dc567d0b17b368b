"""The audit rules, applied to the elements of one view.

For a mode's :class:`~kiosk.appearance.SizeProfile` and a scheme's
:class:`~kiosk.appearance.ColourScheme`:

- ``text_size``: every text ≥ ``min_text_dp``;
- ``largest_text``: the largest text of the view ≥ ``largest_text_min_dp`` (elderly: 30 dp);
- ``line_spacing``: text laid out on several lines has ``line_height`` ≥ ``line_spacing``;
- ``contrast``: text colour on its effective background ≥ ``min_contrast`` (WCAG formula);
- ``target_size``: every touchable widget ≥ ``min_target_dp`` in both directions.

:func:`check_controls` adds the journey rules: every citizen screen has a spoken prompt
(``voice_prompt``) and a touchable say-again (再听一遍) control (``repeat_control``); the
attract and settings screens have the elderly-mode (长辈版) switch (``elderly_switch``).

:func:`check_elderly_scale` compares views across modes: the body text of 长辈版, measured
as rendered glyph heights in the frame, is at least ``ELDERLY_BODY_SCALE`` × the standard
body text of the same screen, scheme and language (``elderly_body_scale``).
"""

from __future__ import annotations

from collections.abc import Iterable
from statistics import median
from typing import Any

from kiosk.appearance import TEXT_PAIRS, ColourScheme, SizeProfile
from kiosk.audit.model import Element, View, Violation
from kiosk.contrast import contrast_ratio
from kiosk.voice.prompts import SCREEN_PROMPTS

#: screens for operators only (behind the PIN): no citizen-journey controls required
OPERATOR_SCREENS = frozenset({"maintenance", "operator", "admin"})
#: screens that must offer the elderly-mode switch: the first screen, and 设置 where a
#: citizen leaves 长辈版 (it is not the loudest control on every screen — issue 13)
ELDERLY_SWITCH_SCREENS = frozenset({"attract", "settings"})
#: the say-again control (再听一遍; "重听" could be read as "hard of hearing")
REPEAT_MARKS = ("再听一遍", "重听", "say it again", "repeat")
ELDERLY_MARKS = ("长辈版", "elder")

EPSILON = 0.01  # sizes come from float layout; a hair under the minimum is rounding
#: 长辈版 body text against the standard body text, in rendered pixels (issue 13)
ELDERLY_BODY_SCALE = 1.6


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 24 else text[:23] + "…"


def check_view(
    view: View, elements: Iterable[Element], profile: SizeProfile, scheme: ColourScheme,
) -> tuple[int, list[Violation]]:
    """Run every rule on ``elements``; return (number of checks, violations)."""
    checks = 0
    found: list[Violation] = []

    def fail(el: Element, rule: str, value: float, needed: float, detail: str = "") -> None:
        found.append(Violation(view, el.widget, rule, value, needed, _short(el.text), detail))

    largest: Element | None = None
    for el in elements:
        if el.text.strip() and el.font_size_dp is not None:
            checks += 1
            if el.font_size_dp < profile.min_text_dp - EPSILON:
                fail(el, "text_size", el.font_size_dp, profile.min_text_dp)
            if largest is None or el.font_size_dp > (largest.font_size_dp or 0):
                largest = el
            if el.lines > 1:
                checks += 1
                spacing = el.line_height if el.line_height is not None else 1.0
                if spacing < profile.line_spacing - EPSILON:
                    fail(el, "line_spacing", spacing, profile.line_spacing)
            if el.fg is not None and el.bg is not None:
                checks += 1
                ratio = contrast_ratio(el.fg, el.bg)
                if ratio < scheme.min_contrast - EPSILON:
                    fail(el, "contrast", ratio, scheme.min_contrast, f"{el.fg} on {el.bg}")
        if el.touchable:
            checks += 1
            smaller = min(el.size_dp)
            if smaller < profile.min_target_dp - EPSILON:
                fail(el, "target_size", smaller, profile.min_target_dp,
                     f"{el.size_dp[0]:.0f}×{el.size_dp[1]:.0f} dp")
    if profile.largest_text_min_dp > 0:
        checks += 1
        size = largest.font_size_dp if largest is not None else 0.0
        if largest is None or (size or 0.0) < profile.largest_text_min_dp - EPSILON:
            widget = largest.widget if largest is not None else "(no text)"
            found.append(Violation(view, widget, "largest_text", size or 0.0,
                                   profile.largest_text_min_dp,
                                   _short(largest.text) if largest else ""))
    return checks, found


def check_tokens(schemes: Iterable[ColourScheme]) -> tuple[int, list[Violation]]:
    """Check every allowed text/background token pair of every scheme."""
    checks = 0
    found: list[Violation] = []
    for scheme in schemes:
        view = View("(tokens)", "-", scheme.name, "-")
        for fg_name, bg_name in TEXT_PAIRS:
            checks += 1
            fg, bg = getattr(scheme, fg_name), getattr(scheme, bg_name)
            ratio = contrast_ratio(fg, bg)
            if ratio < scheme.min_contrast - EPSILON:
                found.append(Violation(view, f"{fg_name} on {bg_name}", "contrast", ratio,
                                       scheme.min_contrast, "", f"{fg} on {bg}"))
    return checks, found


def _has_control(elements: Iterable[Element], marks: tuple[str, ...]) -> bool:
    for el in elements:
        haystack = f"{el.text} {el.widget}".lower()
        if el.touchable and any(mark in haystack for mark in marks):
            return True
    return False


def check_controls(view: View, elements: Iterable[Element]) -> tuple[int, list[Violation]]:
    """Journey rules for one view: spoken prompt, repeat control, elderly switch."""
    if view.screen in OPERATOR_SCREENS:
        return 0, []
    elements = list(elements)
    checks, found = 2, []
    if view.screen not in SCREEN_PROMPTS:
        found.append(Violation(view, "(screen)", "voice_prompt", 0, 1, "",
                               "no entry in kiosk.voice.prompts.SCREEN_PROMPTS"))
    if not _has_control(elements, REPEAT_MARKS):
        found.append(Violation(view, "(screen)", "repeat_control", 0, 1, "",
                               "no touchable 重听 / repeat control"))
    if view.screen in ELDERLY_SWITCH_SCREENS:
        checks += 1
        if not _has_control(elements, ELDERLY_MARKS):
            found.append(Violation(view, "(screen)", "elderly_switch", 0, 1, "",
                                   "no touchable 长辈版 / elderly switch"))
    return checks, found


def body_glyph_px(elements: Iterable[Element]) -> float | None:
    """Median rendered line height (px) of the view's body text (``role == "body"``), or
    None when none of it could be measured."""
    heights = [h for el in elements if el.role == "body" for h in el.line_px]
    return float(median(heights)) if heights else None


def check_elderly_scale(
    views: Iterable[tuple[View, Iterable[Element]]], scale: float = ELDERLY_BODY_SCALE,
) -> tuple[int, list[Violation], list[dict[str, Any]]]:
    """Elderly body text ≥ ``scale`` × standard body text, screen by screen (same scheme
    and language), from the glyph heights measured in the frames. Returns (checks,
    violations, one measure per compared screen: standard_px, elderly_px, ratio)."""
    seen: dict[tuple[str, str, str], dict[str, list[float]]] = {}
    for view, elements in views:
        px = body_glyph_px(elements)
        if px is not None:
            key = (view.screen, view.scheme, view.language)
            seen.setdefault(key, {}).setdefault(view.mode, []).append(px)
    checks, found, measures = 0, [], []
    for (screen, scheme, language), modes in sorted(seen.items()):
        if "standard" not in modes or "elderly" not in modes:
            continue
        standard, elderly = median(modes["standard"]), median(modes["elderly"])
        ratio = elderly / standard
        checks += 1
        measures.append({"screen": screen, "scheme": scheme, "language": language,
                         "standard_px": standard, "elderly_px": elderly,
                         "ratio": round(ratio, 3)})
        if ratio < scale - EPSILON:
            found.append(Violation(View(screen, "elderly", scheme, language),
                                   "(body text)", "elderly_body_scale", ratio, scale, "",
                                   f"body glyphs {elderly:g} px vs {standard:g} px standard"))
    return checks, found, measures
