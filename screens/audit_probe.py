"""Accessibility probe: drive the real Kivy app and record what the citizen sees.

``python -m screens.audit_probe --out FILE.jsonl`` (normally started by
``python -m screens audit``, which provides a display) builds ``screens.app.KioskApp``, and for
every screen × mode × scheme × language calls ``set_elderly`` / ``set_scheme`` /
``set_language`` / ``show``, waits for the transition to finish and the frame to be drawn,
then walks the live widget tree into element records (kiosk.audit.model.Element as dicts).

The effective background of each text is measured, not guessed: the frame is read back
from OpenGL and the most frequent colour inside the text's texture rectangle, leaving out
the text colour and its anti-aliasing, is the background behind that text. Optionally
saves a PNG of every view (``--screenshots DIR``).
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import os
import re
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import numpy as np
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels
from kivy.metrics import dp
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.slider import Slider
from kivy.uix.stencilview import StencilView
from kivy.uix.switch import Switch
from kivy.uix.textinput import TextInput
from kivy.uix.widget import Widget

from kiosk.audit.pixels import (
    Rect,
    background_of,
    inside,
    line_heights,
    over,
    overlaps,
    to_hex,
)
from kiosk.audit.plan import view_plan

TOUCHABLE = (ButtonBehavior, TextInput, Slider, Switch)
#: a Chinese ideograph: the glyphs whose height the elderly-scale check compares
CJK = re.compile(r"[\u3400-\u9fff]")


def read_frame() -> np.ndarray:
    """The window's current frame as an (h, w, 3) uint8 array, row 0 at the bottom."""
    width, height = Window.size
    raw = glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE)
    return np.frombuffer(raw, dtype=np.uint8).reshape(height, width, 4)[:, :, :3]


def effective_opacity(widget: Widget) -> float:
    """The widget's opacity multiplied by its ancestors'."""
    value, node = 1.0, widget
    while node is not None and node is not node.parent:
        value *= float(getattr(node, "opacity", 1.0))
        node = node.parent
    return value


def window_rect(widget: Widget) -> Rect:
    """The widget's box in window pixels (x, y, w, h)."""
    x, y = widget.to_window(*widget.pos)
    return int(x), int(y), int(widget.width), int(widget.height)


def visible_area(widget: Widget) -> Rect:
    """The part of the window where ``widget`` can show: the window clipped by every
    StencilView (ScrollView…) above it."""
    x0, y0 = 0, 0
    x1, y1 = Window.size
    node = widget.parent
    while node is not None and node is not node.parent:
        if isinstance(node, StencilView):
            nx, ny, nw, nh = window_rect(node)
            x0, y0, x1, y1 = max(x0, nx), max(y0, ny), min(x1, nx + nw), min(y1, ny + nh)
        node = node.parent
    return x0, y0, max(0, x1 - x0), max(0, y1 - y0)


