"""Language packs on screen (issue 15, item 7): the attract and settings screens offer the
packs with ``offered = true`` only; the pseudo-locale qps can be the current language (set in
config or by the audit) without ever appearing as a button."""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

os.environ.setdefault("KIVY_NO_ARGS", "1")

#: its App speaks the pseudo-locale and would outlive the module in Kivy's globals (another
#: UI module in the same process then drew qps text): it runs in a process of its own,
#: started by tests/ui/test_language_packs_ui_process.py
IN_CHILD = os.environ.get("EBT_LANGUAGE_PACKS_CHILD") == "1"
pytestmark = [pytest.mark.ui,
              pytest.mark.skipif(not IN_CHILD, reason="runs in its own process")]


@pytest.fixture(scope="module")
def app() -> Iterator[Any]:
    from kivy.app import App
    from kivy.lang import Builder
    from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

    from kiosk.i18n import Translator
    from screens.app import SCREENS_DIR
    from screens.theme import Theme

    class PackApp(App):
        theme = ObjectProperty(None, rebind=True)
        lang = StringProperty("qps")
        out_of_service = BooleanProperty(False)

        def __init__(self) -> None:
            super().__init__()
            self.translator = Translator("qps")
            self.service_points: list[Any] = []
            self.chosen: list[str] = []
            self.terminal = SimpleNamespace(
                voice=SimpleNamespace(volume=0.7, rate="normal"),
                config=SimpleNamespace(terminal=SimpleNamespace(lat=25.04, lon=102.71)))

        def tr(self, text: str, *_a: Any) -> str:
            return self.translator(text)

        def set_language(self, code: str) -> None:
            self.chosen.append(code)

        def __getattr__(self, name: str) -> Any:
            return ""      # whatever else the shared top bar shows (clock, busy …)

    built = PackApp()
    built.theme = Theme()
    files = ("widgets.kv", "attract.kv", "settings.kv")
    for name in files:
        Builder.load_file(str(SCREENS_DIR / name))
    yield built
    for name in files:
        Builder.unload_file(str(SCREENS_DIR / name))


def _buttons(screen: Any) -> list[str]:
    return sorted(b.ebt_id for b in screen.ids.langs.children)


def test_the_pseudo_locale_is_a_language_but_not_offered() -> None:
    from kiosk.i18n import ALL_LANGUAGES, LANGUAGES, offered_languages

    assert "qps" in ALL_LANGUAGES and "qps" not in LANGUAGES
    assert offered_languages() == LANGUAGES


def test_attract_offers_only_offered_packs(app: Any) -> None:
    from screens.attract import AttractScreen

    screen = AttractScreen(name="attract")
    screen.refresh()
    assert _buttons(screen) == ["lang_en", "lang_zh_CN"]
    assert not any(b.selected for b in screen.ids.langs.children)   # qps is current
    english = next(b for b in screen.ids.langs.children if b.ebt_id == "lang_en")
    english.dispatch("on_release")
    assert app.chosen[-1] == "en"
    # the out-of-service notice is bilingual in the offered languages, not in qps
    assert len(screen._bilingual("本机维护中，暂停服务")) == 2


def test_settings_offers_only_offered_packs(app: Any) -> None:
    from screens.settings import SettingsScreen

    screen = SettingsScreen(name="settings")
    screen.refresh()
    assert _buttons(screen) == ["lang_en", "lang_zh_CN"]


def test_the_scroll_cue_follows_a_scheme_switch(app: Any) -> None:
    """The attract offers scroll in a longer language; their "上滑查看更多" cue must take
    the new scheme's colour on a switch (it kept the old one: 3.15:1 on black)."""
    from screens.widgets import CueScroll

    scroll = CueScroll()
    try:
        for scheme in ("high_contrast_dark", "yellow_on_black"):
            app.theme.apply("elderly", scheme)
            assert list(scroll.cue.color) == list(app.theme.primary), scheme
            assert scroll.cue.font_size == app.theme.body
    finally:
        app.theme.apply("standard", "standard")


def test_a_pack_font_goes_behind_the_default_font_name(tmp_path: Any) -> None:
    from pathlib import Path

    from kivy.core.text import LabelBase

    from kiosk.i18n import PACKS, LanguagePack
    from screens.theme import CJK_REGULAR, register_language_font

    other = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")   # any font but CJK
    if not other.is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    own = LanguagePack("xx", "XX", font=str(other), folder=tmp_path)
    missing = LanguagePack("yy", "YY", font="fonts/None.ttf", folder=tmp_path)
    try:
        assert register_language_font(own) == other
        assert LabelBase._fonts["Roboto"][0] == str(other)
        assert register_language_font(missing) == CJK_REGULAR
        assert LabelBase._fonts["Roboto"][0] == str(CJK_REGULAR)
    finally:
        register_language_font(PACKS["zh_CN"])
    assert LabelBase._fonts["Roboto"][0] == str(CJK_REGULAR)
