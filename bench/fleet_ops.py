"""Fleet server benchmark with the operator's day on (issue 19): heartbeats/s accepted while
alert grouping and notifications run.

    python bench/fleet_ops.py [--seconds 6] [--runs 5] [--terminals 2000] [--conns 64]
                              [--plain] [--out FILE]

Also run by ``python bench/fleet.py`` (one line after the plain SQLite figure).

Every heartbeat says paper low (10 %, under the 15 % threshold), so every terminal opens a
``paper_low`` alert on its first heartbeat; the server (``python -m fleet serve --alerting
FILE``, its own process) groups them by kind and district — 7 districts, 7 groups — and
notifies each group once, after ``group_wait_s`` = 1 s, by webhook to a sink this script runs
on 127.0.0.1. The load generator is the one of bench/fleet.py: asyncio keep-alive HTTP/1.1,
real individually signed single-heartbeat requests from distinct enrolled terminals, only
HTTP 200 answers reporting the heartbeat stored are counted. Each run is bounded by
``--seconds`` and by the number of prepared requests; afterwards the script waits at most
20 s for the notifications (outside the measured window) and reads the groups from the store.
The figure is the median of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from heartbeat_load import (  # noqa: E402
    free_port,
    heartbeat_requests,
    load,
    run_loop,
    stop_server,
)

from fleet.db import alerts, make_engine, metadata  # noqa: E402
from fleet.db_ops import alert_groups  # noqa: E402
from fleet.terminals import create_enrol_token, enrol  # noqa: E402

DISTRICTS = ["五华区", "盘龙区", "官渡区", "西山区", "呈贡区", "晋宁区", "安宁市"]
NOTIFY_WAIT_S = 20.0


class WebhookSink:
    """Counts the webhook notifications the server sends (127.0.0.1 only)."""

    def __init__(self) -> None:
        self.events: dict[str, int] = {}
        lock = threading.Lock()
        events = self.events

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = min(int(self.headers.get("Content-Length") or 0), 1 << 16)
                self.rfile.read(length)
                with lock:
                    kind = self.headers.get("X-Fleet-Event", "?")
                    events[kind] = events.get(kind, 0) + 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/fleet-hook"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def prepare(url: str, n: int, prefix: str) -> dict[str, str]:
    """A fresh store with ``n`` enrolled terminals over the 7 districts."""
    engine = make_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    token = create_enrol_token(engine, uses=None)
    creds = {f"{prefix}{i:05d}": "" for i in range(n)}
    for i, tid in enumerate(creds):
        creds[tid] = enrol(engine, token, tid, name=f"终端{i}", district=DISTRICTS[i % 7])
    engine.dispose()
    return creds


def paper_requests(creds: dict[str, str], rounds: int, level: int) -> list[bytes]:
    """Signed heartbeat requests whose paper is at ``level`` percent (low under 15)."""
    return heartbeat_requests(creds, rounds, level)


def start_server(url: str, port: int, alerting: Path | None) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "fleet", "--db", url, "serve", "--host", "127.0.0.1",
         "--port", str(port)] + (["--alerting", str(alerting)] if alerting else []),
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError("fleet server exited: "
                               + (proc.stderr.read() if proc.stderr else b"").decode()[-500:])
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except requests.RequestException:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("fleet server did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(url: str, args: argparse.Namespace, run: int, tmp: Path,
            ops: bool = True) -> dict[str, float]:
    """One bounded run: heartbeats/s, then the groups and the notifications it produced
    (``ops`` False: the plain run — paper 80 %, no alerting file — for comparison)."""
    creds = prepare(url, args.terminals, f"P{run}-")
    reqs = paper_requests(creds, max(1, int(8000 * args.seconds) // args.terminals),
                          10 if ops else 80)
    sink = WebhookSink()
    config = tmp / "alerting.toml"
    config.write_text(
        "[grouping]\ngroup_wait_s = 1\n\n[[route]]\nrole = \"operator\"\n"
        f"webhook = [\"{sink.url}\"]\n", encoding="utf-8")
    port = free_port()
    proc = start_server(url, port, config if ops else None)
    try:
        cpu0 = cpu_seconds(proc.pid)
        accepted, elapsed = run_loop(load(port, reqs, args.conns, args.seconds))
        cpu = cpu_seconds(proc.pid) - cpu0
        deadline = time.monotonic() + (NOTIFY_WAIT_S if ops else 0.0)
        while sink.events.get("opened", 0) < len(DISTRICTS) and time.monotonic() < deadline:
            time.sleep(0.2)
        engine = make_engine(url)
        with engine.connect() as conn:
            groups = conn.execute(select(func.count()).select_from(alert_groups).where(
                alert_groups.c.resolved_at.is_(None))).scalar() or 0
            opened = conn.execute(select(func.count()).select_from(alerts).where(
                alerts.c.resolved_at.is_(None))).scalar() or 0
        engine.dispose()
    finally:
        stop_server(proc)
        sink.close()
    return {"rate": accepted / elapsed, "accepted": accepted, "alerts": opened,
            "cpu_us": cpu / max(1, accepted) * 1e6,
            "groups": groups, "notified": sink.events.get("opened", 0),
            "all_notifications": sum(sink.events.values())}


def ops_rates(url: str, args: argparse.Namespace, plain: bool = False
              ) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """``--runs`` runs on the store at ``url``; with ``plain`` a plain run before each, so
    both see the same machine (other builds share it)."""
    tmp = Path(tempfile.mkdtemp(prefix="fleet-bench-ops-"))
    ops_runs, plain_runs = [], []
    for run in range(args.runs):
        if plain:
            plain_runs.append(one_run(url, args, run, tmp, ops=False))
        ops_runs.append(one_run(url, args, run, tmp))
    return ops_runs, plain_runs


def summary(name: str, runs: list[dict[str, float]]) -> str:
    """One line: the median and each run's figures."""
    med = statistics.median(r["rate"] for r in runs)
    each = ", ".join(f"{r['rate']:.0f}" for r in runs)
    cpu = statistics.median(r["cpu_us"] for r in runs)
    last = runs[-1]
    return (f"heartbeats/s accepted, {name}, grouping + webhook notifications on, every "
            f"heartbeat paper-low: median {med:7.0f}  (runs: "
            f"{each}; last run: {last['alerts']:.0f} "
            f"open alerts → {last['groups']:.0f} groups → {last['notified']:.0f} webhook "
            f"notifications; target ≥ 2000 with SQLite)\n"
            f"  server CPU per accepted heartbeat: median {cpu:.0f} µs "
            f"(≈ {1e6 / cpu:.0f} heartbeats/s per server core)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--terminals", type=int, default=2000)
    parser.add_argument("--conns", type=int, default=64)
    parser.add_argument("--plain", action="store_true",
                        help="also a plain run before each run, for comparison")
    parser.add_argument("--out", help="also write the figures to this file")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="fleet-bench-ops-db-")
    head = (f"fleet ops bench: {os.cpu_count()} cores, {args.terminals} terminals, "
            f"{args.conns} connections, {args.runs} runs × {args.seconds:.0f} s, "
            f"load average before {os.getloadavg()[0]:.1f}")
    print(head, flush=True)
    runs, plain = ops_rates(f"sqlite:///{tmp}/bench.db", args, plain=args.plain)
    lines = [head, summary("SQLite", runs)]
    if plain:
        lines.append("heartbeats/s accepted, SQLite, plain (paper 80 %, no alerting file), runs "
                     f"interleaved with the above: median "
                     f"{statistics.median(r['rate'] for r in plain):7.0f}  (runs: "
                     f"{', '.join(str(round(r['rate'])) for r in plain)})\n"
                     "  server CPU per accepted heartbeat: median "
                     f"{statistics.median(r['cpu_us'] for r in plain):.0f} µs")
    print("\n".join(lines[1:]), flush=True)
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
