"""``python -m kiosk update apply REQUEST``: carry out an update order (root, from
ebantong-update.service).

The order file is taken away first (so the path unit does not fire again), the outcome is
written for the terminal to report (see :mod:`kiosk.update`), and the command prints it in
one line; exit 0 when the new release is running, 1 when it was rolled back or not
installed, 2 when the order itself is unusable.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kiosk.update import ROOT, Host, apply, write_outcome


def register(parser: argparse.ArgumentParser) -> None:
    """Add the update sub-commands."""
    actions = parser.add_subparsers(dest="action", required=True)
    run = actions.add_parser("apply", help="carry out an update order (as root)")
    run.add_argument("request", help="the order file written by the agent")
    run.add_argument("--root", default=str(ROOT), help="where releases/ and current live")
    run.add_argument("--state-dir", default="/var/lib/ebantong/var",
                     help="the terminal's state folder (health.json, update/)")
    run.add_argument("--timeout", type=float, default=60.0, help="health check, seconds")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the update."""
    request = Path(args.request)
    taken = request.with_name(request.name + ".taken")
    try:
        os.replace(request, taken)
        order = json.loads(taken.read_text(encoding="utf-8"))
        if not isinstance(order, dict):
            raise ValueError("the order is not an object")
    except (OSError, ValueError) as exc:
        print(f"update: unusable order {request}: {exc}", file=sys.stderr)
        return 2
    host = Host(Path(args.root), Path(args.state_dir))
    outcome = apply(order, host, timeout_s=args.timeout)
    write_outcome(Path(args.state_dir), outcome)
    taken.unlink(missing_ok=True)
    verdict = "ok" if outcome.ok else "rolled back" if outcome.previous else "failed"
    print(f"update to {outcome.version}: {verdict} ({outcome.detail})")
    return 0 if outcome.ok else 1
