"""The terminal map's geometry (kiosk/flows/geo.py, common/kunming_map.py), no Kivy."""

from __future__ import annotations

import itertools
import math
import random
from types import SimpleNamespace

from common.kunming_map import DISTRICTS, district_cells
from kiosk.flows.geo import (
    MapFrame,
    distance_km,
    district_outlines,
    lake_outline,
    offering_nearest,
    place_markers,
    tight_bounds,
)

BOX = (10.0, 20.0, 600.0, 400.0)


def _inside(x: float, y: float, r: float, box: tuple[float, float, float, float]) -> bool:
    return (box[0] + r - 1e-6 <= x <= box[0] + box[2] - r + 1e-6
            and box[1] + r - 1e-6 <= y <= box[1] + box[3] - r + 1e-6)


def test_markers_never_overlap_nor_leave_the_frame() -> None:
    rng = random.Random(13)
    # a crowded centre (as in Kunming's old town), points on the very edge and outside it
    anchors = [(300 + rng.gauss(0, 25), 220 + rng.gauss(0, 25)) for _ in range(30)]
    anchors += [(10.0, 20.0), (610.0, 420.0), (-50.0, 200.0), (300.0, 500.0)]
    here = (305.0, 215.0, 20.0)
    radius = 14.0
    markers = place_markers(anchors, radius, BOX, blocked=[here])
    placed = [m for m in markers if m is not None]
    assert len(placed) == len(anchors)
    for m in placed:
        assert _inside(m.x, m.y, radius, BOX)
        assert math.hypot(m.x - here[0], m.y - here[1]) >= radius + here[2]
    for a, b in itertools.combinations(placed, 2):
        assert math.hypot(a.x - b.x, a.y - b.y) >= 2 * radius
    assert [m.index for m in placed] == list(range(len(anchors)))


def test_a_free_marker_stays_on_its_point_and_a_crowded_one_moves_a_little() -> None:
    first, second = place_markers([(100.0, 100.0), (105.0, 100.0)], 10.0, BOX)
    assert first is not None and not first.moved
    assert second is not None and second.moved
    assert math.hypot(second.x - 105.0, second.y - 100.0) <= 3 * 10.0


def test_no_room_is_said_not_hidden() -> None:
    markers = place_markers([(50.0, 50.0)] * 40, 30.0, (0.0, 0.0, 100.0, 100.0))
    assert markers[0] is not None and None in markers


def test_the_frame_keeps_one_scale_and_holds_its_bounds() -> None:
    bounds = (102.60, 24.95, 102.80, 25.10)
    frame = MapFrame.fit(bounds, BOX)
    x0, y0 = frame.to_px(bounds[1], bounds[0])
    x1, y1 = frame.to_px(bounds[3], bounds[2])
    assert _inside(x0, y0, 0, BOX) and _inside(x1, y1, 0, BOX)
    # 0.01° of latitude and of longitude·cos(25°) are the same length on screen
    ax, ay = frame.to_px(25.0, 102.7)
    bx, _ = frame.to_px(25.0, 102.7 + 0.01 / math.cos(math.radians(25)))
    _, cy = frame.to_px(25.01, 102.7)
    assert math.isclose(bx - ax, cy - ay, rel_tol=1e-9)


def test_district_outlines_are_the_dashboards_cells_clipped_to_the_frame() -> None:
    frame = MapFrame.fit((102.55, 24.80, 102.95, 25.20), BOX)
    outlines = district_outlines(frame)
    names = {o.name for o in outlines}
    assert {"五华区", "盘龙区", "官渡区", "西山区", "呈贡区"} <= names
    assert names <= {d.zh for d in DISTRICTS}
    for outline in outlines:
        assert all(_inside(x, y, 0, BOX) for x, y in outline.points)
        if outline.label_at is not None:
            assert _inside(*outline.label_at, 0, BOX)
    lake = lake_outline(frame)
    assert lake is not None and all(_inside(x, y, 0, BOX) for x, y in lake.points)
    assert len(district_cells(lambda lon, lat: (lon, lat))) == len(DISTRICTS)


def test_where_can_i_do_this_item_nearest_first() -> None:
    here = (25.04, 102.71)
    points = [SimpleNamespace(name=n, lat=lat, lon=lon, items=items) for n, lat, lon, items in (
        ("far", 25.20, 102.90, ("A", "B")), ("near", 25.041, 102.712, ("B",)),
        ("none", 25.04, 102.71, ("C",)), ("mid", 25.06, 102.75, ("B",)))]
    ranked = offering_nearest(points, "B", *here)
    assert [p.name for _km, p in ranked] == ["near", "mid", "far"]
    assert ranked[0][0] == distance_km(*here, 25.041, 102.712)
    assert offering_nearest(points, "Z", *here) == []


def test_tight_bounds_hold_every_point_and_a_minimum_span() -> None:
    pts = [SimpleNamespace(lat=25.04, lon=102.71), SimpleNamespace(lat=25.05, lon=102.72)]
    lon0, lat0, lon1, lat1 = tight_bounds(pts)
    assert lon1 - lon0 >= 0.08 - 1e-9 and lat1 - lat0 >= 0.08 - 1e-9
    assert all(lon0 < p.lon < lon1 and lat0 < p.lat < lat1 for p in pts)
