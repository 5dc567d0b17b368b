"""``Outbox.deliver``: send one entry now and wait — at most as long as promised — for the
platform's typed answer, without the caller ever blocking in the platform call."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.platform import errors
from kiosk.platform.outbox import Outbox


@dataclass(frozen=True)
class Receipt:
    case_no: str


class HangingSender:
    """A platform that answers only when the test lets it."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls: list[str] = []

    def __call__(self, kind: str, payload: dict[str, Any], key: str) -> Any:
        self.calls.append(key)
        self.release.wait(30)
        return Receipt("53010020261129000001")


def test_a_hanging_platform_does_not_hold_the_caller(tmp_path: Path) -> None:
    sender = HangingSender()
    outbox = Outbox(tmp_path / "outbox.sqlite3", sender)
    try:
        outbox.put("application", {"x": 1}, "k1")
        # the sender is stuck in the platform call; the caller gets its answer (None) anyway
        assert outbox.deliver("k1", 0.3) is None
        assert sender.calls == ["k1"] and not sender.release.is_set()
        sender.release.set()
        answer = outbox.deliver("k1", 10)
        assert answer == Receipt("53010020261129000001")     # typed, not a dict
        assert outbox.result("k1") == {"case_no": "53010020261129000001"}
        assert sender.calls == ["k1"]                         # sent once
    finally:
        sender.release.set()
        outbox.close()


def test_a_failed_attempt_returns_at_once_and_the_entry_stays(tmp_path: Path) -> None:
    def away(kind: str, payload: dict[str, Any], key: str) -> Any:
        raise errors.NetworkError("connection refused")

    outbox = Outbox(tmp_path / "outbox.sqlite3", away, base_delay_s=60)
    try:
        outbox.put("application", {"x": 1}, "k2")
        assert outbox.deliver("k2", 30) is None      # returns after the one failed attempt
        assert [e.idempotency_key for e in outbox.pending()] == ["k2"]
    finally:
        outbox.close()


def test_a_refused_entry_returns_none(tmp_path: Path) -> None:
    def refuse(kind: str, payload: dict[str, Any], key: str) -> Any:
        raise ValueError("malformed")

    outbox = Outbox(tmp_path / "outbox.sqlite3", refuse)
    try:
        outbox.put("application", {"x": 1}, "k3")
        assert outbox.deliver("k3", 30) is None
        assert outbox.counts().get("dead") == 1
    finally:
        outbox.close()
