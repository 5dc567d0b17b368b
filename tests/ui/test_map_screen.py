"""The map screen (issue 13): the detail gives the list's distance (it said 0.0 km where
the list said 0.3 km), numbered markers neither overlap nor leave the map, the legend
names only what is drawn, districts are outlined, and 'where can I do this item' lists
only the points offering it, nearest first."""

from __future__ import annotations

import itertools
import os
import random
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

os.environ.setdefault("KIVY_NO_ARGS", "1")

pytestmark = pytest.mark.ui

HERE = (25.0406, 102.7122)


def _points() -> list[Any]:
    rng = random.Random(7)
    points = []
    for n in range(40):                       # a crowded old town and a few far points
        spread = 0.02 if n < 30 else 0.12
        points.append(SimpleNamespace(
            id=f"P{n}", name=f"服务点{n}", district="五华区", address=f"地址{n}",
            lat=HERE[0] + rng.uniform(-spread, spread),
            lon=HERE[1] + rng.uniform(-spread, spread), hours="00:00-24:00",
            items=("ITEM-A",) if n % 3 == 0 else ("ITEM-B",)))
    return points


@pytest.fixture(scope="module")
def screen() -> Iterator[Any]:
    from kivy.app import App
    from kivy.base import EventLoop
    from kivy.core.window import Window
    from kivy.lang import Builder
    from kivy.properties import ObjectProperty

    from screens.app import SCREENS_DIR
    from screens.map import MapScreen
    from screens.theme import Theme

    catalog = {"ITEM-A": SimpleNamespace(code="ITEM-A", name="户口迁入登记"),
               "ITEM-B": SimpleNamespace(code="ITEM-B", name="出生登记")}

    class MapApp(App):
        theme = ObjectProperty(None, rebind=True)
        lang = "zh_CN"
        journey = None

        def __init__(self) -> None:
            super().__init__()
            self.service_points = _points()
            self.terminal = SimpleNamespace(
                config=SimpleNamespace(terminal=SimpleNamespace(lat=HERE[0], lon=HERE[1])),
                catalog=SimpleNamespace(get=catalog.get))
            self.went: list[str] = []

        def tr(self, text: str, *_a: Any) -> str:
            return text

        def go(self, name: str, *_a: Any) -> None:
            self.went.append(name)

        def __getattr__(self, name: str) -> Any:
            return ""      # whatever else the shared top bar shows (clock, busy …)

    app = MapApp()
    app.theme = Theme()
    for name in ("widgets.kv", "map.kv"):
        Builder.load_file(str(SCREENS_DIR / name))
    EventLoop.ensure_window()
    Window.size = (1080, 1920)
    map_screen = MapScreen(name="map")
    Window.add_widget(map_screen)
    for _ in range(5):
        EventLoop.idle()
    yield map_screen
    Window.remove_widget(map_screen)
    for name in ("widgets.kv", "map.kv"):
        Builder.unload_file(str(SCREENS_DIR / name))


def _rows(screen: Any) -> list[str]:
    return [b.text for b in reversed(screen.ids.points.children)]


def _tags(screen: Any) -> list[Any]:
    from screens.map import MapTag

    return [w for w in screen.ids.map_labels.children if isinstance(w, MapTag)]


def test_the_detail_gives_the_lists_distance(screen: Any) -> None:
    screen.demo()
    first = _rows(screen)[0]
    km = first.rsplit("  ", 1)[1]
    assert f"距离：{km}" in screen.detail, (first, screen.detail)
    assert "0.0 km" not in screen.detail


def test_markers_neither_overlap_nor_spill(screen: Any) -> None:
    screen.refresh()
    area = screen.ids.map_area
    tags = _tags(screen)
    assert len(tags) == 20                      # the 20 nearest of 40, the rest in the list
    for tag in tags:
        assert area.x - 0.5 <= tag.x and tag.right <= area.right + 0.5
        assert area.y - 0.5 <= tag.y and tag.top <= area.top + 0.5
    for a, b in itertools.combinations(tags, 2):
        gap = ((a.center_x - b.center_x) ** 2 + (a.center_y - b.center_y) ** 2) ** 0.5
        assert gap >= a.width - 0.5, (a.text, b.text)


def test_the_legend_names_only_what_is_drawn(screen: Any) -> None:
    screen.refresh()
    assert screen.legend.startswith("圆圈：本终端位置")
    assert "带编号的圆点" in screen.legend
    assert ("细线：区县界线" in screen.legend) == bool(
        [w for w in screen.ids.map_labels.children if type(w).__name__ == "PlaceName"])
    assert "图上标出最近的 20 个" in screen.legend
    for word in ("三角", "方块", "星"):
        assert word not in screen.legend


def test_where_can_i_do_this_item(screen: Any) -> None:
    from kiosk.flows.geo import offering_nearest

    screen.show_item("ITEM-A")
    assert screen.app.went[-1] == "map"
    screen.refresh()
    expected = offering_nearest(screen.app.service_points, "ITEM-A", *HERE)
    rows = _rows(screen)
    assert rows == [f"{n}. {p.name}  {km:.1f} km" for n, (km, p) in enumerate(expected, 1)]
    assert len(rows) == 14 and screen.heading == "可办理“户口迁入登记”的服务点"
    assert "可办理本事项的服务点" in screen.legend
    screen.on_leave()
    screen.refresh()
    assert len(_rows(screen)) == 40 and screen.heading == ""
