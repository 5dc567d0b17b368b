"""A platform client that cannot hang a visit or fill the terminal's memory: an overall
deadline per call (a server trickling a byte every few seconds, one that never answers),
caps on the answer's size on the wire and decoded (a huge body, a gzip bomb) — against
misbehaving servers on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator

import pytest

from kiosk.platform import errors
from kiosk.platform.client import PlatformClient
from kiosk.platform.outbox import Outbox, PlatformSender

Behaviour = Callable[[socket.socket], None]
MB = 1024 * 1024


class RawServer:
    """Accepts connections on 127.0.0.1 and hands each to ``behaviour`` in a thread."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.sent = 0
        self.stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            self.behaviour(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def send(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(data)
        self.sent += len(data)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Behaviour], RawServer]]:
    servers: list[RawServer] = []

    def start(behaviour: Behaviour) -> RawServer:
        servers.append(RawServer(behaviour))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def client(url: str, **kw: object) -> PlatformClient:
    options: dict[str, object] = {"timeout": (1.0, 6.0), "retries": 2, "deadline_s": 3.0,
                                  "backoff_s": 0.05}
    options.update(kw)
    return PlatformClient(url, "KM-DEMO-0001", "demo-secret", **options)  # type: ignore[arg-type]


HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n")


def test_a_trickling_server_is_cut_off_at_the_deadline(serve: Callable[[Behaviour], RawServer]
                                                       ) -> None:
    holder: list[RawServer] = []

    def trickle(conn: socket.socket) -> None:
        holder[0].send(conn, HEAD)
        for _ in range(100):                  # one byte every 0.5 s: no read timeout trips
            holder[0].send(conn, b"1\r\n \r\n")
            time.sleep(0.5)

    holder.append(serve(trickle))
    started = time.monotonic()
    with pytest.raises(errors.PlatformTimeout) as caught:   # before: > 75 s
        client(holder[0].url).service_points()
    took = time.monotonic() - started
    assert took < 4.0, took
    assert caught.value.code == "deadline"


def test_a_trickled_status_line_is_cut_off_too(serve: Callable[[Behaviour], RawServer]) -> None:
    def slow_headers(conn: socket.socket) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" * 10:
            conn.sendall(bytes([byte]))
            time.sleep(0.3)

    server = serve(slow_headers)
    started = time.monotonic()
    with pytest.raises(errors.PlatformTimeout):
        client(server.url).service_points()
    assert time.monotonic() - started < 4.0


def test_a_silent_server_and_retries_stay_within_one_deadline(
        serve: Callable[[Behaviour], RawServer]) -> None:
    server = serve(lambda conn: time.sleep(30))
    started = time.monotonic()
    with pytest.raises(errors.PlatformTimeout):
        client(server.url, timeout=(1.0, 1.2), retries=5).service_points()
    assert time.monotonic() - started < 3.6


def test_a_huge_body_is_refused_without_reading_it(serve: Callable[[Behaviour], RawServer]
                                                   ) -> None:
    holder: list[RawServer] = []

    def huge(conn: socket.socket) -> None:
        holder[0].send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 314572800\r\n\r\n")
        block = b"[" + b" " * (MB - 1)
        for _ in range(300):
            holder[0].send(conn, block)

    holder.append(serve(huge))
    with pytest.raises(errors.DataError) as caught:          # before: 928 MB
        client(holder[0].url, max_body=4 * MB).service_points()
    assert caught.value.code == "too_large"
    time.sleep(0.2)
    assert holder[0].sent < 100 * MB


def test_a_huge_chunked_body_is_cut_off_at_the_cap(serve: Callable[[Behaviour], RawServer]
                                                   ) -> None:
    holder: list[RawServer] = []

    def huge(conn: socket.socket) -> None:
        holder[0].send(conn, HEAD)
        block = b" " * MB
        for _ in range(300):
            holder[0].send(conn, b"%x\r\n" % len(block) + block + b"\r\n")

    holder.append(serve(huge))
    tracemalloc.start()
    try:
        with pytest.raises(errors.DataError):
            client(holder[0].url, max_body=4 * MB, deadline_s=20).service_points()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 24 * MB, peak


def test_a_gzip_bomb_stops_at_the_decoded_cap(serve: Callable[[Behaviour], RawServer]) -> None:
    bomb = gzip.compress(b"[" + b" " * (500 * MB) + b"]", compresslevel=9)
    assert len(bomb) < 600 * 1024

    def answer(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb) + bomb)

    server = serve(answer)
    tracemalloc.start()
    try:
        with pytest.raises(errors.DataError) as caught:     # before: 1.5 GB
            client(server.url, max_decoded=8 * MB, deadline_s=20).service_points()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.code == "too_large"
    assert peak < 40 * MB, peak


def test_a_normal_gzip_answer_still_works(serve: Callable[[Behaviour], RawServer]) -> None:
    points = [{"code": f"P{n}", "name": "五华区政务服务中心", "district": "五华区",
               "address": "x", "lat": 25.0, "lon": 102.7, "hours": "24h", "items": []}
              for n in range(50)]
    body = gzip.compress(json.dumps(points).encode())

    def answer(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    server = serve(answer)
    try:
        got = client(server.url).service_points()
    except errors.DataError as exc:          # the model may want other fields: not the point
        assert exc.code != "too_large"
    else:
        assert len(got) == 50


def test_drain_once_against_a_hanging_platform_is_bounded(
        serve: Callable[[Behaviour], RawServer], tmp_path: object) -> None:
    server = serve(lambda conn: time.sleep(60))
    outbox = Outbox(f"{tmp_path}/outbox.sqlite3",
                    PlatformSender(client(server.url, timeout=(1.0, 10.0), deadline_s=2.0)))
    outbox.put("application", {"item_code": "X", "session_token": "t"}, "k1")
    outbox.put("application", {"item_code": "X", "session_token": "t"}, "k2")
    started = time.monotonic()
    report = outbox.drain_once()                             # before: 30.9 s
    assert time.monotonic() - started < 2.6
    assert report.retry_later == 1 and outbox.counts() == {"pending": 2}
    outbox.close()
