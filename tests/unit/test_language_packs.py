"""Language packs (issue 15, item 7): a folder kiosk/locale/<code>/ with a pack.toml and a
catalog is a language, with no code change; the pseudo-locale qps is generated from English,
keeps placeholders, is never offered to citizens and falls back to the English voice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from kiosk.config import ConfigError, parse_config
from kiosk.i18n import (
    ALL_LANGUAGES,
    LANGUAGES,
    PACKS,
    Translator,
    language_packs,
    load_pack,
    offered_languages,
    speech_languages,
)
from kiosk.i18n_tools import load_po, pseudo_is_current, pseudo_translate

PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _pack(locale_dir: Path, code: str, toml: str, messages: dict[str, str]) -> Path:
    folder = locale_dir / code
    (folder / "LC_MESSAGES").mkdir(parents=True)
    (folder / "pack.toml").write_text(toml, encoding="utf-8")
    catalog = Catalog(locale=None, domain="kiosk", charset="utf-8")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    with (folder / "LC_MESSAGES" / "kiosk.mo").open("wb") as fh:
        write_mo(fh, catalog)
    return folder


def test_a_pack_dropped_into_a_locale_dir_is_discovered_and_selectable(tmp_path: Path) -> None:
    # a test catalog with a made-up marker text: a test device, not a translation
    _pack(tmp_path, "zh_CN", 'label = "简体中文"\nvoice = "cmn-latn-pinyin"\n', {})
    font = tmp_path / "xx" / "fonts" / "Test.ttf"
    _pack(tmp_path, "xx", 'label = "XX"\nfont = "fonts/Test.ttf"\nvoice = "fallback:zh_CN"\n',
          {"下一步": "xx-next-xx"})
    font.parent.mkdir()
    font.write_bytes(b"not really a font")
    (tmp_path / "no_pack_toml" / "LC_MESSAGES").mkdir(parents=True)   # not a language

    packs = language_packs(tmp_path)
    assert list(packs) == ["zh_CN", "xx"]                               # default first
    assert offered_languages(packs) == {"zh_CN": "简体中文", "xx": "XX"}
    assert packs["xx"].font_file() == font
    assert speech_languages(packs) == ["zh_CN"]

    translate = Translator("zh_CN", locale_dir=tmp_path)
    seen: list[str] = []
    translate.on_change(seen.append)
    translate.set_language("xx")
    assert seen == ["xx"] and translate("下一步") == "xx-next-xx"
    # no voice of its own: prompts are said in Chinese, with the Chinese text
    assert translate.speech_language == "zh_CN" and translate.for_speech("下一步") == "下一步"
    with pytest.raises(ValueError):
        translate.set_language("no_pack_toml")


def test_a_pack_without_font_or_voice_uses_the_default_font_and_stays_silent(
        tmp_path: Path) -> None:
    _pack(tmp_path, "zh_CN", 'label = "简体中文"\n', {})
    _pack(tmp_path, "yy", 'label = "YY"\nfont = "/nonexistent/Font.ttf"\nvoice = "none"\n'
          'offered = false\n', {"下一步": "yy"})
    packs = language_packs(tmp_path)
    assert packs["yy"].font_file() is None                 # missing file: the default font
    assert offered_languages(packs) == {"zh_CN": "简体中文"}
    translate = Translator("yy", locale_dir=tmp_path)
    assert translate.speech_language == "" and translate.for_speech("下一步") == ""


@pytest.mark.parametrize("toml", ['voice = "en"\n', 'label = "Z"\nvoice = "fallback:fr"\n',
                                  'label = "Z"\ncolour = "red"\n'])
def test_an_incomplete_pack_is_refused(tmp_path: Path, toml: str) -> None:
    (tmp_path / "zz").mkdir()
    (tmp_path / "zz" / "pack.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ValueError):
        load_pack(tmp_path / "zz")


def test_the_shipped_packs() -> None:
    assert list(ALL_LANGUAGES) == ["zh_CN", "en", "qps"]
    assert LANGUAGES == offered_languages() == {"zh_CN": "简体中文", "en": "English"}
    assert not PACKS["qps"].offered and PACKS["qps"].pseudo_of == "en"
    assert speech_languages() == ["zh_CN", "en"]


def test_pseudo_translate_keeps_placeholders_and_grows() -> None:
    text = "Appointment on {date} at {time}, {place}"
    pseudo = pseudo_translate(text)
    assert PLACEHOLDER.findall(pseudo) == ["{date}", "{time}", "{place}"]
    assert pseudo.startswith("[Åppöîñtméñt öñ {date} àt {time}, {place}") and pseudo[-1] == "]"
    assert len(pseudo) >= 1.3 * len(text)
    assert pseudo_translate("{n} items") == "[{n} îtéms ·]"
    assert pseudo_translate("") == ""
    assert all(ord(ch) < 0x100 for ch in pseudo_translate("aceinouy ACEINOUY")[:-1] if ch != "·")


def test_the_pseudo_catalog_is_english_made_longer_with_its_placeholders() -> None:
    english = {str(m.id): str(m.string) for m in load_po("en") if m.id and m.string}
    pseudo = Translator("qps")
    assert pseudo_is_current(PACKS["qps"])
    for msgid, text in english.items():
        shown = pseudo(msgid)
        assert shown != text and shown.startswith("[") and shown.endswith("]"), msgid
        assert sorted(PLACEHOLDER.findall(shown)) == sorted(PLACEHOLDER.findall(text)), msgid
        assert len(shown) >= 1.3 * len(text), msgid
        names = {p[1:-1] for p in PLACEHOLDER.findall(text)}
        if names and all(n.isidentifier() for n in names):     # still formats as before
            assert "⟨X⟩" in shown.format(**dict.fromkeys(names, "⟨X⟩")), msgid


def test_the_pseudo_locale_is_spoken_in_english() -> None:
    translate = Translator("qps")
    message = "请把身份证放在读卡区，或者出示电子证照二维码。"
    assert translate.speech_language == "en"
    assert translate.for_speech(message) == Translator("en")(message)


def test_config_accepts_a_pack_that_is_not_offered() -> None:
    assert parse_config({"ui": {"language": "qps"}}).ui.language == "qps"
    with pytest.raises(ConfigError):
        parse_config({"ui": {"language": "xx"}})


def test_voices_come_from_the_packs_and_a_silent_pack_says_nothing(tmp_path: Path) -> None:
    from kiosk.voice import NullSink, RecordingBackend, Voice
    from kiosk.voice.backends import ESPEAK_VOICES

    assert ESPEAK_VOICES == {"zh_CN": "cmn-latn-pinyin", "en": "en"}     # qps has none
    backend = RecordingBackend(tmp_path / "cache")
    voice = Voice(backend, NullSink(speed=0.0))
    try:
        voice.set_language("")
        voice.speak("[Ñéxt]")
        voice.set_language("en")
        voice.speak("Next")
        assert voice.wait_idle(5)
        assert backend.requests == [("Next", "en", "normal")]
    finally:
        voice.close()


class _Voice:
    def __init__(self) -> None:
        self.language = "zh_CN"

    def set_language(self, language: str) -> None:
        self.language = language

    def set_rate(self, _rate: str) -> None: ...
    def set_enabled(self, _on: bool) -> None: ...
    def end_session(self) -> None: ...


def test_a_visit_in_the_pseudo_locale_speaks_english_then_the_next_visit_chinese() -> None:
    from types import SimpleNamespace

    from kiosk.config import TerminalConfig
    from kiosk.session import Session
    from kiosk.visit import VisitController

    config = TerminalConfig()
    terminal = SimpleNamespace(
        config=config, translator=Translator("zh_CN"), voice=_Voice(),
        bus=SimpleNamespace(publish=lambda *_a: None),
        new_session=lambda: Session(language=config.ui.language))
    class View:
        """Nothing to show."""

        def show_screen(self, name: str) -> None: ...
        def idle_warning(self, seconds_left: int | None) -> None: ...
        def appearance_changed(self, mode: str, scheme: str, refresh: bool = True) -> None: ...
        def visit_wiped(self) -> None: ...
        def visit_ended(self) -> None: ...
        def speak(self, message: str) -> None: ...

    visit = VisitController(terminal, View(), spawn=lambda job: job())
    visit.set_language("qps")
    assert terminal.translator.language == "qps" and terminal.voice.language == "en"
    visit.end_visit()
    assert terminal.translator.language == "zh_CN" and terminal.voice.language == "zh_CN"
