"""Catalog search: hanzi, full pinyin, initials, English, department, life event, ranking."""

from __future__ import annotations

import pytest

from kiosk.platform.models import CatalogItem
from kiosk.platform.search import CatalogSearch
from simulator.platform.catalog import build_items


@pytest.fixture(scope="module")
def search() -> CatalogSearch:
    return CatalogSearch([CatalogItem.from_json(i) for i in build_items()])


def _names(hits: list) -> list[str]:
    return [h.name for h in hits]


@pytest.mark.parametrize("query", ["无犯罪", "wufanzui", "wfz", "WFZ", "wu fan zui",
                                   "criminal"])
def test_every_kind_of_query_finds_the_item(search: CatalogSearch, query: str) -> None:
    assert "无犯罪记录证明开具" in _names(search.search(query, 5))


def test_results_are_ranked_by_quality_then_popularity(search: CatalogSearch) -> None:
    hits = search.search("不动产", 20)
    assert hits and all("不动产" in h.name for h in hits[:5])
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    exact = search.search("出生登记", 3)
    assert exact[0].name == "出生登记" and exact[0].score >= 100
    births = search.search("出生", 10)
    assert [h.name.startswith("出生") for h in births[:3]] == [True] * 3
    assert births[-1].match == "context" and not births[-1].name.startswith("出生")


def test_prefix_beats_substring_of_same_popularity(search: CatalogSearch) -> None:
    hits = search.search("jiaotong", 10)
    assert hits[0].name.startswith("交通")
    assert hits[0].match == "pinyin"


def test_abbreviations_are_expanded(search: CatalogSearch) -> None:
    assert any(n.startswith("社会保险") for n in _names(search.search("社保", 5)))
    assert any("驾驶证" in n for n in _names(search.search("驾照", 5)))
    assert any(n.startswith("社会保险") for n in _names(search.search("shebao", 5)))


def test_department_and_life_event_filters(search: CatalogSearch) -> None:
    dept = "昆明住房公积金管理中心"
    hits = search.search("", 50, department=dept)
    assert len(hits) >= 10 and {h.department for h in hits} == {dept}
    births = search.search("", 50, life_event="birth")
    assert "出生登记" in _names(births)
    assert all("证明" in h.name for h in search.search("zm", 20, life_event="house")
               if h.match == "name")
    assert search.search("出生", 10, life_event="car") == []


def test_department_name_matches_its_items(search: CatalogSearch) -> None:
    hits = search.search("出入境", 30)
    assert len(hits) >= 10


def test_nonsense_finds_nothing_and_limit_is_kept(search: CatalogSearch) -> None:
    assert search.search("qqqxxz", 10) == []
    assert search.search("火星签证", 10) == []
    assert len(search.search("s", 7)) == 7
    assert len(search.search("", 3)) == 3
