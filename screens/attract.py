"""Attract screen: what the terminal offers, the 长辈版 switch, language, nearest points.

Out of service (``app.out_of_service``, the fleet's ``maintenance_on``) it shows a large
bilingual notice pointing to the nearest 24-hour point instead of the offers and the start
buttons, and nothing on it starts a visit (only the operator's way in stays: five taps in
the top-left corner, :class:`OperatorCorner`, then the PIN — there is no visible 运维 button).
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.widget import Widget

from kiosk.flows.geo import nearest
from kiosk.i18n import N_, Translator, offered_languages
from kiosk.operator import SecretTaps
from screens.widgets import EbtButton, EbtLabel, KioskScreen

OFFERS = (N_("社保、公积金、医保查询与证明打印"), N_("户籍、出入境、交通事项办理"),
          N_("办件进度查询与好差评"), N_("24小时自助服务点地图"))
OUT_OF_SERVICE = N_("本机维护中，暂停服务")
USE_ANOTHER = N_("请使用其他自助终端")
GO_NEAREST = N_("最近的24小时自助服务点：")


class OperatorCorner(Widget):
    """An invisible square in the top-left corner: five taps within a few seconds open the
    maintenance screen (which asks for the operator PIN). It draws nothing and does not
    take the touch, so whatever lies under it works as before."""

    ebt_id = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.taps = SecretTaps()

    def on_touch_down(self, touch: Any) -> bool:
        """Count a tap inside the corner; the fifth opens maintenance."""
        if self.collide_point(*touch.pos) and self.taps.tap():
            App.get_running_app().go("maintenance")
            return True
        return False


class NoticeLine(EbtLabel):
    """One line of the out-of-service notice; ``level`` 0 headline, 1 title, 2 body."""

    level = NumericProperty(0)


class AttractScreen(KioskScreen):
    """The first screen; 开始办事 leads home (unless the terminal is out of service)."""

    prompt = "attract"
    _built: tuple = ()
    _translators: tuple[Translator, ...] = ()

    def on_kv_post(self, base_widget: Any) -> None:
        """Redraw when the terminal goes out of service or back."""
        self.app.bind(out_of_service=lambda *_a: self.refresh())

    def refresh(self) -> None:
        """Offers, languages, the three nearest 24-hour points and the out-of-service
        notice."""
        app = self.app
        key = (app.lang, len(app.service_points), app.out_of_service)
        if key == self._built:
            return
        self._built = key
        offers = self.ids.offers
        offers.clear_widgets()
        for text in OFFERS:
            offers.add_widget(EbtLabel(text="• " + app.tr(text)))
        langs = self.ids.langs
        langs.clear_widgets()
        for code, label in offered_languages().items():
            button = EbtButton(text=label, ebt_id=f"lang_{code}", selected=code == app.lang)
            button.bind(on_release=lambda _b, c=code: self._language(c))
            langs.add_widget(button)
        near = self.ids.nearest
        near.clear_widgets()
        term = app.terminal.config.terminal
        points = nearest(app.service_points, term.lat, term.lon)
        lines = [f"{point.name}  {km:.1f} km  {point.hours}" for km, point in points]
        for line in lines:
            near.add_widget(EbtLabel(text=line))
        self._notice(lines[:1] if app.out_of_service else [])

    def _notice(self, nearest_lines: list[str]) -> None:
        """Fill the out-of-service notice: every line in Chinese and in English."""
        box = self.ids.notice
        box.clear_widgets()
        if not self.app.out_of_service:
            return
        for index, text in enumerate(self._bilingual(OUT_OF_SERVICE)):
            box.add_widget(NoticeLine(text=text, level=0 if index == 0 else 1))
        for text in self._bilingual(USE_ANOTHER):
            box.add_widget(NoticeLine(text=text, level=2))
        if nearest_lines:
            for text in self._bilingual(GO_NEAREST):
                box.add_widget(NoticeLine(text=text, level=2, bold=False))
            box.add_widget(NoticeLine(text=nearest_lines[0], level=2))

    def _bilingual(self, message: str) -> list[str]:
        """``message`` in every language offered to citizens, Chinese first."""
        if not self._translators:
            self._translators = tuple(Translator(code) for code in offered_languages())
        return [translate(message) for translate in self._translators]

    def start(self) -> None:
        """开始办事."""
        if not self.app.out_of_service:
            self.app.go("home")

    def toggle_elderly(self) -> None:
        """长辈版 on or off for the coming visit."""
        if not self.app.out_of_service:
            self.app.set_elderly(self.app.theme.mode != "elderly")

    def open_map(self) -> None:
        """The map of 24-hour points (a visit: its top bar leads home)."""
        if not self.app.out_of_service:
            self.app.go("map")

    def _language(self, code: str) -> None:
        self.app.set_language(code)
        self._built = ()
        self.refresh()

    def demo(self, **state: Any) -> None:
        """Nothing personal here: the live content is representative."""
        self.refresh()
