"""Attract screen: what the terminal offers, the 长辈版 switch, language, nearest points."""

from __future__ import annotations

from typing import Any

from kiosk.flows.geo import nearest
from kiosk.i18n import LANGUAGES, N_
from screens.widgets import EbtButton, EbtLabel, KioskScreen

OFFERS = (N_("社保、公积金、医保查询与证明打印"), N_("户籍、出入境、交通事项办理"),
          N_("办件进度查询与好差评"), N_("24小时自助服务点地图"))


class AttractScreen(KioskScreen):
    """The first screen; 开始办事 leads home."""

    prompt = "attract"
    _built: tuple = ()

    def refresh(self) -> None:
        """Offers, languages and the three nearest 24-hour points."""
        app = self.app
        key = (app.lang, len(app.service_points))
        if key == self._built:
            return
        self._built = key
        offers = self.ids.offers
        offers.clear_widgets()
        for text in OFFERS:
            offers.add_widget(EbtLabel(text="• " + app.tr(text)))
        langs = self.ids.langs
        langs.clear_widgets()
        for code, label in LANGUAGES.items():
            button = EbtButton(text=label, ebt_id=f"lang_{code}", selected=code == app.lang)
            button.bind(on_release=lambda _b, c=code: self._language(c))
            langs.add_widget(button)
        near = self.ids.nearest
        near.clear_widgets()
        term = app.terminal.config.get("terminal", {})
        for km, point in nearest(app.service_points, float(term.get("lat", 25.04)),
                                 float(term.get("lon", 102.71))):
            near.add_widget(EbtLabel(text=f"{point.name}  {km:.1f} km  {point.hours}"))

    def _language(self, code: str) -> None:
        self.app.set_language(code)
        self._built = ()
        self.refresh()

    def demo(self, **state: Any) -> None:
        """Nothing personal here: the live content is representative."""
        self.refresh()
