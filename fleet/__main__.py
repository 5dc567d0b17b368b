"""Fleet server command line: ``python -m fleet <command> …``.

  serve                       run the server (127.0.0.1:8700, embedded SQLite by default)
  operator add NAME --role R  create/replace an operator account (password from
                              $FLEET_PASSWORD, or asked for)
  operator list | disable NAME
  token create [--uses N] [--terminal ID]
                              print a new terminal enrolment token (single-use, 7 days;
                              --terminal: may re-enrol that id without approval, 1 day)
  enrol-requests list | approve ID | refuse ID
                              re-enrolments of known ids waiting for an operator
  secrets reseal              seal terminal secrets with the first key of --key-file
  location import FILE [--check] | list
                              terminal locations, districts and paper-round depots
                              (CSV, TOML or JSON; see fleet/locations.py)
  usage-csv [--from D --to D] usage statistics as CSV on stdout
  retention [--keep-raw-days] fold old raw heartbeats into hourly rows now

Every command takes ``--db URL`` (default $FLEET_DB_URL, else sqlite:///var/fleet/fleet.db)
and ``--key-file PATH`` (the key sealing terminal secrets; default $FLEET_KEY_FILE, else
beside the SQLite file — see docs/security.md).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError


def _engine(args: argparse.Namespace) -> Engine:
    from fleet.db import make_engine
    from fleet.secretbox import bind, load_box

    engine = make_engine(args.db)
    if getattr(args, "key_file", None):
        bind(engine, load_box(args.key_file, args.db))
    return engine


def _read_secret_file(path: str | None, env: str) -> str | None:
    """A secret from a file (first line) or an environment variable."""
    if path:
        with open(path, encoding="utf-8") as f:
            return f.readline().strip() or None
    return os.environ.get(env) or None


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the server in the foreground."""
    from fleet.alerting import AlertingConfig, load_alerting
    from fleet.app import create_app
    from fleet.context import FleetConfig
    from fleet.rules import RuleConfig
    from fleet.server import serve_forever

    config = FleetConfig(
        db_url=args.db,
        rules=RuleConfig(paper_low_percent=args.paper_low, burst_errors=args.burst_errors,
                         offline_after_s=args.offline_after),
        interval_s=args.interval, keep_raw_s=args.keep_raw_days * 86400.0,
        enrol_token=args.enrol_token, secure_cookies=args.secure_cookies,
        production=not args.dev, key_file=args.key_file,
        metrics_token=_read_secret_file(args.metrics_token_file, "FLEET_METRICS_TOKEN"),
        enrol_token_uses=None if args.enrol_token_uses == 0 else args.enrol_token_uses,
        enrol_token_ttl_s=args.enrol_token_hours * 3600.0,
        alerting=load_alerting(args.alerting) if args.alerting else AlertingConfig(),
    )
    app = create_app(config)
    print(f"fleet: serving on http://{args.host}:{args.port}/ (store: {args.db or 'sqlite'})",
          file=sys.stderr)
    print(f"fleet: {config.alerting.summary()}", file=sys.stderr)
    serve_forever(app, args.host, args.port)
    return 0


def cmd_operator(args: argparse.Namespace) -> int:
    """Manage operator accounts."""
    from fleet import accounts

    engine = _engine(args)
    if args.action == "list":
        for op in accounts.list_operators(engine):
            state = "disabled" if op["disabled"] else "active"
            print(f"{op['username']}\t{op['role']}\t{state}")
        return 0
    if not args.name:
        raise SystemExit("fleet: operator name required")
    if args.action == "disable":
        if not accounts.disable_operator(engine, args.name):
            print(f"fleet: no operator {args.name!r}", file=sys.stderr)
            return 1
        return 0
    password = os.environ.get("FLEET_PASSWORD") or getpass.getpass(f"password for {args.name}: ")
    accounts.create_operator(engine, args.name, password, args.role)
    print(f"fleet: operator {args.name} ({args.role}) saved", file=sys.stderr)
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    """Print a new enrolment token."""
    from fleet.terminals import create_enrol_token

    uses = None if args.uses == 0 else args.uses
    if uses is None and not args.terminal:
        print("fleet: warning: an unlimited token enrols any number of new terminals until it "
              "expires; prefer --uses N", file=sys.stderr)
    print(create_enrol_token(_engine(args), label=args.label, uses=uses,
                             ttl_s=args.days * 86400.0, terminal_id=args.terminal))
    return 0


