"""Identity: ID-card data + live face photo, or an electronic-ID QR → a verified session.

The face check is real: the photo must hold a face that OpenCV's bundled Haar cascade
finds. The simulator can be told to reject (``Faults.reject_face``) to play a mismatch.
Sessions give 15 minutes of data access (query, certificate); an application may still be
submitted with the token for 24 hours so the terminal's outbox can deliver it later.
Sessions keep the ID number only in memory and end on request.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

import cv2
import numpy as np

ACCESS_TTL_S = 15 * 60
SUBMIT_TTL_S = 24 * 3600
LEVEL_RANK = {"none": 0, "idcard": 1, "idcard_face": 2}


@dataclass
class Session:
    """A verified citizen at one terminal."""

    token: str
    id_number: str
    name: str
    level: str
    created: float
    ended: bool = False

    def can_access(self, now: float) -> bool:
        """True while data may be read with this session."""
        return not self.ended and now - self.created < ACCESS_TTL_S

    def can_submit(self, now: float) -> bool:
        """True while applications may be submitted with this session's token."""
        return now - self.created < SUBMIT_TTL_S


class FaceChecker:
    """Finds faces with OpenCV's bundled frontal-face Haar cascade."""

    def __init__(self) -> None:
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
        self._cascade = cv2.CascadeClassifier(path)
        if self._cascade.empty():
            raise RuntimeError(f"face cascade not found at {path}")
        self._lock = threading.Lock()

    def has_face(self, image_bytes: bytes) -> bool:
        """True if the encoded image (JPEG/PNG) decodes and shows at least one face."""
        data = np.frombuffer(image_bytes, dtype=np.uint8)
        image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) if data.size else None
        if image is None:
            return False
        if max(image.shape) > 800:
            scale = 800 / max(image.shape)
            image = cv2.resize(image, None, fx=scale, fy=scale)
        with self._lock:
            faces = self._cascade.detectMultiScale(image, scaleFactor=1.1, minNeighbors=5,
                                                   minSize=(40, 40))
        return len(faces) > 0


class Sessions:
    """In-memory session table."""

    def __init__(self) -> None:
        self._by_token: dict[str, Session] = {}
        self._lock = threading.Lock()
        #: the registered name of each citizen seen with a card (the population registry
        #: a real platform has): an e-ID names the same person as the card
        self._names: dict[str, str] = {}

    def registered_name(self, id_number: str) -> str:
        """The name the registry holds for ``id_number`` ("" when unknown)."""
        with self._lock:
            return self._names.get(id_number.upper(), "")

    def create(self, id_number: str, name: str, level: str, now: float | None = None) -> Session:
        """Open a session for a verified citizen."""
        now = time.time() if now is None else now
        session = Session(secrets.token_urlsafe(24), id_number.upper(), name, level, now)
        with self._lock:
            if name:
                self._names[id_number.upper()] = name
            self._by_token = {t: s for t, s in self._by_token.items() if s.can_submit(now)}
            self._by_token[session.token] = session
        return session

    def get(self, token: str) -> Session | None:
        """The session for a token, or None."""
        with self._lock:
            return self._by_token.get(token)

    def end(self, token: str) -> bool:
        """End data access for a session; True if it existed."""
        with self._lock:
            session = self._by_token.get(token)
            if session is None:
                return False
            session.ended = True
            return True
