"""Run the terminal against every simulator: scripted and headless, or interactive.

:func:`run_demo` starts the simulator suite, points a copy of the configuration at its
URLs, builds the terminal through the composition root and runs the real Kivy UI. Headless,
a script thread drives :data:`screens.demo.journeys.JOURNEYS` by touch and simulator actions
and writes numbered screenshots, the printed receipts and ``summary.json`` to the output
folder; the exit code is non-zero if a journey failed. With a display, the window opens
with the simulators' control page beside it and a person drives (a window scaled to fit a
developer's screen, half size by default; closing it ends the demo).
"""

from __future__ import annotations

import copy
import json
import logging
import shutil
import subprocess
import threading
import time
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiosk.config import TerminalConfig, parse_config, read_table
from screens.demo.context import DemoContext, JourneyRecord
from simulator.cups import PrivateCups
from simulator.cups import available as cups_available

log = logging.getLogger(__name__)


def demo_table(base: Mapping[str, Any], urls: dict[str, str], out_dir: Path
               ) -> dict[str, Any]:
    """The configuration table with every device and the platform pointed at the
    simulators, and all state under ``out_dir``."""
    table = copy.deepcopy(dict(base))
    devices = table.setdefault("devices", {})
    devices.setdefault("idcard", {"type": "sam"})["url"] = urls["idcard"]
    devices.setdefault("scanner", {"type": "serial"})["url"] = urls["scanner"]
    devices.setdefault("printer", {"type": "escpos"})["url"] = urls["printer"]
    devices.setdefault("camera", {"type": "opencv"})["source"] = urls["camera"]
    table.setdefault("platform", {})["url"] = urls["platform"]
    table["platform"]["cache_db"] = str(out_dir / "var" / "catalog.sqlite3")
    table["platform"]["outbox_db"] = str(out_dir / "var" / "outbox.sqlite3")
    table.setdefault("voice", {})["cache_dir"] = str(out_dir / "var" / "voice-cache")
    table.setdefault("fleet", {})["server"] = ""
    table.setdefault("terminal", {})["state_dir"] = str(out_dir / "var")
    return table


def demo_config(urls: dict[str, str], out_dir: Path, *, config_path: str | None = None,
                overrides: Mapping[str, Mapping[str, Any]] | None = None) -> TerminalConfig:
    """The checked configuration of the demo terminal (``overrides`` merged per section)."""
    table = demo_table(read_table(config_path), urls, out_dir)
    for section, values in (overrides or {}).items():
        table.setdefault(section, {}).update(values)
    return parse_config(table)


def run_demo(out_dir: Path, *, headless: bool, config_path: str | None = None,
             orientation: str = "portrait", seed: int = 0,
             only: list[str] | None = None, journeys: list[tuple[str, Any]] | None = None,
             overrides: dict[str, dict[str, Any]] | None = None,
             scale: float = 1.0, browser: bool = True,
             reference_screens: bool = True) -> int:
    """Start simulators + terminal + UI; return 0 when every journey passed.

    ``journeys`` replaces the demo's scripted set (UI tests pass their own scenarios);
    ``overrides`` are merged into config sections (e.g. ``{"ui": {"idle_timeout_s": 23}}``).
    """
    from screens.launch import LaunchOptions, launch
    from simulator.suite import SimulatorSuite

    out_dir.mkdir(parents=True, exist_ok=True)
    for old in ("screens", "receipts", "var", "platform"):
        shutil.rmtree(out_dir / old, ignore_errors=True)
    suite = SimulatorSuite(out_dir, seed=seed)
    urls = suite.start()
    cups = PrivateCups() if cups_available() else None     # the A4 queue (certificate_a4)
    terminal = None
    try:
        config = demo_config(urls, out_dir, config_path=config_path, overrides=overrides)
        launched = launch(config, LaunchOptions(
            orientation=orientation, kiosk_mode=False, scale=scale, audio=not headless,
            closable=not headless, base_dir=out_dir))
        terminal, app = launched.terminal, launched.app
        if terminal.device_errors:
            print("demo: devices not available: " + ", ".join(
                f"{k} ({v})" for k, v in terminal.device_errors.items() if k != "fleet"))
        if not headless:
            _open_control_page(suite, browser)
            app.run()
            return 0
        records: list[JourneyRecord] = []
        script = threading.Thread(
            target=_script, args=(app, suite, out_dir, records, only, journeys,
                                  reference_screens, cups), name="demo-script", daemon=True)
        app.bind(on_start=lambda *_: script.start())
        started = time.monotonic()
        app.run()
        script.join(timeout=5)
        summary = {"journeys": [r.as_dict() for r in records],
                   "passed": bool(records) and all(r.passed for r in records),
                   "seconds": round(time.monotonic() - started, 1),
                   "receipts": sorted(p.name for p in (out_dir / "receipts").glob("*.png"))}
        (out_dir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2),
                                              encoding="utf-8")
        for record in records:
            mark = "PASS" if record.passed else "FAIL"
            print(f"{mark}  {record.name}  ({record.seconds:.1f} s) {record.error}")
        print(f"demo: {sum(r.passed for r in records)}/{len(records)} journeys passed; "
              f"output in {out_dir}")
        return 0 if summary["passed"] else 1
    finally:
        if terminal is not None:
            terminal.close()
        if cups is not None:
            cups.stop(remove=True)
        suite.stop()


