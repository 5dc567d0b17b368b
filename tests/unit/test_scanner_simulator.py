"""The scanner simulator's vendor command parsers (independent of the driver's tables)."""

from __future__ import annotations

from simulator.scanner.commands import parse_gm65, parse_honeywell, parse_newland


def test_honeywell_trigger_and_menu() -> None:
    assert parse_honeywell(b"\x16T\r") == (["arm"], b"", 3)
    actions, answer, used = parse_honeywell(b"\x16M\rTRGMOD3.")
    assert actions == ["scan_on"]
    assert answer == b"TRGMOD3\x06."
    assert used == 11


def test_newland_frame_answered_with_ack() -> None:
    actions, answer, used = parse_newland(b"\x7e\x010000#SCNENA0;\x03")
    assert actions == ["scan_off"]
    assert answer == b"\x02\x010000#SCNENA0\x06;\x03"
    assert used == 16


def test_gm65_zone_writes() -> None:
    assert parse_gm65(bytes.fromhex("7e000801000201abcd"))[0] == ["arm"]
    assert parse_gm65(bytes.fromhex("7e0008010000 02abcd".replace(" ", "")))[0] == ["scan_on"]
    assert parse_gm65(bytes.fromhex("7e000801000201abcd"))[1] == bytes.fromhex("02000001003331")


def test_incomplete_command_waits_and_garbage_is_skipped() -> None:
    assert parse_honeywell(b"\x16")[2] == 0  # wait for the rest
    assert parse_honeywell(b"noise\x16T\r")[0] == ["arm"]
    assert parse_gm65(b"zz")[2] == 2
