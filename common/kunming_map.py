"""Kunming's districts, outline and Dianchi lake as (lon, lat) data, and the schematic
district cells computed from them — shared by the fleet dashboard (fleet/districts.py,
SVG) and the terminal's service-point map (kiosk/flows/geo.py, screens/map.py).

The districts are drawn from data, not traced: each is the Voronoi cell of a
representative point (roughly its area's centre), clipped to a simplified outline of the
municipality. It is a schematic (示意图) good for placing points by district at a glance,
not a survey map.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

Point = tuple[float, float]


@dataclass(frozen=True)
class District:
    """One district: Chinese and English names and a representative (lon, lat)."""

    zh: str
    en: str
    lon: float
    lat: float


DISTRICTS: tuple[District, ...] = (
    District("五华区", "Wuhua", 102.66, 25.20),
    District("盘龙区", "Panlong", 102.84, 25.27),
    District("官渡区", "Guandu", 102.88, 25.05),
    District("西山区", "Xishan", 102.52, 25.02),
    District("呈贡区", "Chenggong", 102.90, 24.86),
    District("晋宁区", "Jinning", 102.60, 24.62),
    District("东川区", "Dongchuan", 103.07, 26.18),
    District("安宁市", "Anning", 102.33, 24.86),
    District("富民县", "Fumin", 102.48, 25.38),
    District("宜良县", "Yiliang", 103.18, 24.95),
    District("石林彝族自治县", "Shilin", 103.45, 24.70),
    District("嵩明县", "Songming", 103.03, 25.33),
    District("禄劝彝族苗族自治县", "Luquan", 102.55, 25.95),
    District("寻甸回族彝族自治县", "Xundian", 103.22, 25.62),
)

#: simplified outline of the municipality (lon, lat), clockwise from the north-west
OUTLINE: tuple[Point, ...] = (
    (102.55, 26.45), (102.95, 26.55), (103.25, 26.38), (103.35, 26.05), (103.30, 25.85),
    (103.65, 25.55), (103.55, 25.25), (103.50, 25.05), (103.67, 24.85), (103.55, 24.55),
    (103.25, 24.45), (102.95, 24.55), (102.70, 24.39), (102.45, 24.48), (102.30, 24.65),
    (102.17, 24.90), (102.25, 25.15), (102.40, 25.35), (102.30, 25.55), (102.17, 25.85),
    (102.25, 26.15),
)

#: Dianchi lake (lon, lat)
DIANCHI: tuple[Point, ...] = (
    (102.66, 25.00), (102.72, 24.98), (102.76, 24.90), (102.78, 24.80), (102.75, 24.72),
    (102.70, 24.70), (102.66, 24.76), (102.64, 24.86), (102.63, 24.94),
)


def clip_halfplane(poly: Sequence[Point], a: float, b: float, c: float) -> list[Point]:
    """Keep the part of ``poly`` where a·x + b·y <= c (Sutherland–Hodgman, one edge)."""
    out: list[Point] = []
    for i, cur in enumerate(poly):
        prev = poly[i - 1]
        cur_in = a * cur[0] + b * cur[1] <= c
        prev_in = a * prev[0] + b * prev[1] <= c
        if cur_in != prev_in:
            dx, dy = cur[0] - prev[0], cur[1] - prev[1]
            t = (c - a * prev[0] - b * prev[1]) / (a * dx + b * dy)
            out.append((prev[0] + t * dx, prev[1] + t * dy))
        if cur_in:
            out.append(cur)
    return out


def clip_box(poly: Sequence[Point], x0: float, y0: float, x1: float, y1: float
             ) -> list[Point]:
    """The part of ``poly`` inside the box [x0, x1] × [y0, y1]."""
    out = list(poly)
    for a, b, c in ((-1.0, 0.0, -x0), (1.0, 0.0, x1), (0.0, -1.0, -y0), (0.0, 1.0, y1)):
        if out:
            out = clip_halfplane(out, a, b, c)
    return out


def district_cells(project: Callable[[float, float], Point]) -> dict[str, list[Point]]:
    """Each district's polygon in the plane of ``project(lon, lat)`` (any projection that
    keeps distances roughly uniform): its Voronoi cell clipped to the outline."""
    sites = {d.zh: project(d.lon, d.lat) for d in DISTRICTS}
    outline = [project(*p) for p in OUTLINE]
    cells: dict[str, list[Point]] = {}
    for name, (sx, sy) in sites.items():
        poly = list(outline)
        for other, (ox, oy) in sites.items():
            if other != name:
                a, b = ox - sx, oy - sy
                poly = clip_halfplane(poly, a, b, (ox * ox + oy * oy - sx * sx - sy * sy) / 2)
        cells[name] = poly
    return cells


def polygon_centroid(poly: Sequence[Point]) -> Point:
    """Area centroid of a simple polygon (its vertex mean when degenerate)."""
    area = cx = cy = 0.0
    for i, (x1, y1) in enumerate(poly):
        x0, y0 = poly[i - 1]
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        n = max(1, len(poly))
        return sum(p[0] for p in poly) / n, sum(p[1] for p in poly) / n
    return cx / (3 * area), cy / (3 * area)


def polygon_area(poly: Sequence[Point]) -> float:
    """Absolute area of a simple polygon."""
    return abs(sum(poly[i - 1][0] * y - x * poly[i - 1][1] for i, (x, y) in enumerate(poly))) / 2
