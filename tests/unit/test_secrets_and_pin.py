"""Secrets outside terminal.toml (systemd credentials or a 0600 file, a looser file refused
in one line) and the operator PIN as a scrypt hash with throttling that survives a restart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.config import parse_config
from kiosk.pin import PinGuard, hash_pin, verify_pin
from kiosk.secrets import SecretsError, apply_secrets, inline_secrets, load_secrets


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_pin_hash_is_scrypt_and_verifies() -> None:
    stored = hash_pin("246810", log2_n=10)
    assert stored.startswith("scrypt$10$") and "246810" not in stored
    assert verify_pin("246810", stored) and not verify_pin("246811", stored)
    assert not verify_pin("246810", "plain:246810")


def test_wrong_pins_lock_the_keypad_longer_and_longer_across_restarts(tmp_path: Path) -> None:
    clock = Clock()
    stored = hash_pin("246810", log2_n=10)
    guard = PinGuard(stored, tmp_path / "pin.json", clock=clock)
    assert guard.check("000000").locked_for_s == 0
    assert guard.check("000001").locked_for_s == 0
    assert guard.check("000002").locked_for_s == 30          # third wrong one locks
    restarted = PinGuard(stored, tmp_path / "pin.json", clock=clock)
    assert not restarted.check("246810").ok                   # locked: not even checked
    clock.now += 31
    assert restarted.check("000003").locked_for_s == 60       # doubles
    clock.now += 61
    assert restarted.check("246810").ok
    assert restarted.check("000004").locked_for_s == 0        # a right PIN resets
    assert oct(os.stat(tmp_path / "pin.json").st_mode & 0o777) == "0o600"


def test_secrets_from_systemd_credentials(tmp_path: Path) -> None:
    (tmp_path / "platform-secret").write_text("s3cret\n")
    (tmp_path / "operator-pin-hash").write_text(hash_pin("1234", log2_n=10))
    found = load_secrets(env={"CREDENTIALS_DIRECTORY": str(tmp_path)})
    assert found.platform_secret == "s3cret" and verify_pin("1234", found.operator_pin_hash or "")
    config = apply_secrets(parse_config({}), found)
    assert config.platform.secret == "s3cret"


def test_a_secrets_file_readable_by_others_is_refused_in_one_line(tmp_path: Path) -> None:
    file = tmp_path / "secrets.toml"
    file.write_text('platform_secret = "s3cret"\n')
    file.chmod(0o644)
    with pytest.raises(SecretsError) as caught:
        load_secrets(file, env={})
    assert "chmod 600" in str(caught.value) and "\n" not in str(caught.value)
    file.chmod(0o600)
    assert load_secrets(file, env={}).platform_secret == "s3cret"


def test_secrets_left_in_terminal_toml_are_named() -> None:
    config = parse_config({"terminal": {"operator_pin": "246810"},
                           "platform": {"secret": "real-secret"}})
    assert inline_secrets(config) == ["platform.secret", "terminal.operator_pin"]
    assert inline_secrets(parse_config({})) == []
