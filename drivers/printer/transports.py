"""Printer connectors by URL, kept apart from ESC/POS encoding.

* ``tcp://host:9100`` (or ``socket://host:port``) — the raw network printing port;
* ``usb://VID:PID`` (hex, e.g. ``usb://0416:5011``) — through pyusb, as python-escpos' Usb;
* a device file: ``/dev/usb/lp0``, ``/dev/lp0`` or ``file:///path`` — written like a file
  (``file://`` to a regular or new file appends to it: a capture of the print stream);
* anything else (``/dev/ttyUSB0``, a pty path, ``spy://…``, ``loop://``) — a serial line
  opened with :func:`drivers.transport.open_serial` (``serial.serial_for_url``).

Every transport offers ``write``, ``read(size, timeout)`` (what arrived before the timeout,
possibly nothing), ``discard_input`` and ``close``; failures raise the device-layer errors.
``can_read`` is False when the line has no way back from the printer (a regular file, a
device file that opens write-only, a USB printer without an IN endpoint): such a printer is
write-only and the driver does not wait for answers it can never get.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import socket
import stat
import time
from typing import Any, Protocol

import serial

from drivers.errors import ConfigError, DeviceGone, DeviceOpenError, DeviceTimeout
from drivers.transport import open_serial


class PrinterTransport(Protocol):
    """A byte line to a printer."""

    url: str

    @property
    def can_read(self) -> bool:
        """False when nothing can ever be read back (a write-only printer)."""

    def write(self, data: bytes) -> None:
        """Send ``data`` completely or raise DeviceGone / DeviceTimeout."""

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes that arrive within ``timeout`` seconds (maybe b"")."""

    def discard_input(self) -> None:
        """Drop bytes already received (stale replies)."""

    def close(self) -> None:
        """Release the line."""


