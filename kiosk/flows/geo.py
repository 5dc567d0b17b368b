"""Distances and map geometry for the 24-hour service-point map (no Kivy): the frame
fitted to the map area at one scale, district outlines and Dianchi from common.kunming_map
(the data the fleet dashboard draws too), numbered markers placed without collisions, and
the points offering an item nearest first."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from common.kunming_map import (
    DIANCHI,
    clip_box,
    district_cells,
    polygon_area,
    polygon_centroid,
)

EARTH_RADIUS_KM = 6371.0
#: the map's frame: Kunming's main urban districts (lon_min, lat_min, lon_max, lat_max)
KUNMING_BOUNDS = (102.55, 24.80, 102.95, 25.20)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def nearest(points: Iterable[Any], lat: float, lon: float, limit: int = 3
            ) -> list[tuple[float, Any]]:
    """The ``limit`` nearest points (objects with .lat/.lon) as (km, point)."""
    ranked = sorted(((distance_km(lat, lon, p.lat, p.lon), p) for p in points),
                    key=lambda pair: pair[0])
    return ranked[:limit]


def bounds_for(points: Iterable[Any], margin: float = 0.02) -> tuple[float, float, float, float]:
    """A frame holding every point (at least Kunming's urban frame)."""
    lon0, lat0, lon1, lat1 = KUNMING_BOUNDS
    for p in points:
        lon0, lat0 = min(lon0, p.lon - margin), min(lat0, p.lat - margin)
        lon1, lat1 = max(lon1, p.lon + margin), max(lat1, p.lat + margin)
    return lon0, lat0, lon1, lat1


def tight_bounds(points: Iterable[Any], margin: float = 0.01, min_span: float = 0.08
                 ) -> tuple[float, float, float, float]:
    """A frame around the points (objects with .lat/.lon) with ``margin`` degrees to spare,
    at least ``min_span`` degrees each way (so a few close points are not blown up)."""
    pts = list(points)
    if not pts:
        return KUNMING_BOUNDS
    lon0, lon1 = min(p.lon for p in pts) - margin, max(p.lon for p in pts) + margin
    lat0, lat1 = min(p.lat for p in pts) - margin, max(p.lat for p in pts) + margin
    if lon1 - lon0 < min_span:
        mid = (lon0 + lon1) / 2
        lon0, lon1 = mid - min_span / 2, mid + min_span / 2
    if lat1 - lat0 < min_span:
        mid = (lat0 + lat1) / 2
        lat0, lat1 = mid - min_span / 2, mid + min_span / 2
    return lon0, lat0, lon1, lat1


def project(lat: float, lon: float, bounds: tuple[float, float, float, float]
            ) -> tuple[float, float]:
    """Equirectangular projection into the unit square (0..1, 0..1), north up."""
    lon0, lat0, lon1, lat1 = bounds
    scale = math.cos(math.radians((lat0 + lat1) / 2))
    return ((lon - lon0) * scale / ((lon1 - lon0) * scale), (lat - lat0) / (lat1 - lat0))


# -- the terminal's map: a fitted frame, district outlines, markers that never collide --

#: planar coordinates (x = lon · cos 25°, y = lat): distances on the map stay uniform
PLANAR_K = math.cos(math.radians(25.0))


def planar(lon: float, lat: float) -> tuple[float, float]:
    """(lon, lat) in the map's plane (north up)."""
    return lon * PLANAR_K, lat


@dataclass(frozen=True)
class MapFrame:
    """Geographic ``bounds`` (lon0, lat0, lon1, lat1) fitted into the pixel box (x, y, w, h)
    at one scale for both axes (no stretching), centred; y grows upwards (Kivy)."""

    bounds: tuple[float, float, float, float]
    box: tuple[float, float, float, float]
    scale: float
    origin: tuple[float, float]

    @classmethod
    def fit(cls, bounds: tuple[float, float, float, float],
            box: tuple[float, float, float, float]) -> MapFrame:
        """The frame showing all of ``bounds`` in ``box``."""
        (qx0, qy0), (qx1, qy1) = planar(bounds[0], bounds[1]), planar(bounds[2], bounds[3])
        x, y, w, h = box
        scale = min(w / max(qx1 - qx0, 1e-9), h / max(qy1 - qy0, 1e-9))
        ox = x + (w - (qx1 - qx0) * scale) / 2 - qx0 * scale
        oy = y + (h - (qy1 - qy0) * scale) / 2 - qy0 * scale
        return cls(bounds, box, scale, (ox, oy))

    def to_px(self, lat: float, lon: float) -> tuple[float, float]:
        """Pixel position of (lat, lon)."""
        qx, qy = planar(lon, lat)
        return self.origin[0] + qx * self.scale, self.origin[1] + qy * self.scale

    def planar_box(self) -> tuple[float, float, float, float]:
        """The pixel box back in planar coordinates (x0, y0, x1, y1)."""
        x, y, w, h = self.box
        return ((x - self.origin[0]) / self.scale, (y - self.origin[1]) / self.scale,
                (x + w - self.origin[0]) / self.scale, (y + h - self.origin[1]) / self.scale)


@dataclass(frozen=True)
class Outline:
    """A district (or the lake) as drawn: pixel polygon and where its name goes (None when
    too little of it is in the frame to name it)."""

    name: str
    points: tuple[tuple[float, float], ...]
    label_at: tuple[float, float] | None


def district_outlines(frame: MapFrame, min_label_share: float = 0.04) -> list[Outline]:
    """The districts' schematic cells (common.kunming_map, as on the fleet dashboard)
    clipped to the frame, in pixels; named at their centroid when they cover at least
    ``min_label_share`` of the frame."""
    box = frame.planar_box()
    frame_area = (box[2] - box[0]) * (box[3] - box[1])
    out: list[Outline] = []
    for name, cell in district_cells(planar).items():
        part = clip_box(cell, *box)
        if len(part) < 3:
            continue
        share = polygon_area(part) / frame_area if frame_area else 0.0
        cx, cy = polygon_centroid(part)
        px = [_to_px(frame, p) for p in part]
        label = _to_px(frame, (cx, cy)) if share >= min_label_share else None
        out.append(Outline(name, tuple(px), label))
    return out


def lake_outline(frame: MapFrame) -> Outline | None:
    """Dianchi in pixels, clipped to the frame (None when it is not in view)."""
    part = clip_box([planar(*p) for p in DIANCHI], *frame.planar_box())
    if len(part) < 3:
        return None
    return Outline("滇池", tuple(_to_px(frame, p) for p in part),
                   _to_px(frame, polygon_centroid(part)))


def _to_px(frame: MapFrame, q: tuple[float, float]) -> tuple[float, float]:
    return frame.origin[0] + q[0] * frame.scale, frame.origin[1] + q[1] * frame.scale


@dataclass(frozen=True)
class Marker:
    """A numbered marker: its centre, the true position it stands for, and whether it had
    to move off that position (then a leader line joins them)."""

    index: int
    x: float
    y: float
    anchor: tuple[float, float]

    @property
    def moved(self) -> bool:
        """True when the marker is not on its point."""
        return math.hypot(self.x - self.anchor[0], self.y - self.anchor[1]) > 0.5


Circle = tuple[float, float, float]          # x, y, radius


def place_markers(anchors: Sequence[tuple[float, float]], radius: float,
                  box: tuple[float, float, float, float], blocked: Sequence[Circle] = (),
                  gap: float = 2.0) -> list[Marker | None]:
    """Round markers of ``radius`` for ``anchors`` (in priority order), each fully inside
    ``box``, overlapping neither another marker nor a ``blocked`` circle (the terminal's
    own mark, names on the map). A marker stays on its point when it can, else it takes
    the nearest free place on rings around it. None for a marker with no free place."""
    x0, y0, w, h = box
    lo_x, hi_x, lo_y, hi_y = x0 + radius, x0 + w - radius, y0 + radius, y0 + h - radius
    placed: list[Circle] = []
    out: list[Marker | None] = []
    step = radius * 0.75
    rings = int(max(w, h) / step) + 1
    for index, (ax, ay) in enumerate(anchors):
        spot = None
        for ring in range(rings + 1):
            count = 1 if ring == 0 else 6 * ring
            for k in range(count):
                angle = 2 * math.pi * k / count
                x = ax + ring * step * math.cos(angle)
                y = ay + ring * step * math.sin(angle)
                if not (lo_x <= x <= hi_x and lo_y <= y <= hi_y):
                    continue
                if all(math.hypot(x - bx, y - by) >= radius + br + gap
                       for bx, by, br in (*blocked, *placed)):
                    spot = (x, y)
                    break
            if spot is not None:
                break
        if spot is None:
            out.append(None)
            continue
        placed.append((spot[0], spot[1], radius))
        out.append(Marker(index, spot[0], spot[1], (ax, ay)))
    return out


def offering_nearest(points: Iterable[Any], code: str, lat: float, lon: float
                     ) -> list[tuple[float, Any]]:
    """'Where can I do this item': the service points whose items include ``code``, as
    (km, point), nearest first (the same distance the map's list and detail show)."""
    return sorted(((distance_km(lat, lon, p.lat, p.lon), p) for p in points
                   if code in getattr(p, "items", ())), key=lambda pair: pair[0])
