"""The fleet's remote commands, carried out by the running UI.

:class:`RemoteCommands` gives the telemetry agent its UI handlers (``attach`` puts them in
``terminal.counters.handlers``): ``maintenance_on`` / ``maintenance_off`` take the terminal
out of service and back, ``screenshot`` returns a PNG of the window, ``restart_app`` stops
the app so ``python -m kiosk run`` re-executes itself, and ``reload_config`` re-reads the
terminal's TOML and applies what can change live (:class:`ConfigReload`).

Handlers run on the agent's thread; every UI step is marshalled to Kivy's main thread
(:class:`screens.main_thread.MainThread`) and waited for with a timeout. A citizen's visit
is never cut off: switching maintenance and restarting wait for the end of the visit
(``visit_ended``, called by the app at the end of ``end_visit``), and a screenshot is
refused during a visit.
"""

from __future__ import annotations

import copy
import logging
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kivy.clock import Clock

from kiosk.appearance import SCHEMES
from kiosk.i18n import LANGUAGES, N_
from kiosk.voice.setup import DEFAULT_ENABLED, DEFAULT_VOLUME
from screens.main_thread import MainThread

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], dict[str, Any]]
ConfigLoader = Callable[[], Mapping[str, Any]]

#: said when the terminal goes out of service (and after a visit that ends while it is)
SPOKEN_NOTICE = N_("本机维护中，暂停服务。请使用其他自助终端，或前往附近的24小时自助服务点。")


def _choice(known: Any) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value not in known:
            raise ValueError(f"{value!r} is not one of {sorted(known)}")
        return value
    return check


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not true or false")
    return value


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"{value!r} is not a positive number of seconds")
    return float(value)


def _fraction(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{value!r} is not a number from 0 to 1")
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    return value


def _pin(value: Any) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not text.isdigit() or len(text) > 12:
        raise ValueError("must be 1 to 12 digits (the maintenance keypad has digits only)")
    return text


#: dotted key -> validator of the keys that change without a restart ([ui] ones from the
#: next visit on); a key removed from the file falls back to the component's default
LIVE_KEYS: dict[str, Callable[[Any], Any]] = {
    "ui.language": _choice(LANGUAGES),
    "ui.scheme": _choice(SCHEMES),
    "ui.elderly": _flag,
    "ui.idle_timeout_s": _seconds,
    "ui.idle_warning_s": _seconds,
    "voice.volume": _fraction,
    "voice.enabled": _flag,
    "certificate.lp_queue": _text,
    "terminal.operator_pin": _pin,
}
VOICE_DEFAULTS = {"volume": DEFAULT_VOLUME, "enabled": DEFAULT_ENABLED}


def flatten(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` → ``{"a.b": 1}`` (an empty table stays one key)."""
    flat: dict[str, Any] = {}
    for key, value in config.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


class ConfigReload:
    """Re-read the configuration and apply the live keys to a running terminal."""

    def __init__(self, load_config: ConfigLoader) -> None:
        self._load = load_config

    def read(self) -> dict[str, Any]:
        """The new configuration, flattened; ValueError when it does not parse or a live
        key holds a value the terminal cannot use (nothing is applied then)."""
        try:
            config = self._load()
        except ValueError as exc:   # tomllib.TOMLDecodeError is a ValueError
            raise ValueError(f"the configuration does not parse ({exc}); "
                             "the running configuration is kept") from exc
        if not isinstance(config, Mapping):
            raise ValueError("the configuration is not a table")
        flat = flatten(config)
        for key, check in LIVE_KEYS.items():
            if key in flat:
                try:
                    flat[key] = check(flat[key])
                except ValueError as exc:
                    section, _, name = key.partition(".")
                    raise ValueError(f"[{section}] {name}: {exc}; "
                                     "the running configuration is kept") from None
        return flat

    @staticmethod
    def changes(running: Mapping[str, Any], new: Mapping[str, Any]
                ) -> tuple[list[str], list[str]]:
        """(live keys that changed, other keys that changed) between two flat configs."""
        changed = sorted(k for k in {*running, *new} if running.get(k) != new.get(k)
                         or (k in running) != (k in new))
        return ([k for k in changed if k in LIVE_KEYS],
                [k for k in changed if k not in LIVE_KEYS])

    @staticmethod
    def apply(terminal: Any, new: Mapping[str, Any], keys: list[str]) -> None:
        """Write ``keys`` of ``new`` into the terminal's config and the live components
        (main thread)."""
        for key in keys:
            section, _, name = key.partition(".")
            table = terminal.config.setdefault(section, {})
            if key in new:
                table[name] = new[key]
            else:
                table.pop(name, None)
            if section == "voice":
                value = new.get(key, VOICE_DEFAULTS[name])
                if name == "volume":
                    terminal.voice.set_volume(value)
                else:
                    terminal.voice.set_enabled(value)
            elif key == "certificate.lp_queue":
                output = getattr(terminal.ports, "certificate_output", None)
                if output is not None:
                    output.lp_queue = str(new.get(key, ""))


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

    def _running_config(self) -> dict[str, Any]:
        """The loader when there is no file (the demo): nothing changes."""
        return dict(self.main.call(lambda: copy.deepcopy(self.app.terminal.config)))

    def visit_active(self) -> bool:
        """A citizen (or an operator) is past the attract screen (main thread)."""
        return bool(self.app.root.current != "attract")

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
        self.app.out_of_service = on
        self.app.terminal.bus.publish("maintenance.changed", {"maintenance": on})
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

    def _reload(self, new: Mapping[str, Any]) -> dict[str, Any]:
        live, restart = self.reload.changes(flatten(self.app.terminal.config), new)
        self.reload.apply(self.app.terminal, new, live)
        if any(k.startswith("ui.") for k in live) and not self.visit_active():
            self.app.end_visit()    # the idle attract screen takes the new defaults now
        log.info("configuration reloaded: applied %s; needs restart %s", live, restart)
        return {"applied": live, "needs_restart": restart}

