"""Contract of the ID-card driver, against the simulator or a real reader.

By default a simulator is started (TCP). ``pytest --idcard-url /dev/ttyUSB0 [--device-baud N]
tests/contract/test_idcard_contract.py`` runs the same checks against a real reader with a
card on it; the tests that need to control the simulator (faults, removing the card) are
skipped then.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from common.events import EventBus
from drivers.base import CancelToken, Completion, DeviceState
from drivers.errors import DeviceOpenError
from drivers.idcard.poller import CardPoller
from drivers.idcard.reader import SamIdCardReader
from drivers.idcard.record import IdCardRecord, is_valid_id_number
from drivers.registry import DriverRegistry
from simulator.idcard.server import IdCardSimulator


@pytest.fixture(scope="module")
def target(request: pytest.FixtureRequest) -> Iterator[tuple[str, int, IdCardSimulator | None]]:
    url = request.config.getoption("--idcard-url")
    baud = request.config.getoption("--device-baud")
    if url:
        yield url, baud, None
        return
    sim = IdCardSimulator()
    urls = sim.start(tcp_port=0, pty=False)
    try:
        yield urls["tcp"], 115200, sim
    finally:
        sim.stop()


@pytest.fixture
def sim(target: tuple[str, int, IdCardSimulator | None]) -> Iterator[IdCardSimulator]:
    simulator = target[2]
    if simulator is None:
        pytest.skip("needs the simulator's control surface")
    simulator.insert_card("han")
    yield simulator
    simulator.clear_faults()
    simulator.insert_card("han")


@pytest.fixture
def reader(target: tuple[str, int, IdCardSimulator | None]) -> Iterator[SamIdCardReader]:
    url, baud, simulator = target
    if simulator is not None:
        simulator.clear_faults()
        simulator.insert_card("han")
    device = SamIdCardReader(url, baudrate=baud, timeout=3.0)
    device.open()
    yield device
    device.close()


def check_record(record: IdCardRecord | None) -> IdCardRecord:
    assert record is not None
    assert is_valid_id_number(record.id_number)
    assert record.name and record.issuer and record.full_address
    assert record.id_number[6:14] == record.birth_date.strftime("%Y%m%d")
    assert len(record.photo) == 1024
    return record


# -- works on a real reader with a card on it -------------------------------------------
def test_sam_status_and_id(reader: SamIdCardReader) -> None:
    assert reader.sam_status().ok
    sam_id = reader.sam_id()
    assert sam_id.ok
    assert re.fullmatch(r"\d{2}\.\d{2}-\d{8}-\d{10}-\d{10}", sam_id.value or "")
    assert reader.status().state is DeviceState.ONLINE
    assert reader.status().details["sam_id"] == sam_id.value


def test_read_card_gives_a_checked_record(reader: SamIdCardReader) -> None:
    result = reader.read_card(timeout=5)
    assert result.completion is Completion.SUCCESS, result.message
    check_record(result.value)
    assert reader.status().details["media"] == "present"


def test_step_by_step_read_and_re_find_rule(reader: SamIdCardReader) -> None:
    assert reader.find_card().value is True
    assert reader.select_card().ok
    base = reader.read_base()
    assert base.ok, base.message
    check_record(base.value)
    assert reader.read_address().ok
    assert not reader.read_base().ok  # a read card must be found and selected again
    assert reader.find_card().value is True
    assert reader.select_card().ok
    assert reader.read_base().ok


def test_device_surface(reader: SamIdCardReader) -> None:
    caps = reader.capabilities().as_dict()
    assert caps["device_class"] == "idcard" and caps["read_photo"] is True
    record = check_record(reader.read_card().value)
    diag = reader.diagnostics()
    assert diag["commands"] >= 1 and diag["bytes_in"] > 1295
    assert record.id_number not in str(diag) and record.name not in str(diag)
    assert reader.reset().ok
    assert reader.status().state is DeviceState.ONLINE


def test_cancelled_command_ends_canceled(reader: SamIdCardReader) -> None:
    token = CancelToken()
    token.cancel()
    assert reader.read_card(cancel=token).completion is Completion.CANCELED
    assert reader.find_card().ok  # the line is still usable


def test_registry_builds_the_reader(target: tuple[str, int, IdCardSimulator | None]) -> None:
    device = DriverRegistry().create("idcard", {"type": "sam", "url": target[0],
                                                "baudrate": target[1]}, EventBus())
    try:
        assert isinstance(device, SamIdCardReader) and device.sam_status().ok
    finally:
        device.close()


def test_unopenable_url_is_a_loud_error() -> None:
    with pytest.raises(DeviceOpenError, match="cannot open"):
        SamIdCardReader.from_config({"type": "sam", "url": "/dev/no-such-reader"}, EventBus())


# -- need the simulator's control surface ----------------------------------------------
def test_no_card(sim: IdCardSimulator, reader: SamIdCardReader) -> None:
    sim.remove_card()
    assert reader.find_card().value is False
    now = reader.read_card(wait_for_card=False)
    assert now.completion is Completion.USER_ERROR and "no card" in now.message
    waited = reader.read_card(timeout=0.4)
    assert waited.completion is Completion.TIMEOUT and "no card" in waited.message


def test_card_removed_mid_read(sim: IdCardSimulator, reader: SamIdCardReader) -> None:
    sim.set_fault("remove_mid_read", times=1)
    result = reader.read_card(wait_for_card=False)
    assert result.completion is Completion.USER_ERROR
    assert "reading the card failed" in result.message
    assert reader.find_card().value is False


def test_bad_checksum_then_recovery(sim: IdCardSimulator, reader: SamIdCardReader) -> None:
    sim.set_fault("bad_checksum", times=1)
    result = reader.sam_status(timeout=1)
    assert result.completion is Completion.INVALID_DATA and "checksum" in result.message
    assert check_record(reader.read_card().value).name == "张晓明"


def test_garbage_before_replies_is_skipped(sim: IdCardSimulator, reader: SamIdCardReader) -> None:
    sim.set_fault("garbage", nbytes=40)
    assert check_record(reader.read_card().value).name == "张晓明"
    assert reader.diagnostics()["discarded_bytes"] >= 40


def test_lost_reply_among_noise(sim: IdCardSimulator, reader: SamIdCardReader) -> None:
    sim.set_fault("garbage", only=True)
    result = reader.sam_status(timeout=0.5)
    assert result.completion is Completion.INVALID_DATA and "not SAM frames" in result.message
    assert reader.status().state is DeviceState.OFFLINE
    sim.clear_faults()
    assert reader.sam_status().ok
    assert reader.status().state is DeviceState.ONLINE


def test_split_chunks_read_the_same_record(sim: IdCardSimulator, reader: SamIdCardReader) -> None:
    plain = check_record(reader.read_card().value)
    sim.set_fault("split_chunks", max_chunk=97, max_delay=0.01)
    assert reader.read_card().value == plain


def test_sam_selftest_failure(sim: IdCardSimulator, reader: SamIdCardReader) -> None:
    sim.set_fault("sam_selftest_fail")
    result = reader.sam_status()
    assert result.completion is Completion.HARDWARE_ERROR and "self-test" in result.message
    assert reader.status().state is DeviceState.HARDWARE_ERROR


def test_unplug_and_replug(sim: IdCardSimulator, reader: SamIdCardReader) -> None:
    sim.set_fault("unplug")
    result = reader.find_card(timeout=1)
    assert result.completion in (Completion.DEVICE_NOT_READY, Completion.TIMEOUT)
    assert reader.status().state in (DeviceState.OFFLINE, DeviceState.NO_DEVICE)
    sim.replug()
    assert check_record(reader.read_card().value).name == "张晓明"


def test_cancel_while_waiting_for_a_card(sim: IdCardSimulator, reader: SamIdCardReader) -> None:
    sim.remove_card()
    token = CancelToken()
    threading.Timer(0.3, token.cancel).start()
    assert reader.read_card(timeout=0, cancel=token).completion is Completion.CANCELED


class Recorder:
    """Collects bus events and lets a test wait for one (bounded)."""

    def __init__(self, bus: EventBus) -> None:
        self.events: list[tuple[str, Any]] = []
        self._changed = threading.Condition()
        bus.subscribe("idcard.*", self._on)

    def _on(self, topic: str, payload: Any) -> None:
        with self._changed:
            self.events.append((topic, payload))
            self._changed.notify_all()

    def topics(self) -> list[str]:
        with self._changed:
            return [t for t, _ in self.events]

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> None:
        for _ in range(int(timeout / 0.02)):  # bounded; re-checks state that has no event
            with self._changed:
                if predicate(self):
                    return
                self._changed.wait(0.02)
        raise AssertionError(f"condition not met; events: {self.topics()}")


def test_poller_events(sim: IdCardSimulator, target: tuple[str, int, Any]) -> None:
    bus = EventBus()
    events = Recorder(bus)
    sim.remove_card()
    poller = CardPoller(SamIdCardReader(target[0]), bus, interval=0.05, retry_interval=0.1)
    poller.start()
    try:
        events.wait_for(lambda e: "idcard.state" in e.topics())
        sim.insert_card("yi")
        events.wait_for(lambda e: "idcard.card_read" in e.topics())
        record = next(p for t, p in events.events if t == "idcard.card_read")
        assert record.name == "毕阿依"
        seen = sim.requests
        events.wait_for(lambda e: sim.requests > seen + 10)  # card stays: polled, not re-read
        assert events.topics().count("idcard.card_read") == 1
        sim.remove_card()
        events.wait_for(lambda e: "idcard.card_removed" in e.topics())
        sim.insert_card("bai")
        events.wait_for(lambda e: e.topics().count("idcard.card_read") == 2)
        order = [t for t in events.topics() if t != "idcard.state"]
        assert order == ["idcard.card_inserted", "idcard.card_read", "idcard.card_removed",
                         "idcard.card_inserted", "idcard.card_read"]
    finally:
        poller.stop()
    assert not poller.running


def test_poller_offline_and_back(sim: IdCardSimulator, target: tuple[str, int, Any]) -> None:
    bus = EventBus()
    events = Recorder(bus)
    poller = CardPoller(SamIdCardReader(target[0]), bus, interval=0.05, retry_interval=0.1)
    poller.start()

    def states(e: Recorder) -> list[DeviceState]:
        return [p.state for t, p in e.events if t == "idcard.state"]

    try:
        events.wait_for(lambda e: DeviceState.ONLINE in states(e))
        sim.unplug()
        events.wait_for(lambda e: DeviceState.OFFLINE in states(e))
        sim.replug()
        events.wait_for(lambda e: states(e)[-1] is DeviceState.ONLINE and len(states(e)) >= 3)
        assert states(events)[:3] == [DeviceState.ONLINE, DeviceState.OFFLINE, DeviceState.ONLINE]
    finally:
        poller.stop()


def test_every_card_is_read_twice_and_the_reads_agree(reader: SamIdCardReader) -> None:
    """double_read = "always" (the default): two agreeing reads of the base message."""
    before = reader.diagnostics()["extra_reads"]
    check_record(reader.read_card().value)
    assert reader.diagnostics()["extra_reads"] == before + 1


def test_on_doubt_reads_twice_only_after_a_resynchronisation(
    sim: IdCardSimulator, target: tuple[str, int, IdCardSimulator | None]
) -> None:
    device = SamIdCardReader(target[0], baudrate=target[1], double_read="on_doubt")
    try:
        assert check_record(device.read_card().value).name == "张晓明"
        assert device.diagnostics()["extra_reads"] == 0  # a clean line: one read
        sim.set_fault("garbage", nbytes=30, times=3)  # noise before find, select, read-base
        assert check_record(device.read_card().value).name == "张晓明"
        assert device.diagnostics()["extra_reads"] == 1  # the noisy read was checked again
    finally:
        device.close()