def cmd_enrol_requests(args: argparse.Namespace) -> int:
    """List, approve or refuse re-enrolment requests."""
    from fleet import enrolment

    engine = _engine(args)
    if args.action == "list":
        for r in enrolment.list_requests(engine, None if args.all else "pending"):
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(r["requested_at"]))
            print(f"{r['id']}\t{r['terminal_id']}\t{r['status']}\t{when}\t"
                  f"from {r['remote'] or '?'}\ttoken {r['token_label']}")
        return 0
    if args.id is None:
        raise SystemExit("fleet: request id required")
    actor = f"cli:{os.environ.get('USER', 'unknown')}"
    tid = enrolment.decide(engine, args.id, args.action == "approve", actor)
    print(f"fleet: request {args.id} for {tid} {args.action}d", file=sys.stderr)
    return 0


def cmd_secrets(args: argparse.Namespace) -> int:
    """Seal terminal secrets with the current key."""
    from fleet.secretbox import reseal_terminal_secrets

    n = reseal_terminal_secrets(_engine(args))
    print(f"fleet: {n} terminal secrets sealed with the current key", file=sys.stderr)
    return 0


def cmd_location(args: argparse.Namespace) -> int:
    """Import or list terminal locations and depots."""
    from fleet import locations

    if args.action == "list":
        locs, homes = locations.list_locations(_engine(args))
        for d in homes:
            print(f"depot\t{d['district']}\t{d['name']}\t{d['lat']:.5f}\t{d['lon']:.5f}")
        for t in locs:
            print(f"terminal\t{t['terminal_id']}\t{t['district'] or '(not enrolled)'}\t"
                  f"{t['lat']:.5f}\t{t['lon']:.5f}")
        return 0
    if not args.file:
        raise SystemExit("fleet: location import FILE")
    parsed = locations.read_file(args.file)
    if args.check:
        print(f"fleet: {args.file}: {len(parsed.terminals)} terminals, {len(parsed.depots)} "
              "depots, all valid (nothing written)", file=sys.stderr)
        return 0
    done = locations.store(_engine(args), parsed)
    print(f"fleet: {done.locations} terminal locations ({done.moved} districts/addresses "
          f"corrected, {done.not_enrolled} not enrolled yet), {done.depots} depots stored",
          file=sys.stderr)
    return 0


