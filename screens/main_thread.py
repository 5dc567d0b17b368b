"""Run a function on Kivy's main thread from another thread and wait for its result.

Used wherever another thread must touch the UI and needs the answer: the fleet's remote
commands (screens/remote.py) and the touch driver of the demo, tests and bench
(screens/driver.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock


class MainThread:
    """Run a function on Kivy's main thread from another thread and wait for its result."""

    def __init__(self, timeout_s: float = 10.0) -> None:
        self.timeout_s = timeout_s

    def call(self, fn: Callable[[], Any]) -> Any:
        """``fn()`` on the main thread; TimeoutError if the UI does not run it in time (it
        then never runs)."""
        if threading.current_thread() is threading.main_thread():
            return fn()
        lock = threading.Lock()
        done = threading.Event()
        box: dict[str, Any] = {"abandoned": False, "started": False}

        def run(_dt: float) -> None:
            with lock:
                if box["abandoned"]:
                    return
                box["started"] = True
            try:
                box["value"] = fn()
            except Exception as exc:  # handed back to the calling thread
                box["error"] = exc
            finally:
                done.set()

        Clock.schedule_once(run, 0)
        if not done.wait(self.timeout_s):
            with lock:
                box["abandoned"] = not box["started"]
            if box["abandoned"] or not done.wait(self.timeout_s):
                raise TimeoutError(f"the UI did not answer within {self.timeout_s:.0f} s")
        if "error" in box:
            raise box["error"]
        return box.get("value")
