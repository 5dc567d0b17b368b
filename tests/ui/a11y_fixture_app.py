"""A tiny Kivy app with the KioskApp audit interface and KNOWN accessibility faults.

Screen "home" complies in every mode and scheme (with its 重听 and 长辈版 controls);
screen "result" has grey text on white (2.8:1), 12 dp text, a three-line label with
line_height 1.0, a 40×40 dp button and no 重听 control. The a11y tests run the real probe
and CLI on it and check exactly these faults are reported.
"""

from __future__ import annotations

from kivy.app import App
from kivy.core.window import Window
from kivy.graphics import Color, Rectangle
from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager
from kivy.utils import get_color_from_hex as rgba

from kiosk.appearance import SCHEMES, size_profile


class _Panel(BoxLayout):
    """A BoxLayout that paints its own background colour."""

    def __init__(self, colour: str, **kw: object) -> None:
        super().__init__(**kw)
        with self.canvas.before:
            self._colour = Color(*rgba(colour))
            self._rect = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._sync, size=self._sync)

    def _sync(self, *_: object) -> None:
        self._rect.pos, self._rect.size = self.pos, self.size


class FixtureApp(App):
    """Two screens; set_* rebuild them so every view is drawn from the current tokens."""

    def build(self) -> ScreenManager:
        Window.size = (800, 600)
        self.elderly, self.scheme = False, "standard"
        self.manager = ScreenManager(transition=NoTransition())
        for name in self.screen_names():
            self.manager.add_widget(Screen(name=name))
        self._rebuild()
        return self.manager

    def screen_names(self) -> list[str]:
        return ["home", "result"]

    def show(self, name: str, **_state: object) -> None:
        self.manager.current = name

    def set_elderly(self, on: bool) -> None:
        self.elderly = on
        self._rebuild()

    def set_scheme(self, name: str) -> None:
        self.scheme = name
        self._rebuild()

    def set_language(self, language: str) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        s, p = SCHEMES[self.scheme], size_profile(self.elderly)
        Window.clearcolor = rgba(s.background)
        good, bad = self.manager.get_screen("home"), self.manager.get_screen("result")
        for screen in (good, bad):
            screen.clear_widgets()
        box = BoxLayout(orientation="vertical", padding=dp(20), spacing=dp(20))
        box.add_widget(Label(text="办事大厅", font_size=dp(p.title_dp), color=rgba(s.text)))
        box.add_widget(Label(text="请选择事项", font_size=dp(p.body_dp),
                             color=rgba(s.muted_text)))
        button = Button(text="开始", font_size=dp(p.body_dp), color=rgba(s.on_primary),
                        background_normal="", background_color=rgba(s.primary),
                        size_hint=(None, None), size=(dp(240), dp(p.min_target_dp + 10)))
        box.add_widget(button)
        row = BoxLayout(size_hint=(1, None), height=dp(p.min_target_dp + 10), spacing=dp(20))
        for text in ("重听", "长辈版"):
            row.add_widget(Button(text=text, font_size=dp(p.body_dp), color=rgba(s.on_primary),
                                  background_normal="", background_color=rgba(s.primary)))
        box.add_widget(row)
        good.add_widget(box)

        panel = _Panel("#FFFFFF", orientation="vertical", padding=dp(20), spacing=dp(10))
        panel.add_widget(Label(text="灰色说明文字", font_size=dp(p.title_dp),
                               color=rgba("#999999")))
        panel.add_widget(Label(text="小字", font_size=dp(12), color=rgba("#000000")))
        panel.add_widget(Label(text="第一行\n第二行\n第三行", font_size=dp(p.body_dp),
                               line_height=1.0, color=rgba("#000000")))
        panel.add_widget(Button(text="", size_hint=(None, None), size=(dp(40), dp(40))))
        bad.add_widget(panel)
