"""The camera's single owner: one worker thread grabs frames and shares the latest one.

:class:`OpenCvCamera` opens a source (device index or path, video or image file, stream
URL, or the simulator's ``sim://`` stream — see :mod:`drivers.camera.sources`) and keeps
only the newest :class:`Frame`. Any number of consumers read it without owning the device:
``latest_frame()``, ``wait_frame(after_seq)`` (the QR decode worker; face capture for
identity checks) or ``subscribe_frames(callback)`` (called on the grab thread — keep it
short). QR scanning (``enable()`` / ``disable()``) is delegated to an attached
:class:`~drivers.camera.qr_scanner.CameraQrScanner`, which ``from_config`` builds. A live
source that dies publishes ``camera.state`` (offline) and is reopened.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from drivers.base import (
    Capabilities,
    CommandResult,
    Completion,
    Device,
    DeviceState,
    DeviceStateChanged,
    DeviceStatus,
)
from drivers.camera.sources import FrameSource, open_frame_source
from drivers.errors import ConfigError, DeviceError

log = logging.getLogger(__name__)

STATE_TOPIC = "camera.state"
FrameCallback = Callable[["Frame"], None]


@dataclass(frozen=True)
class Frame:
    """One grabbed frame: BGR pixels, a sequence number, its arrival (monotonic seconds)."""

    image: np.ndarray = field(repr=False)
    seq: int
    timestamp: float


class OpenCvCamera(Device):
    """A camera owned by one grab thread; frames are shared, never grabbed twice."""

    device_class = "camera"

    def __init__(
        self,
        source: str | int,
        bus: Any,
        *,
        width: int = 0,
        height: int = 0,
        name: str = "camera",
        reconnect_s: float = 1.0,
        opener: Callable[[str | int, int, int], FrameSource] = open_frame_source,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.bus = bus
        self.name = name
        self.width, self.height = width, height
        self.reconnect_s = reconnect_s
        self._opener = opener
        self._clock = clock
        self._src: FrameSource | None = None
        self._live = True
        self._cond = threading.Condition()
        self._latest: Frame | None = None
        self._seq = 0
        self._subscribers: list[FrameCallback] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._scanner: Any = None
        self._ever_opened = False
        self._ended = False
        self._last_error = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any], bus: Any) -> OpenCvCamera:
        """Build from ``[devices.camera]``: source, width, height, decoder, max_side, roi,
        dedupe_window_s, scan_qr (default true); open it (loud on failure)."""
        from drivers.camera.decoders import DEFAULT_DECODER, make_decoder
        from drivers.camera.qr_scanner import CameraQrScanner

        source = config.get("source", config.get("url", ""))
        if source in ("", None):
            raise ConfigError("camera: no source configured")
        camera = cls(source, bus, width=int(config.get("width", 0)),
                     height=int(config.get("height", 0)), name=str(config.get("name", "camera")))
        if config.get("scan_qr", True):
            decoder = make_decoder(str(config.get("decoder", DEFAULT_DECODER)),
                                   max_side=int(config.get("max_side", 0)), roi=config.get("roi"))
            camera.attach_scanner(CameraQrScanner(
                camera, decoder, bus, dedupe_window_s=float(config.get("dedupe_window_s", 2.0))))
        camera.start()
        return camera

    # -- life cycle --------------------------------------------------------------------
    def attach_scanner(self, scanner: Any) -> None:
        """Attach the QR decode worker (started and closed with the camera)."""
        self._scanner = scanner

    def start(self) -> None:
        """Open the source (raises DeviceOpenError) and start the grab thread."""
        self._src = self._opener(self.source, self.width, self.height)
        self._live = self._src.live
        self._ever_opened = True
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"{self.name}-grab", daemon=True)
        self._thread.start()
        if self._scanner is not None:
            self._scanner.start()

    def close(self) -> None:
        """Stop the workers and release the device."""
        self._stop.set()
        if self._scanner is not None:
            self._scanner.close()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=3)
            self._thread = None
        src, self._src = self._src, None
        if src is not None:
            src.close()

    # -- sharing frames ----------------------------------------------------------------
    def latest_frame(self) -> Frame | None:
        """The newest frame (None before the first)."""
        return self._latest

    def wait_frame(self, after_seq: int = 0, timeout: float | None = None) -> Frame | None:
        """Block until a frame newer than ``after_seq`` arrives; None on timeout / close."""
        with self._cond:
            self._cond.wait_for(
                lambda: self._stop.is_set() or self._ended
                or (self._latest is not None and self._latest.seq > after_seq),
                timeout,
            )
            frame = self._latest
        return frame if frame is not None and frame.seq > after_seq else None

    def subscribe_frames(self, callback: FrameCallback) -> Callable[[], None]:
        """Call ``callback(frame)`` on the grab thread for every frame; returns unsubscribe."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    @property
    def ended(self) -> bool:
        """True once a file source has no more frames."""
        return self._ended

    # -- QR scanning -------------------------------------------------------------------
    def enable(self) -> CommandResult[None]:
        """A screen wants a code: decode frames and publish ``scanner.code``."""
        if self._scanner is None:
            return CommandResult.failure(Completion.UNSUPPORTED, "QR scanning not configured")
        self._scanner.enable()
        return CommandResult.success()

    def disable(self) -> CommandResult[None]:
        """No screen wants a code: stop decoding (frames keep flowing for face capture)."""
        if self._scanner is not None:
            self._scanner.disable()
        return CommandResult.success()

    # -- Device contract ---------------------------------------------------------------
    def status(self) -> DeviceStatus:
        """online while frames flow; offline when the line died; no_device if never opened."""
        scanning = "on" if self._scanner is not None and self._scanner.enabled else "off"
        details = {"scanner": scanning, "frames": self._seq}
        if self._src is None or self._ended:
            state = DeviceState.OFFLINE if self._ever_opened else DeviceState.NO_DEVICE
            return DeviceStatus(state, {**details, "scanner": "inoperative"}, self._last_error)
        return DeviceStatus(DeviceState.ONLINE, details)

    def capabilities(self) -> Capabilities:
        """Decoder and frame facts."""
        frame = self._latest
        size = [int(frame.image.shape[1]), int(frame.image.shape[0])] if frame else None
        decoder = getattr(getattr(self._scanner, "decoder", None), "name", None)
        return Capabilities("camera", "opencv", {
            "qr_decoder": decoder, "frame_size": size, "face_frames": True})

    def diagnostics(self) -> dict[str, Any]:
        """Source, frame counters and decode figures (never frame contents)."""
        info: dict[str, Any] = {"source": str(self.source), "frames": self._seq,
                                "live": self._live, "ended": self._ended,
                                "last_error": self._last_error}
        if self._scanner is not None:
            info.update(self._scanner.stats())
        return info

    def reset(self) -> CommandResult[None]:
        """Reopen the source."""
        src, self._src = self._src, None
        if src is not None:
            src.close()
        try:
            self._src = self._opener(self.source, self.width, self.height)
        except DeviceError as exc:
            self._last_error = str(exc)
            return CommandResult.failure(exc.completion, str(exc))
        self._ended = False
        return CommandResult.success()

    # -- the grab worker ---------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            src = self._src
            if src is None:
                if self._stop.wait(self.reconnect_s):
                    return
                self._reopen()
                continue
            image = src.read()
            if image is None:
                if src.ended:
                    self._source_ended(src)
                continue
            self._seq += 1
            frame = Frame(image, self._seq, self._clock())
            with self._cond:
                self._latest = frame
                self._cond.notify_all()
            for callback in list(self._subscribers):
                try:
                    callback(frame)
                except Exception:
                    log.exception("%s: frame subscriber failed", self.name)

    def _source_ended(self, src: FrameSource) -> None:
        if self._src is src:
            self._src = None
        src.close()
        if self._live:
            self._last_error = "camera stream lost"
            self._publish_state(DeviceState.OFFLINE, self._last_error)
            return
        self._ended = True
        self._last_error = "end of file"
        with self._cond:
            self._cond.notify_all()
        self._publish_state(DeviceState.OFFLINE, self._last_error)
        self._stop.set()

    def _reopen(self) -> None:
        try:
            self._src = self._opener(self.source, self.width, self.height)
        except DeviceError as exc:
            self._last_error = str(exc)
            return
        self._last_error = ""
        self._publish_state(DeviceState.ONLINE, "camera back")

    def _publish_state(self, state: DeviceState, message: str) -> None:
        self.bus.publish(STATE_TOPIC, DeviceStateChanged("camera", state, message))
