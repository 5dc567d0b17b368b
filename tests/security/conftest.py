"""Shared rig of the security suite: a real fleet server (SQLite under tmp), signed requests,
raw HTTP on loopback for what ``requests`` will not send (lying Content-Length, bytes that
are not ASCII in headers, bodies that never finish)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from fleet.protocol import HEARTBEAT_PATH, signed_headers
from fleet.testing import FleetHarness, heartbeat
from kiosk.agent.client import Credentials, enrol


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[FleetHarness]:
    with FleetHarness(f"sqlite:///{tmp_path}/fleet.db") as h:
        yield h


@pytest.fixture
def cred(harness: FleetHarness) -> Credentials:
    return enrol(harness.url, harness.token, "KM-SEC-001", name="安全测试", district="五华区")


def hb_body(seq: int = 0, **payload: Any) -> bytes:
    """A heartbeat request body."""
    body: dict[str, Any] = {"heartbeats": [heartbeat(seq)]}
    body.update(payload)
    return json.dumps(body, separators=(",", ":")).encode()


def post_signed(url: str, cred: Credentials, body: bytes, path: str = HEARTBEAT_PATH,
                headers: dict[str, str] | None = None, **kw: Any) -> requests.Response:
    """POST ``body`` signed as ``cred`` (``headers`` override the signed ones)."""
    signed = signed_headers(cred.terminal_id, cred.secret, "POST", path, body, **kw)
    signed["Content-Type"] = "application/json"
    signed.update(headers or {})
    return requests.post(url + path, data=body, headers=signed, timeout=10)


def raw_request(url: str, head: bytes, body: bytes = b"", timeout: float = 10.0) -> bytes:
    """Send raw bytes on a fresh connection and return what comes back until it closes
    (or a complete answer with a Content-Length arrived)."""
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(head + body)
        return read_answer(sock)


def read_answer(sock: socket.socket) -> bytes:
    """One HTTP answer from ``sock`` (status line, headers, Content-Length body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest


def status_of(answer: bytes) -> int:
    """The status code of a raw answer (0 when there was none)."""
    parts = answer.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
