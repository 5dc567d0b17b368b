"""Speech backends: turn text into a WAV file, cached by a hash of (text, voice, rate).

- :class:`EspeakBackend` renders with espeak-ng (offline, installed by scripts/bootstrap).
  Mandarin uses the ``cmn-latn-pinyin`` voice: with espeak-ng 1.51 (Debian 12) the plain
  ``cmn`` voice reads the pinyin of each hanzi with English letter sounds, while this variant
  of the same Mandarin voice pronounces it as Mandarin syllables with tones.
- :class:`PiperBackend` uses the Piper neural engine, only when its executable and model
  file are present (nothing is downloaded).
- :class:`RecordingBackend` records what was asked and writes a short silent WAV (tests).

Cached files live under ``cache_dir``; renders that may contain personal data
(``private=True``) go to ``cache_dir/private`` and are deleted after playback. A cached
file is checked before use (:func:`wav_intact`: a WAV whose frames are all there); a
damaged one is moved to ``cache_dir/quarantine`` and rendered again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from kiosk.i18n import PACKS
from kiosk.storage import KEEP_REBUILDABLE, quarantine

log = logging.getLogger(__name__)

RATES = ("normal", "slow")
#: language -> espeak-ng voice, from the language packs' ``voice`` (kiosk/locale/*/pack.toml)
ESPEAK_VOICES = {code: pack.espeak_voice for code, pack in PACKS.items() if pack.espeak_voice}
#: rate -> espeak-ng words per minute
ESPEAK_SPEED = {"normal": 165, "slow": 120}


class SpeechError(RuntimeError):
    """Rendering failed (engine missing, crashed, or produced no audio)."""


class SpeechBackend(Protocol):
    """Something that renders text to a WAV file."""

    name: str

    def render(self, text: str, *, language: str, rate: str, private: bool = False) -> Path:
        """Return the path of a WAV file speaking ``text``."""
        ...


def cache_key(engine: str, voice: str, rate: str, text: str) -> str:
    """The cache file stem for one utterance: a hash, so no text leaks into file names."""
    digest = hashlib.sha256("\0".join((engine, voice, rate, text)).encode("utf-8"))
    return digest.hexdigest()[:40]


def wav_duration(path: Path) -> float:
    """Duration of a PCM WAV file in seconds."""
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate() or 1)


def wav_intact(path: Path) -> bool:
    """True when ``path`` is a PCM WAV holding every frame its header announces."""
    try:
        with wave.open(str(path), "rb") as wav:
            expected = wav.getnframes() * wav.getnchannels() * wav.getsampwidth()
            return expected > 0 and len(wav.readframes(wav.getnframes())) == expected
    except (wave.Error, EOFError, OSError):
        return False


def _check_rate(rate: str) -> None:
    if rate not in RATES:
        raise ValueError(f"rate must be one of {RATES}, not {rate!r}")


class _CachingBackend:
    """Shared cache handling: subclasses implement ``_render_to(text, voice, rate, path)``."""

    name = "base"

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = Path(cache_dir)
        self.private_dir = self.cache_dir / "private"

    def voice_for(self, language: str) -> str:
        """The engine's voice name for ``language``."""
        raise NotImplementedError

    def _render_to(self, text: str, voice: str, rate: str, path: Path) -> None:
        raise NotImplementedError

    def cached_path(self, text: str, *, language: str, rate: str) -> Path:
        """Where the cached rendering of ``text`` lives (whether or not it exists yet)."""
        stem = cache_key(self.name, self.voice_for(language), rate, text)
        return self.cache_dir / f"{stem}.wav"

    def render(self, text: str, *, language: str, rate: str, private: bool = False) -> Path:
        """Return a WAV for ``text``: from the cache, or rendered now (atomically stored)."""
        _check_rate(rate)
        if not text.strip():
            raise SpeechError("nothing to say")
        voice = self.voice_for(language)
        if private:
            self.private_dir.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(suffix=".wav", dir=self.private_dir)
            os.close(fd)
            target = Path(name)
            self._render_checked(text, voice, rate, target)
            return target
        target = self.cached_path(text, language=language, rate=rate)
        if target.exists():
            if wav_intact(target):
                return target
            log.warning("voice cache file %s damaged; rendering it again", target.name)
            quarantine(target, keep=KEEP_REBUILDABLE)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(suffix=".part", dir=self.cache_dir)
        os.close(fd)
        try:
            self._render_checked(text, voice, rate, Path(name))
            os.replace(name, target)
        finally:
            if os.path.exists(name):
                os.unlink(name)
        return target

    def _render_checked(self, text: str, voice: str, rate: str, path: Path) -> None:
        self._render_to(text, voice, rate, path)
        try:
            duration = wav_duration(path)
        except (wave.Error, EOFError, OSError) as exc:
            raise SpeechError(f"{self.name} wrote no valid WAV: {exc}") from None
        if duration <= 0:
            raise SpeechError(f"{self.name} produced empty audio")

    def wipe_private(self) -> None:
        """Delete every private rendering (called at session end)."""
        shutil.rmtree(self.private_dir, ignore_errors=True)


