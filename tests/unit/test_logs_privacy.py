"""Logs and state at rest hold no personal data: every record passes the scrub filter (ID
numbers, mobile numbers, session tokens masked, tracebacks included), and after a visit's
application went through the outbox — delivered, refused, retried — neither the log nor any
file in the state folder carries the citizen's ID number, phone, name or token."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pytest

from kiosk.faults import FaultLog
from kiosk.logs import ScrubFilter, personal_data_in, scrub, setup_logging
from kiosk.platform import errors
from kiosk.platform.outbox import Outbox

ID_NUMBER, PHONE, NAME = "530102198503121313", "13987654321", "张三丰"
TOKEN = "sess_Q2hhbmdlTWVQbGVhc2U"
KNOWN = (ID_NUMBER, PHONE, NAME, TOKEN)


@pytest.fixture
def captured() -> Any:
    stream = io.StringIO()
    handler = setup_logging(logging.DEBUG, terminal_id="KM-T-1", journal=False)
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield stream
    logging.getLogger().removeHandler(handler)


def test_scrub_masks_what_identifies_a_citizen() -> None:
    text = f"id {ID_NUMBER} phone {PHONE} session_token={TOKEN} {{\"token\": \"{TOKEN}\"}}"
    cleaned = scrub(text)
    assert personal_data_in(cleaned, KNOWN[:2] + KNOWN[3:]) == []
    assert "530102********1313" in cleaned and "139****4321" in cleaned


def test_log_records_and_tracebacks_are_scrubbed(captured: io.StringIO) -> None:
    log = logging.getLogger("kiosk.test")
    log.warning("submit for %s failed (phone %s)", ID_NUMBER, PHONE)
    try:
        raise ValueError(f"bad form for {ID_NUMBER} token={TOKEN}")
    except ValueError:
        log.exception("background work failed")
    out = captured.getvalue()
    assert "background work failed" in out and "ValueError" in out
    assert personal_data_in(out, (ID_NUMBER, PHONE, TOKEN)) == []


def test_a_visit_leaves_nothing_personal_in_the_log_or_the_state_folder(
        captured: io.StringIO, tmp_path: Path) -> None:
    calls = {"n": 0}

    def platform(kind: str, payload: dict[str, Any], key: str) -> dict[str, Any]:
        calls["n"] += 1
        if key == "refused":
            raise errors.RequestRejected("platform: HTTP 400 invalid", code="invalid")
        if calls["n"] == 1:
            raise errors.PlatformTimeout("platform: timed out", code="timeout")
        return {"case_no": "KM2026000777"}

    faults = FaultLog(tmp_path / "faults.json")
    outbox = Outbox(tmp_path / "platform" / "outbox.sqlite3", platform, base_delay_s=0,
                    refused_expire_days=1, faults=faults)
    payload = {"item_code": "X", "session_token": TOKEN, "form": {
        "name": NAME, "id_number": ID_NUMBER, "phone": PHONE}, "materials": []}
    outbox.put("application", payload, "sent")
    outbox.put("application", payload, "refused")
    for _ in range(3):
        outbox.drain_once()
    outbox.end_of_visit()
    outbox._clock = lambda: 10**10           # much later: the refused entry expires
    outbox.end_of_visit()
    outbox.close()
    found = {str(p.relative_to(tmp_path)): personal_data_in(
        p.read_bytes().decode("utf-8", "replace"), KNOWN)
        for p in tmp_path.rglob("*") if p.is_file()}
    assert {k: v for k, v in found.items() if v} == {}
    assert personal_data_in(captured.getvalue(), KNOWN) == []
    assert [f.kind for f in faults.all()] == ["refused_expired"]


def test_the_filter_keeps_ordinary_records_intact() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "catalog version %d: %s",
                               (7, "ok"), None)
    assert ScrubFilter().filter(record) and record.getMessage() == "catalog version 7: ok"
