"""Run the terminal: full-screen touch UI on the configured devices and platform."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from kiosk.config import load_config


def register(parser: argparse.ArgumentParser) -> None:
    """``python -m kiosk run [--config FILE] [--orientation …] [--windowed]``."""
    parser.add_argument("--config", default=None,
                        help="terminal TOML (default config/terminal.toml)")
    parser.add_argument("--orientation", choices=("portrait", "landscape"), default=None,
                        help="override [terminal] orientation")
    parser.add_argument("--windowed", action="store_true",
                        help="a window instead of full screen (development)")
    parser.add_argument("--state-dir", default=".", help="base folder for var/ (default .)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print("run: no display (set DISPLAY, or use `python -m kiosk demo --headless`)")
        return 2
    try:
        config = load_config(args.config)
    except (OSError, ValueError) as exc:
        print(f"run: cannot read the configuration: {exc}")
        return 1
    orientation = args.orientation or str(config.get("terminal", {}).get("orientation",
                                                                          "portrait"))
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from screens.boot import configure_kivy

    try:
        configure_kivy(orientation, kiosk_mode=not args.windowed)
    except ValueError as exc:
        print(f"run: {exc}")
        return 1
    from kiosk.app import KioskApp
    from kiosk.composition import build_terminal
    from screens.audio import KivySink

    terminal = build_terminal(config, KivySink(), base_dir=Path(args.state_dir))
    for name, error in terminal.device_errors.items():
        print(f"run: DEVICE {name} NOT AVAILABLE: {error}")
    try:
        KioskApp(terminal, orientation=orientation).run()
    finally:
        terminal.close()
    return 0
