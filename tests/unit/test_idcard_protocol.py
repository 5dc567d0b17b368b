"""SW3 status table, reply parsing and SAM id formatting."""

from __future__ import annotations

import pytest

from drivers.base import Completion
from drivers.errors import ProtocolError
from drivers.idcard.protocol import SW3_TABLE, Command, Reply, describe_sw3, format_sam_id

# every code of the protocol notes' SW3 table
DOCUMENTED = [0x90, 0x9F, 0x80, 0x81, 0x41, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33,
              0x40, 0x60, 0x66, 0x91]


def test_every_documented_code_has_a_completion_and_message() -> None:
    assert sorted(SW3_TABLE) == sorted(DOCUMENTED)
    for code in DOCUMENTED:
        status = describe_sw3(code)
        assert isinstance(status.completion, Completion)
        assert status.message
    assert describe_sw3(0x90).completion is Completion.SUCCESS
    assert describe_sw3(0x60).completion is Completion.HARDWARE_ERROR
    assert describe_sw3(0x80).completion is Completion.USER_ERROR


def test_unknown_code_is_a_hardware_error_naming_the_code() -> None:
    status = describe_sw3(0x77)
    assert status.completion is Completion.HARDWARE_ERROR
    assert "0x77" in status.message


def test_reply_parse_and_error() -> None:
    reply = Reply.parse(b"\x00\x00\x41")
    assert not reply.ok
    error = reply.error(Command.READ_BASE)
    assert error.completion is Completion.USER_ERROR
    assert error.code == 0x41
    assert "read_base" in str(error)
    assert Reply.parse(b"\x00\x00\x9f\x00").ok
    with pytest.raises(ProtocolError):
        Reply.parse(b"\x00\x00")
    with pytest.raises(ProtocolError, match="SW1 SW2"):
        Reply.parse(b"\x12\x34\x90")


def test_sam_id_formatting() -> None:
    data = (5).to_bytes(2, "little") + (1).to_bytes(2, "little") + \
        (20101012).to_bytes(4, "little") + (42).to_bytes(4, "little") + (7).to_bytes(4, "little")
    assert format_sam_id(data) == "05.01-20101012-0000000042-0000000007"
    with pytest.raises(ProtocolError):
        format_sam_id(b"\x00" * 8)
