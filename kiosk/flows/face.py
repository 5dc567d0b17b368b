"""Face guidance for 人证核验: is there a face in the camera frame, and is it close enough?

:class:`FaceGuide` runs OpenCV's bundled Haar cascade on a frame and answers with a
:class:`FaceHint` (no face / move closer / ready) the identify screen shows and speaks; when
ready, :func:`encode_jpeg` turns the frame into the JPEG bytes sent for comparison. The
frame is never stored beyond the visit. No Kivy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import cv2
import numpy as np

from kiosk.i18n import N_


class FaceState(StrEnum):
    """What the camera sees."""

    NO_FACE = "no_face"
    TOO_FAR = "too_far"
    READY = "ready"


HINTS = {
    FaceState.NO_FACE: N_("请正对摄像头"),
    FaceState.TOO_FAR: N_("请靠近一些"),
    FaceState.READY: N_("已检测到人脸，请保持不动"),
}


@dataclass(frozen=True)
class FaceHint:
    """The state plus the message id to show, and the face box (x, y, w, h) if any."""

    state: FaceState
    message: str
    box: tuple[int, int, int, int] | None = None


class FaceGuide:
    """Haar-cascade face finder with a minimum face size relative to the frame."""

    def __init__(self, min_fraction: float = 0.09) -> None:
        cascades = cv2.data.haarcascades  # type: ignore[attr-defined]
        path = cascades + "haarcascade_frontalface_default.xml"
        self._cascade = cv2.CascadeClassifier(path)
        if self._cascade.empty():
            raise RuntimeError("OpenCV's face cascade could not be loaded")
        self.min_fraction = min_fraction

    def check(self, image: np.ndarray) -> FaceHint:
        """Guidance for one BGR frame."""
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
        faces: Any = self._cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5,
                                                    minSize=(40, 40))
        if len(faces) == 0:
            return FaceHint(FaceState.NO_FACE, HINTS[FaceState.NO_FACE])
        x, y, w, h = (int(v) for v in max(faces, key=lambda f: f[2] * f[3]))
        state = (FaceState.READY if w >= self.min_fraction * gray.shape[1]
                 else FaceState.TOO_FAR)
        return FaceHint(state, HINTS[state], (x, y, w, h))


def encode_jpeg(image: np.ndarray, quality: int = 85) -> bytes:
    """The frame as JPEG bytes for the platform's face comparison."""
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("frame could not be encoded")
    return bytes(buf)
