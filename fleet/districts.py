"""Kunming's 14 county-level districts and the dashboard's schematic SVG map of them.

The map is drawn from data, not traced: each district is the Voronoi cell of a
representative point (roughly its area's centre), clipped to a simplified outline of the
municipality, with Dianchi lake on top. It is a schematic (示意图) good for placing
terminals by district at a glance, not a survey map. Terminals are drawn by the dashboard's
script around their district's anchor (``data-x``/``data-y`` on each district shape).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

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

DIANCHI: tuple[Point, ...] = (
    (102.66, 25.00), (102.72, 24.98), (102.76, 24.90), (102.78, 24.80), (102.75, 24.72),
    (102.70, 24.70), (102.66, 24.76), (102.64, 24.86), (102.63, 24.94),
)

SCALE = 400.0
LON0, LAT0 = 102.10, 26.62
WIDTH, HEIGHT = 600, 920


def project(lon: float, lat: float) -> Point:
    """Map coordinates → SVG user units (equirectangular at 25° N)."""
    return ((lon - LON0) * SCALE * 0.906, (LAT0 - lat) * SCALE)


def _clip(poly: list[Point], a: float, b: float, c: float) -> list[Point]:
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


def district_cells() -> dict[str, list[Point]]:
    """Each district's polygon in SVG units (Voronoi cell clipped to the outline)."""
    sites = {d.zh: project(d.lon, d.lat) for d in DISTRICTS}
    outline = [project(*p) for p in OUTLINE]
    cells: dict[str, list[Point]] = {}
    for name, (sx, sy) in sites.items():
        poly = list(outline)
        for other, (ox, oy) in sites.items():
            if other != name:
                a, b = ox - sx, oy - sy
                poly = _clip(poly, a, b, (ox * ox + oy * oy - sx * sx - sy * sy) / 2)
        cells[name] = poly
    return cells


def _path(points: list[Point]) -> str:
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z"


def map_svg() -> str:
    """The schematic map as an SVG document (districts carry ``data-x``/``data-y`` anchors)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'role="img" aria-label="昆明市各区县示意图 Kunming districts (schematic)">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#eef3f7"/>',
        '<g id="districts">',
    ]
    cells = district_cells()
    for d in DISTRICTS:
        x, y = project(d.lon, d.lat)
        parts.append(
            f'<path class="district" d="{_path(cells[d.zh])}" '
            f'data-name="{escape(d.zh)}" data-en="{d.en}" data-x="{x:.1f}" data-y="{y:.1f}">'
            f"<title>{escape(d.zh)} {d.en}</title></path>"
        )
    parts.append("</g>")
    lake = [project(*p) for p in DIANCHI]
    parts.append(f'<path class="lake" d="{_path(lake)}" fill="#9cc9e8" stroke="#6fa8d0"/>')
    lx, ly = project(102.70, 24.84)
    parts.append(f'<text class="lake-label" x="{lx:.1f}" y="{ly:.1f}">滇池</text>')
    parts.append('<g id="labels">')
    for d in DISTRICTS:
        x, y = project(d.lon, d.lat)
        short = d.zh[:2] if len(d.zh) > 4 else d.zh
        parts.append(f'<text class="district-label" x="{x:.1f}" y="{y - 40:.1f}">{short}</text>')
    parts.append('</g><g id="terminals"></g>')
    parts.append(f'<text x="10" y="{HEIGHT - 12}" class="map-note">'
                 "昆明市 Kunming · 示意图 schematic</text></svg>")
    return "".join(parts)


def district_names() -> list[str]:
    """Chinese names of all districts, in map order."""
    return [d.zh for d in DISTRICTS]
