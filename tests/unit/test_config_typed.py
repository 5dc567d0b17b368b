"""Typed configuration: every kind of bad value is refused with one line naming the key, the
value and what is allowed — from the loader and from the command line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import (
    LIVE_KEYS,
    ConfigError,
    TerminalConfig,
    UnknownDevice,
    load_config,
    override,
    parse_config,
    read_table,
    reload_plan,
    with_live_keys,
)

ROOT = Path(__file__).resolve().parents[2]


def _with(section: str, key: str, value: object) -> dict:
    table = read_table()
    node = table
    for part in section.split("."):
        node = node.setdefault(part, {})
    node[key] = value
    return table


def test_the_shipped_file_is_valid_and_typed() -> None:
    config = load_config()
    assert isinstance(config, TerminalConfig)
    assert config.platform.read_timeout_s == 10.0 and config.platform.retries == 2
    assert config.devices["printer"].width_mm == 80
    assert config.device_table("scanner")["suffix"] == "auto"
    assert config.ui.language == "zh_CN" and config.terminal.operator_pin.isdigit()


@pytest.mark.parametrize(("section", "key", "value", "expected"), [
    # a number given as text
    ("platform", "read_timeout_s", "abc",
     'platform.read_timeout_s = "abc": must be a number from 0.1 to 300'),
    # a whole number out of range
    ("platform", "retries", -1, "platform.retries = -1: must be a whole number from 0 to 10"),
    # a choice known at run time (the installed language packs)
    ("ui", "language", "fr", 'ui.language = "fr": must be one of "en", "qps", "zh_CN"'),
    # a fixed choice of numbers, given a word
    ("devices.printer", "width_mm", "wide",
     'devices.printer.width_mm = "wide": must be one of 58, 80'),
    # a fixed choice of names
    ("voice", "engine", "festival",
     'voice.engine = "festival": must be one of "espeak-ng", "piper"'),
    # a pattern
    ("terminal", "operator_pin", "12ab",
     'terminal.operator_pin = "12ab": must be 4 to 12 digits (the keypad has digits only)'),
    # a boolean given as text
    ("ui", "elderly", "yes", 'ui.elderly = "yes": must be true or false'),
    # a text given as a number
    ("terminal", "name", 5, "terminal.name = 5: must be a text in quotes"),
    # a typo: an unknown key
    ("ui", "langauge", "en", 'ui.langauge = "en": unknown key; allowed here: '),
])
def test_each_kind_of_bad_value_gives_one_line(section: str, key: str, value: object,
                                               expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(_with(section, key, value))
    message = str(caught.value)
    assert message.startswith(expected), message
    assert "\n" not in message


def test_unknown_section_and_device_type() -> None:
    table = read_table()
    table["screen"] = {"size": 1}
    with pytest.raises(ConfigError, match=r"^screen = a table: unknown key; allowed here: "):
        parse_config(table)
    table = read_table()
    table["devices"]["scanner"]["type"] = "laser-gun"   # the registry reports it, loudly
    config = parse_config(table)
    assert isinstance(config.devices["scanner"], UnknownDevice)
    assert config.device_table("scanner")["type"] == "laser-gun"


def test_the_command_line_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[platform]\nread_timeout_s = "abc"\n', encoding="utf-8")
    env = {**os.environ, "DISPLAY": os.environ.get("DISPLAY", ":0")}
    for argv in (["screens", "run", "--config", str(bad)],
                 ["kiosk", "catalog", "--config", str(bad), "stats"]):
        done = subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2, (argv, done.stdout, done.stderr)
        assert len(lines) == 1, done.stderr
        assert lines[0].endswith('platform.read_timeout_s = "abc": '
                                 "must be a number from 0.1 to 300"), done.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text("[ui\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "screens", "run", "--config", str(broken)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "does not parse as TOML" in done.stderr
    assert "Traceback" not in done.stderr


def test_live_reload_takes_only_live_keys() -> None:
    running = load_config()
    table = read_table()
    table["ui"]["language"] = "en"
    table["voice"]["volume"] = 0.5
    table["devices"]["printer"]["url"] = "tcp://127.0.0.1:9"
    new = parse_config(table)
    live, restart = reload_plan(running, new)
    assert live == ["ui.language", "voice.volume"] and set(live) <= LIVE_KEYS
    assert restart == ["devices.printer.url"]
    applied = with_live_keys(running, new, live)
    assert applied.ui.language == "en" and applied.voice.volume == 0.5
    assert applied.devices["printer"].url == running.devices["printer"].url
    with pytest.raises(ValueError):
        with_live_keys(running, new, restart)


def test_override_is_checked_like_the_file() -> None:
    config = override(load_config(), "ui", idle_timeout_s=90)
    assert config.ui.idle_timeout_s == 90.0
    with pytest.raises(ConfigError, match=r"ui\.idle_timeout_s = 5: must be a number from 21"):
        override(config, "ui", idle_timeout_s=5)
