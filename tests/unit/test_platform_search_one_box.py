"""One search box: characters (typed or written), full pinyin, initials and any mix of them,
and handwriting candidates feeding the same search."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.handwriting import HandwritingRecogniser, StrokeSet
from kiosk.platform.models import CatalogItem
from kiosk.platform.search import CatalogSearch
from kiosk.platform.spelling import compile_query, encode, match_at, narrowing_keys, units
from simulator.platform.catalog import build_items

STROKES = Path(__file__).resolve().parents[1] / "data" / "handwriting" / "strokes.json"


@pytest.fixture(scope="module")
def search() -> CatalogSearch:
    return CatalogSearch([CatalogItem.from_json(i) for i in build_items()])


@pytest.mark.parametrize(("query", "name"), [
    ("公积j", "公积金贷款进度查询"),          # written 公积, then an initial
    ("公jj", "公积金贷款进度查询"),
    ("gongjj", "公积金贷款进度查询"),         # a syllable in full, then initials
    ("zhufanggjj", "住房公积金账户查询"),
    ("交通wf", "交通违法查询"),
    ("jiaotwf", "交通违法查询"),              # part of a syllable
    ("户k", "户口迁出登记"),
    ("社保jf", "社会保险缴费明细查询"),        # the abbreviation expands in mixed queries too
])
def test_mixed_queries_find_the_item(search: CatalogSearch, query: str, name: str) -> None:
    hits = search.search(query, 8)
    assert name in [h.name for h in hits]
    assert all(h.match == "mixed" for h in hits)


@pytest.mark.parametrize(("query", "how"), [("公积金", "name"), ("gongjijin", "pinyin"),
                                            ("gjj", "initials"), ("GJJ", "initials")])
def test_plain_queries_keep_their_tier(search: CatalogSearch, query: str, how: str) -> None:
    hits = search.search(query, 5)
    assert hits and hits[0].name.startswith("公积金") and hits[0].match == how


def test_mixed_ranks_name_starts_first_and_respects_filters(search: CatalogSearch) -> None:
    hits = search.search("社b", 10)
    assert hits[0].name == "社保缴费基数申报"                 # from the start: 75 + pop
    inside = [h for h in hits if not h.name.startswith("社")]
    assert inside and all(h.score < hits[0].score for h in inside)
    assert search.search("gongjj", 10, department="昆明市公安局") == []
    fund = search.search("gongjj", 10, department="昆明住房公积金管理中心")
    assert fund and {h.department for h in fund} == {"昆明住房公积金管理中心"}
    assert search.search("qxzv", 5) == [] and search.search("社zz", 5) == []


def test_handwriting_candidates_feed_the_search(search: CatalogSearch) -> None:
    # The pad's candidates for a written 社, best first: 杜 leads nowhere in this catalog.
    hits = search.search_candidates("", ["杜", "社", "扯"], limit=5)
    assert hits and all("社" in h.name for h in hits)
    assert search.search_candidates("公", ["积", "织"], 3)[0].name.startswith("公积金")
    # An item reached through a later candidate weighs a little less.
    first = search.search_candidates("", ["户", "社"], 30)
    assert first[0].name.startswith("户")
    assert search.search_candidates("", [], 5) == []
    assert search.leads_somewhere("公积", "金") and not search.leads_somewhere("公积", "杜")


def test_characters_are_what_handwriting_may_lead_to(search: CatalogSearch) -> None:
    chars = search.characters()
    assert {"社", "保", "公", "积", "金", "户", "税", "证", "查", "办", "车"} <= chars
    assert "杜" not in chars and "s" not in chars


def test_a_written_character_reaches_its_items(search: CatalogSearch) -> None:
    """End to end without Kivy: strokes of 积 → recogniser kept to the catalog's
    characters → candidates → the same search the keyboard uses."""
    strokes = StrokeSet.load(STROKES)
    with HandwritingRecogniser() as rec:
        found = rec.recognise(strokes.characters["积"], strokes.width, strokes.height,
                              top_n=5, allowed=search.characters())
    assert found[0].char == "积"
    hits = search.search_candidates("公", [c.char for c in found], 5)
    assert hits[0].name.startswith("公积金")


def test_spelling_units_and_patterns() -> None:
    u = units("住房公积金(A4)", ("zhu", "fang", "gong", "ji", "jin"))
    assert u is not None and u[-1] == ("4", "4") and ("a", "a") in u
    assert units("公积金", ("gong", "ji")) is None               # syllables do not line up
    assert units("公积", ("gong", "ji", "jin")) is None
    assert match_at(u, "gjj") == 2 and match_at(u, "zfg") == 0 and match_at(u, "zg") is None
    assert match_at(u, "住fanggjja4") == 0 and match_at(u, "金a") == 4
    assert compile_query("gj").search(encode(u)) is not None
    assert narrowing_keys("公积jin办x") == ["公", "积", "ji", "办", "x"]
