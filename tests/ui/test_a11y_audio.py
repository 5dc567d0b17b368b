"""The Kivy audio sink plays prompt WAVs through SoundLoader without blocking."""

from __future__ import annotations

import os
import threading
import wave
from pathlib import Path

import pytest

pytestmark = pytest.mark.ui
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def _wav(path: Path, seconds: float) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x10\x00" * int(8000 * seconds))
    return path


def _tick_until(event: threading.Event, ticks: int = 400) -> bool:
    from kivy.clock import Clock

    for _ in range(ticks):
        Clock.tick()
        if event.wait(0.01):
            return True
    return False


def test_play_returns_at_once_and_stop_reports_done(tmp_path: Path) -> None:
    from kivy.core.audio import SoundLoader

    from screens.audio import KivySink

    wav = _wav(tmp_path / "a.wav", 3.0)
    if SoundLoader.load(str(wav)) is None:
        pytest.skip("no Kivy audio provider")
    sink = KivySink()
    done = threading.Event()
    sink.play(wav, 0.5, done.set)  # only schedules: nothing loaded yet
    assert sink._sound is None and not done.is_set()
    from kivy.clock import Clock

    Clock.tick()
    Clock.tick()
    assert sink._sound is not None
    assert sink._sound.volume == pytest.approx(0.5)
    sink.set_volume(0.2)
    sink.stop()
    assert _tick_until(done)
    assert sink._sound is None


def test_voice_service_speaks_through_kivy(tmp_path: Path) -> None:
    from kiosk.voice import RecordingBackend, Voice
    from screens.audio import KivySink

    backend = RecordingBackend(tmp_path, ms_per_char=20)
    sink = KivySink()
    voice = Voice(backend, sink)
    try:
        voice.speak("您好")
        idle = threading.Event()

        def watch() -> None:
            if voice.wait_idle(10):
                idle.set()

        threading.Thread(target=watch, daemon=True).start()
        assert _tick_until(idle, ticks=1000)
        assert backend.requests == [("您好", "zh_CN", "normal")]
    finally:
        voice.close()
