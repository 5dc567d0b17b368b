"""Run the ID-card reader simulator and control it from a small prompt.

``python -m simulator idcard [--port P] [--pty] [--baud B] [--card NAME] [--no-prompt]``
prints the URL(s) a driver uses, then reads control commands from stdin: ``cards``,
``insert NAME``, ``remove``, ``fault NAME [key=value …]``, ``clear``, ``unplug``,
``replug``, ``state``, ``quit``. Without a terminal on stdin it just runs until stopped.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from simulator.idcard.server import FAULTS, IdCardSimulator

HELP = ("commands: cards | insert NAME | remove | fault NAME [k=v …] | clear | unplug | "
        "replug | state | quit")


def register(parser: argparse.ArgumentParser) -> None:
    """Add the simulator's options."""
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: any free one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--pty", action="store_true", help="also expose a pty")
    parser.add_argument("--baud", type=int, default=115200, help="line speed (default 115200)")
    parser.add_argument("--card", default=None, help="sample card on the reader at start")
    parser.add_argument("--cards-dir", type=Path, default=None, help="folder of card JSON files")
    parser.add_argument("--no-prompt", action="store_true", help="do not read commands")
    parser.set_defaults(handler=run)


def _value(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def execute(sim: IdCardSimulator, line: str) -> str:
    """Run one control command; return what to print (raises ValueError/KeyError)."""
    words = line.split()
    if not words:
        return ""
    cmd, rest = words[0], words[1:]
    actions: dict[str, Callable[[], Any]] = {
        "cards": lambda: " ".join(sim.card_names()),
        "insert": lambda: sim.insert_card(rest[0]) if rest else HELP,
        "remove": sim.remove_card,
        "clear": sim.clear_faults,
        "unplug": sim.unplug,
        "replug": sim.replug,
        "state": lambda: (f"card={sim.current_card} faults={sim.faults()} "
                          f"urls={sim.urls()}"),
        "fault": lambda: sim.set_fault(
            rest[0], **{k: _value(v) for k, _, v in (w.partition("=") for w in rest[1:])}
        ) if rest else f"faults: {' '.join(FAULTS)}",
    }
    action = actions.get(cmd)
    if action is None:
        return HELP
    result = action()
    return "ok" if result is None else str(result)


def run(args: argparse.Namespace) -> int:
    """Start the simulator, print its URLs, serve until quit / Ctrl-C / SIGTERM."""
    try:
        sim = IdCardSimulator(args.cards_dir, baudrate=args.baud)
        urls = sim.start(tcp_port=args.port, pty=args.pty, host=args.host)
    except (OSError, ValueError) as exc:
        print(f"idcard simulator: cannot start: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        if args.card:
            sim.insert_card(args.card)
        print(f"idcard simulator at {args.baud} baud; card on reader: {sim.current_card}")
        for kind, url in urls.items():
            print(f"  {kind}: {url}")
        print(f"use: python -m drivers idcard read --url {urls['tcp']} --json", flush=True)
        if not args.no_prompt and sys.stdin is not None and sys.stdin.isatty():
            _prompt(sim, stop)
        else:
            stop.wait()
    except KeyError as exc:
        print(f"idcard simulator: {exc.args[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


def _prompt(sim: IdCardSimulator, stop: threading.Event) -> None:
    print(HELP, flush=True)
    while not stop.is_set():
        try:
            line = input("idcard> ")
        except EOFError:
            stop.wait()
            return
        if line.strip() in ("quit", "exit"):
            return
        try:
            print(execute(sim, line), flush=True)
        except (KeyError, ValueError, IndexError) as exc:
            print(f"error: {exc}", flush=True)
