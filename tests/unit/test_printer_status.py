"""DLE EOT status parsing: every fault, garbage, no reply."""

from __future__ import annotations

import pytest

from drivers.base import DeviceState
from drivers.errors import ProtocolError
from drivers.printer.status import NO_REPLY, QUERY, is_status_byte, parse_reply

OK = bytes([0x12, 0x12, 0x12])


def test_query_is_three_real_time_requests() -> None:
    assert QUERY == b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"


def test_healthy_printer() -> None:
    status = parse_reply(OK)
    assert status.ready and status.paper == "ok" and not status.cover_open
    assert status.device_state() is DeviceState.ONLINE
    assert status.as_device_status().details["paper"] == "ok"


@pytest.mark.parametrize(
    ("reply", "paper", "cover", "error", "state", "problem"),
    [
        (bytes([0x1A, 0x16, 0x12]), "ok", True, False, DeviceState.OFFLINE, "cover is open"),
        (bytes([0x1A, 0x32, 0x72]), "out", False, False, DeviceState.OFFLINE, "out of paper"),
        (bytes([0x12, 0x12, 0x1E]), "low", False, False, DeviceState.ONLINE, ""),
        (bytes([0x1A, 0x52, 0x12]), "ok", False, True, DeviceState.HARDWARE_ERROR, "error"),
        (bytes([0x1A, 0x12, 0x12]), "ok", False, False, DeviceState.OFFLINE, "offline"),
    ],
)
def test_faults(
    reply: bytes, paper: str, cover: bool, error: bool, state: DeviceState, problem: str
) -> None:
    status = parse_reply(reply)
    assert (status.paper, status.cover_open, status.error) == (paper, cover, error)
    assert status.device_state() is state
    assert problem in status.problem()
    assert status.ready is (problem == "")


def test_paper_end_stop_alone_means_paper_out() -> None:
    assert parse_reply(bytes([0x1A, 0x32, 0x12])).paper == "out"


def test_no_reply_is_unknown_never_paper_ok() -> None:
    status = parse_reply(b"")
    assert status is NO_REPLY
    assert status.paper == "unknown" and not status.ready
    assert status.device_state() is DeviceState.OFFLINE
    assert status.details()["cover_open"] is None


@pytest.mark.parametrize("reply", [b"\xff\xff\xff", b"\x12\x12", b"\x12\x00\x12", b"ABC"])
def test_garbage_is_a_protocol_error(reply: bytes) -> None:
    with pytest.raises(ProtocolError):
        parse_reply(reply)


def test_fixed_bit_pattern() -> None:
    assert is_status_byte(0x12) and is_status_byte(0x7E)
    assert not is_status_byte(0x13) and not is_status_byte(0x02) and not is_status_byte(0x92)
