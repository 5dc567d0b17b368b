"""The simulator's catalog: size, completeness of the guide elements, versioning."""

from __future__ import annotations

from simulator.platform.catalog import Catalog, build_items, province_catalog

GUIDE = ("code", "name", "type", "department", "legal_basis", "scope", "time_limit_text",
         "process", "conditions", "fees", "result")
FLOWS = {"guide", "query", "certificate", "application", "progress", "appointment"}


def test_catalog_is_big_enough_and_complete() -> None:
    items = build_items()
    assert len(items) >= 200
    assert len({i["department"] for i in items}) >= 12
    assert len({i["code"] for i in items}) == len(items)
    for item in items:
        for key in GUIDE:
            assert item[key], (item["code"], key)
        assert item["flow"] in FLOWS
        assert item["identity_level"] in {"none", "idcard", "idcard_face"}
        assert item["legal_time_limit_days"] >= item["promised_time_limit_days"] >= 0
        assert item["pinyin"].isascii() and item["pinyin_initials"].isascii()
        assert item["popularity"] > 0
        if item["flow"] in ("application", "appointment") and item["payment"] not in (
                "fine", "contribution"):            # paying here needs no application form
            assert item["forms"] and any("申请表" in m["name"] for m in item["materials"])
        if item["flow"] in ("query", "certificate"):
            assert item["topic"], item["code"]
    assert {i["flow"] for i in items} == FLOWS


def test_pinyin_and_popular_items() -> None:
    by_name = {i["name"]: i for i in build_items()}
    item = by_name["住房公积金缴存证明打印"]
    assert item["pinyin"].startswith("zhufanggongjijin")
    assert item["pinyin_initials"].startswith("zfgjj")
    assert item["popularity"] > by_name["价格认定申请"]["popularity"]


def test_versions_give_incremental_changes() -> None:
    catalog = Catalog(seed=3)
    first = catalog.changes(None)
    assert first["full"] and first["version"] == 1 and len(first["items"]) >= 200
    assert catalog.changes(1)["items"] == []
    version = catalog.bump(updates=4, add=1, remove=2)
    delta = catalog.changes(1)
    assert version == delta["version"] == 2 and not delta["full"]
    assert 4 <= len(delta["items"]) <= 5 and len(delta["removed"]) == 2
    assert all(i["version"] == 2 for i in delta["items"])
    assert catalog.changes(2)["items"] == [] and catalog.changes(2)["removed"] == []
    assert catalog.changes(99)["full"]  # a copy from another lineage gets everything


def test_province_catalog_has_the_requested_size() -> None:
    items = province_catalog(5000)
    assert len(items) == 5000 and len({i["code"] for i in items}) == 5000
    assert any(i["department"].startswith("大理州") for i in items)