class Walker:
    """Turns the widget tree under one root into element records."""

    def __init__(self, root: Widget, frame: np.ndarray, body_px: float | None = None) -> None:
        self.frame = frame
        self.body_px = body_px   # the theme's body font size (px), to tag body text
        self.names: dict[int, str] = {}
        for widget in root.walk(restrict=True):
            for name, child in getattr(widget, "ids", {}).items():
                self.names.setdefault(id(child), name)
        self.root = root

    def path(self, widget: Widget) -> str:
        """Class#id chain from the screen down to ``widget`` (last three parts)."""
        parts, node = [], widget
        while node is not None and node is not self.root.parent:
            name = (self.names.get(id(node)) or getattr(node, "ebt_id", "")
                    or getattr(node, "name", "") or "")
            part = type(node).__name__ + (f"#{name}" if name else "")
            siblings = [w for w in getattr(node.parent, "children", [])
                        if type(w) is type(node)] if node is not self.root else []
            if not name and len(siblings) > 1:  # children are stored last-added first
                part += f"[{len(siblings) - 1 - siblings.index(node)}]"
            parts.append(part)
            if node is self.root:
                break
            node = node.parent
        parts.reverse()
        return ">".join(parts[:1] + parts[1:][-3:]) if len(parts) > 4 else ">".join(parts)

    def records(self) -> Iterator[dict[str, Any]]:
        """One record per visible text widget or touch target."""
        for widget in self.root.walk(restrict=True):
            opacity = effective_opacity(widget)
            if opacity <= 0.01 or widget.width <= 0 or widget.height <= 0:
                continue
            area = visible_area(widget)
            if not overlaps(window_rect(widget), area):
                continue  # scrolled or moved out of sight
            record: dict[str, Any] = {}
            if isinstance(widget, Label) and widget.text.strip():
                record = self.label(widget, opacity, area)
            elif isinstance(widget, TextInput):
                record = self.text_input(widget, opacity, area)
            touchable = isinstance(widget, TOUCHABLE) and not widget.disabled
            if touchable:
                record.setdefault("widget", self.path(widget))
                record["touchable"] = True
                record["size_dp"] = [widget.width / dp(1), widget.height / dp(1)]
            if record:
                yield record

    def _texture_rect(self, widget: Widget, tw: float, th: float) -> Rect:
        x, y = widget.to_window(int(widget.center_x - tw / 2.0), int(widget.center_y - th / 2.0))
        return int(x), int(y), int(tw), int(th)

    def _colours(self, widget: Widget, colour: Any, rect: Rect, opacity: float,
                 area: Rect) -> tuple[str | None, str | None, list[int]]:
        """(text colour as seen, measured background, heights of the rendered lines)."""
        if widget.disabled or not inside(rect, area):
            return None, None, []  # inactive, or partly clipped: nothing reliable to measure
        declared = tuple(round(float(c) * 255) for c in colour[:3])
        bg = background_of(self.frame, rect, declared)  # type: ignore[arg-type]
        if bg is None:
            return None, None, []
        seen = over(colour, bg, opacity)
        return to_hex(seen), to_hex(bg), line_heights(self.frame, rect, seen, bg)

    def label(self, widget: Label, opacity: float, area: Rect) -> dict[str, Any]:
        """Record for a Label (Buttons are Labels)."""
        tw, th = widget.texture_size
        rect = self._texture_rect(widget, tw, th)
        fg, bg, line_px = self._colours(widget, widget.color, rect, opacity, area)
        lines = len(getattr(getattr(widget, "_label", None), "_cached_lines", []) or [1])
        # body text at the body size, with Chinese in it: digits and Latin letters are
        # shorter glyphs, and a screen of phone numbers would measure small (issue 13)
        body = (self.body_px is not None and abs(float(widget.font_size) - self.body_px) < 0.5
                and bool(CJK.search(str(widget.text))))
        return {"widget": self.path(widget), "text": widget.text,
                "font_size_dp": float(widget.font_size) / dp(1),
                "line_height": float(widget.line_height), "lines": max(1, lines),
                "size_dp": [widget.width / dp(1), widget.height / dp(1)], "fg": fg, "bg": bg,
                "line_px": line_px, "role": "body" if body else ""}

    def text_input(self, widget: TextInput, opacity: float, area: Rect) -> dict[str, Any]:
        """Record for a TextInput: its text, or its hint when empty."""
        text = widget.text or widget.hint_text
        colour = widget.foreground_color if widget.text else widget.hint_text_color
        x, y = widget.to_window(*widget.pos)
        pad = [int(p) for p in widget.padding]
        rect = (int(x) + pad[0], int(y) + pad[3], int(widget.width) - pad[0] - pad[2],
                int(widget.height) - pad[1] - pad[3])
        fg, bg, _lines = (self._colours(widget, colour, rect, opacity, area) if text.strip()
                          else (None, None, []))
        return {"widget": self.path(widget), "text": text,
                "font_size_dp": float(widget.font_size) / dp(1) if text.strip() else None,
                "line_height": 1.0 + float(widget.line_spacing) / max(1.0, widget.font_size),
                "lines": max(1, len(getattr(widget, "_lines", [""]))),
                "size_dp": [widget.width / dp(1), widget.height / dp(1)], "fg": fg, "bg": bg}


def _load_app(spec: str, orientation: str | None) -> Any:
    module, _, name = spec.partition(":")
    factory = getattr(importlib.import_module(module), name)
    return factory(orientation=orientation) if orientation else factory()


WINDOW = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


def audit_app(orientation: str | None = None) -> Any:
    """The real KioskApp on a terminal without devices (none are needed to draw screens),
    fed by an in-process platform simulator so the catalog is real, voice silent, state in
    a temporary folder. Window size from ``orientation`` or ``[terminal] orientation``."""
    import atexit
    import shutil
    import tempfile

    from kiosk.config import parse_config, read_table
    from screens.launch import LaunchOptions, launch

    state = Path(tempfile.mkdtemp(prefix="audit-state-"))
    atexit.register(shutil.rmtree, state, True)
    table = read_table()
    table["devices"] = {}
    table["fleet"] = {"server": ""}
    table["voice"] = {**table.get("voice", {}), "prerender": False,
                      "cache_dir": str(state / "voice")}
    try:
        from simulator.platform.server import PlatformServer

        server = PlatformServer(state_dir=state / "platform")
        table["platform"] = {**table.get("platform", {}), "url": server.start()}
        atexit.register(server.stop)
    except Exception as exc:  # screens must still be auditable from the cached catalog
        print(f"audit_probe: no platform simulator ({type(exc).__name__})", file=sys.__stderr__)
    config = parse_config(table)
    orientation = orientation or config.terminal.orientation
    launched = launch(config, LaunchOptions(orientation=orientation, kiosk_mode=False,
                                            voice=False, base_dir=state, start_threads=False))
    Window.size = WINDOW.get(orientation, WINDOW["portrait"])
    atexit.register(launched.terminal.close)
    return launched.app