def cmd_usage_csv(args: argparse.Namespace) -> int:
    """Write usage statistics as CSV to stdout."""
    from fleet.stats import usage_csv

    sys.stdout.write(usage_csv(_engine(args), args.day_from, args.day_to))
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    """Run retention once."""
    from fleet.stats import downsample_and_prune

    with _engine(args).begin() as conn:
        removed = downsample_and_prune(conn, time.time(), args.keep_raw_days * 86400.0)
    print(f"fleet: folded {removed} raw heartbeats into hourly history", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m fleet``."""
    parser = argparse.ArgumentParser(prog="python -m fleet", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=os.environ.get("FLEET_DB_URL"),
                        help="SQLAlchemy URL (default: embedded SQLite under var/fleet/)")
    parser.add_argument("--key-file", default=os.environ.get("FLEET_KEY_FILE"),
                        help="key sealing terminal secrets (default: $FLEET_KEY_FILE, else "
                             "fleet.key beside the SQLite file)")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the fleet server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8700)
    serve.add_argument("--enrol-token", default=os.environ.get("FLEET_ENROL_TOKEN"),
                       help="also accept this enrolment token ($FLEET_ENROL_TOKEN) for new "
                            "terminal ids; see --enrol-token-uses/-hours")
    serve.add_argument("--enrol-token-uses", type=int, default=1,
                       help="how many terminals --enrol-token may enrol (0 = unlimited)")
    serve.add_argument("--enrol-token-hours", type=float, default=24.0,
                       help="validity of --enrol-token from its first start")
    serve.add_argument("--dev", action="store_true",
                       help="development mode: /openapi.json and /docs, /metrics without token")
    serve.add_argument("--metrics-token-file",
                       help="file whose first line is the bearer token /metrics requires "
                            "(or $FLEET_METRICS_TOKEN); without one /metrics is closed")
    serve.add_argument("--interval", type=float, default=30.0, help="heartbeat interval hint")
    serve.add_argument("--offline-after", type=float, default=90.0,
                       help="seconds without heartbeat before a terminal is offline")
    serve.add_argument("--paper-low", type=int, default=15, help="paper low threshold, percent")
    serve.add_argument("--burst-errors", type=int, default=5,
                       help="new errors between two heartbeats that make an error burst")
    serve.add_argument("--keep-raw-days", type=float, default=7.0)
    serve.add_argument("--secure-cookies", action="store_true", help="behind HTTPS")
    serve.add_argument("--alerting", default=os.environ.get("FLEET_ALERTING"),
                       help="alert grouping, roles, deadlines and notification targets "
                            "(TOML or JSON; $FLEET_ALERTING; see fleet/alerting.py)")
    serve.set_defaults(handler=cmd_serve)

    op = sub.add_parser("operator", help="manage operator accounts")
    op.add_argument("action", choices=["add", "list", "disable"])
    op.add_argument("name", nargs="?")
    op.add_argument("--role", default="operator", choices=["viewer", "operator", "admin"])
    op.set_defaults(handler=cmd_operator)

    token = sub.add_parser("token", help="enrolment tokens for new terminals")
    token.add_argument("action", choices=["create"])
    token.add_argument("--uses", type=int, default=1, help="how many terminals (0 = unlimited)")
    token.add_argument("--days", type=float, default=7.0, help="validity in days")
    token.add_argument("--label", default="")
    token.add_argument("--terminal", help="issue the token for this terminal id (re-enrolment)")
    token.set_defaults(handler=cmd_token)

    req = sub.add_parser("enrol-requests", help="re-enrolments waiting for approval")
    req.add_argument("action", choices=["list", "approve", "refuse"])
    req.add_argument("id", nargs="?", type=int)
    req.add_argument("--all", action="store_true", help="list decided requests too")
    req.set_defaults(handler=cmd_enrol_requests)

    sec = sub.add_parser("secrets", help="terminal secrets at rest")
    sec.add_argument("action", choices=["reseal"])
    sec.set_defaults(handler=cmd_secrets)

    loc = sub.add_parser("location", help="terminal locations, districts, depots")
    loc.add_argument("action", choices=["import", "list"])
    loc.add_argument("file", nargs="?", help="CSV, TOML or JSON (see fleet/locations.py)")
    loc.add_argument("--check", action="store_true", help="check the file, write nothing")
    loc.set_defaults(handler=cmd_location)

    csv_cmd = sub.add_parser("usage-csv", help="usage statistics as CSV")
    csv_cmd.add_argument("--from", dest="day_from")
    csv_cmd.add_argument("--to", dest="day_to")
    csv_cmd.set_defaults(handler=cmd_usage_csv)

    ret = sub.add_parser("retention", help="fold old raw heartbeats into hourly rows")
    ret.add_argument("--keep-raw-days", type=float, default=7.0)
    ret.set_defaults(handler=cmd_retention)
    for command in (serve, op, token, csv_cmd, ret, req, sec, loc):  # also after the command name
        command.add_argument("--db", default=argparse.SUPPRESS, help="SQLAlchemy URL")
        command.add_argument("--key-file", default=argparse.SUPPRESS,
                             help="key sealing terminal secrets")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; one-line errors, non-zero exit codes."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        return 130
    except (SQLAlchemyError, ValueError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"fleet: {first}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
