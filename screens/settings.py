"""Settings the citizen can reach on every screen: elderly mode, colour scheme, language,
voice volume and speed."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.appearance import SCHEMES
from kiosk.i18n import N_, offered_languages
from screens.widgets import EbtButton, KioskScreen

SCHEME_NAMES = {"standard": N_("标准配色"), "high_contrast_dark": N_("高对比度（黑底白字）"),
                "yellow_on_black": N_("黄字黑底")}
VOLUMES = {N_("小"): 0.4, N_("中"): 0.7, N_("大"): 1.0}
RATES = {N_("慢速"): "slow", N_("正常"): "normal"}


def volume_label(volume: float) -> str:
    """The volume chooser's label nearest to ``volume`` (the configured volume may lie
    between two of them)."""
    return min(VOLUMES, key=lambda label: abs(VOLUMES[label] - volume))


def rate_label(rate: str) -> str:
    """The speed chooser's label for ``rate`` (normal when unknown)."""
    return next((label for label, value in RATES.items() if value == rate), N_("正常"))


class SettingsScreen(KioskScreen):
    """Choosers that re-render the whole UI live."""

    prompt = "settings"
    #: the chosen volume and speed in words, shown beside their titles
    volume_text = StringProperty("")
    rate_text = StringProperty("")

    def refresh(self) -> None:
        """Build the chooser buttons with the current choice marked."""
        app = self.app
        self._fill("schemes", [(SCHEME_NAMES.get(n, n), f"scheme_{n}", n == app.theme.scheme,
                                lambda n=n: app.set_scheme(n)) for n in SCHEMES])
        self._fill("langs", [(label, f"lang_{c}", c == app.lang,
                              lambda c=c: app.set_language(c))
                             for c, label in offered_languages().items()])
        self._fill("modes", [(app.tr("标准版"), "mode_standard", app.theme.mode == "standard",
                              lambda: app.set_elderly(False)),
                             (app.tr("长辈版"), "mode_elderly", app.theme.mode == "elderly",
                              lambda: app.set_elderly(True))])
        voice = app.terminal.voice
        volume, rate = volume_label(voice.volume), rate_label(voice.rate)
        self.volume_text, self.rate_text = app.tr(volume), app.tr(rate)
        self._fill("volumes", [(app.tr(k), f"volume_{k}", k == volume,
                                lambda v=v: voice.set_volume(v)) for k, v in VOLUMES.items()])
        self._fill("rates", [(app.tr(k), f"rate_{r}", k == rate,
                              lambda r=r: voice.set_rate(r)) for k, r in RATES.items()])

    def _fill(self, box_id: str, entries: list[tuple[str, str, bool, Any]]) -> None:
        box = self.ids[box_id]
        box.clear_widgets()
        for text, ebt_id, selected, action in entries:
            button = EbtButton(text=self.app.tr(text), ebt_id=ebt_id, selected=selected,
                               kind="primary" if selected else "plain")
            button.bind(on_release=lambda _b, a=action: self._do(a))
            box.add_widget(button)

    def _do(self, action: Any) -> None:
        action()
        self.refresh()

    def demo(self, **state: Any) -> None:
        """The choosers as they are."""
        self.refresh()
