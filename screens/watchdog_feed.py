"""Feed :class:`kiosk.watchdog.Watchdog` from the Kivy main loop.

:func:`feed` binds to the app's ``on_start``: once the first frame after start is on glass
(the attract screen, or the out-of-service page) it sends READY=1, and from then on a
``Clock`` interval on the main thread sends WATCHDOG=1 every ``kick_interval_s``. A main
thread that blocks stops the kicks and systemd restarts the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.watchdog import Watchdog


def feed(app: Any, watchdog: Watchdog, status: str = "attract screen drawn",
         on_ready: Callable[[], None] | None = None) -> Watchdog:
    """Wire ``watchdog`` to ``app`` (call before ``app.run()``); ``on_ready`` runs just
    before READY=1 (the terminal writes its health report for the updater there)."""

    def flipped(*_args: Any) -> None:
        Window.unbind(on_flip=flipped)
        if on_ready is not None:
            on_ready()
        watchdog.ready(status)

    def started(*_args: Any) -> None:
        Window.bind(on_flip=flipped)
        watchdog.kick()
        Clock.schedule_interval(lambda _dt: watchdog.kick(), watchdog.kick_interval_s)

    def stopped(*_args: Any) -> None:
        watchdog.stopping()

    app.bind(on_start=started, on_stop=stopped)
    app.watchdog = watchdog
    return watchdog
