"""The fleet server as several worker processes on one port, sharing only PostgreSQL.

``python -m fleet.workers [--workers N] [--host H] [--port P]`` (what
``ebantong-fleet.service`` runs) starts uvicorn with ``N`` worker processes; each builds
its own app with :func:`app_from_env`, from the environment:

``FLEET_PG_URL`` (or ``FLEET_DB_URL``)   the store; more than one worker needs PostgreSQL
``FLEET_WORKERS``                         default for ``--workers`` (the CPU count)
``FLEET_INTERVAL``                        heartbeat interval hint for terminals, seconds
``FLEET_SECURE_COOKIES``                  ``1`` behind TLS
``FLEET_DEV``                             ``1``: development mode where the app has one

Nothing a request depends on lives in a worker: operator sessions, login throttles, request
nonces, commands, alerts and terminal state are rows in the store; commands are handed out
with a conditional UPDATE … RETURNING, so of two workers answering two heartbeats of one
terminal at once only one gets a queued command. What each worker does keep is a cache
(terminal secrets, re-read on a signature mismatch) and its own metrics counters.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from typing import Any

import uvicorn


def store_url() -> str | None:
    """The store from the environment (None: the embedded SQLite default)."""
    return os.environ.get("FLEET_PG_URL") or os.environ.get("FLEET_DB_URL") or None


def app_from_env() -> Any:
    """One worker's app (uvicorn calls this in every worker process)."""
    from fleet.app import create_app
    from fleet.context import FleetConfig

    config = FleetConfig(db_url=store_url())
    fields = FleetConfig.__dataclass_fields__
    extra: dict[str, Any] = {}
    if os.environ.get("FLEET_INTERVAL"):
        extra["interval_s"] = float(os.environ["FLEET_INTERVAL"])
    if os.environ.get("FLEET_SECURE_COOKIES") == "1":
        extra["secure_cookies"] = True
    if "production" in fields and os.environ.get("FLEET_DEV") == "1":
        extra["production"] = False
    return create_app(dataclasses.replace(config, **extra))


def main(argv: list[str] | None = None) -> int:
    """Run the workers in the foreground."""
    parser = argparse.ArgumentParser(prog="python -m fleet.workers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=os.environ.get("FLEET_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FLEET_PORT", "8700")))
    parser.add_argument("--workers", type=int,
                        default=int(os.environ.get("FLEET_WORKERS", str(os.cpu_count() or 1))))
    args = parser.parse_args(argv)
    url = store_url() or ""
    if args.workers > 1 and not url.startswith("postgresql"):
        print("fleet.workers: more than one worker needs PostgreSQL (set FLEET_PG_URL)",
              file=sys.stderr)
        return 2
    from fleet.server import _http_impl

    uvicorn.run("fleet.workers:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, http=_http_impl(), access_log=False, lifespan="on",
                log_level="warning", backlog=2048)
    return 0


if __name__ == "__main__":
    sys.exit(main())
