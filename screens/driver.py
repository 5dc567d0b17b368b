"""Drive the running UI from another thread, as a person would: real touch events through
the window, waits for screens, screenshots. Used by the headless demo, the UI tests and
the UI benchmark.

Every method is called from a script thread; the work is done on Kivy's main thread via
``Clock.schedule_once`` and the caller waits for it (bounded by a timeout).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch
from kivy.uix.widget import Widget

from screens.main_thread import MainThread


class DriveError(RuntimeError):
    """A step could not be done (widget missing, screen did not come, timeout)."""


class UiDriver:
    """Touches, waits and screenshots against a running KioskApp."""

    def __init__(self, app: Any, default_timeout: float = 15.0) -> None:
        self.app = app
        self.timeout = default_timeout
        self.transitions: list[tuple[str, str, float]] = []   # (from, to, seconds)

    # -- main-thread calls ---------------------------------------------------------------
    def on_main(self, fn: Callable[[], Any], timeout: float | None = None) -> Any:
        """Run ``fn`` on the main thread and return its result."""
        try:
            return MainThread(timeout or self.timeout).call(fn)
        except TimeoutError:
            raise DriveError("the UI did not answer in time") from None

    def frame(self) -> None:
        """Wait until at least one more frame has been drawn."""
        drawn = threading.Event()
        Clock.schedule_once(lambda _dt: Clock.schedule_once(lambda _d: drawn.set(), 0), 0)
        if not drawn.wait(self.timeout):
            raise DriveError("no frame drawn")

    def current(self) -> str:
        """Name of the screen on show."""
        return str(self.on_main(lambda: self.app.root.current))

    # -- finding and touching ------------------------------------------------------------
    def _roots(self) -> list[Widget]:
        modal = [w for w in Window.children if w is not self.app.root]
        return [*modal, self.app.root.current_screen]

    def find(self, ebt_id: str) -> Widget | None:
        """The visible, enabled widget named ``ebt_id`` (main thread only)."""
        for root in self._roots():
            for widget in _walk(root):
                if getattr(widget, "ebt_id", None) == ebt_id and not widget.disabled \
                        and widget.opacity > 0:
                    return widget
        return None

    def exists(self, ebt_id: str) -> bool:
        """True when ``ebt_id`` is on screen now."""
        return bool(self.on_main(lambda: self.find(ebt_id) is not None))

    def tap(self, ebt_id: str, timeout: float | None = None) -> float:
        """Touch the widget's centre (down + up through the window). Returns when the
        next frame after the touch is drawn; the time from touch to a new screen drawn is
        recorded in :attr:`transitions`."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            found = self.on_main(lambda: self._touch(ebt_id))
            if found is not None:
                break
            if time.monotonic() >= deadline:
                raise DriveError(f"no {ebt_id!r} on screen {self.current()!r}")
            time.sleep(0.1)
        before, started = found
        self.frame()
        after = self.current()
        if after != before:
            self.transitions.append((before, after, time.perf_counter() - started))
        return time.perf_counter() - started

    def open_maintenance(self) -> None:
        """The operator's way in: the hidden taps in the attract screen's top-left corner
        (kiosk.operator.SecretTaps), then wait for the PIN screen."""
        from kiosk.operator import SECRET_TAPS

        for _ in range(SECRET_TAPS):
            self.tap("operator_corner")
            if self.current() == "maintenance":
                break                        # taps made just before count as well
        self.wait_screen("maintenance")

    def _touch(self, ebt_id: str) -> tuple[str, float] | None:
        widget = self.find(ebt_id)
        if widget is None:
            return None
        scroller = widget.parent
        while isinstance(scroller, Widget) and not hasattr(scroller, "scroll_to"):
            scroller = scroller.parent          # the nearest scrolling list holding it
        if isinstance(scroller, Widget):
            scroller.scroll_to(widget, padding=10, animate=False)
            scroller.update_from_scroll()       # move it now, before the touch is placed
        x, y = widget.to_window(*widget.center)
        before = self.app.root.current
        started = time.perf_counter()
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        return before, started

    # -- waiting -------------------------------------------------------------------------
    def wait(self, predicate: Callable[[], bool], what: str, timeout: float | None = None
             ) -> None:
        """Poll ``predicate`` on the main thread until true (bounded)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while not self.on_main(predicate):
            if time.monotonic() >= deadline:
                raise DriveError(f"timed out waiting for {what} (on {self.current()!r})")
            time.sleep(0.1)

    def wait_screen(self, name: str, timeout: float | None = None) -> None:
        """Wait until screen ``name`` is on show and no work is pending."""
        self.wait(lambda: self.app.root.current == name and not self.app.busy,
                  f"screen {name}", timeout)
        self.frame()

    def wait_idle(self, timeout: float | None = None) -> None:
        """Wait until no background work is pending."""
        self.wait(lambda: not self.app.busy, "background work", timeout)
        self.frame()

    def screenshot(self, path: Path) -> Path:
        """Save the window as PNG at ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.frame()

        def shoot() -> str:
            saved = Window.screenshot(name=str(path.with_suffix("")) + "%(counter)s.png")
            return str(saved)

        saved = Path(self.on_main(shoot))
        saved.replace(path)
        return path

    def text_on_screen(self) -> str:
        """All label text of the current screen (and any open overlay)."""
        def collect() -> str:
            texts: list[str] = []
            for root in self._roots():
                texts.extend(str(getattr(w, "text", "")) for w in _walk(root))
            return "\n".join(t for t in texts if t)
        return str(self.on_main(collect))


def _walk(widget: Widget) -> Iterator[Widget]:
    yield widget
    for child in widget.children:
        yield from _walk(child)
