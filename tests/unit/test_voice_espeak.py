"""espeak-ng rendering: real WAVs measured with sox, Mandarin phonemes, the prompt cache."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.voice import EspeakBackend, PiperBackend, SpeechError, make_backend
from kiosk.voice.backends import ESPEAK_VOICES
from kiosk.voice.prompts import SCREEN_PROMPTS, fixed_prompts, prerender

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None,
    reason="espeak-ng and sox are installed by scripts/bootstrap",
)


def _sox_stats(path: Path) -> tuple[float, float]:
    """(duration s, RMS amplitude) as measured by sox."""
    out = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True,
                         check=True).stderr
    duration = float(re.search(r"Length \(seconds\):\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    rms = float(re.search(r"RMS\s+amplitude:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return duration, rms


def test_rendered_prompt_is_real_speech(tmp_path: Path) -> None:
    backend = EspeakBackend(tmp_path)
    wav = backend.render(SCREEN_PROMPTS["identify"], language="zh_CN", rate="normal")
    duration, rms = _sox_stats(wav)
    assert 2.0 < duration < 15.0
    assert rms > 0.02  # not silence


def test_slow_rate_is_slower(tmp_path: Path) -> None:
    backend = EspeakBackend(tmp_path)
    text = "请把身份证放在读卡区。"
    normal, _ = _sox_stats(backend.render(text, language="zh_CN", rate="normal"))
    slow, _ = _sox_stats(backend.render(text, language="zh_CN", rate="slow"))
    assert slow > normal * 1.2


def test_mandarin_voice_reads_hanzi_as_mandarin() -> None:
    # the plain "cmn" voice of espeak-ng 1.51 switches to English letter names, "(en)"
    phonemes = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", ESPEAK_VOICES["zh_CN"], "请把身份证放在读卡区，叉"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "(en)" not in phonemes
    assert "ts.h'A55" in phonemes  # 叉 chā


def test_cache_is_keyed_by_text_voice_and_rate(tmp_path: Path) -> None:
    backend = EspeakBackend(tmp_path)
    first = backend.render("您好", language="zh_CN", rate="normal")
    stamp = first.stat().st_mtime_ns
    again = backend.render("您好", language="zh_CN", rate="normal")
    assert again == first and again.stat().st_mtime_ns == stamp
    assert backend.render("您好", language="zh_CN", rate="slow") != first
    assert backend.render("您好", language="en", rate="normal") != first
    assert "您好" not in first.name


def test_prerender_fills_the_cache(tmp_path: Path) -> None:
    backend = EspeakBackend(tmp_path)
    ok, failed = prerender(backend, languages=["zh_CN"], rates=["normal"])
    assert (ok, failed) == (len(fixed_prompts()), 0)
    assert len(list(tmp_path.glob("*.wav"))) == len(set(fixed_prompts()))


def test_missing_engine_is_a_clear_error(tmp_path: Path) -> None:
    backend = EspeakBackend(tmp_path, executable="no-such-espeak")
    assert not backend.available()
    with pytest.raises(SpeechError, match="not installed"):
        backend.render("您好", language="zh_CN", rate="normal")


def test_piper_is_used_only_when_its_model_exists(tmp_path: Path) -> None:
    settings = {"engine": "piper", "piper_models": {"zh_CN": str(tmp_path / "none.onnx")}}
    assert isinstance(make_backend(settings, tmp_path), EspeakBackend)
    fake = tmp_path / "piper"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    model = tmp_path / "zh.onnx"
    model.write_bytes(b"model")
    settings = {"engine": "piper", "piper": str(fake), "piper_models": {"zh_CN": str(model)}}
    assert isinstance(make_backend(settings, tmp_path), PiperBackend)
    with pytest.raises(ValueError):
        make_backend({"engine": "festival"}, tmp_path)
