"""The Voice service: spoken prompts that never block the UI and stop when told.

``speak`` queues text for a worker thread, which renders it with a backend (cached WAVs)
and hands the file to an audio sink; the UI thread only enqueues. ``interrupt=True`` (the
default) drops anything queued or playing first. ``stop`` is called by the UI when the
citizen moves on; ``repeat`` says the last prompt again. Texts are never logged (they can
contain personal data); ``speak_digits`` renders privately and deletes the file after use.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

from kiosk.voice.backends import RATES, SpeechBackend, SpeechError, wav_duration
from kiosk.voice.digits import digits_for_speech, spell_numbers
from kiosk.voice.sinks import AudioSink

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Job:
    generation: int
    text: str
    language: str
    rate: str
    private: bool


class Voice:
    """Speak prompts through ``backend`` into ``sink`` on a worker thread."""

    def __init__(
        self, backend: SpeechBackend, sink: AudioSink, *, language: str = "zh_CN",
        rate: str = "normal", volume: float = 0.8, enabled: bool = True,
    ) -> None:
        if rate not in RATES:
            raise ValueError(f"rate must be one of {RATES}, not {rate!r}")
        self.backend = backend
        self.sink = sink
        self.language = language
        self.rate = rate
        self.volume = max(0.0, min(1.0, volume))
        self.enabled = enabled
        self.last_prompt: str | None = None
        self.errors = 0
        self._generation = 0
        self._lock = threading.Lock()
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._played = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._worker = threading.Thread(target=self._run, name="voice", daemon=True)
        self._worker.start()

    # -- public API (any thread; the UI thread only enqueues) -------------------------------
    def speak(self, text: str, *, interrupt: bool = True, remember: bool = True,
              private: bool = False) -> None:
        """Say ``text``; with ``interrupt`` stop whatever is queued or playing first.
        ``remember`` makes it the prompt that ``repeat`` says again."""
        if interrupt:
            self.stop()
        if remember:
            self.last_prompt = text
        if not self.enabled or not text.strip() or not self.language:
            return
        with self._lock:
            job = _Job(self._generation, text, self.language, self.rate, private)
            self._pending += 1
            self._idle.clear()
        self._jobs.put(job)

    def speak_result(self, text: str, *, interrupt: bool = True) -> None:
        """Read a result aloud, long numbers (case numbers, ID fragments) digit by digit."""
        self.speak(spell_numbers(text, self.language), interrupt=interrupt, private=True,
                   remember=False)

    def speak_digits(self, code: str, *, prefix: str = "", interrupt: bool = True) -> None:
        """Say ``prefix`` then ``code`` one digit at a time ("5 3 0 1 …", X as "叉")."""
        spoken = digits_for_speech(code, self.language)
        self.speak(f"{prefix} {spoken}".strip(), interrupt=interrupt, private=True,
                   remember=False)

    def repeat(self) -> None:
        """Say the last prompt again (nothing if there was none)."""
        if self.last_prompt:
            self.speak(self.last_prompt)

    def stop(self) -> None:
        """Silence now: drop queued prompts and stop playback."""
        with self._lock:
            self._generation += 1
        self._played.set()
        self.sink.stop()

    def set_volume(self, volume: float) -> None:
        """Volume 0..1 (clamped), applied to the current playback too."""
        self.volume = max(0.0, min(1.0, float(volume)))
        self.sink.set_volume(self.volume)

    def set_rate(self, rate: str) -> None:
        """"normal" or "slow" (elderly mode)."""
        if rate not in RATES:
            raise ValueError(f"rate must be one of {RATES}, not {rate!r}")
        self.rate = rate

    def set_language(self, language: str) -> None:
        """Speak later prompts in ``language`` (a language pack's ``speech_language``;
        "" for a pack with no voice: nothing is spoken)."""
        self.language = language

    def set_enabled(self, enabled: bool) -> None:
        """Turn voice on or off; turning it off stops at once."""
        self.enabled = enabled
        if not enabled:
            self.stop()

    def end_session(self) -> None:
        """Session over: stop, forget the last prompt, delete private renderings."""
        self.stop()
        self.last_prompt = None
        wipe = getattr(self.backend, "wipe_private", None)
        if callable(wipe):
            wipe()

    def wait_idle(self, timeout: float) -> bool:
        """Block until everything queued was played or dropped (tests, CLI)."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        """Stop and end the worker thread."""
        self.stop()
        self._jobs.put(None)
        self._worker.join(timeout=5)

    # -- worker ----------------------------------------------------------------------------
    def _current(self, job: _Job) -> bool:
        with self._lock:
            return job.generation == self._generation

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                if self._current(job):
                    self._say(job)
            except Exception as exc:  # a bad render must never kill the voice
                self.errors += 1
                log.warning("voice: could not speak a prompt: %s", type(exc).__name__)
            finally:
                with self._lock:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.set()

    def _say(self, job: _Job) -> None:
        try:
            path = self.backend.render(job.text, language=job.language, rate=job.rate,
                                       private=job.private)
        except SpeechError as exc:
            self.errors += 1
            log.warning("voice: %s", exc)
            return
        try:
            if not self._current(job):
                return
            self._played.clear()
            self.sink.play(path, self.volume, self._played.set)
            if not self._current(job):  # stop() raced with play(): silence it
                self.sink.stop()
            self._played.wait(wav_duration(path) + 2.0)
        finally:
            if job.private:
                Path(path).unlink(missing_ok=True)
