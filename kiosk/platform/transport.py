"""HTTP for the platform client that cannot hang a visit or exhaust the terminal's memory.

requests' timeouts bound each socket operation, not a call: a server trickling one byte
every few seconds never trips a read timeout, and an answer of any size (or a gzip bomb) is
read whole into memory. :class:`BoundedHttp` adds, per call:

* an **overall deadline** (monotonic): when it passes, a timer shuts down the sockets the
  call is using — in the middle of the status line, the headers or the body — and the call
  raises :class:`DeadlineExceeded`. Sockets are found through a connection pool subclass
  that records every connection handed to the calling thread;
* a **cap on the bytes on the wire** (``max_body``): a ``Content-Length`` above it is
  refused before reading, otherwise the body is read in pieces and cut off at the cap;
* a **cap on the decoded size** (``max_decoded``): gzip/deflate are decompressed here with
  zlib's ``max_length``, so a bomb stops at the cap instead of filling memory; any other
  content coding is refused (only ``gzip, deflate`` are offered).

A refusal raises :class:`ResponseTooLarge`. The returned :class:`requests.Response` has its
content already read (``response.content``, ``.json()`` work as usual).
"""

from __future__ import annotations

import socket
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import HTTPError as Urllib3Error

CHUNK = 16 * 1024
ACCEPT_ENCODING = "gzip, deflate"


class DeadlineExceeded(Exception):
    """The call did not finish before its deadline."""


class ResponseTooLarge(Exception):
    """The answer was larger than allowed (on the wire or decoded)."""


_calls = threading.local()


def _register(conn: Any) -> None:
    current = getattr(_calls, "conns", None)
    if current is not None:
        current.append(conn)


class _TrackedHTTPPool(HTTPConnectionPool):
    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)
        _register(conn)
        return conn


class _TrackedHTTPSPool(HTTPSConnectionPool):
    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)
        _register(conn)
        return conn


class _TrackingAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _TrackedHTTPPool,
                                                   "https": _TrackedHTTPSPool}


@contextmanager
def _watched(deadline: float) -> Iterator[threading.Event]:
    """Shut the calling thread's sockets down when ``deadline`` passes."""
    conns: list[Any] = []
    fired = threading.Event()
    _calls.conns = conns

    def abort() -> None:
        fired.set()
        for conn in list(conns):
            sock = getattr(conn, "sock", None)
            if sock is not None:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), abort)
    timer.daemon = True
    timer.start()
    try:
        yield fired
    finally:
        timer.cancel()
        _calls.conns = None


class BoundedHttp:
    """A requests session whose calls have a deadline and size caps (module docstring)."""

    def __init__(self, session: requests.Session | None = None, *,
                 max_body: int = 8 * 1024 * 1024, max_decoded: int = 16 * 1024 * 1024) -> None:
        self.session = session or requests.Session()
        adapter = _TrackingAdapter()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.max_body = max_body
        self.max_decoded = max_decoded

    def request(self, method: str, url: str, *, deadline: float,
                timeout: tuple[float, float], **kwargs: Any) -> requests.Response:
        """One HTTP exchange finished before ``deadline`` (a ``time.monotonic()`` value)."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceeded("no time left for the call")
        headers = dict(kwargs.pop("headers", None) or {})
        headers["Accept-Encoding"] = ACCEPT_ENCODING
        bounded = (min(timeout[0], remaining), min(timeout[1], remaining))
        with _watched(deadline) as fired:
            try:
                response = self.session.request(method, url, headers=headers, stream=True,
                                                timeout=bounded, **kwargs)
                try:
                    body = self._read(response, fired)
                finally:
                    response.close()
            except (requests.RequestException, Urllib3Error, OSError) as exc:
                if fired.is_set() or time.monotonic() >= deadline:
                    raise DeadlineExceeded("the call ran past its deadline") from exc
                if isinstance(exc, requests.RequestException):
                    raise
                raise requests.ConnectionError(f"connection broken: {exc}") from exc
        response._content = body                      # what .content and .json() read
        response._content_consumed = True
        return response

    def _read(self, response: requests.Response, fired: threading.Event) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            raise ResponseTooLarge(f"answer of {int(declared)} bytes refused "
                                   f"(limit {self.max_body})")
        coding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if coding in ("", "identity"):
            inflater = None
        elif coding in ("gzip", "x-gzip", "deflate"):
            inflater = zlib.decompressobj(47)         # gzip or zlib header, detected
        else:
            raise ResponseTooLarge(f"content coding {coding!r} not accepted")
        wire = 0
        out: list[bytes] = []
        decoded = 0
        raw = response.raw
        while True:
            piece = raw.read1(CHUNK, decode_content=False) if hasattr(raw, "read1") else \
                raw.read(CHUNK, decode_content=False)
            if fired.is_set():
                raise DeadlineExceeded("the call ran past its deadline")
            if not piece:
                break
            wire += len(piece)
            if wire > self.max_body:
                raise ResponseTooLarge(f"answer larger than {self.max_body} bytes refused")
            if inflater is not None:
                piece = self._inflate(inflater, piece, decoded)
            decoded += len(piece)
            if decoded > self.max_decoded:
                raise ResponseTooLarge(f"answer decodes to more than {self.max_decoded} "
                                       "bytes; refused")
            out.append(piece)
        if inflater is not None:
            tail = inflater.flush()
            decoded += len(tail)
            if decoded > self.max_decoded:
                raise ResponseTooLarge(f"answer decodes to more than {self.max_decoded} "
                                       "bytes; refused")
            out.append(tail)
        return b"".join(out)

    def _inflate(self, inflater: Any, piece: bytes, decoded: int) -> bytes:
        room = self.max_decoded - decoded + 1
        try:
            data = inflater.decompress(piece, room)
        except zlib.error as exc:
            raise requests.exceptions.ContentDecodingError(f"bad compressed body: {exc}"
                                                           ) from None
        if inflater.unconsumed_tail:                  # more output than room: a bomb
            raise ResponseTooLarge(f"answer decodes to more than {self.max_decoded} bytes; "
                                   "refused")
        return bytes(data)

    def close(self) -> None:
        """Close the session's connections."""
        self.session.close()
