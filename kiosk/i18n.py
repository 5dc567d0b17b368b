"""UI text translation with gettext catalogs (Simplified Chinese first, English beside it).

Message ids are the Simplified Chinese texts themselves; ``kiosk/locale/<lang>/LC_MESSAGES/
kiosk.mo`` holds the translations (compiled from .po with Babel). A :class:`Translator` is
created by the composition root and handed to whoever shows text; switching language
notifies listeners so screens can redraw.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kiosk"
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"
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
        self._listeners: list[Callable[[str], None]] = []
        self._catalog: gettext.NullTranslations = gettext.NullTranslations()
        self.language = DEFAULT_LANGUAGE
        self.set_language(language)

    def set_language(self, language: str) -> None:
        """Switch to ``language`` (a key of LANGUAGES) and tell the listeners."""
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        self._catalog = gettext.translation(
            DOMAIN, localedir=self._locale_dir, languages=[language], fallback=True
        )
        self.language = language
        for listener in list(self._listeners):
            listener(language)

    def gettext(self, message: str) -> str:
        """The translation of ``message`` in the current language."""
        return self._catalog.gettext(message)

    __call__ = gettext

    def on_change(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(language)`` after every language switch."""
        self._listeners.append(listener)
