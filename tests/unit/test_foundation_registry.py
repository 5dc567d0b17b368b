"""Driver registry and URL transport: loud errors for unknown types and unopenable devices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from common.events import EventBus
from drivers.base import (
    Capabilities,
    CommandResult,
    Completion,
    Deadline,
    Device,
    DeviceState,
    DeviceStatus,
)
from drivers.errors import ConfigError, DeviceOpenError, UnknownDeviceType
from drivers.registry import DriverRegistry
from drivers.transport import normalise_url, open_serial


class FakeDevice(Device):
    device_class = "fake"

    def __init__(self, url: str) -> None:
        self.url = url

    @classmethod
    def from_config(cls, config: Mapping[str, Any], bus: EventBus) -> FakeDevice:
        return cls(str(config["url"]))

    def status(self) -> DeviceStatus:
        return DeviceStatus(DeviceState.ONLINE, {"paper": "ok"})

    def capabilities(self) -> Capabilities:
        return Capabilities("fake", features={"cut": True})

    def diagnostics(self) -> dict[str, Any]:
        return {"url": self.url}

    def reset(self) -> CommandResult[None]:
        return CommandResult.success()


def test_registry_builds_a_registered_driver_from_config() -> None:
    registry = DriverRegistry({})
    registry.register("fake", "one", FakeDevice)
    device = registry.create("fake", {"type": "one", "url": "loop://"}, EventBus())
    assert isinstance(device, FakeDevice)
    assert device.url == "loop://"
    assert registry.types("fake") == ["one"]


def test_unknown_type_names_the_known_ones() -> None:
    registry = DriverRegistry({})
    registry.register("fake", "one", FakeDevice)
    with pytest.raises(UnknownDeviceType, match=r"unknown fake type 'two' \(known: one\)"):
        registry.create("fake", {"type": "two"}, EventBus())


def test_missing_type_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no 'type'"):
        DriverRegistry({}).create("printer", {"url": "tcp://x:9100"}, EventBus())


def test_registry_resolves_dotted_paths() -> None:
    registry = DriverRegistry({("fake", "path"): f"{__name__}:FakeDevice"})
    assert registry.resolve("fake", "path") is FakeDevice


def test_status_and_capabilities_serialise_for_json() -> None:
    device = FakeDevice("loop://")
    assert device.status().as_dict() == {"state": "online", "message": "", "paper": "ok"}
    assert device.capabilities().as_dict() == {
        "device_class": "fake", "model": "unknown", "cut": True
    }
    failed: CommandResult[int] = CommandResult.failure(Completion.TIMEOUT, "no answer")
    assert not failed.ok and failed.completion is Completion.TIMEOUT


def test_deadline_zero_means_no_limit() -> None:
    now = [100.0]
    unlimited = Deadline(0, clock=lambda: now[0])
    limited = Deadline(2, clock=lambda: now[0])
    now[0] = 101.5
    assert unlimited.remaining() is None and not unlimited.expired
    assert limited.remaining() == pytest.approx(0.5)
    now[0] = 102.0
    assert limited.expired


def test_transport_aliases_tcp_and_opens_loop_urls() -> None:
    assert normalise_url("tcp://127.0.0.1:9100") == "socket://127.0.0.1:9100"
    port = open_serial("loop://", baudrate=9600, timeout=0.1)
    try:
        port.write(b"\xaa\xaa\xaa\x96\x69")
        assert port.read(5) == b"\xaa\xaa\xaa\x96\x69"
    finally:
        port.close()


def test_transport_reports_an_absent_device_clearly() -> None:
    with pytest.raises(DeviceOpenError, match="cannot open /dev/ttyNOPE0"):
        open_serial("/dev/ttyNOPE0")
    with pytest.raises(DeviceOpenError, match="no device URL"):
        open_serial("")
