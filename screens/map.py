"""Service map: the 24-hour points on a schematic map of Kunming's districts (the outlines
the fleet dashboard draws, common.kunming_map), numbered markers that never overlap each
other, the terminal's own mark or a district's name and never leave the frame (a marker
that had to move keeps a thin line to its point), the list nearest first with the same
distance as the detail, and an item mode: where can I do this item
(:meth:`MapScreen.show_item`).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from kivy.graphics import Color, Ellipse, Line, Rectangle
from kivy.properties import StringProperty

from common.kunming_map import DISTRICTS
from kiosk.flows.geo import (
    MapFrame,
    distance_km,
    district_outlines,
    lake_outline,
    offering_nearest,
    place_markers,
    tight_bounds,
)
from kiosk.i18n import N_
from screens.widgets import EbtButton, EbtLabel, KioskScreen

#: what the legend says about each drawn layer
LEGEND_HERE = N_("圆圈：本终端位置")
LEGEND_POINTS = N_("带编号的圆点：服务点，编号同列表")
LEGEND_ITEM_POINTS = N_("带编号的圆点：可办理本事项的服务点，编号同列表")
LEGEND_DISTRICTS = N_("细线：区县界线（示意）")
LEGEND_MISSING = N_("另有 {n} 个服务点图上放不下，见列表")
LEGEND_NEAREST = N_("图上标出最近的 {n} 个，其余见列表")
#: markers on the map at most (the nearest; the list has them all): few enough that each
#: stays on or next to its point, and fewer in 长辈版 where markers are larger
MAP_MARKERS = {"standard": 20, "elderly": 10}


class MapTag(EbtLabel):
    """A point's number, centred on its marker."""


class PlaceName(EbtLabel):
    """A district's or the lake's name on the map."""


