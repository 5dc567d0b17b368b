"""A scheme or mode switch leaves every widget as a fresh start would draw it.

The defect (issue 13): a base rule (``<EbtLabel>: color: app.theme.text``) and an override
(``color: app.theme.fg_accent``) both bind to the theme. Switching high_contrast_dark →
yellow_on_black changes ``text`` but not ``fg_accent`` (#000000 in both), so only the base
rule ran again and the identify card's 身份证 turned yellow on a white card (1.28:1). Sizes
have the same trap: an ``EbtTitle`` overridden to ``body * 1.1`` went back to ``title``
after a mode switch, because ``title`` is set after ``body``. The app below declares its
``theme`` like KioskApp (``rebind=True``; checked by the last test).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("KIVY_NO_ARGS", "1")

pytestmark = pytest.mark.ui
#: the switch checks run in a process of their own: another UI test module's App in the same
#: process leaves Kivy's rule bookkeeping behind, and the theme's re-run would follow it
IN_CHILD = os.environ.get("EBT_THEME_SWITCH_CHILD") == "1"
ROOT = Path(__file__).resolve().parents[2]


def test_every_switch_in_a_process_of_its_own() -> None:
    """Runs this module's switch checks in a fresh Python process (see IN_CHILD)."""
    if IN_CHILD:
        pytest.skip("this is the child")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           __file__], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, EBT_THEME_SWITCH_CHILD="1"))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout

KV = """
<CardProbe@BoxLayout>:
    EbtLabel:
        id: on_card
        text: "身份证"
        color: app.theme.fg_accent
    EbtTitle:
        id: small_title
        text: "联系电话"
        font_size: app.theme.body * 1.1
    Notice:
        id: notice
        text: "!"
"""


@pytest.fixture(scope="module")
def probe() -> Iterator[tuple[Any, Any]]:
    from kivy.app import App
    from kivy.factory import Factory
    from kivy.lang import Builder
    from kivy.properties import ObjectProperty

    from screens import widgets  # noqa: F401  (registers EbtLabel, EbtTitle, Notice)
    from screens.app import SCREENS_DIR
    from screens.theme import Theme

    class ThemeApp(App):
        theme = ObjectProperty(None, rebind=True)
        lang = "zh_CN"

        def tr(self, text: str, *_a: Any) -> str:
            return text

        def __getattr__(self, name: str) -> Any:
            return ""      # whatever else the shared top bar shows (clock, busy …)

    app = ThemeApp()
    app.theme = Theme()
    # other UI test modules in this process may have loaded the shared rules already: load
    # them exactly once, as the app does, or each rule would be applied twice
    Builder.unload_file(str(SCREENS_DIR / "widgets.kv"))
    Builder.load_file(str(SCREENS_DIR / "widgets.kv"))
    Builder.load_string(KV)
    card = Factory.CardProbe()
    yield app, card
    Builder.unload_file(str(SCREENS_DIR / "widgets.kv"))


def _expected(theme: Any) -> dict[str, Any]:
    return {"on_card": list(theme.fg_accent), "small_title": theme.body * 1.1,
            "notice": list(theme.danger)}


def _seen(card: Any) -> dict[str, Any]:
    return {"on_card": list(card.ids.on_card.color),
            "small_title": card.ids.small_title.font_size,
            "notice": list(card.ids.notice.color)}


STATES = list(itertools.product(("standard", "elderly"),
                                ("standard", "high_contrast_dark", "yellow_on_black")))


@pytest.mark.parametrize(("start", "target"),
                         [(a, b) for a in STATES for b in STATES if a != b])
@pytest.mark.skipif(not IN_CHILD, reason="runs in its own process")
def test_switching_draws_what_a_fresh_start_draws(probe: tuple[Any, Any],
                                                  start: tuple[str, str],
                                                  target: tuple[str, str]) -> None:
    from screens.theme import Theme

    app, card = probe
    app.theme.apply(*start)
    assert _seen(card) == _expected(app.theme), f"at {start}"
    app.theme.apply(*target)
    fresh = Theme(*target)
    assert _seen(card) == _expected(fresh), f"{start} → {target}"


def test_the_app_lets_the_theme_re_run_its_rules() -> None:
    """Theme.apply dispatches ``app.theme``; only a ``rebind`` property makes the kv rules
    bound through it re-run (in the order they were applied)."""
    from screens.app import KioskApp

    assert KioskApp.theme.rebind
