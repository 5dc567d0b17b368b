"""Simulator serial links: pty and TCP endpoints, baud pacing bookkeeping, unplug/replug."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import serial

from simulator.link import SerialLink


class Upper:
    """A toy device that answers every write with its upper-case form."""

    def on_data(self, data: bytes, link: SerialLink) -> None:
        link.send(data.upper())


@pytest.fixture
def link() -> Iterator[SerialLink]:
    lk = SerialLink(Upper(), baudrate=115200, name="upper")
    yield lk
    lk.close()


def _roundtrip(url: str, payload: bytes, baudrate: int = 115200) -> bytes:
    port = serial.serial_for_url(url, baudrate=baudrate, timeout=2)
    try:
        port.write(payload)
        got = b""
        while len(got) < len(payload):
            chunk = port.read(len(payload) - len(got))
            if not chunk:
                break
            got += chunk
        return got
    finally:
        port.close()


def test_same_bytes_over_pty_and_tcp(link: SerialLink) -> None:
    pty_path = link.open_pty()
    tcp_url = link.serve_tcp()
    assert pty_path.startswith("/dev/pts/")
    assert tcp_url.startswith("socket://127.0.0.1:")
    payload = bytes(range(97, 123)) * 20
    assert _roundtrip(pty_path, payload) == payload.upper()
    assert _roundtrip(tcp_url, payload) == payload.upper()


def test_pty_reports_the_baud_rate_the_driver_chose(link: SerialLink) -> None:
    path = link.open_pty()
    port = serial.serial_for_url(path, baudrate=9600, timeout=0.1)
    try:
        assert link.pty_baudrate() == 9600
    finally:
        port.close()
    assert link.byte_time() == pytest.approx(10 / 115200)


def test_unplug_closes_the_line_and_replug_restores_it(link: SerialLink) -> None:
    url = link.serve_tcp()
    port = serial.serial_for_url(url, timeout=1)
    link.unplug()
    with pytest.raises(serial.SerialException):
        port.read(1)
    port.close()
    with pytest.raises(serial.SerialException):
        serial.serial_for_url(url, timeout=0.5)
    link.replug()
    assert _roundtrip(url, b"ok") == b"OK"
