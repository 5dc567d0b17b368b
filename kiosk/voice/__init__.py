"""Voice assistance: spoken prompts for every screen (kiosk/voice).

``Voice`` (service) + a ``SpeechBackend`` (espeak-ng, Piper, recording) + an ``AudioSink``
(Kivy's audio in screens/audio.py; ``NullSink`` for tests). See docs/accessibility.md.
"""

from kiosk.voice.backends import (
    EspeakBackend,
    PiperBackend,
    RecordingBackend,
    SpeechBackend,
    SpeechError,
    make_backend,
)
from kiosk.voice.digits import digits_for_speech, spell_numbers
from kiosk.voice.prompts import ANNOUNCEMENTS, SCREEN_PROMPTS, prerender, prompt_for
from kiosk.voice.service import Voice
from kiosk.voice.setup import build_voice
from kiosk.voice.sinks import AudioSink, NullSink

__all__ = [
    "ANNOUNCEMENTS",
    "SCREEN_PROMPTS",
    "AudioSink",
    "EspeakBackend",
    "NullSink",
    "PiperBackend",
    "RecordingBackend",
    "SpeechBackend",
    "SpeechError",
    "Voice",
    "build_voice",
    "digits_for_speech",
    "make_backend",
    "prerender",
    "prompt_for",
    "spell_numbers",
]
