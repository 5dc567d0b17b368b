"""Serve a synthetic camera's frames over TCP as the ``sim://host:port`` camera source.

Wire format per frame: ``"SIMF"``, width and height as big-endian u16, channels as u8,
then the raw BGR pixels row by row. Every client gets frames at ``fps`` from its own
thread; a client that goes away is dropped.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from typing import Protocol

import numpy as np

HEADER = struct.Struct(">4sHHB")


class FrameProducer(Protocol):
    """Anything that makes frames."""

    def frame(self) -> np.ndarray:
        """The next BGR frame."""


class FrameServer:
    """A TCP server streaming ``producer.frame()`` to every client at ``fps``."""

    def __init__(self, producer: FrameProducer, fps: float = 10.0, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.producer = producer
        self.period = 1.0 / fps if fps > 0 else 0.1
        self._addr = (host, port)
        self._server: socket.socket | None = None
        self._stop = threading.Event()
        self._clients: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self.url = ""

    def start(self) -> str:
        """Listen and return the ``sim://host:port`` URL."""
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(self._addr)
        server.listen(4)
        self._server = server
        host, port = server.getsockname()[:2]
        self.url = f"sim://{host}:{port}"
        self._spawn(self._accept, server)
        return self.url

    def stop(self) -> None:
        """Close the listener and every client."""
        self._stop.set()
        for sock in [self._server, *self._clients]:
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()
        for thread in self._threads:
            thread.join(timeout=2)

    def _spawn(self, target: object, arg: socket.socket) -> None:
        thread = threading.Thread(target=target, args=(arg,), daemon=True,  # type: ignore[arg-type]
                                  name="camera-sim")
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()

    def _accept(self, server: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                client, _ = server.accept()
            except OSError:
                return
            self._clients.append(client)
            self._spawn(self._stream, client)

    def _stream(self, client: socket.socket) -> None:
        due = time.monotonic()
        while not self._stop.is_set():
            image = np.ascontiguousarray(self.producer.frame())
            channels = 1 if image.ndim == 2 else image.shape[2]
            header = HEADER.pack(b"SIMF", image.shape[1], image.shape[0], channels)
            try:
                client.sendall(header + image.tobytes())
            except OSError:
                break
            due += self.period
            delay = due - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
            else:
                due = time.monotonic()
        if client in self._clients:
            self._clients.remove(client)
        with contextlib.suppress(OSError):
            client.close()
