"""The categories citizens come for, as the home screen's pictogram tiles, ranked by real use.

:data:`CATEGORIES` names each one (社保, 医保, 公积金, 户政, 出入境, 交管, 税务, 不动产,
办件查询, 证照打印, 预约) with its pictogram character, what it holds (a department's items,
all certificates, all appointments) and what a tap does. :class:`CategoryUsage` counts the
journeys started on this terminal per category (kept in a small 0600 JSON file, so the
ranking survives a restart) and :func:`ranked` orders the tiles by those counts, falling
back to the platform's popularity of the items inside while the terminal has no history.
Nothing here is personal: counts per category only.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.events import EventBus
from kiosk.i18n import N_

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Category:
    """One home-screen tile."""

    key: str
    name: str
    name_en: str
    glyph: str                        # the pictogram's character, drawn in a coloured disc
    departments: frozenset[str] = frozenset()
    flow: str = ""                    # every item of this flow kind (certificates, bookings)
    action: str = "items"             # "items": list them; "progress": 办件进度查询

    def holds(self, item: Any) -> bool:
        """True when ``item`` belongs here."""
        if self.action != "items":
            return False
        return item.department in self.departments or (bool(self.flow)
                                                       and item.flow == self.flow)


CATEGORIES: tuple[Category, ...] = (
    Category("social", "社保", "Social security", "保",
             frozenset({"昆明市人力资源和社会保障局"})),
    Category("medical", "医保", "Medical insurance", "医", frozenset({"昆明市医疗保障局"})),
    Category("fund", "公积金", "Housing fund", "金", frozenset({"昆明住房公积金管理中心"})),
    Category("household", "户政", "Household registration", "户",
             frozenset({"昆明市公安局"})),
    Category("exit_entry", "出入境", "Exit and entry", "护",
             frozenset({"昆明市公安局出入境管理支队"})),
    Category("traffic", "交管", "Traffic", "车", frozenset({"昆明市公安局交通警察支队"})),
    Category("tax", "税务", "Tax", "税", frozenset({"国家税务总局昆明市税务局"})),
    Category("real_estate", "不动产", "Real estate", "房", frozenset({"昆明市不动产登记中心"})),
    Category("progress", "办件查询", "Case progress", "查", action="progress"),
    Category("certificates", "证照打印", "Print certificates", "证", flow="certificate"),
    Category("appointments", "预约", "Appointments", "约", flow="appointment"),
)
BY_KEY = {c.key: c for c in CATEGORIES}
#: the home screen's tiles besides the categories: (action, name msgid, pictogram)
EXTRA_TILES = (("browse", N_("全部事项"), "全"), ("map", N_("24小时服务点"), "图"),
               ("settings", N_("设置"), "设"))


def category_of(item: Any) -> Category | None:
    """The first category holding ``item`` (a department's before a flow kind's)."""
    for category in CATEGORIES:
        if category.departments and item.department in category.departments:
            return category
    for category in CATEGORIES:
        if category.flow and item.flow == category.flow:
            return category
    return None


def items_in(category: Category, items: Iterable[Any]) -> list[Any]:
    """The category's items, most popular first."""
    return sorted((i for i in items if category.holds(i)), key=lambda i: -i.popularity)


def ranked(items: Iterable[Any], counts: Mapping[str, int]) -> list[Category]:
    """Categories by this terminal's use, then by the platform's popularity of their items."""
    items = list(items)
    popularity = {c.key: sum(i.popularity for i in items if c.holds(i)) for c in CATEGORIES}
    popularity["progress"] = max(popularity.values(), default=0)  # every applicant returns
    order = {c.key: n for n, c in enumerate(CATEGORIES)}
    return sorted(CATEGORIES, key=lambda c: (-counts.get(c.key, 0), -popularity[c.key],
                                             order[c.key]))


class CategoryUsage:
    """Counts journeys started per category (from ``journey.started``), saved to ``path``."""

    def __init__(self, path: Path, bus: EventBus, catalog: Any) -> None:
        self.path = path
        self._catalog = catalog
        self._lock = threading.Lock()
        self._counts: dict[str, int] = self._load()
        self._unsubscribe = bus.subscribe("journey.started", self._started)

    def counts(self) -> dict[str, int]:
        """Journeys started per category key."""
        with self._lock:
            return dict(self._counts)

    def close(self) -> None:
        """Stop counting."""
        self._unsubscribe()

    def _started(self, _topic: str, payload: Any) -> None:
        code = payload.get("item") if isinstance(payload, dict) else None
        flow = payload.get("flow") if isinstance(payload, dict) else None
        item = self._catalog.get(code) if code else None
        category = BY_KEY["progress"] if flow == "progress" else (
            category_of(item) if item is not None else None)
        if category is None:
            return
        with self._lock:
            self._counts[category.key] = self._counts.get(category.key, 0) + 1
            snapshot = dict(self._counts)
        self._save(snapshot)

    def _load(self) -> dict[str, int]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("category counts unreadable; starting from the platform's ranking")
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): int(v) for k, v in data.items()
                if k in BY_KEY and isinstance(v, int) and v >= 0}

    def _save(self, counts: dict[str, int]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".usage-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:   # mkstemp: 0600 already
                json.dump(counts, fh)
            os.replace(tmp, self.path)
        except OSError:
            log.warning("category counts not saved")
