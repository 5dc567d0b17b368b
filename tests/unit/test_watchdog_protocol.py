"""kiosk.watchdog: the notify messages through cysystemd to a socket the test opens, the kick
interval from WATCHDOG_USEC, and nothing at all without NOTIFY_SOCKET."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from kiosk.watchdog import DEFAULT_KICK_S, Watchdog


@pytest.fixture
def notify_socket(tmp_path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify"))
    sock.settimeout(2)
    return sock


def test_ready_once_then_kicks(tmp_path: Path, notify_socket: socket.socket,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "notify"))
    dog = Watchdog(env={"NOTIFY_SOCKET": str(tmp_path / "notify"), "WATCHDOG_USEC": "9000000",
                        "WATCHDOG_PID": str(os.getpid())})
    assert dog.enabled and dog.watchdog_s == 9.0 and dog.kick_interval_s == 3.0
    dog.ready()
    dog.ready()                                       # READY is said once
    dog.kick()
    got = [notify_socket.recv(256).decode() for _ in range(3)]
    assert got == ["STATUS=attract screen drawn", "READY=1", "WATCHDOG=1"]
    notify_socket.settimeout(0.2)
    with pytest.raises(TimeoutError):
        notify_socket.recv(256)


def test_without_notify_socket_nothing_is_sent() -> None:
    sent: list[str] = []
    dog = Watchdog(send=lambda name, value: sent.append(name), env={})
    dog.ready()
    dog.kick()
    assert sent == [] and not dog.enabled and dog.kick_interval_s == DEFAULT_KICK_S


def test_a_watchdog_meant_for_another_process_is_not_fed_faster() -> None:
    dog = Watchdog(send=lambda *_: None, env={"NOTIFY_SOCKET": "x", "WATCHDOG_USEC": "3000000",
                                              "WATCHDOG_PID": "1"})
    assert dog.watchdog_s is None


def test_a_failing_notify_never_raises() -> None:
    def broken(name: str, value: str) -> None:
        raise OSError("socket gone")

    dog = Watchdog(send=broken, env={"NOTIFY_SOCKET": "/nonexistent"})
    dog.ready()
    dog.kick()
    assert dog.kicks == 1
