"""A writing pad for citizens who do not know pinyin: write one character with a finger,
pick it from the candidate buttons.

:class:`HandwritingPad` records each touch as a stroke (pad pixels, origin top left,
y down, as :mod:`kiosk.handwriting` expects), draws the ink over a 米字格 guide, and after
every finished stroke asks the injected ``recognise`` callable for candidates on one worker
thread; the answer comes back to the main thread with ``Clock.schedule_once`` and is shown
only if no stroke was added or removed meanwhile. Candidate buttons are ``candidate_height``
tall (≥ 96 dp for 长辈版) with glyphs of ``glyph_size``. Bind ``candidates`` (a list
property, best first) to follow the list, and the ``on_pick(char)`` event for the tapped
one (the pad then clears itself for the next character).

    pad = HandwritingPad(recognise=partial(recogniser.recognise, top_n=5,
                                           allowed=search.characters()),
                         candidate_height=app.theme.target, glyph_size=app.theme.title)
    pad.bind(on_pick=lambda _pad, char: screen.add_text(char))
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Line, Rectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, ListProperty, NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.handwriting import Candidate
from kiosk.i18n import N_
from screens.kv_rules import load_rules_last
from screens.widgets import EbtButton

log = logging.getLogger(__name__)

Strokes = list[list[tuple[float, float]]]
Recognise = Callable[[Strokes, float, float], Sequence[Candidate]]

RULES = """
<CandidateButton>:
    font_size: self.glyph_size
