"""Pinyin out of process: the child answers like pypinyin in process, the store caches, and
the terminal's UI process never loads pypinyin."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from kiosk.platform.models import CatalogItem
from kiosk.platform.pinyin import (
    PinyinError,
    PinyinStore,
    Syllables,
    syllables_in_child,
    syllables_in_process,
)
from kiosk.platform.search import CatalogSearch
from simulator.platform.catalog import build_items

ROOT = Path(__file__).resolve().parents[2]


def test_polyphones_are_read_by_phrase() -> None:
    table = syllables_in_process(["中国银行", "行驶证", "重新申领", "ETC 办理"])
    assert table["中国银行"] == ("zhong", "guo", "yin", "hang")
    assert table["行驶证"] == ("xing", "shi", "zheng")
    assert table["重新申领"][0] == "chong"
    assert table["ETC 办理"] == ("ban", "li")          # letters without pinyin are dropped


def test_child_process_answers_exactly_like_the_library() -> None:
    names = [i["name"] for i in build_items()]
    assert syllables_in_child(names) == syllables_in_process(names)


def test_child_failure_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    with pytest.raises(PinyinError, match="did not run"):
        syllables_in_child(["社保"])


def test_store_computes_each_text_once_and_survives_a_restart(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def counting(texts: Iterable[str]) -> dict[str, Syllables]:
        batch = list(texts)
        calls.append(batch)
        return syllables_in_process(batch)

    store = PinyinStore(tmp_path / "pinyin.sqlite3", counting)
    assert store(["公积金", "社保"])["公积金"] == ("gong", "ji", "jin")
    assert store(["公积金", "社保", "医保"])["医保"] == ("yi", "bao")
    assert calls == [["公积金", "社保"], ["医保"]]
    store.close()
    again = PinyinStore(tmp_path / "pinyin.sqlite3", counting)
    assert again(["公积金", "医保"]) == {"公积金": ("gong", "ji", "jin"), "医保": ("yi", "bao")}
    assert len(calls) == 2 and again.computed == 0
    again.close()


def test_store_falls_back_to_this_process_when_the_child_fails(tmp_path: Path) -> None:
    def broken(_texts: Iterable[str]) -> dict[str, Syllables]:
        raise PinyinError("pinyin child exited 1: ModuleNotFoundError")

    store = PinyinStore(tmp_path / "p.sqlite3", broken)
    assert store(["不动产"]) == {"不动产": ("bu", "dong", "chan")}
    store.close()


def test_search_through_the_store_matches_search_in_process(tmp_path: Path) -> None:
    items = [CatalogItem.from_json(i) for i in build_items()]
    store = PinyinStore(tmp_path / "p.sqlite3")
    via_store, direct = CatalogSearch(items, store), CatalogSearch(items)
    for query in ("gjj", "zhufang", "shebao", "wfz", "yibao", "不动产", "jiashi"):
        assert via_store.search(query, 10) == direct.search(query, 10), query
    store.close()


def test_the_ui_process_does_not_load_pypinyin() -> None:
    code = ("import sys; import kiosk.composition, kiosk.platform.search; "
            "print('pypinyin' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "False"
