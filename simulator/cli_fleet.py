"""Run N simulated terminals against a fleet server (random faults, network drops).

    python -m simulator fleet --server http://127.0.0.1:8700 --terminals 50 [--duration 120]

Enrolment: each terminal enrols itself with an enrolment token (``--enrol-token`` or
$FLEET_ENROL_TOKEN); create a reusable one with ``python -m fleet token create --uses 0``
or start the server with ``--enrol-token``. Credentials are kept under ``--workdir``; each
run starts clean (enrols afresh) unless ``--reuse-workdir``. Terminals whose credentials the
server refuses are reported as soon as it happens and at the end, with the reasons (exit 3).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections import Counter

from kiosk.agent.client import FleetRejected, FleetUnavailable
from simulator.fleet_sim import SimulatedFleet


def register(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``python -m simulator fleet``."""
    parser.add_argument("--server", required=True, help="fleet server base URL")
    parser.add_argument("--terminals", type=int, default=10, help="how many terminals")
    parser.add_argument("--duration", type=float, default=None, help="seconds (default: forever)")
    parser.add_argument("--interval", type=float, default=10.0,
                        help="heartbeat interval of each terminal in seconds (real ones: 30)")
    parser.add_argument("--enrol-token", default=os.environ.get("FLEET_ENROL_TOKEN"),
                        help="enrolment token ($FLEET_ENROL_TOKEN)")
    parser.add_argument("--workdir", default="var/fleet-sim", help="credentials and buffers")
    parser.add_argument("--reuse-workdir", action="store_true",
                        help="keep the credentials and buffers of the last run (default: start "
                             "clean and enrol afresh)")
    parser.add_argument("--fault-rate", type=float, default=0.02,
                        help="chance per heartbeat of a device fault (network drops: half)")
    parser.add_argument("--prefix", default="SIM-", help="terminal id prefix")
    parser.add_argument("--seed", type=int, default=1)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Enrol and drive the fleet; print totals."""
    if args.terminals < 1:
        print("fleet sim: --terminals must be at least 1", file=sys.stderr)
        return 2
    if not args.enrol_token:
        print("fleet sim: no enrolment token; pass --enrol-token or set FLEET_ENROL_TOKEN "
              "(python -m fleet token create --uses 0)", file=sys.stderr)
        return 2
    fleet = SimulatedFleet(args.server, args.terminals, args.enrol_token, args.workdir,
                           interval=args.interval, fault_rate=args.fault_rate,
                           prefix=args.prefix, seed=args.seed,
                           reuse_workdir=args.reuse_workdir)
    try:
        fleet.enrol_all()
    except (FleetUnavailable, FleetRejected) as exc:
        print(f"fleet sim: enrolment failed: {exc}", file=sys.stderr)
        fleet.close()
        return 1
    print(f"fleet sim: {args.terminals} terminals enrolled at {args.server}; running"
          + (f" for {args.duration:.0f} s" if args.duration else " (Ctrl-C to stop)"),
          file=sys.stderr)
    reporter = threading.Thread(target=_report_refusals, args=(fleet,), daemon=True)
    reporter.start()
    try:
        totals = fleet.run(args.duration)
    except KeyboardInterrupt:
        fleet.stop()
        totals = {}
    pending = sum(t.agent.pending for t in fleet.terminals if t.agent is not None)
    refused = fleet.refused()
    fleet.close()
    print(f"fleet sim: {totals.get('cycles', 0)} heartbeat cycles, "
          f"{pending} entries still buffered", file=sys.stderr)
    if refused:
        print(f"fleet sim: {_refusal_line(refused, args.terminals)}", file=sys.stderr)
        return 3
    return 0


def _refusal_line(refused: dict[str, str], total: int) -> str:
    reasons = Counter(refused.values())
    why = ", ".join(f"{reason}: {n}" for reason, n in reasons.most_common())
    hint = (" — run without --reuse-workdir to enrol afresh" if "unknown_terminal" in reasons
            or "bad_signature" in reasons else "")
    return f"{len(refused)} of {total} terminals refused by the server ({why}){hint}"


def _report_refusals(fleet: SimulatedFleet, every_s: float = 2.0) -> None:
    """Say at once (and whenever the figure changes) that terminals are being refused."""
    shown = 0
    while not fleet.stopped.wait(every_s):
        refused = fleet.refused()
        if len(refused) != shown:
            shown = len(refused)
            print(f"fleet sim: {_refusal_line(refused, len(fleet.terminals))}", file=sys.stderr,
                  flush=True)
