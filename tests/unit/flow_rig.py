"""Shared rig for the flow-engine tests: a recording printer, a live face photo from the
camera simulator, and FlowPorts wired to a running platform simulator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common.events import EventBus
from drivers.base import CommandResult, Completion
from kiosk.flows.ports import FlowPorts
from kiosk.platform.client import PlatformClient
from kiosk.platform.outbox import Outbox, PlatformSender

TERMINAL_ID, SECRET = "KM-DEMO-0001", "demo-secret"


class RecordingPrinter:
    """Records every document; fails with ``fail`` when given one."""

    def __init__(self, fail: Completion | None = None) -> None:
        self.docs: list[Any] = []
        self.fail = fail

    def print_document(self, doc: Any, timeout: float = 0, cancel: Any = None
                       ) -> CommandResult[Any]:
        self.docs.append(doc)
        if self.fail:
            return CommandResult.failure(self.fail, "paper out")
        return CommandResult.success()


def face_photo() -> bytes:
    """A JPEG of the camera simulator's face frame (a real portrait)."""
    import cv2

    from simulator.camera.source import SyntheticCameraSource

    source = SyntheticCameraSource(noise=0)
    source.show_face()
    ok, jpeg = cv2.imencode(".jpg", source.frame())
    assert ok
    return bytes(jpeg.tobytes())


@contextmanager
def flow_ports(url: str, tmp_path: Path) -> Iterator[FlowPorts]:
    """FlowPorts against the platform at ``url``, with an outbox under ``tmp_path``."""
    outbox = Outbox(tmp_path / "outbox.sqlite3",
                    PlatformSender(PlatformClient(url, TERMINAL_ID, SECRET)), base_delay_s=0.05)
    try:
        yield FlowPorts(platform=PlatformClient(url, TERMINAL_ID, SECRET), outbox=outbox,
                        printer=RecordingPrinter(), bus=EventBus(), terminal_id=TERMINAL_ID,
                        delivery_wait_s=3)
    finally:
        outbox.close()


def complete_form(journey: Any) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """A complete, valid form for the journey's item (from the platform's schema) and every
    material that may not be deferred, as photos."""
    spec = journey.form_spec
    if spec is None:
        return {"phone": "13800000000"}, []
    sample = {"amount": "100", "date": "20240315", "phone": "13800000000"}
    entries = {f.name: f.options[0] if f.kind == "choice" else sample.get(f.kind, "")
               for f in spec.fields if f.required}
    materials = [{"name": n, "via": "photo"} for n in spec.missing_materials(set(), True)]
    return spec.values(entries), materials
