"""The Voice service with the recording backend and the null sink (no audio device)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.voice import NullSink, RecordingBackend, Voice


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[tuple[Voice, RecordingBackend, NullSink]]:
    backend = RecordingBackend(tmp_path / "cache")
    sink = NullSink(speed=0.0)
    voice = Voice(backend, sink)
    yield voice, backend, sink
    voice.close()


def test_speak_renders_and_plays(rig: tuple[Voice, RecordingBackend, NullSink]) -> None:
    voice, backend, sink = rig
    voice.speak("请把身份证放在读卡区。")
    assert voice.wait_idle(5)
    assert backend.requests == [("请把身份证放在读卡区。", "zh_CN", "normal")]
    assert len(sink.played) == 1
    assert sink.played[0][0].suffix == ".wav"


def test_same_text_is_rendered_once_then_cached(
    rig: tuple[Voice, RecordingBackend, NullSink],
) -> None:
    voice, backend, sink = rig
    for _ in range(3):
        voice.speak("您好", interrupt=False)
    assert voice.wait_idle(5)
    assert len(backend.requests) == 3
    assert len(backend.rendered) == 1
    assert len(sink.played) == 3


def test_rate_language_and_cache_key(rig: tuple[Voice, RecordingBackend, NullSink]) -> None:
    voice, backend, _ = rig
    voice.set_rate("slow")
    voice.speak("您好")
    assert voice.wait_idle(5)
    voice.set_language("en")
    voice.speak("Hello")
    assert voice.wait_idle(5)
    assert backend.requests == [("您好", "zh_CN", "slow"), ("Hello", "en", "slow")]
    assert backend.cached_path("您好", language="zh_CN", rate="slow").exists()
    assert not backend.cached_path("您好", language="zh_CN", rate="normal").exists()
    with pytest.raises(ValueError):
        voice.set_rate("fast")


def test_repeat_says_the_last_prompt_not_the_result(
    rig: tuple[Voice, RecordingBackend, NullSink],
) -> None:
    voice, backend, _ = rig
    voice.speak("请选择事项。")
    voice.speak_digits("KM20260042", prefix="您的办件编号是", interrupt=False)
    assert voice.wait_idle(5)
    voice.repeat()
    assert voice.wait_idle(5)
    texts = [t for t, _, _ in backend.requests]
    assert texts[-1] == "请选择事项。"
    assert "您的办件编号是 K M 2 0 2 6 0 0 4 2" in texts


def test_private_renderings_are_deleted(
    rig: tuple[Voice, RecordingBackend, NullSink], tmp_path: Path,
) -> None:
    voice, _, sink = rig
    voice.speak_result("身份证号 5301**********123X 已核验")
    assert voice.wait_idle(5)
    assert sink.played and not sink.played[0][0].exists()
    voice.end_session()
    assert voice.last_prompt is None
    assert not (tmp_path / "cache" / "private").exists()


def test_volume_is_clamped_and_reaches_the_sink(
    rig: tuple[Voice, RecordingBackend, NullSink],
) -> None:
    voice, _, sink = rig
    voice.set_volume(1.7)
    assert sink.volume == 1.0
    voice.set_volume(0.25)
    voice.speak("音量")
    assert voice.wait_idle(5)
    assert sink.played[-1][1] == 0.25


class _BlockingSink(NullSink):
    """Plays "forever" until stopped, so interruption can be observed."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()

    def play(self, path: Path, volume: float, on_done: Callable[[], None]) -> None:
        self.played.append((path, volume))
        self._done = on_done
        self.started.set()


def test_stop_and_interrupt_drop_queued_speech(tmp_path: Path) -> None:
    backend = RecordingBackend(tmp_path)
    sink = _BlockingSink()
    voice = Voice(backend, sink)
    try:
        voice.speak("第一句")
        assert sink.started.wait(5)
        voice.speak("第二句", interrupt=False)
        voice.speak("第三句", interrupt=False)
        voice.stop()  # the citizen moved on
        assert voice.wait_idle(5)
        assert [p for p, _ in sink.played] == [sink.played[0][0]]
        assert sink.stops >= 1
        assert [t for t, _, _ in backend.requests] == ["第一句"]
    finally:
        voice.close()


def test_disabled_voice_says_nothing_but_remembers(
    rig: tuple[Voice, RecordingBackend, NullSink],
) -> None:
    voice, backend, sink = rig
    voice.set_enabled(False)
    voice.speak("静音")
    assert voice.wait_idle(5)
    assert backend.requests == [] and sink.played == []
    assert voice.last_prompt == "静音"


def test_a_failing_backend_does_not_kill_the_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = RecordingBackend(tmp_path)
    sink = NullSink()
    voice = Voice(backend, sink)
    try:
        voice.speak("   ")  # nothing to say: ignored

        def broken(*args: object) -> None:
            raise OSError("disk full")

        with monkeypatch.context() as patch:
            patch.setattr(backend, "_render_to", broken)
            voice.speak("坏了")
            assert voice.wait_idle(5)
        assert voice.errors == 1
        voice.speak("好了")
        assert voice.wait_idle(5)
        assert len(sink.played) == 1
    finally:
        voice.close()


def test_build_voice_from_settings(tmp_path: Path) -> None:
    from kiosk.voice import EspeakBackend, build_voice

    voice = build_voice({"volume": 0.4, "prerender": False, "cache_dir": "vc"}, NullSink(),
                        base_dir=tmp_path)
    try:
        assert isinstance(voice.backend, EspeakBackend)
        assert voice.backend.cache_dir == tmp_path / "vc"
        assert voice.volume == 0.4 and voice.enabled
    finally:
        voice.close()
