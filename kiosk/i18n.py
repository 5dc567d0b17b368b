"""UI text translation with gettext catalogs (Simplified Chinese first, English beside it).

Message ids are the Simplified Chinese texts themselves; ``kiosk/locale/<lang>/LC_MESSAGES/
kiosk.mo`` holds the translations (compiled from .po with Babel). A :class:`Translator` is
created by the composition root and handed to whoever shows text; switching language
notifies listeners so screens can redraw.

Languages are *packs*, discovered at import time: every folder ``kiosk/locale/<code>/`` that
holds a ``pack.toml`` (see :class:`LanguagePack`) is a language, so adding one needs no code
change (docs/accessibility.md, "Adding a language pack").
"""

from __future__ import annotations

import gettext
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kiosk"
DEFAULT_LANGUAGE = "zh_CN"
PACK_FILE = "pack.toml"
#: the languages a pack without a voice of its own may be spoken in instead
VOICE_FALLBACKS = ("zh_CN", "en")


@dataclass(frozen=True)
class LanguagePack:
    """One language: ``kiosk/locale/<code>/pack.toml`` beside ``LC_MESSAGES/kiosk.po/.mo``.

    ``pack.toml`` keys: ``label`` (the language button's text, in the language itself),
    ``offered`` (shown to citizens on the attract and settings screens; default true),
    ``font`` (a font file, absolute or relative to the pack folder; empty: the default CJK
    font, which is also used when the file is missing), ``voice`` (an espeak-ng voice name,
    or ``"fallback:zh_CN"`` / ``"fallback:en"`` to speak that language's text instead, or
    ``"none"`` for no speech), ``pseudo_of`` (a pseudo-locale generated mechanically from
    that language's catalog by ``python -m kiosk.i18n_tools update``; never a translation).
    """

    code: str
    label: str
    offered: bool = True
    font: str = ""
    voice: str = "none"
    pseudo_of: str = ""
    folder: Path = LOCALE_DIR

    @property
    def espeak_voice(self) -> str:
        """The pack's own espeak-ng voice ("" when it falls back or is silent)."""
        return "" if self.voice == "none" or self.voice.startswith("fallback:") else self.voice

    @property
    def speech_language(self) -> str:
        """The language prompts are spoken in: the pack's own when it has a voice, the
        fallback's, or "" (silent)."""
        if self.voice.startswith("fallback:"):
            return self.voice.removeprefix("fallback:")
        return "" if self.voice == "none" else self.code

    def font_file(self) -> Path | None:
        """The pack's font file when it names one that exists (None: the default font)."""
        if not self.font:
            return None
        path = Path(self.font)
        path = path if path.is_absolute() else self.folder / path
        return path if path.is_file() else None


def load_pack(folder: Path) -> LanguagePack:
    """Read ``folder/pack.toml``; ValueError when it is incomplete or inconsistent."""
    with (folder / PACK_FILE).open("rb") as fh:
        data = tomllib.load(fh)
    unknown = set(data) - {"label", "offered", "font", "voice", "pseudo_of"}
    if unknown:
        raise ValueError(f"{folder / PACK_FILE}: unknown keys {sorted(unknown)}")
    label = data.get("label")
    if not isinstance(label, str) or not label.strip():
        raise ValueError(f"{folder / PACK_FILE}: 'label' is required")
    voice = str(data.get("voice", "none"))
    if voice.startswith("fallback:") and voice.removeprefix("fallback:") not in VOICE_FALLBACKS:
        raise ValueError(f"{folder / PACK_FILE}: voice {voice!r}: fall back to one of "
                         f"{', '.join(VOICE_FALLBACKS)}")
    return LanguagePack(code=folder.name, label=label.strip(),
                        offered=bool(data.get("offered", True)), font=str(data.get("font", "")),
                        voice=voice, pseudo_of=str(data.get("pseudo_of", "")), folder=folder)


def language_packs(locale_dir: Path = LOCALE_DIR) -> dict[str, LanguagePack]:
    """Every pack under ``locale_dir``: the default language first, then by code."""
    folders = [f for f in locale_dir.iterdir() if (f / PACK_FILE).is_file()] \
        if locale_dir.is_dir() else []
    packs = [load_pack(f) for f in folders]
    packs.sort(key=lambda p: (p.code != DEFAULT_LANGUAGE, p.code))
    return {p.code: p for p in packs}


PACKS = language_packs()
#: every language the terminal can show (config, audit, tests): code -> button label
ALL_LANGUAGES = {code: pack.label for code, pack in PACKS.items()}


def offered_languages(packs: dict[str, LanguagePack] | None = None) -> dict[str, str]:
    """The languages citizens are offered (``offered = true``): code -> button label."""
    return {c: p.label for c, p in (PACKS if packs is None else packs).items() if p.offered}


def speech_languages(packs: dict[str, LanguagePack] | None = None) -> list[str]:
    """The languages the offered packs are spoken in (for pre-rendering prompts)."""
    found = [(PACKS if packs is None else packs)[c].speech_language
             for c in offered_languages(packs)]
    return list(dict.fromkeys(s for s in found if s))


#: the languages offered to citizens (buttons, the default audit): code -> button label
LANGUAGES = offered_languages()
#: function names whose first string argument is a message id (Babel extraction keywords);
#: ``speak`` is the app's "translate and say" helper
KEYWORDS = ("_", "tr", "N_", "gettext", "speak")


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (translated at use)."""
    return message


class Translator:
    """Translate message ids into the current language; notify on language change."""

    def __init__(self, language: str = DEFAULT_LANGUAGE, locale_dir: Path = LOCALE_DIR) -> None:
        self._locale_dir = locale_dir
        self.packs = PACKS if locale_dir == LOCALE_DIR else language_packs(locale_dir)
        self._listeners: list[Callable[[str], None]] = []
        self._catalog: gettext.NullTranslations = gettext.NullTranslations()
        self._speech: gettext.NullTranslations = gettext.NullTranslations()
        self.language = DEFAULT_LANGUAGE
        self.set_language(language)

    def _load(self, language: str) -> gettext.NullTranslations:
        return gettext.translation(DOMAIN, localedir=self._locale_dir, languages=[language],
                                   fallback=True)

    def set_language(self, language: str) -> None:
        """Switch to ``language`` (a discovered pack) and tell the listeners."""
        if language not in self.packs:
            raise ValueError(f"unsupported language {language!r}")
        self._catalog = self._load(language)
        self.language = language
        speech = self.packs[language].speech_language
        self._speech = self._catalog if speech in ("", language) else self._load(speech)
        for listener in list(self._listeners):
            listener(language)

    @property
    def pack(self) -> LanguagePack:
        """The current language's pack."""
        return self.packs[self.language]

    @property
    def speech_language(self) -> str:
        """The language the current one is spoken in ("" when it has no voice)."""
        return self.packs[self.language].speech_language if self.language in self.packs else ""

    def gettext(self, message: str) -> str:
        """The translation of ``message`` in the current language."""
        return self._catalog.gettext(message)

    def for_speech(self, message: str) -> str:
        """``message`` in the language it is spoken in (the voice fallback's text when the
        pack has no voice of its own; "" when it is not spoken at all)."""
        return self._speech.gettext(message) if self.speech_language else ""

    __call__ = gettext

    def on_change(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(language)`` after every language switch."""
        self._listeners.append(listener)
