"""A small Kivy app with the writing pad and both keyboards, driven by synthetic touches.

    python -m tests.ui.handwriting_app OUT_DIR [CHAR]

Writes CHAR (default 社) on the pad from the stroke file, one touch per stroke through the
window, waits for the candidates, saves OUT_DIR/pad.png, taps the character's candidate
and a few keys, and writes what happened to OUT_DIR/result.json. Run under a display
(Xvfb); tests/ui/test_handwriting_pad.py runs it.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from kivy.config import Config

Config.set("graphics", "width", "1760")
Config.set("graphics", "height", "1100")
Config.set("graphics", "resizable", "0")
Config.set("graphics", "multisamples", "0")

from kivy.app import App  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.lang import Builder  # noqa: E402
from kivy.metrics import dp  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402
from kivy.uix.boxlayout import BoxLayout  # noqa: E402

from kiosk.handwriting import HandwritingRecogniser, StrokeSet  # noqa: E402
from screens.handwriting_pad import HandwritingPad  # noqa: E402
from screens.keyboards import PhoneKeypad, QwertyKeyboard  # noqa: E402
from screens.main_thread import MainThread  # noqa: E402
from screens.pad_writer import write_strokes  # noqa: E402
from screens.theme import Theme, register_cjk_font  # noqa: E402
from screens.widgets import EbtLabel  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
STROKES = ROOT / "tests" / "data" / "handwriting" / "strokes.json"


class PadApp(App):
    """Pad on the left, QWERTY and phone keypad on the right, in 长辈版 sizes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theme = Theme("elderly", "standard")
        self.recogniser = HandwritingRecogniser()
        self.started = threading.Event()
        self.events: list[tuple[str, str]] = []

    def tr(self, message: str, *_deps: Any) -> str:
        return message

    def build(self) -> BoxLayout:
        register_cjk_font()
        Builder.load_file(str(ROOT / "screens" / "widgets.kv"))
        Window.clearcolor = self.theme.background
        root = BoxLayout(padding=dp(16), spacing=dp(16))
        left = BoxLayout(orientation="vertical", spacing=dp(8))
        self.query = EbtLabel(text="")
        left.add_widget(self.query)
        self.pad = HandwritingPad(partial(self.recogniser.recognise, top_n=5),
                                  candidate_height=self.theme.target,
                                  glyph_size=self.theme.title, tool_height=self.theme.target)
        self.pad.bind(on_pick=lambda _p, c: self._event("pick", c))
        left.add_widget(self.pad)
        right = BoxLayout(orientation="vertical", spacing=dp(16))
        self.qwerty = QwertyKeyboard(key_height=self.theme.target)
        self.keypad = PhoneKeypad(key_height=self.theme.target)
        for board in (self.qwerty, self.keypad):
            board.bind(on_key=lambda _b, k: self._event("key", k))
        right.add_widget(self.qwerty)
        right.add_widget(self.keypad)
        right.add_widget(BoxLayout())
        left.size_hint_x = None
        left.width = dp(560)
        root.add_widget(left)
        root.add_widget(right)
        return root

    def _event(self, kind: str, value: str) -> None:
        self.events.append((kind, value))
        if kind == "pick":
            self.query.text += value

    def on_start(self) -> None:
        self.started.set()


def _tap(widget: Any) -> None:
    touch = UnitTestTouch(*widget.to_window(*widget.center))
    touch.touch_down()
    touch.touch_up()


def drive(app: PadApp, out: Path, char: str) -> dict[str, Any]:
    main = MainThread(60)
    if not app.started.wait(120):
        raise RuntimeError("the app did not start")
    time.sleep(0.5)
    data = StrokeSet.load(STROKES)
    write_strokes(main.call, app.pad.surface, data.characters[char], data.width)
    deadline = time.monotonic() + 60
    while main.call(lambda: app.pad.busy or not app.pad.candidates):
        if time.monotonic() > deadline:
            raise RuntimeError("no candidates")
        time.sleep(0.05)
    time.sleep(0.3)
    candidates = main.call(lambda: list(app.pad.candidates))
    strokes = main.call(lambda: len(app.pad.strokes))
    button_heights = main.call(lambda: [b.height / dp(1) for b in app.pad._buttons])
    main.call(lambda: Window.screenshot(name=str(out / "pad%(counter)s.png")))
    time.sleep(0.5)
    if char in candidates:
        index = candidates.index(char)
        main.call(lambda: _tap(app.pad._buttons[index]))
    for label in ("Q", "Z", "M", "退格"):
        main.call(partial(_tap_key, app.qwerty, label))
    for label in ("1", "0", "删除", "确认"):
        main.call(partial(_tap_key, app.keypad, label))
    time.sleep(0.3)
    # A stroke taken back before its answer arrives: the late answer must not show.
    def write_and_undo() -> None:
        write_strokes(lambda fn: fn(), app.pad.surface, data.characters["保"][:1],
                      data.width, pause_s=0)
        app.pad.surface.undo()
    main.call(write_and_undo)
    app.pad._executor.submit(lambda: None).result(timeout=60)   # the stale answer is posted
    main.call(lambda: None)
    main.call(lambda: None)
    stale = main.call(lambda: (list(app.pad.candidates), app.pad.busy))
    return {"candidates": candidates, "after_undo": stale, "strokes": strokes, "events": app.events,
            "pad_after_pick": main.call(lambda: len(app.pad.strokes)),
            "query": main.call(lambda: app.query.text),
            "candidate_heights_dp": button_heights,
            "qwerty_rows": main.call(lambda: app.qwerty.rows),
            "keypad": main.call(lambda: app.keypad.layout)}


def _tap_key(board: Any, label: str) -> None:
    _tap(_find(board, label))


def _find(root: Any, label: str) -> Any:
    for widget in root.walk():
        if getattr(widget, "ebt_id", "") == f"key_{label}":
            return widget
    raise LookupError(label)


def main() -> int:
    out = Path(sys.argv[1])
    char = sys.argv[2] if len(sys.argv) > 2 else "社"
    out.mkdir(parents=True, exist_ok=True)
    app = PadApp()
    result: dict[str, Any] = {}

    def script() -> None:
        try:
            result.update(drive(app, out, char))
        except Exception:
            result["error"] = traceback.format_exc()
        finally:
            MainThread(60).call(app.stop)

    threading.Thread(target=script, daemon=True).start()
    app.run()
    shots = sorted(out.glob("pad*.png"))
    if shots:
        shots[-1].replace(out / "pad.png")
    (out / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=1),
                                     encoding="utf-8")
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
