"""Printer connectors by URL: dispatch, clear errors, byte round trips."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from drivers.errors import ConfigError, DeviceGone, DeviceOpenError
from drivers.printer.transports import (
    FileTransport,
    SerialTransport,
    TcpTransport,
    open_transport,
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_tcp_refused_is_a_clear_open_error() -> None:
    with pytest.raises(DeviceOpenError, match="cannot connect to printer"):
        open_transport(f"tcp://127.0.0.1:{_free_port()}")


def test_tcp_round_trip_and_peer_close() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    line = open_transport(f"tcp://127.0.0.1:{port}")
    assert isinstance(line, TcpTransport)
    peer, _ = server.accept()
    try:
        line.write(b"\x10\x04\x01")
        assert peer.recv(16) == b"\x10\x04\x01"
        assert line.read(1, 0.05) == b""  # nothing sent: nothing read, no exception
        peer.sendall(b"\x12\x16")
        assert line.read(2, 1.0) == b"\x12\x16"
        peer.close()
        with pytest.raises(DeviceGone):
            line.read(1, 1.0)
    finally:
        line.close()
        server.close()


@pytest.mark.parametrize("url", ["usb://12:34", "usb://xyz", "tcp://host", "socket://:9100", ""])
def test_malformed_urls_are_config_errors(url: str) -> None:
    with pytest.raises(ConfigError):
        open_transport(url)


def test_usb_printer_absent_is_an_open_error() -> None:
    with pytest.raises(DeviceOpenError, match="USB printer 0416:5011"):
        open_transport("usb://0416:5011")


def test_device_file_transport(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    target.write_bytes(b"")
    line = open_transport(f"file://{target}")
    assert isinstance(line, FileTransport)
    line.write(b"\x1b@hello\n")
    line.close()
    assert target.read_bytes() == b"\x1b@hello\n"
    with pytest.raises(DeviceOpenError):
        open_transport("/dev/usb/lp97")


def test_serial_urls_go_through_serial_for_url() -> None:
    line = open_transport("loop://")
    assert isinstance(line, SerialTransport)
    line.write(b"\x12\x12\x12")
    assert line.read(3, 0.5) == b"\x12\x12\x12"
    line.discard_input()
    line.close()


def test_pty_path_is_a_serial_line() -> None:
    master, slave = os.openpty()
    try:
        line = open_transport(os.ttyname(slave))
        assert isinstance(line, SerialTransport)
        line.close()
    finally:
        os.close(master)
        os.close(slave)