class TcpTransport:
    """The raw TCP printing port (usually 9100)."""

    can_read = True

    def __init__(self, url: str, host: str, port: int, connect_timeout: float = 3.0) -> None:
        self.url = url
        try:
            self._sock = socket.create_connection((host, port), timeout=connect_timeout)
        except OSError as exc:
            raise DeviceOpenError(f"cannot connect to printer at {host}:{port}: {exc}") from exc
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.settimeout(10.0)

    def write(self, data: bytes) -> None:
        """Send all of ``data``."""
        try:
            self._sock.sendall(data)
        except TimeoutError as exc:
            raise DeviceTimeout("printer did not accept data in time") from exc
        except OSError as exc:
            raise DeviceGone(f"printer connection lost: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        """Bytes that arrive within ``timeout``; a closed peer raises DeviceGone."""
        out = b""
        end = time.monotonic() + timeout
        while len(out) < size:
            left = max(0.0, end - time.monotonic())
            ready, _, _ = select.select([self._sock], [], [], left)
            if not ready:
                break
            try:
                chunk = self._sock.recv(size - len(out))
            except OSError as exc:
                raise DeviceGone(f"printer connection lost: {exc}") from exc
            if not chunk:
                raise DeviceGone("printer closed the connection")
            out += chunk
        return out

    def discard_input(self) -> None:
        """Drop whatever is waiting in the socket."""
        while True:
            ready, _, _ = select.select([self._sock], [], [], 0)
            if not ready:
                return
            try:
                if not self._sock.recv(4096):
                    raise DeviceGone("printer closed the connection")
            except BlockingIOError:
                return
            except OSError as exc:
                raise DeviceGone(f"printer connection lost: {exc}") from exc

    def close(self) -> None:
        """Close the socket."""
        with contextlib.suppress(OSError):
            self._sock.close()


class SerialTransport:
    """A serial line (real port, pty, or any pyserial URL)."""

    can_read = True

    def __init__(self, url: str, baudrate: int) -> None:
        self.url = url
        self._port = open_serial(url, baudrate=baudrate, timeout=0.05)

    def write(self, data: bytes) -> None:
        """Write and flush ``data``."""
        try:
            self._port.write(data)
            self._port.flush()
        except serial.SerialTimeoutException as exc:
            raise DeviceTimeout("printer did not accept data in time (flow control?)") from exc
        except (serial.SerialException, OSError) as exc:
            raise DeviceGone(f"printer line lost: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes within ``timeout`` (0: only what is already waiting)."""
        try:
            if timeout <= 0:
                waiting = self._port.in_waiting
                return bytes(self._port.read(min(size, waiting))) if waiting else b""
            if self._port.timeout != timeout:  # changing it reconfigures a real port
                self._port.timeout = timeout
            return bytes(self._port.read(size))
        except (serial.SerialException, OSError) as exc:
            raise DeviceGone(f"printer line lost: {exc}") from exc

    def discard_input(self) -> None:
        """Reset the input buffer."""
        try:
            self._port.reset_input_buffer()
        except (serial.SerialException, OSError) as exc:
            raise DeviceGone(f"printer line lost: {exc}") from exc

    def close(self) -> None:
        """Close the port."""
        with contextlib.suppress(serial.SerialException, OSError):
            self._port.close()


class FileTransport:
    """A printer device file such as ``/dev/usb/lp0`` (read-back when the kernel allows),
    or a regular file (``file://``, appended to, never read back)."""

    def __init__(self, url: str, path: str) -> None:
        self.url = url
        if url.startswith("file://") and not _is_device(path):
            try:
                self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            except OSError as exc:
                raise DeviceOpenError(f"cannot open {path}: {exc}") from exc
            self._readable = False
            return
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
            self._readable = True
        except PermissionError as exc:
            raise DeviceOpenError(f"no permission to open {path}: {exc}") from exc
        except OSError:
            try:
                self._fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
                self._readable = False
            except OSError as exc:
                raise DeviceOpenError(f"cannot open {path}: {exc}") from exc

    @property
    def can_read(self) -> bool:
        """False for a regular file or a device file that opened write-only."""
        return self._readable

    def write(self, data: bytes) -> None:
        """Write all of ``data``."""
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._fd, view):]
        except OSError as exc:
            raise DeviceGone(f"printer device write failed: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        """Status bytes, when the device file can be read; else nothing (= no reply)."""
        if not self._readable:
            return b""
        try:
            ready, _, _ = select.select([self._fd], [], [], timeout)
            return os.read(self._fd, size) if ready else b""
        except OSError:
            return b""

    def discard_input(self) -> None:
        """Drop waiting bytes."""
        while self._readable and self.read(4096, 0):
            pass

    def close(self) -> None:
        """Close the file."""
        with contextlib.suppress(OSError):
            os.close(self._fd)


class UsbTransport:
    """A USB printer class device, via python-escpos' Usb (pyusb)."""

    def __init__(self, url: str, vendor: int, product: int) -> None:
        self.url = url
        try:
            from escpos.printer import Usb

            self._usb: Any = Usb(vendor, product, timeout=5000)
            self._usb.open(raise_not_found=True)
        except Exception as exc:  # pyusb raises several unrelated types (no backend, not found)
            name = f"{vendor:04x}:{product:04x}"
            reason = " ".join(str(exc).split())  # pyusb's messages span lines
            raise DeviceOpenError(f"cannot open USB printer {name}: {reason}") from exc
        self.can_read = _has_in_endpoint(self._usb)

    def write(self, data: bytes) -> None:
        """Bulk-write ``data`` to the OUT endpoint."""
        try:
            self._usb._raw(data)
        except Exception as exc:
            raise DeviceGone(f"USB printer write failed: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        """Bulk-read from the IN endpoint within ``timeout``."""
        try:
            data = self._usb.device.read(self._usb.in_ep, max(size, 16), int(timeout * 1000) or 1)
        except Exception:
            return b""
        return bytes(data)[:size]

    def discard_input(self) -> None:
        """Drop waiting bytes."""
        self.read(64, 0.01)

    def close(self) -> None:
        """Release the interface."""
        with contextlib.suppress(Exception):
            self._usb.close()


def _is_device(path: str) -> bool:
    """True for an existing character device (``/dev/usb/lp0``), not a regular file."""
    try:
        return stat.S_ISCHR(os.stat(path).st_mode)
    except OSError:
        return False


def _has_in_endpoint(usb: Any) -> bool:
    """Whether the USB printer interface has an IN endpoint (status can come back)."""
    try:
        interface = usb.device.get_active_configuration()[(0, 0)]
        return any(endpoint.bEndpointAddress & 0x80 for endpoint in interface)
    except Exception:  # pyusb differs between backends; assume the usual bidirectional class
        return True


_USB_RE = re.compile(r"usb://([0-9a-fA-F]{4}):([0-9a-fA-F]{4})/?")
_TCP_RE = re.compile(r"(?:tcp|socket)://([^:/]+):(\d{1,5})/?")


def open_transport(url: str, baudrate: int = 115200) -> PrinterTransport:
    """Open the printer line named by ``url`` (see the module docstring)."""
    if not url:
        raise ConfigError("no printer URL configured")
    tcp = _TCP_RE.fullmatch(url)
    if tcp:
        return TcpTransport(url, tcp.group(1), int(tcp.group(2)))
    if url.startswith(("tcp://", "socket://")):
        raise ConfigError(f"printer URL {url!r} needs host:port")
    usb = _USB_RE.fullmatch(url)
    if usb:
        return UsbTransport(url, int(usb.group(1), 16), int(usb.group(2), 16))
    if url.startswith("usb://"):
        raise ConfigError(f"printer URL {url!r}: expected usb://VID:PID in hex")
    if url.startswith("file://"):
        return FileTransport(url, url[len("file://"):])
    if re.fullmatch(r"/dev/(usb/)?lp\d+", url):
        return FileTransport(url, url)
    return SerialTransport(url, baudrate)
