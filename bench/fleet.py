"""Fleet server benchmark: heartbeats/s accepted on loopback, dashboard overview latency,
and the security figures of issue 17 (bench/fleet_security.py).

    python bench/fleet.py [--seconds 6] [--runs 3] [--terminals 2000] [--pg URL]
                          [--only throughput|security]

The server runs as its own process (``python -m fleet serve``) so client and server each
get a core; the client is an asyncio keep-alive HTTP/1.1 load generator sending real,
individually signed single-heartbeat requests from distinct enrolled terminals. Only
answers with HTTP 200 that report the heartbeat stored count. Figures are medians of
``--runs`` runs, each bounded by ``--seconds`` (``--out FILE`` also saves them).
PostgreSQL is measured when ``--pg`` or $FLEET_PG_URL is given. Then 10,000 terminals are
put in the store and the median time of ``GET /api/ops/overview`` (logged in, full JSON
read) is printed; bench/fleet_ops.py adds the SQLite rate with alert grouping and webhook
notifications on (every heartbeat paper-low).
Security figures (medians of ``--runs``): server memory growth while ten
clients each try to send a 300 MB body (target ≤ 20 MB), heartbeat p95 during a login
flood of 8 threads from one address and from thousands of loopback addresses, against the
quiet p95 (target ≤ 2×).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import text, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from heartbeat_load import (  # noqa: E402
    free_port,
    heartbeat_requests,
    load,
    run_loop,
    stop_server,
)

from fleet import accounts  # noqa: E402
from fleet.db import make_engine, metadata, terminals  # noqa: E402
from fleet.terminals import create_enrol_token, enrol  # noqa: E402

DISTRICTS = ["五华区", "盘龙区", "官渡区", "西山区", "呈贡区", "晋宁区", "安宁市"]


def build_requests(creds: dict[str, str], rounds: int) -> list[bytes]:
    """Signed heartbeat requests with the paper full (the plain rate)."""
    return heartbeat_requests(creds, rounds)


def reset_store(url: str) -> None:
    engine = make_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    engine.dispose()


def enrol_many(url: str, n: int, prefix: str) -> dict[str, str]:
    engine = make_engine(url)
    token = create_enrol_token(engine, uses=None)
    creds = {}
    for i in range(n):
        tid = f"{prefix}{i:05d}"
        creds[tid] = enrol(engine, token, tid, name=f"终端{i}", district=DISTRICTS[i % 7])
    engine.dispose()
    return creds


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "fleet", "--db", url, "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except requests.RequestException:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("fleet server did not start")


def heartbeat_rate(url: str, args: argparse.Namespace) -> list[float]:
    rates = []
    for run in range(args.runs):
        reset_store(url)
        creds = enrol_many(url, args.terminals, f"B{run}-")
        reqs = build_requests(creds, rounds=max(1, int(8000 * args.seconds) // args.terminals))
        port = free_port()
        proc = start_server(url, port)
        try:
            accepted, elapsed = run_loop(load(port, reqs, args.conns, args.seconds))
        finally:
            stop_server(proc)
        rates.append(accepted / elapsed)
    return rates


def overview_latency(url: str, n: int, samples: int) -> list[float]:
    reset_store(url)
    enrol_many(url, n, "O")
    engine = make_engine(url)
    rng = random.Random(7)
    now = time.time()
    with engine.begin() as conn:
        conn.execute(update(terminals).values(last_seen=now + 3600, health="ok",
                                              paper_level=80, screen="attract"))
        ids = [r[0] for r in conn.execute(text("SELECT id FROM terminals"))]
        for tid in rng.sample(ids, n // 10):
            conn.execute(update(terminals).where(terminals.c.id == tid).values(
                health=rng.choice(["warning", "fault", "maintenance"]), paper_level=5))
    accounts.create_operator(engine, "bench", "bench-password", "viewer")
    engine.dispose()
    port = free_port()
    proc = start_server(url, port)
    try:
        s = requests.Session()
        s.post(f"http://127.0.0.1:{port}/api/ops/login",
               json={"username": "bench", "password": "bench-password"}, timeout=10)
        times = []
        for _ in range(samples + 2):
            t = time.perf_counter()
            resp = s.get(f"http://127.0.0.1:{port}/api/ops/overview", timeout=30)
            assert len(resp.json()["terminals"]) == n
            times.append(time.perf_counter() - t)
        return times[2:]
    finally:
        stop_server(proc)


def security_figures(runs: int, emit: Any) -> None:
    """Memory under huge uploads, heartbeat p95 under login floods (issue 17)."""
    import fleet_security as sec

    def fresh() -> Path:
        return Path(tempfile.mkdtemp(prefix="fleet-bench-sec-"))

    def listed(results: list[dict[str, float]], key: str) -> str:
        return ", ".join(f"{r[key]:.2f}" for r in results)

    mem = sec.median_of(runs, lambda: sec.memory_under_uploads(fresh()))
    m = mem["median"]
    emit(f"memory, 10 clients × 300 MB bodies at once: growth median {m['growth_mb']:.1f} MB "
         f"({m['before_mb']:.0f} → {m['peak_mb']:.0f} MB; runs: "
         f"{listed(mem['runs'], 'growth_mb')}; {m['accepted_mb']:.0f} MB left the clients "
         "before refusal; target ≤ 20 MB)")
    for spread, label in ((False, "one address"), (True, "spread over 127.0.0.0/8")):

        def measure(spread: bool = spread) -> dict[str, float]:
            return sec.heartbeat_p95_under_login_flood(fresh(), spread=spread)

        flood = sec.median_of(runs, measure)
        f = flood["median"]
        emit(f"heartbeat p95, login flood 8 threads ({label}): median "
             f"{f['flood_p95_ms']:.1f} ms vs quiet {f['quiet_p95_ms']:.1f} ms = "
             f"{f['ratio']:.2f}× (runs: {listed(flood['runs'], 'ratio')}; "
             f"{f['login_attempts']:.0f} login attempts answered; target ≤ 2×)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--terminals", type=int, default=2000)
    parser.add_argument("--conns", type=int, default=64)
    parser.add_argument("--pg", default=os.environ.get("FLEET_PG_URL"))
    parser.add_argument("--out", help="also write the figures to this file")
    parser.add_argument("--only", choices=["throughput", "security"],
                        help="only these figures")
    args = parser.parse_args()
    lines: list[str] = []

    def emit(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    tmp = tempfile.mkdtemp(prefix="fleet-bench-")
    sqlite_url = f"sqlite:///{tmp}/bench.db"
    emit(f"fleet bench: {os.cpu_count()} cores, {args.terminals} terminals, "
         f"{args.conns} connections, {args.runs} runs × {args.seconds:.0f} s, "
         f"load average before {os.getloadavg()[0]:.1f}")
    if args.only != "throughput":
        security_figures(args.runs, emit)
    if args.only == "security":
        if args.out:
            Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
        return 0
    stores = [("SQLite", sqlite_url)] + ([("PostgreSQL", args.pg)] if args.pg else [])
    for name, url in stores:
        rates = heartbeat_rate(url, args)
        emit(f"heartbeats/s accepted, {name:10s}: median {statistics.median(rates):7.0f}  "
             f"(runs: {', '.join(f'{r:.0f}' for r in rates)}; target ≥ 2000 with SQLite)")
    import fleet_ops  # the operator's day on: grouping + notifications (issue 19)

    ops_runs, _plain = fleet_ops.ops_rates(sqlite_url, args)
    emit(fleet_ops.summary("SQLite", ops_runs))
    if not args.pg:
        emit("heartbeats/s accepted, PostgreSQL: not measured (no --pg / FLEET_PG_URL)")
    times = overview_latency(sqlite_url, 10_000, 9)
    emit(f"dashboard overview, 10,000 terminals (SQLite): median "
         f"{statistics.median(times) * 1000:.0f} ms (max {max(times) * 1000:.0f} ms; "
         "target ≤ 200 ms)")
    shutil.rmtree(tmp, ignore_errors=True)
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
