"""Settings shows the chosen volume and speed (issue 13: it never did): the chosen button
is marked and the section title says the choice in words, also for a configured volume
that lies between two buttons."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("KIVY_NO_ARGS", "1")

pytestmark = pytest.mark.ui


class _Voice:
    def __init__(self) -> None:
        self.volume, self.rate = 0.6, "normal"

    def set_volume(self, volume: float) -> None:
        self.volume = volume

    def set_rate(self, rate: str) -> None:
        self.rate = rate


@pytest.fixture(scope="module")
def screen() -> Iterator[Any]:
    from kivy.app import App
    from kivy.lang import Builder
    from kivy.properties import ObjectProperty

    from screens.app import SCREENS_DIR
    from screens.settings import SettingsScreen
    from screens.theme import Theme

    class SettingsApp(App):
        theme = ObjectProperty(None, rebind=True)
        lang = "zh_CN"

        def __init__(self) -> None:
            super().__init__()
            self.terminal = type("T", (), {"voice": _Voice()})()

        def tr(self, text: str, *_a: Any) -> str:
            return text

        def set_scheme(self, _name: str) -> None: ...
        def set_language(self, _code: str) -> None: ...
        def set_elderly(self, _on: bool) -> None: ...

        def __getattr__(self, name: str) -> Any:
            return ""      # whatever else the shared top bar shows (clock, busy …)

    app = SettingsApp()
    app.theme = Theme()
    for name in ("widgets.kv", "settings.kv"):
        Builder.load_file(str(SCREENS_DIR / name))
    yield SettingsScreen(name="settings")
    for name in ("widgets.kv", "settings.kv"):
        Builder.unload_file(str(SCREENS_DIR / name))


def _chosen(screen: Any, box: str) -> list[str]:
    return [b.ebt_id for b in screen.ids[box].children if b.selected]


def test_the_configured_volume_and_speed_are_shown(screen: Any) -> None:
    screen.refresh()
    assert _chosen(screen, "volumes") == ["volume_中"]          # 0.6 is nearest to 中 (0.7)
    assert _chosen(screen, "rates") == ["rate_normal"]
    assert screen.volume_text == "中" and screen.rate_text == "正常"


def test_a_choice_is_marked_and_said(screen: Any) -> None:
    loud = next(b for b in screen.ids.volumes.children if b.ebt_id == "volume_大")
    loud.dispatch("on_release")
    slow = next(b for b in screen.ids.rates.children if b.ebt_id == "rate_slow")
    slow.dispatch("on_release")
    assert _chosen(screen, "volumes") == ["volume_大"]
    assert _chosen(screen, "rates") == ["rate_slow"]
    assert (screen.volume_text, screen.rate_text) == ("大", "慢速")
    titles = [w.text for w in screen.walk() if type(w).__name__ == "EbtTitle"]
    assert "音量：大" in titles and "语速：慢速" in titles


def test_labels_for_any_value() -> None:
    from screens.settings import rate_label, volume_label

    assert [volume_label(v) for v in (0.0, 0.5, 0.6, 0.9, 1.0)] == ["小", "小", "中", "大", "大"]
    assert [rate_label(r) for r in ("slow", "normal", "fast")] == ["慢速", "正常", "正常"]
