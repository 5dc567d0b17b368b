"""``python -m screens out-of-service``: what a terminal shows after a crash loop.

Started by ``ebantong-out-of-service.service`` when ``ebantong-kiosk.service`` failed three
times in five minutes (see :mod:`kiosk.crashloop`). It needs nothing but the display: no
platform, no devices, no catalog, and a configuration file that fails to load is ignored
(it may be the cause). It

* shows a large bilingual notice (暂停服务 / out of service, where the nearest service
  hall is, the terminal id for the phone call);
* reads the cause from the failed unit's journal (or ``--log FILE``), records the fault
  ``crash_loop:ui`` and reports it to the fleet server with heartbeats through the usual
  agent — whose ``restart_app`` command, like ``--retry-after-s`` (30 min), ends the page so
  the unit's ``ExecStopPost`` tries the terminal again;
* feeds the systemd watchdog like the terminal does.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import Any

from kiosk.appearance import WINDOW_TITLE
from kiosk.crashloop import UNIT, cause_from_log, journal_lines
from kiosk.faults import FaultLog
from kiosk.i18n import N_
from kiosk.logs import setup_logging
from kiosk.watchdog import Watchdog

log = logging.getLogger(__name__)
#: bilingual on purpose: this page needs nothing but the display (no translator, no font
#: switch), so both languages are written out; N_ only marks them for the catalogs
TITLE = N_("暂停服务  Out of service")
BODY = N_("本机暂时无法办理业务，运维人员已收到通知。\n"
          "请前往附近的政务服务大厅或其他自助终端办理。\n\n"
          "This terminal is out of service; the operators have been told.\n"
          "Please use another terminal or the nearest service hall.")


def register(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m screens out-of-service``."""
    parser.add_argument("--config", default=None, help="terminal TOML (optional)")
    parser.add_argument("--state-dir", default=".", help="base folder for var/ (default .)")
    parser.add_argument("--unit", default=UNIT, help="the failed unit whose journal is read")
    parser.add_argument("--log", default=None, help="read the cause from this file instead")
    parser.add_argument("--retry-after-s", type=float, default=1800.0,
                        help="end the page after this long so the terminal is tried again")
    parser.add_argument("--windowed", action="store_true", help="a window (development)")
    parser.set_defaults(handler=_run)


def _config(path: str | None) -> Any:
    from kiosk.config import load_config, parse_config

    try:
        return load_config(path)
    except Exception as exc:  # the configuration may be what broke the terminal
        log.warning("configuration not usable (%s); showing the page with defaults", exc)
        return parse_config({})


def _cause(args: argparse.Namespace) -> str:
    if args.log:
        try:
            lines = Path(args.log).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
    else:
        lines = journal_lines(args.unit)
    return cause_from_log(lines)


def _agent(config: Any, base: Path, faults: FaultLog, stop: Any) -> Any:
    from kiosk.agent.factory import agent_from_config

    fleet = {"server": config.fleet.server, "interval": config.fleet.interval,
             "credentials": str(base / config.fleet.credentials),
             "buffer": str(base / config.fleet.buffer)}

    def snapshot() -> dict[str, Any]:
        return {"screen": "out_of_service", "maintenance": True, "faults": faults.active()}

    def restart(_args: dict[str, Any]) -> dict[str, Any]:
        stop()
        return {"restarting": True}

    try:
        return agent_from_config(fleet, snapshot, {"restart_app": restart}, "out-of-service")
    except ValueError as exc:
        log.error("fleet agent not started: %s", exc)
        return None


def _run(args: argparse.Namespace) -> int:
    setup_logging()
    config = _config(args.config)
    base = Path(args.state_dir)
    faults = FaultLog(base / config.terminal.state_dir / "faults.json")
    cause = _cause(args)
    faults.record("crash_loop", "ui", f"3 failures within 5 min; last: {cause}")
    watchdog = Watchdog()

    from screens.boot import configure_kivy

    configure_kivy(config.terminal.orientation, kiosk_mode=not args.windowed)
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.label import Label

    from screens.theme import register_cjk_font
    from screens.watchdog_feed import feed

    class OutOfServiceApp(App):
        def build(self) -> Any:
            try:
                register_cjk_font()
            except FileNotFoundError:
                log.warning("CJK font missing; the notice shows in the default font")
            box = BoxLayout(orientation="vertical", padding=60, spacing=40)
            box.add_widget(Label(text=TITLE, font_size="64sp", bold=True,
                                 size_hint_y=0.3))
            box.add_widget(Label(text=BODY, font_size="30sp", halign="center",
                                 size_hint_y=0.5))
            box.add_widget(Label(text=f"{config.terminal.id}  {time.strftime('%Y-%m-%d %H:%M')}",
                                 font_size="24sp", size_hint_y=0.2))
            return box

    app = OutOfServiceApp(title=WINDOW_TITLE)
    feed(app, watchdog, status=f"out of service: {cause}"[:200])
    agent = _agent(config, base, faults, lambda: Clock.schedule_once(lambda _dt: app.stop()))
    if agent is not None:
        agent.start()
    Clock.schedule_once(lambda _dt: app.stop(), args.retry_after_s)
    try:
        app.run()
    finally:
        if agent is not None:
            agent.stop()
    return 0
