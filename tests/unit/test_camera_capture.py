"""The camera's single owner over the simulator's sim:// stream: shared frames, QR events,
face frames while scanning is off, a lost stream, absent sources."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import pytest

from common.events import EventBus
from drivers.camera.capture import STATE_TOPIC, OpenCvCamera
from drivers.errors import DeviceOpenError
from drivers.scanner.event import CODE_TOPIC
from simulator.camera.render import Scene, render
from simulator.camera.source import SyntheticCameraSource

CASE = "EBT1:CASE:53010020261121000123"


class Events:
    def __init__(self, bus: EventBus, topic: str) -> None:
        self.items: queue.Queue[Any] = queue.Queue()
        bus.subscribe(topic, lambda _t, payload: self.items.put(payload))

    def next(self, timeout: float = 5.0) -> Any:
        try:
            return self.items.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no event within {timeout} s") from None


@pytest.fixture
def sim() -> Iterator[SyntheticCameraSource]:
    source = SyntheticCameraSource(seed=1, size=(640, 480), fps=20)
    yield source
    source.stop()


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def camera(sim: SyntheticCameraSource, bus: EventBus) -> Iterator[OpenCvCamera]:
    device = OpenCvCamera.from_config({"type": "opencv", "source": sim.url}, bus)
    yield device
    device.close()


def test_qr_shown_to_the_camera_becomes_a_scanner_code(sim, bus, camera) -> None:
    codes = Events(bus, CODE_TOPIC)
    camera.enable()
    sim.show_qr(CASE)
    event = codes.next()
    assert (event.text, event.raw, event.source) == (CASE, CASE.encode(), "camera")
    assert camera.status().details["scanner"] == "on"


def test_gbk_payload_through_the_whole_pipeline(sim, bus, camera) -> None:
    codes = Events(bus, CODE_TOPIC)
    camera.enable()
    sim.show_qr("盘龙区不动产登记".encode("gbk"))
    event = codes.next()
    assert (event.text, event.encoding) == ("盘龙区不动产登记", "gb18030")


def test_nothing_is_decoded_while_disabled_but_frames_flow(sim, bus, camera) -> None:
    codes = Events(bus, CODE_TOPIC)
    sim.show_qr(CASE)
    first = camera.wait_frame(0, timeout=5)
    assert first is not None
    later = camera.wait_frame(first.seq + 3, timeout=5)
    assert later is not None and later.seq > first.seq
    with pytest.raises(AssertionError):
        codes.next(timeout=0.5)
    assert camera.diagnostics()["frames_decoded"] == 0


def test_face_capture_shares_frames_with_qr_scanning(sim, bus, camera) -> None:
    seen: list[int] = []
    got = threading.Event()

    def on_frame(frame: Any) -> None:
        seen.append(frame.seq)
        if len(seen) >= 3:
            got.set()

    unsubscribe = camera.subscribe_frames(on_frame)
    camera.enable()
    sim.show_face()
    assert got.wait(5)
    unsubscribe()
    frame = camera.latest_frame()
    assert frame is not None and frame.image.shape == (480, 640, 3)
    assert camera.diagnostics()["frames_decoded"] >= 1  # the decoder ran on the same frames


def test_lost_stream_is_reported(sim, bus, camera) -> None:
    states = Events(bus, STATE_TOPIC)
    assert camera.wait_frame(0, timeout=5) is not None
    sim.stop()
    assert states.next().state.value == "offline"


def test_image_file_source(tmp_path: Path, bus: EventBus) -> None:
    path = tmp_path / "code.png"
    cv2.imwrite(str(path), render(Scene(payload=CASE.encode()), (640, 480), seed=2))
    codes = Events(bus, CODE_TOPIC)
    device = OpenCvCamera.from_config({"type": "opencv", "source": str(path)}, bus)
    try:
        device.enable()
        assert codes.next().text == CASE
    finally:
        device.close()


@pytest.mark.parametrize("source", ["sim://127.0.0.1:1", "/dev/video99", "7", "/no/such.mp4"])
def test_absent_sources_fail_loudly(source: str, bus: EventBus) -> None:
    with pytest.raises(DeviceOpenError):
        OpenCvCamera.from_config({"type": "opencv", "source": source}, bus)


def test_registry_builds_the_camera(sim: SyntheticCameraSource, bus: EventBus) -> None:
    from drivers.registry import DriverRegistry

    device = DriverRegistry().create("camera", {"type": "opencv", "source": sim.url,
                                                "decoder": "pyzbar"}, bus)
    try:
        assert isinstance(device, OpenCvCamera)
        assert device.capabilities().features["qr_decoder"] == "pyzbar"
    finally:
        device.close()
