"""The one way to start the terminal's UI: configure Kivy, build the terminal, make the app.

``python -m screens run``, the demo, the accessibility audit and bench/ui.py all call
:func:`launch`; they differ only in :class:`LaunchOptions` (window or full screen, voice or
silence, threads or none, where state lives). Kivy is configured before ``screens.app`` is
imported, because importing Kivy's window creates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.composition import Terminal, build_terminal
from kiosk.config import TerminalConfig
from kiosk.update import release_version, write_health
from kiosk.watchdog import Watchdog
from screens.boot import configure_kivy


@dataclass(frozen=True)
class LaunchOptions:
    """How this process runs the UI."""

    orientation: str | None = None        # None: the configuration's [terminal] orientation
    kiosk_mode: bool = True               # full screen, no exit key, no closing
    scale: float = 1.0                    # a developer's smaller window
    audio: bool = True                    # False: prompts are rendered but not played
    voice: bool = True                    # False: the app speaks no prompts at all
    closable: bool = False                # a developer may close the window
    base_dir: Path = Path(".")            # where relative state paths (var/) live
    start_threads: bool = True            # outbox drainer, card poller, fleet agent
    config_loader: Any = None             # re-reads the file for the fleet's reload_config
    secrets: Any = None                   # kiosk.secrets.Secrets (PIN hash, platform secret)


@dataclass
class Launched:
    """The app and the terminal it renders; close the terminal after ``app.run()``."""

    app: Any
    terminal: Terminal


def launch(config: TerminalConfig, options: LaunchOptions | None = None) -> Launched:
    """Configure Kivy, build the terminal from ``config`` and create the app (not run)."""
    options = options or LaunchOptions()
    orientation = options.orientation or config.terminal.orientation
    configure_kivy(orientation, kiosk_mode=options.kiosk_mode, scale=options.scale)
    from screens.app import KioskApp

    terminal = build_terminal(config, _audio_sink(options.audio), base_dir=options.base_dir,
                              start_threads=options.start_threads, secrets=options.secrets)
    app = KioskApp(terminal, orientation=orientation, voice_enabled=options.voice,
                   closable=options.closable, config_loader=options.config_loader)
    from screens.watchdog_feed import feed

    # READY=1 once attract is drawn (after the health report the updater waits for),
    # then WATCHDOG=1 from the main loop
    feed(app, Watchdog(), on_ready=lambda: write_health(
        terminal.state_dir, release_version(), terminal.device_errors))
    return Launched(app, terminal)


def _audio_sink(audio: bool) -> Any:
    if not audio:
        from kiosk.voice import NullSink

        return NullSink()
    from screens.audio import KivySink

    return KivySink()
