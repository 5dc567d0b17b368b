"""Audio sinks: where rendered prompts are played.

The kiosk plays through Kivy's audio (``screens.audio.KivySink``, which lives with the UI
because only screens/ may import Kivy). :class:`NullSink` is for tests only: it plays
nothing but reports completion after the file's real duration scaled by ``speed``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from kiosk.voice.backends import wav_duration


class AudioSink(Protocol):
    """Plays one WAV at a time; ``play`` must return at once (never block the caller)."""

    def play(self, path: Path, volume: float, on_done: Callable[[], None]) -> None:
        """Start playing ``path``; call ``on_done()`` once it finished or was stopped."""
        ...

    def stop(self) -> None:
        """Stop what is playing now (its ``on_done`` is still called)."""
        ...

    def set_volume(self, volume: float) -> None:
        """Change the volume (0..1) of the current and later playback."""
        ...


class NullSink:
    """Test sink: records what it was asked to play, "plays" for duration × ``speed``."""

    def __init__(self, speed: float = 0.0) -> None:
        self.speed = speed
        self.played: list[tuple[Path, float]] = []
        self.stops = 0
        self.volume = 1.0
        self._timer: threading.Timer | None = None
        self._done: Callable[[], None] | None = None
        self._lock = threading.Lock()

    def play(self, path: Path, volume: float, on_done: Callable[[], None]) -> None:
        """Record the request and finish after the scaled duration."""
        with self._lock:
            self.played.append((Path(path), volume))
            self.volume = volume
            self._done = on_done
            self._timer = threading.Timer(wav_duration(Path(path)) * self.speed, self._finish)
            self._timer.daemon = True
            self._timer.start()

    def _finish(self) -> None:
        with self._lock:
            done, self._done = self._done, None
        if done is not None:
            done()

    def stop(self) -> None:
        """Cancel the current "playback" and report it done."""
        self.stops += 1
        with self._lock:
            timer = self._timer
        if timer is not None:
            timer.cancel()
        self._finish()

    def set_volume(self, volume: float) -> None:
        """Remember the volume."""
        self.volume = volume
