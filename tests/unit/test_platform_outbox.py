"""Outbox: durable put, draining, retry with backoff, dead letters, payload wiping."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from kiosk.platform import errors
from kiosk.platform.outbox import Outbox


class FakeSender:
    """Records calls; fails with the queued exceptions first."""

    def __init__(self, failures: list[Exception] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any], str]] = []
        self.failures = list(failures or [])
        self.sent = threading.Event()

    def __call__(self, kind: str, payload: dict[str, Any], key: str) -> dict[str, Any]:
        self.calls.append((kind, payload, key))
        if self.failures:
            raise self.failures.pop(0)
        self.sent.set()
        return {"case_no": f"case-for-{key}"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_put_is_durable_and_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "outbox.db"
    first = Outbox(db, FakeSender())
    entry = first.put("application", {"item_code": "X", "form": {"a": "b"}}, "key-1")
    assert first.put("application", {"item_code": "X"}, "key-1") == entry
    first.close()
    again = Outbox(db, FakeSender())
    pending = again.pending()
    assert [(e.id, e.idempotency_key, e.state) for e in pending] == [(entry, "key-1", "pending")]
    again.close()


def test_drain_sends_oldest_first_and_wipes_payloads(tmp_path: Path) -> None:
    sender = FakeSender()
    outbox = Outbox(tmp_path / "o.db", sender)
    for n in range(3):
        outbox.put("evaluation", {"case_no": str(n), "level": 5, "secret": "身份证"}, f"k{n}")
    report = outbox.drain_once()
    assert (report.sent, report.retry_later, report.dead) == (3, 0, 0)
    assert [c[2] for c in sender.calls] == ["k0", "k1", "k2"]
    assert outbox.result("k1") == {"case_no": "case-for-k1"}
    assert outbox.pending() == [] and outbox.counts() == {"sent": 3}
    outbox.close()
    with sqlite3.connect(tmp_path / "o.db") as conn:
        payloads = {row[0] for row in conn.execute("SELECT payload FROM outbox")}
    assert payloads == {"{}"}
    reopened = Outbox(tmp_path / "o.db", FakeSender())
    assert reopened.drain_once().sent == 0
    reopened.close()


def test_transient_failures_back_off_and_then_succeed(tmp_path: Path) -> None:
    clock = Clock()
    sender = FakeSender([errors.PlatformTimeout("t"), errors.PlatformServerError("5xx")])
    outbox = Outbox(tmp_path / "o.db", sender, base_delay_s=10, clock=clock)
    outbox.put("application", {"item_code": "X", "session_token": "t"}, "k")
    assert outbox.drain_once().retry_later == 1
    assert outbox.drain_once().retry_later == 0  # not due yet
    clock.now += 10
    assert outbox.drain_once().retry_later == 1
    clock.now += 15
    assert outbox.drain_once().retry_later == 0  # backoff doubled to 20 s
    clock.now += 5
    assert outbox.drain_once().sent == 1
    assert [c[2] for c in sender.calls] == ["k", "k", "k"]  # always the same key
    assert outbox.entries()[0].attempts == 3
    outbox.close()


def test_network_outage_stops_the_pass(tmp_path: Path) -> None:
    sender = FakeSender([errors.NetworkError("down")])
    outbox = Outbox(tmp_path / "o.db", sender)
    for n in range(5):
        outbox.put("evaluation", {"case_no": str(n), "level": 4}, f"k{n}")
    report = outbox.drain_once()
    assert report.retry_later == 1 and len(sender.calls) == 1
    outbox.close()


@pytest.mark.parametrize("failure", [errors.Conflict("409"), errors.NotFound("404"),
                                     errors.RequestRejected("400")])
def test_definite_refusals_become_dead_letters(tmp_path: Path, failure: Exception) -> None:
    outbox = Outbox(tmp_path / "o.db", FakeSender([failure]))
    outbox.put("evaluation", {"case_no": "1", "level": 1}, "k")
    assert outbox.drain_once().dead == 1
    entry = outbox.entries()[0]
    assert entry.state == "dead" and entry.last_error and type(failure).__name__ in entry.last_error
    assert outbox.drain_once().sent == 0
    outbox.close()


def test_background_drainer_delivers_soon_after_put(tmp_path: Path) -> None:
    sender = FakeSender()
    outbox = Outbox(tmp_path / "o.db", sender, poll_s=5)
    outbox.start()
    try:
        outbox.put("evaluation", {"case_no": "9", "level": 5}, "k9")
        assert sender.sent.wait(5)
    finally:
        outbox.close()
    assert outbox_result_after_close(tmp_path) == {"case_no": "case-for-k9"}


def outbox_result_after_close(tmp_path: Path) -> dict[str, Any] | None:
    again = Outbox(tmp_path / "o.db", FakeSender())
    try:
        return again.result("k9")
    finally:
        again.close()
