"""The synthetic camera the demo and tests point a ``sim://`` camera source at.

``SyntheticCameraSource(seed=0, size=(640, 480), fps=10)`` is told what is in front of the
lens — ``show_qr(payload)`` (a phone showing that code, optionally with scene overrides such
as ``tilt_deg=40`` or ``blur=1.5``), ``show_face()`` (a real portrait, for face capture) or
``show_nothing()`` — and produces frames: the scene is rendered once, each frame adds fresh
sensor noise. ``url`` starts (on first use) a :class:`~simulator.camera.server.FrameServer`
and returns its ``sim://127.0.0.1:PORT`` address for the camera driver.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import numpy as np

from simulator.camera.render import Scene, render
from simulator.camera.server import FrameServer

#: how a phone is typically held in front of a terminal's camera
DEFAULT_PHONE = Scene(code_frac=0.4, tilt_deg=15.0, roll_deg=-6.0, noise=0.0, glare=0.2)


class SyntheticCameraSource:
    """What the camera sees; thread-safe; frames are BGR uint8 arrays of ``size``."""

    def __init__(self, seed: int = 0, size: tuple[int, int] = (640, 480), fps: float = 10.0,
                 noise: float = 2.5) -> None:
        self.size = size
        self.fps = fps
        self.noise = noise
        self._seed = seed
        self._rng = np.random.default_rng(seed)
        self._lock = threading.Lock()
        self._scene = Scene(noise=0.0)
        self._kind = "nothing"
        self._base = render(self._scene, size, seed)
        self._server: FrameServer | None = None
        self.frames_served = 0

    # -- what is in front of the lens ------------------------------------------------------
    def show_qr(self, payload: str | bytes, **scene: Any) -> None:
        """A phone showing ``payload`` (str is UTF-8 encoded; pass bytes for GBK)."""
        raw = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
        self._set(replace(DEFAULT_PHONE, payload=raw, **scene), "qr")

    def show_face(self, **scene: Any) -> None:
        """A person facing the camera."""
        self._set(replace(Scene(noise=0.0), face=True, **scene), "face")

    def show_nothing(self) -> None:
        """An empty counter."""
        self._set(Scene(noise=0.0), "nothing")

    @property
    def showing(self) -> str:
        """``"qr"``, ``"face"`` or ``"nothing"``."""
        return self._kind

    def _set(self, scene: Scene, kind: str) -> None:
        base = render(scene, self.size, self._seed)
        with self._lock:
            self._scene, self._kind, self._base = scene, kind, base

    # -- frames ------------------------------------------------------------------------
    def frame(self) -> np.ndarray:
        """The next frame: the current scene plus fresh sensor noise."""
        with self._lock:
            base = self._base
        self.frames_served += 1
        if self.noise <= 0:
            return base.copy()
        noise = self._rng.normal(0, self.noise, base.shape[:2]).astype(np.int16)
        return np.clip(base.astype(np.int16) + noise[:, :, None], 0, 255).astype(np.uint8)

    @property
    def url(self) -> str:
        """``sim://127.0.0.1:PORT`` of this camera's frame server (started on first use)."""
        with self._lock:
            if self._server is None:
                self._server = FrameServer(self, fps=self.fps)
                self._server.start()
            return self._server.url

    def stop(self) -> None:
        """Stop the frame server, if any."""
        if self._server is not None:
            self._server.stop()
            self._server = None
