"""'Where can I do this?' for one item: 全市通办 / 跨省通办 and the nearest points that offer it.

The platform says on each item where it can be done (``raw["where"]``: every 24-hour point
or only the district centres, and the 跨省通办 mode); the service points say which items
each offers. :func:`where_answer` puts both together for the item screen and the map.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kiosk.flows.geo import nearest
from kiosk.i18n import N_

MODES = {"全程网办": N_("全程网办：在本终端即可办结"),
         "异地代收代办": N_("异地代收代办：户籍在外省的，本地收件后转递户籍地主管部门办理"),
         "多地联办": N_("多地联办：本地受理，两地主管部门分段联办")}


@dataclass(frozen=True)
class WhereAnswer:
    """Where an item can be done: the rule, the 跨省通办 mode, the nearest points."""

    text: str
    cross_province: str | None
    nearest: tuple[tuple[float, Any], ...]
    offered_here: bool

    def lines(self) -> list[str]:
        """The answer as lines for the guide (point names with distances)."""
        out = [self.text]
        if self.cross_province:
            out.append(MODES.get(self.cross_province, self.cross_province))
        for km, point in self.nearest:
            out.append(f"{point.name}（{km:.1f} km）")
        return out


def points_offering(points: Iterable[Any], code: str) -> list[Any]:
    """The service points whose item list holds ``code``."""
    return [p for p in points if code in p.items]


def where_answer(item: Any, points: Iterable[Any], lat: float, lon: float,
                 terminal_point: str = "", limit: int = 3) -> WhereAnswer:
    """Where ``item`` can be done, with the ``limit`` nearest points offering it."""
    where = item.raw.get("where") or {}
    text = str(where.get("text") or item.raw.get("scope") or "")
    offering = points_offering(points, item.code)
    here = any(p.id == terminal_point for p in offering) if terminal_point else bool(offering)
    return WhereAnswer(text, where.get("cross_province"),
                       tuple(nearest(offering, lat, lon, limit)), here)