class Driver:
    """Steps through the views one frame at a time from Kivy's clock."""

    def __init__(self, app: Any, args: argparse.Namespace, out: Any) -> None:
        self.app, self.args, self.out = app, args, out
        self.steps = self._steps()
        self.failed = False

    def tick(self, _dt: float) -> bool:
        try:
            next(self.steps)
            return True
        except StopIteration:
            self.app.stop()
            return False
        except Exception:
            traceback.print_exc(file=sys.__stderr__)
            self.failed = True
            self.app.stop()
            return False

    def _settle(self) -> Iterator[None]:
        manager = self.app.root
        yield  # the frame in which the view was set up is laid out and drawn
        for _ in range(200):
            transition = getattr(manager, "transition", None)
            if transition is None or not transition.is_active:
                break
            yield
        for _ in range(self.args.frames):
            yield

    def _steps(self) -> Iterator[None]:
        """Views grouped by (mode, scheme, language): each switch re-renders the whole app,
        so it is made once per group; within a group only the screen changes. With
        sequences (the default) the groups of the first language follow
        kiosk.audit.plan.switch_walk: every (mode, scheme) is reached from every state
        one switch away, so a rule that only goes wrong after a particular switch is seen."""
        yield from self._settle()
        names = self.args.screens or list(self.app.screen_names())
        plan = view_plan(self.args.modes, self.args.schemes, self.args.languages,
                         sequences=self.args.sequences)
        applied: tuple[str, str, str] | None = None
        for (mode, scheme, language, reached_from), screen in itertools.product(plan, names):
            view = {"screen": screen, "mode": mode, "scheme": scheme, "language": language,
                    "reached_from": reached_from}
            try:
                if applied is None or applied[0] != mode:
                    self.app.set_elderly(mode == "elderly")
                if applied is None or applied[1] != scheme:
                    self.app.set_scheme(scheme)
                if applied is None or applied[2] != language:
                    self.app.set_language(language)
                applied = (mode, scheme, language)
                self.app.show(screen)
            except Exception as exc:
                applied = None  # state unknown: set everything again next time
                self._emit({"view": view, "error": f"{type(exc).__name__}: {exc}"})
                continue
            yield from self._settle()
            frame = read_frame()
            manager = self.app.root
            root = getattr(manager, "current_screen", None) or manager
            body_size = getattr(getattr(self.app, "theme", None), "body", None)
            body = float(body_size) if body_size else None
            elements = list(Walker(root, frame, body).records())
            for overlay in Window.children:
                if overlay is not manager:
                    elements.extend(Walker(overlay, frame, body).records())
            shot = self._screenshot(frame, view)
            self._emit({"view": view, "elements": elements, "screenshot": shot})

    def _screenshot(self, frame: np.ndarray, view: dict[str, str]) -> str | None:
        if not self.args.screenshots:
            return None
        from PIL import Image

        folder = Path(self.args.screenshots)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "{mode}-{scheme}-{language}-{screen}.png".format(**view)
        if path.exists():      # reached again by another switch: keep the first, and this
            path = folder / "after" / "{mode}-{scheme}-{language}-{screen}".format(**view)
            path = path.with_name(path.name + "-after-"
                                  + view["reached_from"].replace("/", "-") + ".png")
            path.parent.mkdir(exist_ok=True)
        Image.fromarray(np.flipud(frame)).save(path, optimize=True)
        return str(path)

    def _emit(self, record: dict[str, Any]) -> None:
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.out.flush()


def main(argv: list[str] | None = None) -> int:
    """Run the app, audit every requested view, write JSON lines to ``--out``."""
    parser = argparse.ArgumentParser(prog="python -m screens.audit_probe")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--app", default="screens.audit_probe:audit_app")
    parser.add_argument("--screens", nargs="*", default=None)
    parser.add_argument("--modes", nargs="+", default=["standard", "elderly"])
    parser.add_argument("--schemes", nargs="+",
                        default=["standard", "high_contrast_dark", "yellow_on_black"])
    parser.add_argument("--languages", nargs="+", default=["zh_CN", "en"])
    parser.add_argument("--screenshots", default=None)
    parser.add_argument("--orientation", choices=sorted(WINDOW), default=None)
    parser.add_argument("--no-sequences", dest="sequences", action="store_false",
                        help="visit each (mode, scheme, language) once, not after every switch")
    parser.add_argument("--frames", type=int, default=1,
                        help="extra frames drawn after a view is set up, before it is measured")
    args = parser.parse_args(argv)
    try:
        app = _load_app(args.app, args.orientation)
    except Exception as exc:
        print(f"audit_probe: cannot build {args.app}: {type(exc).__name__}: {exc}",
              file=sys.__stderr__)
        return 1
    with args.out.open("w", encoding="utf-8") as out:
        driver = Driver(app, args, out)
        Clock.schedule_interval(driver.tick, 0)
        app.run()
    return 1 if driver.failed else 0


if __name__ == "__main__":
    sys.exit(main())
