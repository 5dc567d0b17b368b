"""Fleet server heartbeats/s with 1 and 2 worker processes on PostgreSQL, in one run.

    python bench/fleet_workers.py [--seconds 6] [--runs 3] [--terminals 2000] [--conns 64]
                                  [--pg URL]

Each run starts ``python -m fleet.workers --workers N`` (the production entry point) on a
fresh schema, enrols ``--terminals`` terminals, and drives it with bench/fleet.py's
keep-alive load generator (signed single-heartbeat requests from distinct terminals; only
200 answers that stored the heartbeat count). Prints the median of ``--runs`` for each
worker count. Needs $FLEET_PG_URL or ``--pg`` (scripts/postgres start prints one).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_spec = importlib.util.spec_from_file_location("bench_fleet", ROOT / "bench" / "fleet.py")
assert _spec is not None and _spec.loader is not None
bench_fleet: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_fleet)


def start_workers(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, FLEET_PG_URL=url, FLEET_DEV="1", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "fleet.workers", "--workers", str(workers),
                             "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(400):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            time.sleep(1.0 if workers > 1 else 0.2)   # let every worker finish starting
            return proc
        except requests.RequestException:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("fleet workers did not start")


def rate(url: str, workers: int, run: int, args: argparse.Namespace) -> float:
    bench_fleet.reset_store(url)
    creds = bench_fleet.enrol_many(url, args.terminals, f"W{workers}R{run}-")
    rounds = max(1, int(8000 * args.seconds) // args.terminals)
    reqs = bench_fleet.build_requests(creds, rounds=rounds)
    port = bench_fleet.free_port()
    proc = start_workers(url, port, workers)
    try:
        accepted, elapsed = bench_fleet.run_loop(
            bench_fleet.load(port, reqs, args.conns, args.seconds))
    finally:
        bench_fleet.stop_server(proc)
    return float(accepted / elapsed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--terminals", type=int, default=2000)
    parser.add_argument("--conns", type=int, default=64)
    parser.add_argument("--pg", default=os.environ.get("FLEET_PG_URL"))
    args = parser.parse_args()
    if not args.pg:
        print("fleet_workers: needs PostgreSQL (--pg or $FLEET_PG_URL)", file=sys.stderr)
        return 2
    print(f"fleet heartbeats/s on PostgreSQL, {args.terminals} terminals, {args.conns} "
          f"connections, {args.seconds:g} s × {args.runs} runs, {os.cpu_count()} CPUs")
    for workers in (1, 2):
        rates = [rate(args.pg, workers, run, args) for run in range(args.runs)]
        print(f"  {workers} worker{'s' if workers > 1 else ' '}: median "
              f"{statistics.median(rates):7.0f} heartbeats/s  (runs: "
              f"{', '.join(f'{r:.0f}' for r in rates)})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
