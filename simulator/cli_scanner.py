"""Serial QR scanner simulator on a pty and TCP, driven from stdin or the command line.

``python -m simulator scanner --profile honeywell --suffix CRLF --baud 9600`` prints the
URLs as one JSON line, then reads commands from stdin: ``emit TEXT``, ``hex 41420d0a``,
``gbk TEXT``, ``fault garbage|half_code|duplicates|unplug [COUNT]``, ``clear``, ``unplug``,
``replug``, ``garbage``, ``quit``. ``--emit TEXT --repeat N --interval S`` shows codes
without stdin (for scripts).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from simulator.scanner.commands import PARSERS
from simulator.scanner.server import ScannerSimulator


def register(parser: argparse.ArgumentParser) -> None:
    """Options of the scanner simulator."""
    parser.add_argument("--baud", type=int, default=9600)
    parser.add_argument("--suffix", default="CRLF", help="CR, LF or CRLF")
    parser.add_argument("--profile", default="generic", choices=sorted(PARSERS))
    parser.add_argument("--tcp-port", type=int, default=0, help="TCP port (0 = any free one)")
    parser.add_argument("--no-pty", action="store_true", help="TCP only")
    parser.add_argument("--emit", help="show this code instead of reading stdin")
    parser.add_argument("--repeat", type=int, default=1, help="with --emit: how many times")
    parser.add_argument("--interval", type=float, default=1.0, help="with --emit: seconds apart")
    parser.add_argument("--delay", type=float, default=1.0, help="with --emit: wait first")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Start the simulator and serve until stdin ends or the --emit script is done."""
    try:
        sim = ScannerSimulator(baudrate=args.baud, suffix=args.suffix, profile=args.profile)
        urls = sim.start(tcp_port=args.tcp_port, pty=not args.no_pty)
    except (OSError, ValueError) as exc:
        print(f"scanner simulator: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(urls), flush=True)
    try:
        if args.emit is not None:
            time.sleep(args.delay)
            for index in range(args.repeat):
                if index:
                    time.sleep(args.interval)
                sim.emit(args.emit)
            time.sleep(0.5)
            return 0
        for line in sys.stdin:
            message = handle_command(sim, line.strip())
            if message == "quit":
                break
            if message:
                print(message, flush=True)
    finally:
        sim.stop()
    return 0


def handle_command(sim: ScannerSimulator, line: str) -> str:
    """Run one stdin command; return a reply line ("quit" to stop)."""
    verb, _, rest = line.partition(" ")
    try:
        if verb in ("quit", "exit"):
            return "quit"
        if verb == "emit":
            return sim.emit(rest)
        if verb == "hex":
            return sim.emit(bytes.fromhex(rest))
        if verb == "gbk":
            return sim.emit(rest.encode("gbk"))
        if verb == "fault":
            name, _, count = rest.partition(" ")
            sim.set_fault(name, int(count) if count else 3)
            return f"fault {name}"
        if verb == "clear":
            sim.clear_faults()
            return "cleared"
        if verb == "unplug":
            sim.unplug()
            return "unplugged"
        if verb == "replug":
            sim.replug()
            return "replugged"
        if verb == "garbage":
            return "garbage " + sim.send_garbage().hex()
    except (ValueError, UnicodeEncodeError) as exc:
        return f"error: {exc}"
    return "" if not verb else f"error: unknown command {verb!r}"