class MapScreen(KioskScreen):
    """Points as numbered markers; touching a point's row shows what it offers."""

    prompt = "map"
    _built: tuple = ()
    detail = StringProperty("")
    legend = StringProperty("")
    #: the item whose service points are shown ("" = every point)
    item_code = StringProperty("")
    heading = StringProperty("")

    def show_item(self, code: str) -> None:
        """'Where can I do this item': open the map with only the points offering ``code``,
        nearest first (kiosk.flows.geo.offering_nearest)."""
        self.item_code, self._built, self.detail = code, (), ""
        self.app.go("map")

    def on_leave(self, *_args: Any) -> None:
        """Every point again next time."""
        self.item_code = ""

    def wipe(self) -> None:
        """Forget the visit's item and detail."""
        super().wipe()
        self.item_code, self.detail, self.heading, self._built = "", "", "", ()

    def _item(self) -> tuple[str, str]:
        """(code, name) of the item shown: the one asked for, else the open journey's when
        some point offers it, else none."""
        app = self.app
        code = self.item_code
        journey = app.journey
        if not code and journey is not None:
            code = journey.item.code
        if not code or not any(code in p.items for p in app.service_points):
            return "", ""
        item = app.terminal.catalog.get(code)
        name = item.name if item is not None else (
            journey.item.name if journey is not None and journey.item.code == code else code)
        return code, name

    def ranked(self) -> list[tuple[float, Any]]:
        """(km, point) in list order: the item's points or all of them, nearest first."""
        app = self.app
        term = app.terminal.config.terminal
        code, _name = self._item()
        if code:
            return offering_nearest(app.service_points, code, term.lat, term.lon)
        return sorted(((distance_km(term.lat, term.lon, p.lat, p.lon), p)
                       for p in app.service_points), key=lambda pair: pair[0])

    def refresh(self) -> None:
        """Draw the map and list the points nearest first."""
        app = self.app
        term = app.terminal.config.terminal
        code, name = self._item()
        ranked = self.ranked()
        self.heading = (app.tr("可办理“{name}”的服务点").format(name=name) if code else "")
        self._draw(ranked, (term.lat, term.lon), bool(code))
        key = (app.lang, len(ranked), code, app.theme.mode)
        if key == self._built:
            return
        self._built = key
        box = self.ids.points
        box.clear_widgets()
        for n, (km, point) in enumerate(ranked, 1):
            button = EbtButton(text=f"{n}. {point.name}  {km:.1f} km", ebt_id=f"point_{n}",
                               size_hint_y=None, height=app.theme.target)
            button.bind(on_release=lambda _b, p=point, d=km: self._show(p, d))
            box.add_widget(button)
        if not ranked:
            box.add_widget(EbtLabel(text=app.tr("服务点信息暂时无法获取。")))

    def _show(self, point: Any, km: float) -> None:
        """The point's detail; ``km`` is the distance its list row shows."""
        app = self.app
        names = [app.terminal.catalog.get(code) for code in point.items[:8]]
        offered = "、".join(i.name for i in names if i is not None)
        self.detail = (f"{point.name}（{point.district}）\n{point.address}\n"
                       f"{app.tr('开放时间')}：{point.hours}  {app.tr('距离')}：{km:.1f} km\n"
                       f"{app.tr('可办事项')}：{offered or '—'}")

    def _draw(self, ranked: list[tuple[float, Any]], here: tuple[float, float],
              item_mode: bool) -> None:
        area, theme, tr = self.ids.map_area, self.app.theme, self.app.tr
        labels = self.ids.map_labels
        canvas = area.canvas
        canvas.clear()
        labels.clear_widgets()
        if area.width < 10 or area.height < 10:
            return
        box = (area.x, area.y, area.width, area.height)
        shown = ranked[:MAP_MARKERS.get(theme.mode, 20)]
        spot = SimpleNamespace(lat=here[0], lon=here[1])
        frame = MapFrame.fit(tight_bounds([p for _km, p in shown] + [spot]), box)
        radius = theme.small * 0.9
        hx, hy = frame.to_px(*here)
        blocked: list[tuple[float, float, float]] = [(hx, hy, radius * 1.2)]
        outlines = district_outlines(frame)
        lake = lake_outline(frame)
        with canvas:
            Color(*theme.surface)
            Rectangle(pos=area.pos, size=area.size)
            Color(*theme.muted[:3], 0.6)
            for outline in outlines:
                Line(points=[c for xy in outline.points for c in xy], close=True, width=1.2)
            if lake is not None:
                Color(*theme.primary[:3], 0.5)
                Line(points=[c for xy in lake.points for c in xy], close=True, width=2.5)
        english = {d.zh: d.en for d in DISTRICTS} if self.app.lang == "en" else {}
        names = [(english.get(o.name, o.name), o.label_at) for o in outlines
                 if o.label_at is not None]
        if lake is not None and lake.label_at is not None:
            names.append((tr("滇池"), lake.label_at))
        size = theme.small
        for text, (x, y) in names:
            w, h = size * (len(text) + 0.6), size * 1.5
            x = min(max(x, area.x + w / 2), area.right - w / 2)
            y = min(max(y, area.y + h / 2), area.top - h / 2)
            labels.add_widget(PlaceName(text=text, size_hint=(None, None), size=(w, h),
                                        pos=(x - w / 2, y - h / 2)))
            blocked.append((x, y, w / 2))
        markers = place_markers([frame.to_px(p.lat, p.lon) for _km, p in shown], radius, box,
                                blocked)
        with canvas:
            Color(*theme.text[:3], 0.7)
            for marker in markers:
                if marker is not None and marker.moved:
                    Line(points=[marker.x, marker.y, *marker.anchor], width=1.2)
                    Ellipse(pos=(marker.anchor[0] - 3, marker.anchor[1] - 3), size=(6, 6))
            Color(*theme.accent)
            for marker in markers:
                if marker is not None:
                    Ellipse(pos=(marker.x - radius, marker.y - radius),
                            size=(radius * 2, radius * 2))
            Color(*theme.danger)
            Line(circle=(hx, hy, radius * 0.9), width=3)
            Line(circle=(hx, hy, radius * 0.35), width=3)
        for n, marker in enumerate(markers, 1):
            if marker is not None:
                labels.add_widget(MapTag(text=str(n), size_hint=(None, None),
                                         size=(radius * 2, radius * 2),
                                         pos=(marker.x - radius, marker.y - radius)))
        parts = [tr(LEGEND_HERE)]
        if any(m is not None for m in markers):
            parts.append(tr(LEGEND_ITEM_POINTS if item_mode else LEGEND_POINTS))
        if outlines:
            parts.append(tr(LEGEND_DISTRICTS))
        missing = sum(m is None for m in markers)
        if len(shown) < len(ranked):
            parts.append(tr(LEGEND_NEAREST).format(n=len(shown) - missing))
        elif missing:
            parts.append(tr(LEGEND_MISSING).format(n=missing))
        self.legend = "\n".join(parts)           # one thing per line, never cut at a colon

    def demo(self, **state: Any) -> None:
        """The map with the nearest point's details (its real distance)."""
        code = str(state.get("item", ""))
        if code:
            self.item_code = code
        self.refresh()
        ranked = self.ranked()
        if ranked:
            self._show(ranked[0][1], ranked[0][0])
