"""The composition root builds the whole terminal from config (no Kivy): every simulator's
device opens through the registry, the catalog syncs, an unknown or unreachable device is
reported loudly instead of silently replaced, and the platform being away leaves the cached
catalog in use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.composition import build_terminal
from kiosk.config import TerminalConfig, parse_config, read_table
from kiosk.voice import NullSink
from screens.demo.runner import demo_table
from simulator.suite import SimulatorSuite


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorSuite, dict]]:
    sims = SimulatorSuite(tmp_path_factory.mktemp("sims"))
    urls = sims.start()
    yield sims, urls
    sims.stop()


def _table(urls: dict[str, str], out: Path) -> dict[str, Any]:
    table = demo_table(read_table(), urls, out)
    table["voice"]["enabled"] = False
    return table


def _config(urls: dict[str, str], out: Path) -> TerminalConfig:
    return parse_config(_table(urls, out))


def test_every_device_opens_and_the_catalog_syncs(suite: tuple, tmp_path: Path) -> None:
    _sims, urls = suite
    terminal = build_terminal(_config(urls, tmp_path), NullSink(), base_dir=tmp_path,
                              start_threads=False)
    try:
        assert set(terminal.devices) == {"idcard", "scanner", "camera", "printer"}
        assert {k for k in terminal.device_errors if k != "fleet"} == set()
        states = terminal.device_states()
        # the ID-card reader reports "starting" until its poller's first poll
        assert all(states[d]["state"] in ("online", "starting") for d in terminal.devices)
        assert states["printer"]["state"] == "online" and states["printer"]["paper"] == "ok"
        assert terminal.catalog.get("KM-HPF-002") is not None
        assert [h.code for h in terminal.search.search("zftq", limit=1)] == ["KM-HPF-005"]
        assert terminal.ports.printer is terminal.devices["printer"]
        session = terminal.new_session()
        assert not session.identified and session.language == "zh_CN"
    finally:
        terminal.close()
        terminal.close()   # safe twice


def test_unknown_and_unreachable_devices_are_reported_not_replaced(
        suite: tuple, tmp_path: Path) -> None:
    _sims, urls = suite
    table = _table(urls, tmp_path)
    table["devices"]["scanner"]["type"] = "laser-gun"
    table["devices"]["printer"]["url"] = "tcp://127.0.0.1:9"   # nothing listens there
    terminal = build_terminal(parse_config(table), NullSink(), base_dir=tmp_path,
                              start_threads=False)
    try:
        assert "scanner" not in terminal.devices
        assert "laser-gun" in terminal.device_errors["scanner"]
        states = terminal.device_states()
        assert states["scanner"]["state"] == "no_device"
        # a network printer connects per job: it is there, but reports that it cannot print
        assert states["printer"]["state"] != "online"
    finally:
        terminal.close()


def test_platform_away_keeps_the_cached_catalog(suite: tuple, tmp_path: Path) -> None:
    _sims, urls = suite
    first = build_terminal(_config(urls, tmp_path), NullSink(), base_dir=tmp_path,
                           start_threads=False)
    count = len(first.catalog.items())
    first.close()
    table = _table(urls, tmp_path)
    table["platform"].update({"url": "http://127.0.0.1:9", "retries": 0,
                              "connect_timeout_s": 0.5})
    away = parse_config(table)
    terminal = build_terminal(away, NullSink(), base_dir=tmp_path, start_threads=False)
    try:
        assert terminal.catalog_error
        assert len(terminal.catalog.items()) == count > 0
        assert terminal.search.search("xwpxjg", limit=1)
    finally:
        terminal.close()
