"""Build the Voice service from the ``[voice]`` settings of config/terminal.toml.

Keys (all optional): ``engine`` ("espeak-ng" | "piper"), ``piper`` (executable),
``piper_models`` ({language = "path/to/model.onnx"}), ``cache_dir`` (default
var/voice-cache), ``volume`` (0..1, default 0.8), ``enabled`` (default true),
``prerender`` (default true: render the fixed prompts in the background at start-up).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiosk.voice.backends import make_backend
from kiosk.voice.prompts import prerender
from kiosk.voice.service import Voice
from kiosk.voice.sinks import AudioSink

DEFAULT_CACHE_DIR = Path("var/voice-cache")
DEFAULT_VOLUME = 0.8
DEFAULT_ENABLED = True


def build_voice(settings: Mapping[str, Any], sink: AudioSink, *,
                base_dir: Path = Path(".")) -> Voice:
    """A ready Voice; fixed prompts are pre-rendered on a background thread."""
    cache_dir = Path(settings.get("cache_dir", DEFAULT_CACHE_DIR))
    if not cache_dir.is_absolute():
        cache_dir = base_dir / cache_dir
    backend = make_backend(settings, cache_dir)
    voice = Voice(backend, sink, volume=float(settings.get("volume", DEFAULT_VOLUME)),
                  enabled=bool(settings.get("enabled", DEFAULT_ENABLED)))
    if settings.get("prerender", True):
        threading.Thread(target=prerender, args=(backend,), name="voice-prerender",
                         daemon=True).start()
    return voice
