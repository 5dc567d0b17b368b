"""Theme tokens for every screen, derived from kiosk.appearance (no literal colours or sizes
in the kv files), and the CJK font registered as Kivy's default font.

:class:`Theme` is a Kivy ``EventDispatcher``: the kv rules bind to its properties
(``app.theme.text``, ``app.theme.body``…), so :meth:`Theme.apply` re-renders every screen
live when the elderly mode or the colour scheme changes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.core.text import LabelBase
from kivy.event import EventDispatcher
from kivy.lang import builder as kv_builder
from kivy.metrics import dp
from kivy.properties import ColorProperty, NumericProperty, StringProperty
from kivy.utils import get_color_from_hex

from kiosk.appearance import SCHEMES, SIZE_PROFILES, ColourScheme, SizeProfile
from kiosk.i18n import LanguagePack

log = logging.getLogger(__name__)
CJK_REGULAR = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


def register_cjk_font(regular: Path = CJK_REGULAR, bold: Path = CJK_BOLD) -> None:
    """Make Noto Sans CJK the font behind Kivy's default name 'Roboto'."""
    if not regular.exists():
        raise FileNotFoundError(f"CJK font missing: {regular} (install fonts-noto-cjk)")
    LabelBase.register(name="Roboto", fn_regular=str(regular),
                       fn_bold=str(bold if bold.exists() else regular))


def register_language_font(pack: LanguagePack | None = None) -> Path:
    """Put ``pack``'s own font (``font`` in its pack.toml) behind 'Roboto', or Noto Sans CJK
    when it names none or the file is missing; return the font file in use. Labels pick it up
    the next time they render (a language switch changes their text, so they do)."""
    own = pack.font_file() if pack is not None else None
    if own is None:
        if pack is not None and pack.font:
            log.warning("font %s of language %s missing; using the default font",
                        pack.font, pack.code)
        register_cjk_font()
        return CJK_REGULAR
    LabelBase.register(name="Roboto", fn_regular=str(own))
    return own


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
        """Re-run, in the order they were applied, the kv rules of every widget property
        that more than one rule sets — as when the widget was built, the last one wins.

        A widget's property may be set by a base rule (``<EbtLabel>: color:
        app.theme.text``) and by an override (``color: app.theme.fg_accent``). The setters
        above fire each rule when *its* token changes, in token order, so the base rule
        could run last and win (``title`` is set after ``body``), or the override's token
        did not change at all (``fg_accent`` is #000000 in both dark schemes) and never
        ran: 身份证 went yellow on the white card after high_contrast_dark →
        yellow_on_black. Only properties with several rules are re-run (Kivy's Builder
        keeps each widget's rule bindings in application order); were that bookkeeping
        ever missing, every ``app.theme.*`` expression is re-run through the app's
        ``theme`` property (``rebind=True``: Kivy calls the first-bound observers first).
        """
        handlers = getattr(kv_builder, "_handlers", None)
        if not isinstance(handlers, dict):
            app = App.get_running_app()
            if app is not None and getattr(app, "theme", None) is self:
                app.property("theme").dispatch(app)
            return
        tables: dict[tuple[int, str], dict[Any, tuple[Any, ...]]] = {}
        for properties in list(handlers.values()):
            for bindings in list(properties.values()):
                if len(bindings) < 2:
                    continue
                rules: list[tuple[Any, ...]] = []     # one rule may bind several keys
                for bound in bindings:
                    args = _rule_args(bound, tables)
                    if args is not None and all(args is not seen for seen in rules):
                        rules.append(args)
                if len(rules) > 1 and any(_watches_theme(args[3]) for args in rules):
                    for args in rules:
                        _call_rule(args)


def _call_rule(args: tuple[Any, ...]) -> None:
    """Run one kv rule again. A rule that cannot run now (its widget is gone, or it reads
    something that is not there any more) keeps its last value: a colour switch must never
    take the terminal down."""
    try:
        kv_builder.call_fn(args, None, None)
    except ReferenceError:
        pass
    except Exception:  # logged; the widget keeps what it showed
        log.debug("kv rule not re-run after a theme switch", exc_info=True)


def _rule_args(bound: list[Any], tables: dict[tuple[int, str], dict[Any, tuple[Any, ...]]]
               ) -> tuple[Any, ...] | None:
    """The arguments of the kv rule whose binding list is ``bound`` (its last entry is
    ``[object, property, rule callback, uid]``; the arguments are kept with the object's
    observers, read once per object and property into ``tables``). None for canvas rules
    (Kivy re-runs those itself) and for widgets that are gone."""
    if not bound or bound[-1][2] is not kv_builder.call_fn:
        return None
    owner, name, _callback, uid = bound[-1]
    key = (id(owner), name)
    table = tables.get(key)
    if table is None:
        try:
            table = {obs[4]: obs[1] for obs in owner.get_property_observers(name, args=True)}
        except ReferenceError:
            table = {}
        tables[key] = table
    largs = table.get(uid)
    return largs[0] if largs else None


def _watches_theme(rule: Any) -> bool:
    """True when a kv rule reads ``app.theme.*``."""
    return any(list(keys[:2]) == ["app", "theme"] for keys in (rule.watched_keys or ()))
