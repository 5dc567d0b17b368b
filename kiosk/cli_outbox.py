"""Technician tools for the terminal's outbox: status and a manual drain.

``python -m kiosk outbox status [--db PATH] [--json]`` counts entries per state and lists
the undelivered ones (no payloads: they may hold personal data);
``python -m kiosk outbox drain --platform URL`` sends what is due now.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.cli_catalog import settings_from
from kiosk.platform.outbox import Outbox, PlatformSender
from kiosk.storage import sqlite_problem


def handle(args: argparse.Namespace) -> int:
    """Run the chosen outbox action."""
    try:
        settings = settings_from(args)
        db = args.db or settings.outbox_db
        problem = sqlite_problem(Path(db))
        if problem is not None:  # look only: the terminal quarantines it when it starts
            print(f"outbox: {db} failed its integrity check: {problem}; "
                  "'kiosk run' will quarantine it and start a fresh one", file=sys.stderr)
            return 2
        outbox = Outbox(db,
                        PlatformSender(settings.client(getattr(args, "platform", None))))
    except (OSError, ValueError) as exc:
        print(f"outbox: {exc}", file=sys.stderr)
        return 2
    try:
        if args.action == "drain":
            report = outbox.drain_once(limit=args.limit)
            data = {"sent": report.sent, "retry_later": report.retry_later,
                    "dead": report.dead, "counts": outbox.counts()}
        else:
            data = {"counts": outbox.counts(), "undelivered": [
                {"id": e.id, "kind": e.kind, "state": e.state, "attempts": e.attempts,
                 "last_error": e.last_error} for e in outbox.entries() if e.state != "sent"]}
        print(json.dumps(data, ensure_ascii=False) if args.json else
              " ".join(f"{k}={v}" for k, v in data.items() if k != "undelivered"))
        return 0
    except Exception as exc:  # one line, never a traceback
        print(f"outbox: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    finally:
        outbox.close()


def register(parser: argparse.ArgumentParser) -> None:
    """Add the outbox sub-commands."""
    parser.add_argument("--config", help="terminal configuration file (TOML)")
    actions = parser.add_subparsers(dest="action", required=True)
    status = actions.add_parser("status", help="entries per state and undelivered entries")
    drain = actions.add_parser("drain", help="send the entries that are due now")
    drain.add_argument("--platform", help="platform base URL (default: [platform] url)")
    drain.add_argument("--limit", type=int, default=100)
    for sub in (status, drain):
        sub.add_argument("--db", help="outbox database (default: [platform] outbox_db)")
        sub.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=handle)
