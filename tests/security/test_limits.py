"""Item 2: limits before work. A body larger than its route allows is refused while it
streams in (413, by the declared length before a byte is read, or at the limit for a
chunked body); signed and session-protected requests are refused on their headers before
the body is read; the server's memory stays flat under many huge uploads. Same for the
platform simulator's ``/v1``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from fleet.protocol import ENROL_PATH, HEARTBEAT_PATH, SCREENSHOT_PATH, signed_headers
from fleet.testing import FleetHarness
from kiosk.agent.client import Credentials
from kiosk.platform import signing
from simulator.platform.server import PlatformServer
from tests.security.conftest import read_answer, status_of

ROOT = Path(__file__).resolve().parents[2]
GB = 1024 ** 3


def head(path: str, length: int | None, extra: dict[str, str] | None = None,
         chunked: bool = False) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    lines += [f"{k}: {v}" for k, v in (extra or {}).items()]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    elif length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def answer_without_body(url: str, data: bytes, timeout: float = 5.0) -> bytes:
    """Send only the head of a request whose body never comes; return the answer."""
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        return read_answer(sock)


@pytest.mark.parametrize("path", [HEARTBEAT_PATH, SCREENSHOT_PATH, ENROL_PATH,
                                  "/api/ops/login", "/api/ops/operators", "/no/such/path"])
def test_a_declared_huge_body_is_refused_before_it_is_read(harness: FleetHarness,
                                                           path: str) -> None:
    answer = answer_without_body(harness.url, head(path, 300 * 1024 * 1024))
    assert status_of(answer) == 413, answer[:200]


def test_signed_requests_are_refused_on_their_headers_first(harness: FleetHarness,
                                                           cred: Credentials) -> None:
    for path in (HEARTBEAT_PATH, SCREENSHOT_PATH):  # unsigned, 1 MB announced, none sent
        assert status_of(answer_without_body(harness.url, head(path, 1024 * 1024))) == 401
    stale = signed_headers(cred.terminal_id, cred.secret, "POST", HEARTBEAT_PATH, b"{}",
                           now=time.time() - 3600)
    assert status_of(answer_without_body(harness.url, head(HEARTBEAT_PATH, 1000, stale))) == 401
    ghost = signed_headers("KM-NOBODY", cred.secret, "POST", HEARTBEAT_PATH, b"{}")
    assert status_of(answer_without_body(harness.url, head(HEARTBEAT_PATH, 1000, ghost))) == 401


def test_operator_posts_need_a_session_before_their_body(harness: FleetHarness) -> None:
    data = head("/api/ops/operators", 60_000)  # under the limit, but never sent
    assert status_of(answer_without_body(harness.url, data)) == 401
    data = head("/api/ops/terminals/KM-X/commands", 60_000, {"Cookie": "fleet_session=nope"})
    assert status_of(answer_without_body(harness.url, data)) == 401


def stream_chunked(url: str, data: bytes, total: int, chunk: int = 256 * 1024) -> tuple[int, int]:
    """Stream a chunked body of ``total`` bytes; return (status, bytes sent when it came)."""
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    piece = f"{chunk:x}\r\n".encode() + b"x" * chunk + b"\r\n"
    sent = 0
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(data)
        sock.setblocking(False)
        answer = b""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                got = sock.recv(65536)
                if not got:
                    break
                answer += got
                if b"\r\n\r\n" in answer:
                    break
            except BlockingIOError:
                pass
            if sent < total:
                try:
                    sock.send(piece)
                    sent += chunk
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    time.sleep(0.001)
            else:
                time.sleep(0.01)
    return status_of(answer), sent


def test_a_chunked_body_is_cut_off_at_the_limit(harness: FleetHarness,
                                                cred: Credentials) -> None:
    signed = signed_headers(cred.terminal_id, cred.secret, "POST", HEARTBEAT_PATH, b"x")
    status, sent = stream_chunked(harness.url, head(HEARTBEAT_PATH, None, signed, chunked=True),
                                  total=200 * 1024 * 1024)
    assert status == 413 and sent < 64 * 1024 * 1024  # answered long before the end
    status, sent = stream_chunked(harness.url, head("/api/ops/login", None, chunked=True),
                                  total=50 * 1024 * 1024)
    assert status == 413 and sent < 16 * 1024 * 1024


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[tuple[str, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "fleet", "--db",
                             f"sqlite:///{tmp_path}/fleet.db", "serve", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(url + "/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.05)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(15)


@pytest.mark.slow
def test_memory_stays_flat_under_parallel_huge_uploads(server_process: tuple[str, int]) -> None:
    url, pid = server_process
    before = rss_kb(pid)
    peak = [before]
    done = [False]

    def sample() -> None:
        while not done[0]:
            peak[0] = max(peak[0], rss_kb(pid))
            time.sleep(0.01)

    def upload(i: int) -> int:
        path = (HEARTBEAT_PATH, "/api/ops/login", SCREENSHOT_PATH)[i % 3]
        return stream_chunked(url, head(path, None, chunked=True), total=40 * 1024 * 1024)[0]

    with ThreadPoolExecutor(11) as pool:
        watcher = pool.submit(sample)
        statuses = list(pool.map(upload, range(10)))
        done[0] = True
        watcher.result()
    assert all(s in (401, 413) for s in statuses), statuses
    assert (peak[0] - before) / 1024 <= 20, f"RSS grew {(peak[0] - before) / 1024:.1f} MB"


# -- the platform simulator --------------------------------------------------------------
@pytest.fixture(scope="module")
def platform() -> Iterator[PlatformServer]:
    with PlatformServer(seed=0) as srv:
        yield srv


def test_platform_refuses_huge_and_unsigned_bodies_before_reading(
        platform: PlatformServer) -> None:
    answer = answer_without_body(platform.url, head("/v1/evaluations", 300 * 1024 * 1024))
    assert status_of(answer) == 413
    assert status_of(answer_without_body(platform.url, head("/v1/evaluations", 500_000))) == 401
    stale = signing.sign_headers("KM-DEMO-0001", "demo-secret", "POST", "/v1/evaluations",
                                 b"{}", now=time.time() - 3600)
    data = head("/v1/evaluations", 500_000, stale)
    assert status_of(answer_without_body(platform.url, data)) == 401
    signed = signing.sign_headers("KM-DEMO-0001", "demo-secret", "POST", "/v1/evaluations",
                                  b"x")
    status, sent = stream_chunked(platform.url, head("/v1/evaluations", None, signed,
                                                     chunked=True), total=100 * 1024 * 1024)
    assert status == 413 and sent < 32 * 1024 * 1024
