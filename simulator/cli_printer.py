"""Receipt printer simulator: ESC/POS on TCP (and a pty), each job rendered to PNG + text.

``python -m simulator printer --port 9100 --out DIR`` listens on TCP and on a pty (its path
is printed; ``--no-pty`` to skip it) and writes DIR/<job number>.png and DIR/<job
number>.txt for every job. ``--no-chinese`` powers on outside Chinese mode (an Epson TM-T88
rather than a Chinese model); ``--no-gs-r`` models a printer without GS r. Control commands
on standard input, one per line: ``paper MM`` (load MM of paper; 0 = out), ``fault NAME``
(paper_out, cover_open, offline, error, mute, garbage), ``clear`` (faults and a
half-received command), ``unplug``, ``replug``, ``state``, ``quit``.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading

from simulator.printer import PrinterSimulator
from simulator.printer.server import KNOWN_FAULTS


def register(parser: argparse.ArgumentParser) -> None:
    """Add the simulator's options."""
    parser.add_argument("--port", type=int, default=9100, help="TCP port (0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--out", required=True, help="directory for <job>.png and <job>.txt")
    parser.add_argument("--width", type=int, choices=(58, 80), default=80, help="paper width, mm")
    parser.add_argument("--paper-mm", type=float, default=50_000.0, help="paper left on the roll")
    parser.add_argument("--near-end-mm", type=float, default=1_000.0, help="near-end threshold")
    parser.add_argument("--no-pty", dest="pty", action="store_false",
                        help="do not expose the pty serial line (TCP only)")
    parser.add_argument("--no-chinese", dest="chinese", action="store_false",
                        help="power on outside Chinese mode (an Epson TM-T88 rather than a "
                             "Chinese model)")
    parser.add_argument("--no-gs-r", dest="gs_r", action="store_false",
                        help="a model without GS r: jobs are never confirmed")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    sim = PrinterSimulator(args.out, width_mm=args.width, paper_mm=args.paper_mm,
                           near_end_mm=args.near_end_mm, chinese_default=args.chinese,
                           gs_r=args.gs_r)
    try:
        urls = sim.start(tcp_port=args.port, pty=args.pty, host=args.host)
    except OSError as exc:
        print(f"printer simulator cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"printer": urls, "out": args.out}), flush=True)
    done = threading.Event()
    try:
        _control(sim, done)
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


def _control(sim: PrinterSimulator, done: threading.Event) -> None:
    """Read control commands from stdin; with no stdin, just keep running."""
    for raw in sys.stdin:
        words = raw.split()
        if not words:
            continue
        try:
            reply = _command(sim, words)
        except (ValueError, IndexError) as exc:
            reply = f"error: {exc}"
        print(reply, flush=True)
        if reply == "bye":
            done.set()
            return


def _command(sim: PrinterSimulator, words: list[str]) -> str:
    verb = words[0]
    if verb == "paper":
        sim.set_paper(float(words[1]))
    elif verb == "fault":
        if words[1] not in KNOWN_FAULTS:
            raise ValueError(f"unknown fault (known: {', '.join(KNOWN_FAULTS)})")
        sim.set_fault(words[1])
    elif verb == "clear":
        sim.clear_faults()
    elif verb == "unplug":
        sim.unplug()
    elif verb == "replug":
        sim.replug()
    elif verb in ("quit", "exit"):
        return "bye"
    elif verb != "state":
        raise ValueError(f"unknown command {verb!r}")
    return json.dumps(sim.state())
