"""Theme tokens for every screen, derived from kiosk.appearance (no literal colours or sizes
in the kv files), and the CJK font registered as Kivy's default font.

:class:`Theme` is a Kivy ``EventDispatcher``: the kv rules bind to its properties
(``app.theme.text``, ``app.theme.body``…), so :meth:`Theme.apply` re-renders every screen
live when the elderly mode or the colour scheme changes.
"""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.core.text import LabelBase
from kivy.event import EventDispatcher
from kivy.metrics import dp
from kivy.properties import ColorProperty, NumericProperty, StringProperty
from kivy.utils import get_color_from_hex

from kiosk.appearance import SCHEMES, SIZE_PROFILES, ColourScheme, SizeProfile

CJK_REGULAR = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


def register_cjk_font(regular: Path = CJK_REGULAR, bold: Path = CJK_BOLD) -> None:
    """Make Noto Sans CJK the font behind Kivy's default name 'Roboto'."""
    if not regular.exists():
        raise FileNotFoundError(f"CJK font missing: {regular} (install fonts-noto-cjk)")
    LabelBase.register(name="Roboto", fn_regular=str(regular),
                       fn_bold=str(bold if bold.exists() else regular))


class Theme(EventDispatcher):
    """Colour and size tokens of the current mode and scheme."""

    mode = StringProperty("standard")
    scheme = StringProperty("standard")
    background = ColorProperty()
    surface = ColorProperty()
    text = ColorProperty()
    muted = ColorProperty()
    primary = ColorProperty()
    fg_primary = ColorProperty()     # text on primary (on_* names are Kivy events)
    accent = ColorProperty()
    fg_accent = ColorProperty()
    danger = ColorProperty()
    fg_danger = ColorProperty()
    outline = ColorProperty()
    body = NumericProperty()
    title = NumericProperty()
    small = NumericProperty()
    big = NumericProperty()
    target = NumericProperty()
    pad = NumericProperty()
    gap = NumericProperty()
    radius = NumericProperty()
    line_height = NumericProperty()
    tile_cols = NumericProperty(3)
    max_tiles = NumericProperty(12)

    def __init__(self, mode: str = "standard", scheme: str = "standard") -> None:
        super().__init__()
        self.apply(mode, scheme)

    @property
    def profile(self) -> SizeProfile:
        """The size profile in force."""
        return SIZE_PROFILES[self.mode]

    def apply(self, mode: str, scheme: str) -> None:
        """Switch size profile and colour scheme; bound widgets redraw."""
        if mode not in SIZE_PROFILES:
            raise ValueError(f"unknown mode {mode!r}")
        if scheme not in SCHEMES:
            raise ValueError(f"unknown scheme {scheme!r}")
        if (mode, scheme) == (self.mode, self.scheme) and self.body:
            return                      # nothing changes: spare every bound widget a redraw
        colours: ColourScheme = SCHEMES[scheme]
        profile: SizeProfile = SIZE_PROFILES[mode]
        for name in ("background", "surface", "text", "primary", "accent", "danger"):
            setattr(self, name, get_color_from_hex(getattr(colours, name)))
        for name in ("primary", "accent", "danger"):
            setattr(self, f"fg_{name}", get_color_from_hex(getattr(colours, f"on_{name}")))
        self.muted = get_color_from_hex(colours.muted_text)
        self.outline = get_color_from_hex(colours.muted_text)
        self.body = dp(profile.body_dp)
        self.title = dp(profile.title_dp)
        self.small = dp(max(profile.min_text_dp, profile.body_dp - 4))
        self.big = dp(profile.title_dp * 1.5)
        self.target = dp(max(profile.min_target_dp, profile.body_dp * 3))
        self.pad = dp(profile.body_dp)
        self.gap = dp(profile.body_dp * 0.6)
        self.radius = dp(profile.body_dp * 0.5)
        self.line_height = profile.line_spacing
        self.max_tiles = profile.max_tiles
        self.tile_cols = 1 if profile.max_tiles <= 4 else 2 if profile.max_tiles <= 6 else 3
        self.mode, self.scheme = mode, scheme
        self._reapply_rules()

    def _reapply_rules(self) -> None:
        """Re-run every ``app.theme.*`` kv expression in the order the rules were applied.

        A widget's property may be set by a base rule (``<EbtLabel>: color:
        app.theme.text``) and by an override (``color: app.theme.fg_accent``). The setters
        above fire each rule when *its* token changes, in token order, so the base rule
        could run last and win (``title`` is set after ``body``), or the override's token
        did not change at all (``fg_accent`` is #000000 in both dark schemes) and never
        ran: 身份证 went yellow on the white card after high_contrast_dark →
        yellow_on_black. Dispatching the app's ``theme`` property re-evaluates every
        expression through it; Kivy calls observers first bound, first called, i.e. base
        rules before overrides, exactly as when the widget was built.
        """
        app = App.get_running_app()
        if app is not None and getattr(app, "theme", None) is self:
            app.property("theme").dispatch(app)
