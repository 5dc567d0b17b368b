"""Security figures of the fleet server (issue 17), run by bench/fleet.py.

- memory while ten clients each try to send a 300 MB body at once (target: growth ≤ 20 MB)
- heartbeat p95 during a login flood of 8 threads vs quiet (target: ≤ 2× quiet)

The server is its own process (``python -m fleet serve``); every byte goes to 127.0.0.1 and
every loop is bounded in time and count.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fleet import accounts  # noqa: E402
from fleet.db import make_engine  # noqa: E402
from fleet.protocol import HEARTBEAT_PATH, SCREENSHOT_PATH, signed_headers  # noqa: E402
from fleet.terminals import create_enrol_token, enrol  # noqa: E402

MB = 1024 * 1024
PASSWORD = "bench-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    """``python -m fleet serve`` on a fresh SQLite store in ``workdir``."""

    def __init__(self, workdir: Path) -> None:
        self.db = f"sqlite:///{workdir}/fleet.db"
        engine = make_engine(self.db)
        token = create_enrol_token(engine, uses=None)
        self.secret = enrol(engine, token, "KM-BENCH-1")
        accounts.create_operator(engine, "admin", PASSWORD, "admin")
        engine.dispose()
        self.port = free_port()
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "fleet", "--db", self.db, "serve", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                requests.get(self.url + "/healthz", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("fleet server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# -- memory under huge uploads ------------------------------------------------------------
def _upload(port: int, head: bytes, total: int, chunked: bool, seconds: float) -> int:
    """Try to send a ``total``-byte body; return the bytes sent when the server answered."""
    piece = b"x" * (256 * 1024)
    frame = (f"{len(piece):x}\r\n".encode() + piece + b"\r\n") if chunked else piece
    sent = 0
    deadline = time.monotonic() + seconds
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
        sock.sendall(head)
        sock.settimeout(0.5)
        while sent < total and time.monotonic() < deadline:
            try:
                sock.sendall(frame)
                sent += len(piece)
            except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
                break
        return sent


def _heads(secret: str) -> list[tuple[bytes, bool]]:
    """Ten requests of the kinds that used to read their bodies whole."""
    signed = signed_headers("KM-BENCH-1", secret, "POST", HEARTBEAT_PATH, b"x")
    out = []
    for i in range(10):
        path = (HEARTBEAT_PATH, SCREENSHOT_PATH, "/api/ops/login", HEARTBEAT_PATH)[i % 4]
        chunked = i % 2 == 0
        lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
        if i % 4 == 3:  # signed as the terminal: passes the header checks, streams on
            lines += [f"{k}: {v}" for k, v in signed.items()]
        lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {300 * MB}")
        out.append((("\r\n".join(lines) + "\r\n\r\n").encode(), chunked))
    return out


def memory_under_uploads(workdir: Path, seconds: float = 20.0) -> dict[str, float]:
    """RSS growth of the server while ten clients each try to send 300 MB at once."""
    server = Server(workdir)
    try:
        time.sleep(0.5)
        before = rss_mb(server.proc.pid)
        peak = [before]
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], rss_mb(server.proc.pid))
                time.sleep(0.005)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        heads = _heads(server.secret)
        with ThreadPoolExecutor(len(heads)) as pool:
            sent = list(pool.map(lambda h: _upload(server.port, h[0], 300 * MB, h[1], seconds),
                                 heads))
        time.sleep(0.3)
        done.set()
        watcher.join()
        alive = requests.get(server.url + "/healthz", timeout=5).ok
        return {"before_mb": before, "peak_mb": peak[0], "growth_mb": peak[0] - before,
                "accepted_mb": sum(sent) / MB, "alive": float(alive)}
    finally:
        server.stop()


# -- heartbeat latency during a login flood -----------------------------------------------
def _heartbeats(url: str, secret: str, seconds: float, start_seq: int) -> list[float]:
    """Signed heartbeats, one every 20 ms for ``seconds``; their latencies."""
    host, port = url.split("//", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    times = []
    seq = start_seq
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        seq += 1
        hb = {"seq": seq, "ts": int(time.time()), "app_version": "1.0.0", "uptime_s": seq,
              "screen": "attract", "maintenance": False, "paper": {"state": "full", "level": 80},
              "devices": {}, "counters": {"sessions": 1, "journeys": 1, "errors": 0}}
        body = json.dumps({"heartbeats": [hb]}).encode()
        headers = signed_headers("KM-BENCH-1", secret, "POST", HEARTBEAT_PATH, body)
        headers["Content-Type"] = "application/json"
        t = time.perf_counter()
        conn.request("POST", HEARTBEAT_PATH, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        if resp.status == 200:
            times.append(time.perf_counter() - t)
        time.sleep(0.02)
    conn.close()
    return times


def _flood(url: str, stop: threading.Event, thread: int, spread: bool) -> int:
    """Log in with wrong passwords until ``stop``; ``spread``: a new 127.x address each time."""
    host, port = url.split("//", 1)[1].split(":")
    n = 0
    while not stop.is_set() and n < 100_000:
        source = (f"127.{thread + 1}.{(n // 250) % 250 + 1}.{n % 250 + 1}", 0) if spread else None
        conn = http.client.HTTPConnection(host, int(port), timeout=10, source_address=source)
        try:
            body = json.dumps({"username": "admin" if n % 2 else f"user{thread}-{n}",
                               "password": "wrong-password"})
            conn.request("POST", "/api/ops/login", body=body,
                         headers={"Content-Type": "application/json"})
            conn.getresponse().read()
        except OSError:
            time.sleep(0.01)
        finally:
            conn.close()
        n += 1
    return n


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def heartbeat_p95_under_login_flood(workdir: Path, seconds: float = 8.0,
                                    spread: bool = False) -> dict[str, float]:
    """Heartbeat p95 quiet, then during 8 threads of failing logins."""
    server = Server(workdir)
    try:
        _heartbeats(server.url, server.secret, 1.0, 0)  # warm up
        quiet = _heartbeats(server.url, server.secret, seconds, 10_000)
        stop = threading.Event()
        with ThreadPoolExecutor(8) as pool:
            floods = [pool.submit(_flood, server.url, stop, i, spread) for i in range(8)]
            time.sleep(1.0)
            loud = _heartbeats(server.url, server.secret, seconds, 20_000)
            stop.set()
            attempts = sum(f.result() for f in floods)
        return {"quiet_p95_ms": p95(quiet) * 1000, "flood_p95_ms": p95(loud) * 1000,
                "ratio": p95(loud) / p95(quiet), "login_attempts": float(attempts)}
    finally:
        server.stop()


def median_of(runs: int, measure: Callable[[], dict[str, float]]) -> dict[str, Any]:
    """Each figure's median over ``runs`` runs (and the runs themselves)."""
    results = [measure() for _ in range(runs)]
    return {"median": {k: statistics.median(r[k] for r in results) for k in results[0]},
            "runs": results}
