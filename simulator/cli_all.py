"""Start every simulator and the platform simulator, with the control page.

``python -m simulator all [--out DIR] [--pty] [--control-port P] [--duration S]`` prints
the device URLs (as a ``[devices]`` config snippet) and the control page's address, then
runs until interrupted (or for S seconds).
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path


def register(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``simulator all``."""
    parser.add_argument("--out", type=Path, default=Path("out/simulators"),
                        help="where printed receipts and platform state go")
    parser.add_argument("--pty", action="store_true", help="also expose serial devices on ptys")
    parser.add_argument("--control-port", type=int, default=8765)
    parser.add_argument("--duration", type=float, default=0.0,
                        help="stop after this many seconds (0: run until Ctrl-C)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Start the suite and the control server; block until done."""
    from simulator.control import ControlServer
    from simulator.suite import SimulatorSuite

    suite = SimulatorSuite(args.out, pty=args.pty)
    try:
        urls = suite.start()
        control = ControlServer(suite, port=args.control_port)
        control_url = control.start()
    except Exception:
        suite.stop()
        raise
    print("# paste into config/terminal.toml, or use python -m drivers … --url")
    for name, url in urls.items():
        print(f"{name} = {url!r}")
    print(f"# control page: {control_url}/   (CLI: python -m simulator control ACTION k=v)")
    print("running; Ctrl-C to stop", flush=True)
    try:
        threading.Event().wait(args.duration or None)
    finally:
        control.stop()
        suite.stop()
    return 0
