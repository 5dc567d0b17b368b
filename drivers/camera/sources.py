"""Open a camera source named by a URL-like string, for the frame-grabbing worker.

* ``0`` / ``"0"`` or ``/dev/video0``: a V4L2 camera through ``cv2.VideoCapture``;
* a video file (``.mp4``, ``.avi`` …) or stream URL (``rtsp://``, ``http://``): VideoCapture,
  paced at the file's frame rate;
* an image file (``.png``, ``.jpg``, ``.bmp``, ``.webp``): the same still frame, repeated;
* ``sim://host:port``: the synthetic camera of the simulator, a TCP stream of raw frames
  (``"SIMF"``, width and height as big-endian u16, channels as u8, then the pixels).

Every source offers ``read() -> ndarray | None`` (None: nothing this time, see ``ended``)
and ``close()``. Failing to open is a :class:`~drivers.errors.DeviceOpenError`.
"""

from __future__ import annotations

import os
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from drivers.errors import DeviceOpenError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"}
SIM_HEADER = struct.Struct(">4sHHB")
SIM_MAGIC = b"SIMF"


class FrameSource(Protocol):
    """What the grab worker reads frames from."""

    live: bool  # a device or stream that can come back after failing (vs. a file)
    ended: bool  # a file reached its end / a line died

    def read(self) -> np.ndarray | None:
        """The next BGR frame, or None."""

    def close(self) -> None:
        """Release the source."""


class CaptureSource:
    """cv2.VideoCapture on a device index, device path, video file or stream."""

    def __init__(self, target: int | str, live: bool, width: int = 0, height: int = 0) -> None:
        self.live = live
        self.ended = False
        os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # FFmpeg's own stderr noise
        previous = cv2.utils.logging.getLogLevel()
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)  # one-line errors
        try:
            self._cap = cv2.VideoCapture(target)
        finally:
            cv2.utils.logging.setLogLevel(previous)
        if not self._cap.isOpened():
            self._cap.release()
            raise DeviceOpenError(f"camera {target}: cannot open")
        if live and width and height:
            self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        fps = self._cap.get(cv2.CAP_PROP_FPS) if not live else 0.0
        self._period = 1.0 / fps if fps and fps > 0 else 0.0
        self._next = time.monotonic()

    def read(self) -> np.ndarray | None:
        """Grab the next frame (files are paced at their frame rate)."""
        if self._period:
            delay = self._next - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._next = max(self._next + self._period, time.monotonic() - self._period)
        ok, frame = self._cap.read()
        if not ok or frame is None:
            self.ended = True
            return None
        return frame

    def close(self) -> None:
        """Release the capture."""
        self._cap.release()


class StillImageSource:
    """One image file served as a camera at ``fps``."""

    live = False

    def __init__(self, path: str, fps: float = 10.0) -> None:
        image = cv2.imread(path, cv2.IMREAD_COLOR)
        if image is None:
            raise DeviceOpenError(f"camera {path}: cannot read image")
        self.ended = False
        self._image = image
        self._period = 1.0 / fps if fps > 0 else 0.1

    def read(self) -> np.ndarray | None:
        """The same frame again, after one frame period."""
        time.sleep(self._period)
        return self._image.copy()

    def close(self) -> None:
        """Nothing to release."""


class SimStreamSource:
    """Client of the simulator's raw frame stream (``sim://host:port``)."""

    live = True

    def __init__(self, url: str, timeout: float = 3.0) -> None:
        host, _, port = url[len("sim://"):].partition(":")
        self.ended = False
        try:
            self._sock = socket.create_connection((host or "127.0.0.1", int(port)), timeout)
        except (OSError, ValueError) as exc:
            raise DeviceOpenError(f"camera {url}: cannot connect: {exc}") from exc
        self._sock.settimeout(timeout)

    def _exact(self, size: int) -> bytes | None:
        buffer = bytearray(size)
        view = memoryview(buffer)
        while view:
            try:
                count = self._sock.recv_into(view)
            except OSError:
                return None
            if count == 0:
                return None
            view = view[count:]
        return bytes(buffer)

    def read(self) -> np.ndarray | None:
        """Receive one frame; None (and ``ended``) when the stream dies or is malformed."""
        header = self._exact(SIM_HEADER.size)
        if header is not None:
            magic, width, height, channels = SIM_HEADER.unpack(header)
            if magic == SIM_MAGIC and channels in (1, 3) and width and height:
                pixels = self._exact(width * height * channels)
                if pixels is not None:
                    shape = (height, width, channels) if channels == 3 else (height, width)
                    return np.frombuffer(pixels, np.uint8).reshape(shape)
        self.ended = True
        return None

    def close(self) -> None:
        """Close the connection."""
        self._sock.close()


def open_frame_source(source: str | int, width: int = 0, height: int = 0) -> FrameSource:
    """Open ``source`` (see module docstring); raise DeviceOpenError when absent."""
    text = str(source).strip()
    if not text:
        raise DeviceOpenError("camera: no source configured")
    if text.startswith("sim://"):
        return SimStreamSource(text)
    if text.isdigit():
        if sys.platform.startswith("linux") and not Path(f"/dev/video{text}").exists():
            raise DeviceOpenError(f"camera {text}: no such device (/dev/video{text})")
        return CaptureSource(int(text), live=True, width=width, height=height)
    if text.startswith("/dev/"):
        if not Path(text).exists():
            raise DeviceOpenError(f"camera {text}: no such device")
        return CaptureSource(text, live=True, width=width, height=height)
    if "://" in text:
        return CaptureSource(text, live=True)
    path = Path(text)
    if not path.exists():
        raise DeviceOpenError(f"camera {text}: no such file")
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return StillImageSource(text)
    return CaptureSource(text, live=False)
