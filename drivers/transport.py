"""Open a device line by URL, the way pyserial's URL handlers do.

``/dev/ttyUSB0``, a pty path, ``socket://host:port``, ``spy://…``, ``loop://`` go through
:func:`serial.serial_for_url`; ``tcp://host:port`` is accepted as an alias of
``socket://host:port`` so printers and readers share one addressing scheme.
"""

from __future__ import annotations

import serial

from drivers.errors import DeviceOpenError


def normalise_url(url: str) -> str:
    """Map our ``tcp://`` alias onto pyserial's ``socket://`` handler."""
    if url.startswith("tcp://"):
        return "socket://" + url[len("tcp://"):]
    return url


def open_serial(url: str, baudrate: int = 115200, timeout: float = 0.05) -> serial.SerialBase:
    """Open ``url`` with 8N1 framing; raise :class:`DeviceOpenError` with a clear message."""
    if not url:
        raise DeviceOpenError("no device URL configured")
    try:
        port = serial.serial_for_url(
            normalise_url(url), baudrate=baudrate, timeout=timeout, write_timeout=2.0
        )
    except (serial.SerialException, OSError, ValueError) as exc:
        raise DeviceOpenError(f"cannot open {url}: {exc}") from exc
    return port
