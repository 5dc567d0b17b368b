"""Telemetry agent tools: enrol this terminal at the fleet server, show the agent's buffer.

    python -m kiosk agent enrol --server URL --token-file PATH --terminal-id KM-WH-001 \\
        [--name 名称] [--district 五华区] [--address …] [--credentials PATH]
    python -m kiosk agent status [--buffer PATH]   (exit 3 while the server refuses us)

The enrolment token comes from ``--token-file PATH`` (first line; ``-`` = standard input),
``$FLEET_ENROL_TOKEN`` or ``--token=TOKEN`` (write it with ``=``: a token may start with
``-``; on the command line it is visible to other users in the process list).

Settings default to the ``[fleet]`` and ``[terminal]`` sections of the terminal config.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from kiosk.agent.buffer import DurableBuffer
from kiosk.agent.client import EnrolmentPending, FleetRejected, FleetUnavailable, enrol
from kiosk.agent.factory import DEFAULT_BUFFER, DEFAULT_CREDENTIALS
from kiosk.config import TerminalConfig


def _config() -> TerminalConfig:
    from kiosk.config import load_config

    return load_config()


def register(parser: argparse.ArgumentParser) -> None:
    """Add the ``enrol`` and ``status`` sub-commands."""
    sub = parser.add_subparsers(dest="agent_command", required=True)
    en = sub.add_parser("enrol", help="enrol this terminal and save its credentials")
    en.add_argument("--server", help="fleet server URL (default: [fleet] server)")
    en.add_argument("--token", help="enrolment token (write --token=TOKEN; prefer "
                                    "--token-file or $FLEET_ENROL_TOKEN)")
    en.add_argument("--token-file", help="file holding the enrolment token ('-' = stdin)")
    en.add_argument("--terminal-id", help="terminal id (default: [terminal] id)")
    en.add_argument("--name", default="")
    en.add_argument("--district", default="")
    en.add_argument("--address", default="")
    en.add_argument("--credentials", help=f"where to save (default {DEFAULT_CREDENTIALS})")
    en.set_defaults(handler=cmd_enrol)
    st = sub.add_parser("status", help="entries waiting in the agent's buffer")
    st.add_argument("--buffer", help=f"buffer file (default {DEFAULT_BUFFER})")
    st.set_defaults(handler=cmd_status)


def cmd_enrol(args: argparse.Namespace) -> int:
    """Enrol and save the credentials (owner-readable only)."""
    cfg = _config()
    server = args.server or cfg.fleet.server
    terminal_id = args.terminal_id or cfg.terminal.id
    if not server or not terminal_id:
        print("agent: --server and --terminal-id are needed (or [fleet] server, [terminal] id)",
              file=sys.stderr)
        return 2
    path = args.credentials or cfg.fleet.credentials or DEFAULT_CREDENTIALS
    try:
        token = enrol_token(args)
    except (OSError, ValueError) as exc:
        print(f"agent: {exc}", file=sys.stderr)
        return 2
    try:
        cred = enrol(server, token, terminal_id, name=args.name, district=args.district,
                     address=args.address)
        cred.save(path)
    except EnrolmentPending as pending:
        try:
            _save_pending(pending, Path(path))
        except OSError as exc:
            print(f"agent: enrolment failed: {exc}", file=sys.stderr)
            return 1
        print(f"agent: {pending.message}; credentials saved in {path} — they work once an operator "
              f"approves (python -m fleet enrol-requests approve {pending.request_id})")
        return 0
    except (FleetUnavailable, FleetRejected, OSError) as exc:
        print(f"agent: enrolment failed: {exc}", file=sys.stderr)
        return 1
    print(f"agent: {terminal_id} enrolled at {server}; credentials in {path}")
    return 0


def enrol_token(args: argparse.Namespace) -> str:
    """The enrolment token from --token-file, $FLEET_ENROL_TOKEN or --token (ValueError)."""
    if args.token_file:
        text = sys.stdin.readline() if args.token_file == "-" else Path(
            args.token_file).read_text(encoding="utf-8").split("\n", 1)[0]
        token = text.strip()
    else:
        token = (args.token or os.environ.get("FLEET_ENROL_TOKEN") or "").strip()
    if not token:
        raise ValueError("an enrolment token is needed: --token-file PATH, $FLEET_ENROL_TOKEN "
                         "or --token=TOKEN")
    return token


def _save_pending(pending: EnrolmentPending, path: Path) -> None:
    """Save the proposed credentials; keep credentials already there as ``*.previous``."""
    if path.exists():
        previous = path.with_name(path.name + ".previous")
        path.replace(previous)
    pending.credentials.save(path)


def cmd_status(args: argparse.Namespace) -> int:
    """Print how many heartbeats, usage events and results wait to be sent."""
    path = args.buffer or _config().fleet.buffer or DEFAULT_BUFFER
    if not Path(path).exists():
        print(f"agent: no buffer at {path}", file=sys.stderr)
        return 1
    buf = DurableBuffer(path)
    try:
        counts = {kind: buf.count(kind) for kind in ("heartbeat", "usage", "result")}
        link = buf.note("link") or {}
    finally:
        buf.close()
    print("  ".join(f"{kind}s waiting: {n}" for kind, n in counts.items()))
    state = link.get("link", "starting")
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(link.get("since") or 0)))
    print(f"link: {state} since {since}" + (f" ({link['reason']})" if link.get("reason") else ""))
    if state == "refused":
        print(f"agent: the fleet server refuses this terminal: {link.get('advice', '')}",
              file=sys.stderr)
        return 3
    return 0