def _script(app: Any, suite: Any, out_dir: Path, records: list[JourneyRecord],
            only: list[str] | None, journeys: list[tuple[str, Any]] | None,
            reference_screens: bool, cups: PrivateCups | None = None) -> None:
    from screens.demo.journeys import JOURNEYS
    from screens.demo.money_journeys import MONEY_JOURNEYS
    from screens.demo.service_journeys import SERVICE_JOURNEYS
    from screens.driver import UiDriver

    ui = UiDriver(app)
    ctx = DemoContext(ui, app, suite, out_dir)
    if cups is not None and (only is None or "certificate_a4" in only):
        try:
            ctx.memo["a4_uri"], ctx.memo["cups"] = cups.start(), cups
        except RuntimeError as exc:
            log.warning("no A4 queue for the demo: %s", exc)
    try:
        app.first_frame_event.wait(30)
        ui.wait_screen("attract", timeout=30)
        for name, journey in journeys or [*JOURNEYS, *SERVICE_JOURNEYS, *MONEY_JOURNEYS]:
            if only and name not in only:
                continue
            record = JourneyRecord(name)
            ctx.record = record
            records.append(record)
            started = time.monotonic()
            try:
                journey(ctx)
                record.passed = True
            except Exception as exc:  # a failed journey is reported, the next one runs
                record.error = f"{type(exc).__name__}: {exc}"
                log.debug("journey %s failed:\n%s", name, traceback.format_exc())
                _recover(ctx)
            record.seconds = time.monotonic() - started
        if reference_screens:
            _reference_screens(ctx)
        transitions = [round(t * 1000, 1) for _a, _b, t in ui.transitions]
        (out_dir / "transitions.json").write_text(json.dumps(transitions), encoding="utf-8")
    finally:
        ui.on_main(app.stop, timeout=10)


def _recover(ctx: DemoContext) -> None:
    """After a failure: screenshot what is on screen, clear faults, end the visit."""
    try:
        ctx.shot("failure")
        for action in ("printer.clear", "platform.clear", "idcard.remove", "camera.nothing"):
            ctx.suite.control(action)
        ctx.ui.on_main(ctx.app.end_visit)
    except Exception:  # best effort; the next journey will report its own state
        log.debug("recovery failed", exc_info=True)


def _reference_screens(ctx: DemoContext) -> None:
    """One screenshot of every screen, via the audit API, under screens/all/."""
    record = JourneyRecord("reference")
    ctx.record = None
    for name in ctx.ui.on_main(ctx.app.screen_names):
        try:
            ctx.ui.on_main(lambda n=name: ctx.app.show(n))
            ctx.ui.wait_idle()
            time.sleep(0.3)
            ctx.ui.screenshot(ctx.out_dir / "screens" / "all" / f"{name}.png")
        except Exception as exc:  # noted, not fatal: the journeys are the test
            record.error += f"{name}: {type(exc).__name__}: {exc}; "
    ctx.ui.on_main(ctx.app.end_visit)
    if record.error:
        print(f"demo: reference screens incomplete: {record.error}")


def _open_control_page(suite: Any, open_browser: bool) -> None:
    from simulator.control import ControlServer

    url = ControlServer(suite).start()
    print(f"demo: simulator control page at {url}", flush=True)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser and open_browser:
        subprocess.Popen([browser, f"--app={url}", "--window-position=1100,0",
                          "--window-size=700,1000"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
