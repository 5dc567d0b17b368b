"""Distances and map projection for the 24-hour service-point map (no Kivy)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

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


def project(lat: float, lon: float, bounds: tuple[float, float, float, float]
            ) -> tuple[float, float]:
    """Equirectangular projection into the unit square (0..1, 0..1), north up."""
    lon0, lat0, lon1, lat1 = bounds
    scale = math.cos(math.radians((lat0 + lat1) / 2))
    return ((lon - lon0) * scale / ((lon1 - lon0) * scale), (lat - lat0) / (lat1 - lat0))
