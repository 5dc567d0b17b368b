"""Every UI string is in the gettext catalogs, translated to English, and compiled."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kiosk.i18n import LANGUAGES, Translator
from kiosk.i18n_tools import (
    compiled_matches_po,
    extract,
    extract_kv,
    load_po,
    untranslated,
    unwrapped_strings,
)

FIX = "run `python -m kiosk.i18n_tools update`, translate kiosk/locale/en/…/kiosk.po"


@pytest.fixture(scope="module")
def marked() -> set[str]:
    return {m.id for m in extract() if m.id}  # type: ignore[misc]


def test_sources_have_marked_strings(marked: set[str]) -> None:
    assert "请把身份证放在读卡区，或者出示电子证照二维码。" in marked


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_marked_string_is_translated(language: str, marked: set[str]) -> None:
    catalog = load_po(language)
    known = {m.id for m in catalog if m.id}
    missing = sorted(marked - known)
    assert missing == [], f"{language}: not in the catalog ({FIX}): {missing}"
    todo = [i for i in untranslated(catalog) if i in marked]
    assert todo == [], f"{language}: untranslated ({FIX}): {todo}"


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_compiled_catalog_matches_po(language: str) -> None:
    assert compiled_matches_po(language), f"{language}: .mo is stale or missing ({FIX})"


def test_no_chinese_ui_text_escapes_translation() -> None:
    assert unwrapped_strings() == []


def test_english_is_really_english(marked: set[str]) -> None:
    translate = Translator("en")
    for message in marked:
        english = translate(message)
        assert english != message
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in english), english


def test_translator_switches_and_notifies() -> None:
    seen: list[str] = []
    translate = Translator("zh_CN")
    translate.on_change(seen.append)
    assert translate("已切换到标准版。") == "已切换到标准版。"
    translate.set_language("en")
    assert translate("已切换到标准版。") == "Standard mode is on."
    assert seen == ["en"]
    with pytest.raises(ValueError):
        translate.set_language("fr")


def test_kv_extractor_finds_calls_only() -> None:
    kv = (
        "#:import x kiosk\n"
        "<Home>:\n"
        "    Label:\n"
        "        text: app.tr(\"返回首页\", app.lang)\n"
        "    Button:\n"
        "        text: _('长辈版') + ' ' + root.name\n"
        "        hint: f.tr(\"不算\")\n"
    )
    found = list(extract_kv(io.BytesIO(kv.encode()), None, None, {}))
    assert [(line, text) for line, _, text, _ in found] == [(4, "返回首页"), (6, "长辈版")]


def test_unwrapped_chinese_is_reported(tmp_path: Path) -> None:
    screens = tmp_path / "screens"
    screens.mkdir()
    (screens / "demo.kv").write_text(
        "<Demo>:\n    Label:\n        text: '未翻译'\n    Label:\n        text: _('已翻译')\n",
        encoding="utf-8",
    )
    (screens / "demo.py").write_text(
        '"""说明文档。"""\n\n\ndef f(tr):\n    """函数说明。"""\n'
        '    a = tr("已翻译")\n    return a + "漏掉了"\n',
        encoding="utf-8",
    )
    found = unwrapped_strings(tmp_path)
    assert len(found) == 2
    assert found[0].startswith("screens/demo.kv:3") and "未翻译" in found[0]
    assert found[1].startswith("screens/demo.py:7") and "漏掉了" in found[1]
