"""The fleet's remote commands, carried out by the running UI.

:class:`RemoteCommands` gives the telemetry agent its UI handlers (``attach`` puts them in
``terminal.counters.handlers``): ``maintenance_on`` / ``maintenance_off`` take the terminal
out of service and back, ``screenshot`` returns a PNG of the window, ``restart_app`` stops
the app so ``python -m screens run`` re-executes itself, and ``reload_config`` re-reads the
terminal's TOML and applies what can change live (the rules are ``kiosk.config``'s
``LIVE_KEYS``; :class:`ConfigReload` only carries them out).

Handlers run on the agent's thread; every UI step is marshalled to Kivy's main thread
(:class:`screens.main_thread.MainThread`) and waited for with a timeout. A citizen's visit
is never cut off: switching maintenance and restarting wait for the end of the visit
(``visit_ended``, called by the app at the end of ``end_visit``), and a screenshot is
refused during a visit.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.clock import Clock

from kiosk.config import TerminalConfig, reload_plan, with_live_keys
from kiosk.i18n import N_
from screens.main_thread import MainThread

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], dict[str, Any]]
ConfigLoader = Callable[[], TerminalConfig]

#: said when the terminal goes out of service (and after a visit that ends while it is)
SPOKEN_NOTICE = N_("本机维护中，暂停服务。请使用其他自助终端，或前往附近的24小时自助服务点。")


class ConfigReload:
    """Re-read the configuration and apply the live keys to a running terminal."""

    def __init__(self, load_config: ConfigLoader) -> None:
        self._load = load_config

    def read(self) -> TerminalConfig:
        """The new configuration; ValueError (one line) when it does not parse or holds a
        value the terminal cannot use — nothing is applied then."""
        try:
            return self._load()
        except ValueError as exc:   # ConfigError, or TOML that does not parse
            raise ValueError(f"{exc}; the running configuration is kept") from None

    @staticmethod
    def apply(terminal: Any, new: TerminalConfig, keys: list[str]) -> None:
        """Take over ``keys`` (live ones) of ``new`` into the terminal and its live
        components (main thread)."""
        terminal.config = with_live_keys(terminal.config, new, keys)
        if "voice.volume" in keys:
            terminal.voice.set_volume(terminal.config.voice.volume)
        if "voice.enabled" in keys:
            terminal.voice.set_enabled(terminal.config.voice.enabled)
        if "certificate.lp_queue" in keys:
            output = getattr(terminal.ports, "certificate_output", None)
            if output is not None:
                output.lp_queue = terminal.config.certificate.lp_queue


class RemoteCommands:
    """The UI's remote-command handlers for one running KioskApp (see module docstring)."""

    def __init__(self, app: Any, *, load_config: ConfigLoader | None = None,
                 restart_delay_s: float = 1.0, timeout_s: float = 10.0) -> None:
        self.app = app
        self.reload = ConfigReload(load_config or self._running_config)
        self.restart_delay_s = restart_delay_s
        self.main = MainThread(timeout_s)
        self.pending_maintenance: bool | None = None
        self.pending_restart = False
        self._restart_scheduled = False

    def attach(self, handlers: dict[str, Handler]) -> None:
        """Register the five handlers (main thread, once the app runs); tell the heartbeat the
        current maintenance state."""
        handlers.update({"maintenance_on": self.maintenance_on,
                         "maintenance_off": self.maintenance_off,
                         "screenshot": self.screenshot,
                         "restart_app": self.restart_app,
                         "reload_config": self.reload_config})
        on = bool(self.app.out_of_service)     # the app may start out of service
        self.app.terminal.bus.publish("maintenance.changed", {"maintenance": on})
        if on:
            self.app.speak(SPOKEN_NOTICE)

    def _running_config(self) -> TerminalConfig:
        """The loader when there is no file (the demo): nothing changes."""
        return self.app.terminal.config

    def visit_active(self) -> bool:
        """A citizen (or an operator) is past the attract screen (main thread)."""
        return bool(self.app.visit.visit_active())

    # -- handlers (agent thread) ----------------------------------------------------------
    def maintenance_on(self, _args: dict[str, Any]) -> dict[str, Any]:
        """Out of service now, or at the end of the visit in progress."""
        return dict(self.main.call(lambda: self._switch(True)))

    def maintenance_off(self, _args: dict[str, Any]) -> dict[str, Any]:
        """Back in service now, or at the end of the visit in progress."""
        return dict(self.main.call(lambda: self._switch(False)))

    def screenshot(self, _args: dict[str, Any]) -> dict[str, Any]:
        """The whole window as PNG; refused while a visit is in progress."""
        return dict(self.main.call(self._shoot))

    def restart_app(self, _args: dict[str, Any]) -> dict[str, Any]:
        """Stop the app a moment from now (or after the visit) with ``restart_requested``."""
        return dict(self.main.call(self._restart))

    def reload_config(self, _args: dict[str, Any]) -> dict[str, Any]:
        """Apply the live keys of the re-read configuration; list the others."""
        new = self.reload.read()
        return dict(self.main.call(lambda: self._reload(new)))

    # -- main thread ------------------------------------------------------------------------
    def visit_ended(self) -> None:
        """Called by the app at the end of ``end_visit``: apply what waited for it."""
        pending, self.pending_maintenance = self.pending_maintenance, None
        if pending is not None and pending != self.app.out_of_service:
            self._set_maintenance(pending)
        elif self.app.out_of_service:
            self.app.speak(SPOKEN_NOTICE)   # instead of the attract screen's welcome
        if self.pending_restart:
            self.pending_restart = False
            self._schedule_restart()

    def _switch(self, on: bool) -> dict[str, Any]:
        if on == self.app.out_of_service:
            self.pending_maintenance = None
            return {"maintenance": on, "deferred": False}
        if self.visit_active():
            self.pending_maintenance = on
            return {"maintenance": on, "deferred": True}
        self.pending_maintenance = None
        self._set_maintenance(on)
        return {"maintenance": on, "deferred": False}

    def _set_maintenance(self, on: bool) -> None:
        self.app.visit.set_out_of_service(on)       # tells the fleet through the bus
        self.app.out_of_service = on
        log.info("terminal %s service", "out of" if on else "back in")
        if on:
            self.app.speak(SPOKEN_NOTICE)

    def _shoot(self) -> dict[str, Any]:
        if self.visit_active():
            return {"ok": False, "error": "citizen session in progress; screenshot refused"}
        from kivy.core.window import Window

        with tempfile.TemporaryDirectory(prefix="ebt-screenshot-") as folder:
            saved = Window.screenshot(name=str(Path(folder) / "window.png"))
            png = Path(saved).read_bytes()
        width, height = Window.size
        return {"png": png, "screen": self.app.root.current, "width": int(width),
                "height": int(height)}

    def _restart(self) -> dict[str, Any]:
        if self.visit_active():
            self.pending_restart = True
            return {"restart": "deferred"}
        self._schedule_restart()
        return {"restart": "scheduled"}

    def _schedule_restart(self) -> None:
        if not self._restart_scheduled:
            self._restart_scheduled = True
            Clock.schedule_once(lambda _dt: self._stop_for_restart(), self.restart_delay_s)

    def _stop_for_restart(self) -> None:
        self._restart_scheduled = False
        if self.visit_active():          # a visit began in the meantime: wait for its end
            self.pending_restart = True
            return
        log.info("stopping the app for a restart")
        self.app.restart_requested = True
        self.app.stop()

    def _reload(self, new: TerminalConfig) -> dict[str, Any]:
        live, restart = reload_plan(self.app.terminal.config, new)
        self.reload.apply(self.app.terminal, new, live)
        if any(k.startswith("ui.") for k in live) and not self.visit_active():
            self.app.end_visit()    # the idle attract screen takes the new defaults now
        log.info("configuration reloaded: applied %s; needs restart %s", live, restart)
        return {"applied": live, "needs_restart": restart}

