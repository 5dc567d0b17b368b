"""Run the terminal: full-screen touch UI on the configured devices and platform.

When the app stops for the fleet's ``restart_app`` (``app.restart_requested``), the process
re-executes itself with the same arguments once the terminal is closed (:func:`serve`);
``--out-of-service`` is added or dropped so a terminal restarted during maintenance stays
out of service and one back in service stays so.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kiosk.config import load_config
from kiosk.logs import setup_logging
from kiosk.secrets import apply_secrets, inline_secrets, load_secrets
from screens.launch import LaunchOptions, launch

log = logging.getLogger(__name__)

Exec = Callable[[str, list[str]], Any]
OUT_OF_SERVICE_FLAG = "--out-of-service"


def register(parser: argparse.ArgumentParser) -> None:
    """``python -m screens run [--config FILE] [--orientation …] [--windowed]``."""
    parser.add_argument("--config", default=None,
                        help="terminal TOML (default config/terminal.toml)")
    parser.add_argument("--orientation", choices=("portrait", "landscape"), default=None,
                        help="override [terminal] orientation")
    parser.add_argument("--windowed", action="store_true",
                        help="a window instead of full screen (development)")
    parser.add_argument("--state-dir", default=".", help="base folder for var/ (default .)")
    parser.add_argument(OUT_OF_SERVICE_FLAG, action="store_true",
                        help="start out of service (maintenance notice, no visits)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print("run: no display (set DISPLAY, or use `python -m screens demo --headless`)")
        return 2
    config = load_config(args.config)      # a bad key: one line from the CLI, exit 2
    secrets = load_secrets()               # an unsafe secrets file: one line, exit 2
    config = apply_secrets(config, secrets)
    setup_logging(terminal_id=config.terminal.id)   # the journal under systemd, scrubbed
    launched = launch(config, LaunchOptions(
        orientation=args.orientation, kiosk_mode=not args.windowed,
        base_dir=Path(args.state_dir), secrets=secrets,
        config_loader=lambda: apply_secrets(load_config(args.config), secrets)))
    for key in inline_secrets(config):
        log.warning("%s is written in terminal.toml; keep it in the secrets file or the "
                    "systemd credentials instead (docs/operations.md)", key)
    for name, error in launched.terminal.device_errors.items():
        print(f"run: DEVICE {name} NOT AVAILABLE: {error}")
    launched.app.out_of_service = bool(args.out_of_service)
    return serve(launched.app, launched.terminal, sys.argv[1:])


def serve(app: Any, terminal: Any, argv: Sequence[str], execv: Exec = os.execv) -> int:
    """Run ``app`` until it stops, close ``terminal``; when the app asked for a restart,
    replace this process by ``python -m screens`` with ``argv`` (the original arguments)."""
    try:
        app.run()
    finally:
        terminal.close()
    if not getattr(app, "restart_requested", False):
        return 0
    command = restart_command(argv, out_of_service=bool(getattr(app, "out_of_service", False)))
    log.info("restarting the terminal: %s", " ".join(command[1:]))
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    for handler in logging.getLogger().handlers:
        handler.flush()
    execv(command[0], command)
    return 0        # only reached when ``execv`` is a stand-in


def restart_command(argv: Sequence[str], *, out_of_service: bool) -> list[str]:
    """``[python, -m, screens, *argv]`` with ``--out-of-service`` matching the current state."""
    args = [a for a in argv if a != OUT_OF_SERVICE_FLAG]
    if out_of_service:
        args.append(OUT_OF_SERVICE_FLAG)
    return [sys.executable, "-m", "screens", *args]
