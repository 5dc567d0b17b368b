"""Kunming's 14 county-level districts and the dashboard's schematic SVG map of them.

The map is drawn from data (common/kunming_map.py, shared with the terminal's map), not
traced: each district is the Voronoi cell of a representative point (roughly its area's
centre), clipped to a simplified outline of the municipality, with Dianchi lake on top.
It is a schematic (示意图) good for placing terminals by district at a glance, not a survey
map. Terminals are drawn by the dashboard's
script around their district's anchor (``data-x``/``data-y`` on each district shape).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from common.kunming_map import DIANCHI, DISTRICTS, OUTLINE, District, Point
from common.kunming_map import district_cells as _cells

__all__ = ["DIANCHI", "DISTRICTS", "OUTLINE", "District", "district_cells", "district_names",
           "map_svg", "project"]

SCALE = 400.0
LON0, LAT0 = 102.10, 26.62
WIDTH, HEIGHT = 600, 920


def project(lon: float, lat: float) -> Point:
    """Map coordinates → SVG user units (equirectangular at 25° N)."""
    return ((lon - LON0) * SCALE * 0.906, (LAT0 - lat) * SCALE)


def district_cells() -> dict[str, list[Point]]:
    """Each district's polygon in SVG units (Voronoi cell clipped to the outline; the data
    and the geometry are common.kunming_map's, shared with the terminal's map)."""
    return _cells(project)


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
