"""The fleet benches' shared load generator: signed raw heartbeat requests and an asyncio
client that sends them over keep-alive connections on 127.0.0.1, bounded in time.

Used by bench/fleet.py, bench/fleet_ops.py (and, through fleet.py, bench/fleet_workers.py).
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import time
from typing import Any

from fleet.protocol import HEARTBEAT_PATH, signed_headers


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def heartbeat_requests(creds: dict[str, str], rounds: int, paper_level: int = 80
                       ) -> list[bytes]:
    """Signed raw HTTP requests, one heartbeat each, round-robin over terminals; the paper
    is "low" under 15 %."""
    now = time.time()
    paper = "low" if paper_level < 15 else "full"
    out = []
    for r in range(rounds):
        for tid, secret in creds.items():
            hb = {"seq": r, "ts": int(now), "app_version": "1.0.0", "uptime_s": 100 + r,
                  "screen": "attract", "maintenance": False,
                  "paper": {"state": paper, "level": paper_level},
                  "devices": {"printer": {"state": "online", "status": {"paper": paper}},
                              "idcard": {"state": "online", "status": {}}},
                  "counters": {"sessions": r, "journeys": r, "errors": 0}}
            body = json.dumps({"heartbeats": [hb]}, separators=(",", ":")).encode()
            headers = signed_headers(tid, secret, "POST", HEARTBEAT_PATH, body, now=now)
            head = (f"POST {HEARTBEAT_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Content-Type: application/json\r\n"
                    + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                    + f"Content-Length: {len(body)}\r\n\r\n")
            out.append(head.encode() + body)
    return out


async def load(port: int, reqs: list[bytes], conns: int, seconds: float) -> tuple[int, float]:
    """Send ``reqs`` over ``conns`` keep-alive connections for at most ``seconds``; return
    (heartbeats accepted, seconds taken)."""
    it = iter(reqs)
    accepted = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal accepted
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for req in it:
                if time.perf_counter() > deadline:
                    break
                writer.write(req)
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = await reader.readexactly(length)
                if head.startswith(b"HTTP/1.1 200") and b'"accepted":1' in body:
                    accepted += 1
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(conns)))
    return accepted, time.perf_counter() - start


def run_loop(coro: Any) -> Any:
    """Run the load generator on uvloop when installed (less client CPU on a shared box)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started by a bench (terminate, then kill)."""
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
    if proc.stderr:
        proc.stderr.close()