"""


class CandidateButton(EbtButton):
    """One candidate character, drawn larger than body text."""

    glyph_size = NumericProperty(dp(48))


class WritingSurface(Widget):
    """The square the citizen writes in: paper, a 米字格 guide and the ink."""

    ink_color = ColorProperty([0.05, 0.05, 0.05, 1])
    paper_color = ColorProperty([1, 1, 1, 1])
    guide_color = ColorProperty([0.75, 0.75, 0.75, 1])
    ink_width = NumericProperty(dp(5))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.strokes: Strokes = []
        self._active: object | None = None         # the touch drawing now (one finger)
        self._lines: list[Line] = []
        self.bind(pos=self._redraw, size=self._redraw, ink_color=self._redraw,
                  paper_color=self._redraw, guide_color=self._redraw)
        self.register_event_type("on_stroke")

    def on_stroke(self, *_args: Any) -> None:
        """A stroke was finished (or strokes were removed)."""

    # -- touches ------------------------------------------------------------------------
    def _local(self, x: float, y: float) -> tuple[float, float]:
        x = min(max(x, self.x), self.right)
        y = min(max(y, self.y), self.top)
        return x - self.x, self.top - y

    def on_touch_down(self, touch: Any) -> bool:
        """Start a stroke if the finger lands on the pad and no other is writing."""
        if not self.collide_point(*touch.pos) or self._active is not None:
            return bool(self.collide_point(*touch.pos))
        touch.grab(self)
        self._active = touch
        self.strokes.append([self._local(*touch.pos)])
        with self.canvas:
            Color(rgba=self.ink_color)
            self._lines.append(Line(points=list(touch.pos), width=self.ink_width,
                                    cap="round", joint="round"))
        return True

    def on_touch_move(self, touch: Any) -> bool:
        """Extend the stroke being written."""
        if touch.grab_current is not self or touch is not self._active:
            return False
        point = self._local(*touch.pos)
        if point != self.strokes[-1][-1]:
            self.strokes[-1].append(point)
            self._lines[-1].points += [point[0] + self.x, self.top - point[1]]
        return True

    def on_touch_up(self, touch: Any) -> bool:
        """Finish the stroke and tell the pad."""
        if touch.grab_current is not self or touch is not self._active:
            return False
        touch.ungrab(self)
        self._active = None
        self.dispatch("on_stroke")
        return True

    # -- editing ------------------------------------------------------------------------
    def clear(self) -> None:
        """Remove all ink."""
        self.strokes = []
        self._active = None
        self._redraw()
        self.dispatch("on_stroke")

    def undo(self) -> None:
        """Remove the last stroke."""
        if self.strokes and self._active is None:
            self.strokes.pop()
            self._redraw()
            self.dispatch("on_stroke")

    def _redraw(self, *_args: Any) -> None:
        self.canvas.clear()
        x, y, w, h = self.x, self.y, self.width, self.height
        self._lines = []
        with self.canvas:
            Color(rgba=self.paper_color)
            Rectangle(pos=self.pos, size=self.size)
            Color(rgba=self.guide_color)
            Line(rectangle=(x, y, w, h), width=dp(1.5))
            for points in ((x + w / 2, y, x + w / 2, y + h), (x, y + h / 2, x + w, y + h / 2),
                           (x, y, x + w, y + h), (x, y + h, x + w, y)):
                Line(points=points, width=dp(1), dash_length=int(dp(8)),
                     dash_offset=int(dp(8)))
            Color(rgba=self.ink_color)
            for stroke in self.strokes:
                flat = [v for px, py in stroke for v in (px + x, self.top - py)]
                self._lines.append(Line(points=flat, width=self.ink_width, cap="round",
                                        joint="round"))


class HandwritingPad(BoxLayout):
    """Writing surface, a row of candidate buttons and 退一笔 / 重写."""

    candidates = ListProperty([])          # the characters on the buttons, best first
    busy = BooleanProperty(False)          # a recognition is running

    def __init__(self, recognise: Recognise, candidate_count: int = 5,
                 candidate_height: float = dp(96), glyph_size: float = dp(48),
                 tool_height: float = dp(96), executor: Executor | None = None,
                 labels: tuple[str, str] = (N_("退一笔"), N_("重写")), **kwargs: Any) -> None:
        kwargs.setdefault("orientation", "vertical")
        kwargs.setdefault("spacing", dp(8))
        load_rules_last("screens/handwriting_pad.rules", RULES)
        super().__init__(**kwargs)
        self.register_event_type("on_pick")
        self._recognise = recognise
        self._own_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(1, thread_name_prefix="handwriting")
        self._generation = 0
        self.surface = WritingSurface()
        self.surface.bind(on_stroke=self._stroke_changed)
        self.add_widget(self.surface)
        row = BoxLayout(size_hint_y=None, height=candidate_height, spacing=dp(8))
        self._buttons: list[CandidateButton] = []
        for i in range(candidate_count):
            button = CandidateButton(text="", ebt_id=f"candidate_{i}", disabled=True,
                                     glyph_size=glyph_size)
            button.bind(on_release=lambda _b, i=i: self.pick(i))
            self._buttons.append(button)
            row.add_widget(button)
        self.add_widget(row)
        tools = BoxLayout(size_hint_y=None, height=tool_height, spacing=dp(8))
        undo = EbtButton(text=labels[0], ebt_id="pad_undo")
        undo.bind(on_release=lambda _b: self.surface.undo())
        clear = EbtButton(text=labels[1], ebt_id="pad_clear")
        clear.bind(on_release=lambda _b: self.clear())
        tools.add_widget(undo)
        tools.add_widget(clear)
        self.add_widget(tools)

    # -- events -------------------------------------------------------------------------
    def on_pick(self, char: str) -> None:
        """The citizen chose ``char``."""

    # -- public -------------------------------------------------------------------------
    @property
    def strokes(self) -> Strokes:
        """The strokes written so far (pad pixels, y down)."""
        return self.surface.strokes

    def pick(self, index: int) -> None:
        """Choose candidate ``index``: dispatch ``on_pick`` and clear for the next one."""
        if index < len(self.candidates):
            char = self.candidates[index]
            self.clear()
            self.dispatch("on_pick", char)

    def clear(self) -> None:
        """Remove the ink and the candidates."""
        self.surface.clear()

    def shutdown(self) -> None:
        """Stop the worker thread if the pad made it (call when the screen is destroyed)."""
        self._generation += 1
        if self._own_executor:
            self._executor.shutdown(wait=False, cancel_futures=True)

    # -- recognition --------------------------------------------------------------------
    def _stroke_changed(self, *_args: Any) -> None:
        self._generation += 1
        generation = self._generation
        strokes = [list(s) for s in self.surface.strokes]
        if not strokes:
            self.busy = False
            self._show([])
            return
        self.busy = True
        size = (float(self.surface.width), float(self.surface.height))
        self._executor.submit(self._work, generation, strokes, size)

    def _work(self, generation: int, strokes: Strokes, size: tuple[float, float]) -> None:
        """Worker thread: recognise, then hand the answer to the main thread."""
        try:
            found = [c.char for c in self._recognise(strokes, size[0], size[1])]
        except Exception:  # a broken model must not take the pad down
            log.exception("handwriting recognition failed")
            found = []
        Clock.schedule_once(lambda _dt: self._deliver(generation, found), 0)

    def _deliver(self, generation: int, found: list[str]) -> None:
        if generation != self._generation:
            return                      # strokes changed since: a newer answer is coming
        self.busy = False
        self._show(found)

    def _show(self, chars: list[str]) -> None:
        chars = chars[:len(self._buttons)]
        for i, button in enumerate(self._buttons):
            button.text = chars[i] if i < len(chars) else ""
            button.disabled = i >= len(chars)
        if chars != list(self.candidates):
            self.candidates = chars