class EspeakBackend(_CachingBackend):
    """espeak-ng rendered to WAV (``espeak-ng -v VOICE -s WPM -w FILE --stdin``)."""

    name = "espeak-ng"

    def __init__(
        self, cache_dir: Path, *, executable: str = "espeak-ng",
        voices: dict[str, str] | None = None, timeout_s: float = 30.0,
    ) -> None:
        super().__init__(cache_dir)
        self.executable = executable
        self.voices = dict(voices or ESPEAK_VOICES)
        self.timeout_s = timeout_s

    def voice_for(self, language: str) -> str:
        """espeak-ng voice for ``language`` (Mandarin for unknown languages)."""
        return self.voices.get(language, self.voices["zh_CN"])

    def available(self) -> bool:
        """True when the espeak-ng executable is on PATH."""
        return shutil.which(self.executable) is not None

    def _render_to(self, text: str, voice: str, rate: str, path: Path) -> None:
        cmd = [self.executable, "-v", voice, "-s", str(ESPEAK_SPEED[rate]), "-w", str(path),
               "--stdin"]
        try:
            done = subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True,
                                  timeout=self.timeout_s, check=False)
        except FileNotFoundError:
            raise SpeechError(f"{self.executable} is not installed") from None
        except subprocess.TimeoutExpired:
            raise SpeechError(f"{self.executable} took longer than {self.timeout_s} s") from None
        if done.returncode != 0:
            msg = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise SpeechError(f"{self.executable} failed: {msg[-1] if msg else done.returncode}")


class PiperBackend(_CachingBackend):
    """Piper neural TTS (``piper --model M --output_file F``), when its model is present."""

    name = "piper"

    def __init__(
        self, cache_dir: Path, models: dict[str, Path], *, executable: str = "piper",
        timeout_s: float = 60.0,
    ) -> None:
        super().__init__(cache_dir)
        self.models = {lang: Path(p) for lang, p in models.items()}
        self.executable = executable
        self.timeout_s = timeout_s

    def voice_for(self, language: str) -> str:
        """The model file used for ``language``."""
        model = self.models.get(language) or self.models.get("zh_CN")
        if model is None:
            raise SpeechError(f"no piper model for {language}")
        return str(model)

    def available(self) -> bool:
        """True when the executable is on PATH and every configured model file exists."""
        return (shutil.which(self.executable) is not None and bool(self.models)
                and all(p.is_file() for p in self.models.values()))

    def _render_to(self, text: str, voice: str, rate: str, path: Path) -> None:
        scale = "1.35" if rate == "slow" else "1.0"
        cmd = [self.executable, "--model", voice, "--length_scale", scale,
               "--output_file", str(path)]
        try:
            done = subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True,
                                  timeout=self.timeout_s, check=False)
        except (FileNotFoundError, subprocess.TimeoutExpired) as exc:
            raise SpeechError(f"piper could not run: {type(exc).__name__}") from None
        if done.returncode != 0:
            raise SpeechError(f"piper failed with exit code {done.returncode}")


class RecordingBackend(_CachingBackend):
    """Test backend: remembers (text, language, rate) and writes 50 ms of silence per
    character (at least 0.1 s), so playback timing still behaves like speech."""

    name = "recording"

    def __init__(self, cache_dir: Path, *, ms_per_char: int = 50) -> None:
        super().__init__(cache_dir)
        self.ms_per_char = ms_per_char
        self.rendered: list[tuple[str, str, str]] = []
        self.requests: list[tuple[str, str, str]] = []

    def voice_for(self, language: str) -> str:
        """The language itself is the voice."""
        return language

    def render(self, text: str, *, language: str, rate: str, private: bool = False) -> Path:
        """Record the request, then render (or reuse the cache) as a real backend would."""
        self.requests.append((text, language, rate))
        return super().render(text, language=language, rate=rate, private=private)

    def _render_to(self, text: str, voice: str, rate: str, path: Path) -> None:
        self.rendered.append((text, voice, rate))
        rate_hz = 8000
        frames = max(800, rate_hz * self.ms_per_char * len(text) // 1000)
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate_hz)
            wav.writeframes(b"\0\0" * frames)


def make_backend(settings: Mapping[str, Any], cache_dir: Path) -> SpeechBackend:
    """Build the backend named by ``settings["engine"]`` ("espeak-ng" default, or "piper"
    with ``settings["piper_models"] = {lang: path}``). A requested Piper whose executable or
    models are missing falls back to espeak-ng with a warning naming what is missing."""
    engine = str(settings.get("engine", "espeak-ng"))
    if engine == "piper":
        raw = settings.get("piper_models") or {}
        models = {str(k): Path(str(v)) for k, v in dict(raw).items()}
        piper = PiperBackend(cache_dir, models, executable=str(settings.get("piper", "piper")))
        if piper.available():
            return piper
        log.warning("voice: piper or its model files are missing; using espeak-ng")
    elif engine != "espeak-ng":
        raise ValueError(f"unknown voice engine {engine!r} (espeak-ng, piper)")
    return EspeakBackend(cache_dir)
