"""The guide slip says where to go: the nearest points offering the item with their
addresses and hours, or, without them, where it is done and the hotline (issue 13)."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from drivers.printer.render import render_document
from kiosk.flows.geo import offering_nearest
from kiosk.flows.guide import HOTLINE, guide_slip
from kiosk.platform.models import CatalogItem
from simulator.platform.catalog import build_items

NOW = datetime(2026, 11, 21, 9, 30)


def _item(code: str) -> CatalogItem:
    return CatalogItem.from_json(next(i for i in build_items() if i["code"] == code))


def _point(n: int, lat: float, items: tuple[str, ...]) -> SimpleNamespace:
    return SimpleNamespace(name=f"五华区服务点{n}", address=f"五华区东风西路{n}号",
                           hours="00:00-24:00", lat=lat, lon=102.71, items=items)


def test_the_slip_gives_the_nearest_addresses() -> None:
    item = _item("KM-PSB-001")
    points = [_point(1, 25.10, (item.code,)), _point(2, 25.05, (item.code,)),
              _point(3, 25.04, ("OTHER",)), _point(4, 25.07, (item.code,)),
              _point(5, 25.20, (item.code,))]
    ranked = offering_nearest(points, item.code, 25.04, 102.71)
    doc = guide_slip(item, "KM-DEMO-0001", NOW, ranked)
    printed = list(doc.texts())
    assert "【办理地点 Where to go】" in printed
    addresses = [t for t in printed if t.startswith("五华区东风西路")]
    assert addresses == ["五华区东风西路2号", "五华区东风西路4号", "五华区东风西路1号"]
    assert "五华区服务点2（1.1 km）" in printed and "00:00-24:00" in printed
    render_document(doc, 58)                  # fits the narrow paper


def test_without_points_it_says_where_and_whom_to_ask() -> None:
    item = _item("KM-PSB-001")
    printed = list(guide_slip(item, "KM-DEMO-0001", NOW).texts())
    assert HOTLINE in printed
    where = (item.raw.get("where") or {}).get("text")
    assert (where or "请到就近的政务服务中心或24小时自助服务点办理。") in printed
