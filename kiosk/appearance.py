"""Appearance data shared by the UI and the accessibility audit: modes and colour schemes.

Pure data (no Kivy). A :class:`SizeProfile` gives the text and touch-target minimums of a
mode (standard or elderly, from the MIIT elderly-friendly rules and WCAG 2.2); a
:class:`ColourScheme` gives the colours of a scheme and the contrast it must reach.
Colours are hex strings "#RRGGBB".
"""

from __future__ import annotations

from dataclasses import dataclass

#: the window's title (the brand; not translated)
WINDOW_TITLE = "e办通"


@dataclass(frozen=True)
class SizeProfile:
    """Sizes (dp) for one mode."""

    name: str
    body_dp: float
    title_dp: float
    min_text_dp: float
    min_target_dp: float
    line_spacing: float
    max_tiles: int
    idle_timeout_s: int
    warning_s: int
    largest_text_min_dp: float = 0.0
    voice_on: bool = False
    speech_rate: str = "normal"


@dataclass(frozen=True)
class ColourScheme:
    """Colours for one scheme and the contrast ratio its text must reach."""

    name: str
    background: str
    surface: str
    text: str
    muted_text: str
    primary: str
    on_primary: str
    accent: str
    on_accent: str
    danger: str
    on_danger: str
    min_contrast: float


STANDARD = SizeProfile("standard", 20, 32, 16, 44, 1.3, 12, 90, 25)
#: 长辈版 is its own design, not a zoom: body text 36 dp (1.8 × standard), titles 48 dp,
#: targets ≥ 96 dp, at most 4 choices on a screen (``max_tiles``), slower voice, longer time
ELDERLY = SizeProfile(
    "elderly", 36, 48, 28, 96, 1.4, 4, 180, 40,
    largest_text_min_dp=48, voice_on=True, speech_rate="slow",
)
#: the elderly body text is at least this many times the standard one (checked on frames)
ELDERLY_BODY_RATIO = 1.6
SIZE_PROFILES = {p.name: p for p in (STANDARD, ELDERLY)}

SCHEMES = {
    s.name: s
    for s in (
        ColourScheme(
            "standard", "#F4F6FA", "#FFFFFF", "#1A1F2B", "#4A5263",
            "#0B5CAD", "#FFFFFF", "#B8401A", "#FFFFFF", "#B00020", "#FFFFFF", 4.5,
        ),
        ColourScheme(
            "high_contrast_dark", "#000000", "#121212", "#FFFFFF", "#E0E0E0",
            "#7FD1FF", "#000000", "#FFD54A", "#000000", "#FF8A80", "#000000", 7.0,
        ),
        ColourScheme(
            "yellow_on_black", "#000000", "#0D0D0D", "#FFE600", "#FFE600",
            "#FFE600", "#000000", "#FFFFFF", "#000000", "#FFE600", "#000000", 7.0,
        ),
    )
}

DEFAULT_SCHEME = "standard"

#: (foreground token, background token) pairs the UI is allowed to combine for text; the
#: appearance tests check each of them against the scheme's ``min_contrast``.
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("text", "background"),
    ("text", "surface"),
    ("muted_text", "background"),
    ("muted_text", "surface"),
    ("primary", "background"),
    ("primary", "surface"),
    ("danger", "background"),
    ("danger", "surface"),
    ("on_primary", "primary"),
    ("on_accent", "accent"),
    ("on_danger", "danger"),
)


def size_profile(elderly: bool) -> SizeProfile:
    """The size profile of the elderly mode or of the standard mode."""
    return ELDERLY if elderly else STANDARD


def scheme(name: str) -> ColourScheme:
    """The colour scheme called ``name``; ValueError naming the known ones otherwise."""
    try:
        return SCHEMES[name]
    except KeyError:
        raise ValueError(f"unknown colour scheme {name!r}; known: {sorted(SCHEMES)}") from None
