"""Vendor command bytes, answer stripping and mode checks of scanner profiles."""

from __future__ import annotations

import pytest

from drivers.errors import ConfigError
from drivers.scanner.profiles import (
    GENERIC,
    GM65,
    HONEYWELL,
    NEWLAND,
    check_mode,
    get_profile,
)


def test_honeywell_trigger_bytes_match_the_reference() -> None:
    assert HONEYWELL.trigger == bytes.fromhex("16540d")
    assert HONEYWELL.stop == bytes.fromhex("16550d")


def test_gm65_trigger_bytes_match_the_reference() -> None:
    assert GM65.trigger == bytes.fromhex("7e0008010002 01abcd".replace(" ", ""))
    assert GM65.stop == bytes.fromhex("7e000801000200abcd")


def test_newland_commands_are_framed() -> None:
    for command in (NEWLAND.trigger, NEWLAND.stop, NEWLAND.scanning_on, NEWLAND.scanning_off):
        assert command.startswith(b"\x7e\x01" + b"0000")
        assert command.endswith(b";\x03")


@pytest.mark.parametrize(("profile", "answer"), [
    (HONEYWELL, b"TRGMOD3\x06."),
    (NEWLAND, b"\x02\x010000#SCNTRG1\x06;\x03"),
    (GM65, b"\x02\x00\x00\x01\x00\x33\x31"),
])
def test_answers_are_stripped_from_the_front_of_a_line(profile, answer) -> None:
    rest, count = profile.strip_answers(answer + answer + b"CODE")
    assert (rest, count) == (b"CODE", 2)
    assert profile.is_answer(answer)
    assert not profile.is_answer(b"CODE")


def test_generic_profile_strips_nothing() -> None:
    assert GENERIC.strip_answers(b"TRGMOD3\x06.X") == (b"TRGMOD3\x06.X", 0)


def test_enable_and_disable_commands_per_mode() -> None:
    assert HONEYWELL.enable_command("triggered") == HONEYWELL.trigger
    assert HONEYWELL.disable_command("triggered") == HONEYWELL.stop
    assert GM65.enable_command("continuous") == GM65.scanning_on
    assert GENERIC.enable_command("continuous") == b""


def test_unknown_profile_and_impossible_mode_are_config_errors() -> None:
    with pytest.raises(ConfigError):
        get_profile("zebra")
    with pytest.raises(ConfigError):
        check_mode(GENERIC, "triggered")
    with pytest.raises(ConfigError):
        check_mode(HONEYWELL, "burst")
    assert get_profile("Newland") is NEWLAND
