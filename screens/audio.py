"""Kivy audio sink for the Voice service: plays prompt WAVs with Kivy's SoundLoader.

Every call may come from the voice worker thread; the work is moved onto Kivy's main thread
with ``Clock.schedule_once`` so nothing blocks the UI and Kivy objects are touched from one
thread only. ``on_done`` is called when the sound ends or is stopped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.audio import SoundLoader

log = logging.getLogger(__name__)


class KivySink:
    """An ``AudioSink`` (kiosk.voice.sinks) on Kivy's audio providers."""

    def __init__(self) -> None:
        self._sound: Any = None
        self._done: Callable[[], None] | None = None
        self._volume = 1.0
        self._lock = threading.Lock()

    def play(self, path: Path, volume: float, on_done: Callable[[], None]) -> None:
        """Start ``path`` on the main thread; returns at once."""
        self._volume = volume
        Clock.schedule_once(lambda _dt: self._play_now(Path(path), on_done), 0)

    def stop(self) -> None:
        """Stop the current sound (from any thread)."""
        Clock.schedule_once(lambda _dt: self._stop_now(), 0)

    def set_volume(self, volume: float) -> None:
        """Apply ``volume`` (0..1) now and to later sounds."""
        self._volume = volume
        Clock.schedule_once(lambda _dt: self._apply_volume(), 0)

    # -- main thread ----------------------------------------------------------------------
    def _play_now(self, path: Path, on_done: Callable[[], None]) -> None:
        self._stop_now()
        sound = SoundLoader.load(str(path))
        if sound is None:
            log.warning("voice: no audio provider could load a prompt")
            on_done()
            return
        with self._lock:
            self._sound, self._done = sound, on_done
        sound.volume = self._volume
        sound.bind(on_stop=lambda *_: self._finished(sound))
        sound.play()

    def _finished(self, sound: Any) -> None:
        with self._lock:
            if sound is not self._sound:
                return
            done, self._done, self._sound = self._done, None, None
        sound.unload()
        if done is not None:
            done()

    def _stop_now(self) -> None:
        with self._lock:
            sound = self._sound
        if sound is not None:
            sound.stop()
            self._finished(sound)

    def _apply_volume(self) -> None:
        with self._lock:
            sound = self._sound
        if sound is not None:
            sound.volume = self._volume
