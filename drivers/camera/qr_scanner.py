"""Decode QR codes from the shared camera frames and publish them like a serial scanner.

:class:`CameraQrScanner` runs its own worker thread: it waits for a frame newer than the
last one it decoded, so a slow decode skips stale frames instead of queueing them (the
delay from a frame's arrival to its event stays within one decode). Repeats are
suppressed; codes go to ``scanner.code`` as :class:`~drivers.scanner.event.ScanEvent`
with source ``"camera"``. Decoding runs only while enabled.
"""

from __future__ import annotations

import logging
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from drivers.scanner.dedupe import Deduplicator
from drivers.scanner.event import CODE_TOPIC, ScanEvent

log = logging.getLogger(__name__)


class CameraQrScanner:
    """The decode worker attached to an :class:`~drivers.camera.capture.OpenCvCamera`."""

    def __init__(
        self,
        camera: Any,
        decoder: Any,
        bus: Any,
        *,
        dedupe_window_s: float = 2.0,
        source: str = "camera",
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        history: int = 128,
    ) -> None:
        self.camera = camera
        self.decoder = decoder
        self.bus = bus
        self.source = source
        self._clock = clock
        self._wall = wall_clock
        self._dedupe = Deduplicator(dedupe_window_s, clock=clock)
        self._enabled = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.decode_ms: deque[float] = deque(maxlen=history)
        self.latency_ms: deque[float] = deque(maxlen=history)
        self.wait_ms: deque[float] = deque(maxlen=history)
        self.frames_decoded = 0
        self.frames_skipped = 0
        self.codes = 0
        self.errors = 0

    @property
    def enabled(self) -> bool:
        """Whether frames are being decoded."""
        return self._enabled.is_set()

    def enable(self) -> None:
        """Start decoding; a code seen before counts as new again."""
        self._dedupe.clear()
        self._enabled.set()

    def disable(self) -> None:
        """Stop decoding."""
        self._enabled.clear()

    def start(self) -> None:
        """Start the worker thread."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="camera-qr", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the worker thread."""
        self._stop.set()
        self._enabled.set()  # wake it up
        if self._thread is not None:
            self._thread.join(timeout=3)
            self._thread = None
        self._enabled.clear()

    def stats(self) -> dict[str, Any]:
        """Counters and medians for diagnostics and the benchmark."""
        return {
            "decoder": getattr(self.decoder, "name", "?"),
            "scanning": self.enabled,
            "frames_decoded": self.frames_decoded,
            "frames_skipped": self.frames_skipped,
            "codes": self.codes,
            "decode_errors": self.errors,
            "decode_ms_median": _median(self.decode_ms),
            "arrival_to_event_ms_median": _median(self.latency_ms),
            "wait_before_decode_ms_median": _median(self.wait_ms),
        }

    def _run(self) -> None:
        last = 0
        while not self._stop.is_set():
            if not self._enabled.wait(0.2) or self._stop.is_set():
                continue
            frame = self.camera.wait_frame(last, timeout=0.2)
            if frame is None:
                continue
            if last and frame.seq > last + 1:
                self.frames_skipped += frame.seq - last - 1
            last = frame.seq
            if not self._enabled.is_set():
                continue
            self._decode(frame)

    def _decode(self, frame: Any) -> None:
        start = self._clock()
        self.wait_ms.append((start - frame.timestamp) * 1000)
        try:
            results = self.decoder.decode(frame.image)
        except Exception:  # a decoder bug must not kill the worker
            self.errors += 1
            log.exception("QR decoder failed")
            return
        self.decode_ms.append((self._clock() - start) * 1000)
        self.frames_decoded += 1
        for result in results:
            if not result.raw or not self._dedupe.accept(result.raw):
                continue
            self.codes += 1
            self.bus.publish(CODE_TOPIC, ScanEvent.from_raw(result.raw, self.source, self._wall()))
            self.latency_ms.append((self._clock() - frame.timestamp) * 1000)


def _median(values: deque[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None
