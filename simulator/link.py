"""Serial links for device simulators: a pty and/or a TCP port, paced at a baud rate.

A simulated device implements :class:`LinkDevice` (``on_data`` receives what the driver
wrote; it answers with :meth:`SerialLink.send`). :class:`SerialLink` exposes the device
at the same time over

* a pseudo-terminal (``open_pty()`` returns the slave path, e.g. ``/dev/pts/7``), which
  pyserial opens like a real ``/dev/ttyUSB0``; the baud rate the driver set on the pty can
  be read back with :meth:`SerialLink.pty_baudrate` to simulate a wrong-baud line;
* TCP (``serve_tcp()`` returns a ``socket://127.0.0.1:PORT`` URL).

Replies are paced: every byte costs 10 bit times (8N1) at the configured baud rate, sent
in small slices on a drift-free schedule, so timings match a real wire. ``unplug()``
closes every line (the driver sees the line die); ``replug()`` brings them back (the
pty gets a new path, the TCP port stays the same).
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import socket
import termios
import threading
import time
import tty
from typing import Protocol

log = logging.getLogger(__name__)

#: pyserial-visible baud constants of termios, for reading the pty's configured speed
_BAUD_BY_CONSTANT = {
    getattr(termios, f"B{rate}"): rate
    for rate in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600)
    if hasattr(termios, f"B{rate}")
}


class LinkDevice(Protocol):
    """What a simulated device offers to its link."""

    def on_data(self, data: bytes, link: SerialLink) -> None:
        """Bytes the driver wrote to the device."""


class SerialLink:
    """One simulated device line, reachable over a pty and/or TCP, paced at ``baudrate``."""

    def __init__(self, device: LinkDevice, baudrate: int = 115200, name: str = "device") -> None:
        self.device = device
        self.baudrate = baudrate
        self.name = name
        self._lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._plugged = True
        self._pty_master: int | None = None
        self._pty_slave: int | None = None
        self._pty_path: str | None = None
        self._want_pty = False
        self._tcp_server: socket.socket | None = None
        self._tcp_addr: tuple[str, int] | None = None
        self._clients: list[socket.socket] = []
        self._threads: list[threading.Thread] = []

    # -- endpoints ---------------------------------------------------------------------
    def open_pty(self) -> str:
        """Create the pty endpoint and return the path a driver opens."""
        with self._lock:
            self._want_pty = True
            if self._pty_path is None:
                self._create_pty()
            assert self._pty_path is not None
            return self._pty_path

    def serve_tcp(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on TCP and return the ``socket://host:port`` URL."""
        with self._lock:
            if self._tcp_server is None:
                self._listen(host, port)
            assert self._tcp_addr is not None
            return f"socket://{self._tcp_addr[0]}:{self._tcp_addr[1]}"

    @property
    def pty_path(self) -> str | None:
        """The current pty slave path (None when unplugged or not opened)."""
        return self._pty_path

    def pty_baudrate(self) -> int | None:
        """The baud rate the driver configured on the pty, if any."""
        fd = self._pty_slave
        if fd is None:
            return None
        try:
            speed = termios.tcgetattr(fd)[5]
        except termios.error:
            return None
        return _BAUD_BY_CONSTANT.get(speed)

    # -- sending -----------------------------------------------------------------------
    def byte_time(self) -> float:
        """Seconds one byte takes on the wire (start + 8 data + stop bits)."""
        return 10.0 / self.baudrate if self.baudrate > 0 else 0.0

    def send(self, data: bytes, pace: bool = True) -> None:
        """Send ``data`` to every connected driver, paced at the baud rate."""
        if not data or not self._plugged:
            return
        with self._write_lock:
            if not pace or self.baudrate <= 0:
                self._write_all(data)
                return
            slice_len = max(1, int(self.baudrate / 10 * 0.002))  # ~2 ms of wire per slice
            start = time.monotonic()
            for offset in range(0, len(data), slice_len):
                due = start + offset * self.byte_time()
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                self._write_all(data[offset:offset + slice_len])
            end = start + len(data) * self.byte_time()
            delay = end - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def _write_all(self, chunk: bytes) -> None:
        master = self._pty_master
        if master is not None:
            with contextlib.suppress(OSError):
                _write_fd(master, chunk)
        for client in list(self._clients):
            try:
                client.sendall(chunk)
            except OSError:
                self._drop_client(client)

    # -- plugging ----------------------------------------------------------------------
    @property
    def plugged(self) -> bool:
        """False between :meth:`unplug` and :meth:`replug`."""
        return self._plugged

    def unplug(self) -> None:
        """Simulate a pulled cable: every line closes, the TCP port refuses connections."""
        with self._lock:
            self._plugged = False
            self._close_pty()
            for client in list(self._clients):
                self._drop_client(client)
            if self._tcp_server is not None:
                # closing alone does not wake a thread blocked in accept() on Linux
                with contextlib.suppress(OSError):
                    self._tcp_server.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    self._tcp_server.close()
                self._tcp_server = None

    def replug(self) -> None:
        """Bring the lines back (a new pty path; the same TCP port)."""
        with self._lock:
            self._plugged = True
            if self._want_pty and self._pty_path is None:
                self._create_pty()
            if self._tcp_addr is not None and self._tcp_server is None:
                self._listen(*self._tcp_addr)

    def close(self) -> None:
        """Stop every endpoint and thread."""
        self._stop.set()
        self.unplug()
        for thread in self._threads:
            thread.join(timeout=2)

    # -- internals ---------------------------------------------------------------------
    def _create_pty(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        attrs = termios.tcgetattr(slave)
        attrs[3] &= ~termios.ECHO
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        self._pty_master, self._pty_slave = master, slave
        self._pty_path = os.ttyname(slave)
        self._spawn(self._pty_reader, master)

    def _close_pty(self) -> None:
        for fd in (self._pty_master, self._pty_slave):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._pty_master = self._pty_slave = None
        self._pty_path = None

    def _listen(self, host: str, port: int) -> None:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((host, port))
        server.listen(4)
        self._tcp_server = server
        self._tcp_addr = server.getsockname()[:2]
        self._spawn(self._tcp_acceptor, server)

    def _spawn(self, target: object, arg: object) -> None:
        thread = threading.Thread(
            target=target, args=(arg,), name=f"{self.name}-link", daemon=True  # type: ignore[arg-type]
        )
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()

    def _deliver(self, data: bytes) -> None:
        try:
            self.device.on_data(data, self)
        except Exception:
            log.exception("%s simulator failed to handle input", self.name)

    def _pty_reader(self, master: int) -> None:
        while not self._stop.is_set() and self._pty_master == master:
            try:
                ready, _, _ = select.select([master], [], [], 0.1)
                if not ready:
                    continue
                data = os.read(master, 4096)
            except (OSError, ValueError):
                return
            if data:
                self._deliver(data)

    def _tcp_acceptor(self, server: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                client, _ = server.accept()
            except OSError:
                return
            if not self._plugged:
                client.close()
                return
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._clients.append(client)
            self._spawn(self._tcp_reader, client)

    def _tcp_reader(self, client: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                data = client.recv(4096)
            except OSError:
                break
            if not data:
                break
            self._deliver(data)
        self._drop_client(client)

    def _drop_client(self, client: socket.socket) -> None:
        if client in self._clients:
            self._clients.remove(client)
        with contextlib.suppress(OSError):
            client.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            client.close()


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
