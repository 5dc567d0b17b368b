"""Service map: the 24-hour points drawn on a map of Kunming, with the distance from this
terminal and the items each offers."""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Ellipse, Line, Rectangle
from kivy.properties import StringProperty

from kiosk.flows.geo import bounds_for, distance_km, project
from kiosk.flows.where import points_offering
from screens.widgets import EbtButton, EbtLabel, KioskScreen

#: rough outline of Dianchi lake (lon, lat) so the map reads as Kunming
DIANCHI = [(102.63, 24.97), (102.68, 24.93), (102.72, 24.86), (102.70, 24.78),
           (102.64, 24.80), (102.62, 24.88), (102.63, 24.97)]


class MapTag(EbtLabel):
    """A point's number on the map, on its own surface-coloured tag (readable over dots)."""


class MapScreen(KioskScreen):
    """Points as numbered dots; touching a point's row shows what it offers."""

    prompt = "map"
    _built: tuple = ()
    detail = StringProperty("")

    def refresh(self) -> None:
        """Draw the map and list the points nearest first."""
        app = self.app
        term = app.terminal.config.terminal
        here = (term.lat, term.lon)
        offered = app.service_points
        journey = app.journey          # from an item: only the points that offer it
        if journey is not None and journey.item.code in {c for p in offered for c in p.items}:
            offered = points_offering(offered, journey.item.code)
        points = sorted(offered, key=lambda p: distance_km(here[0], here[1], p.lat, p.lon))
        self._draw(points, here)
        key = (app.lang, len(points), journey.item.code if journey is not None else "")
        if key == self._built:
            return
        self._built = key
        box = self.ids.points
        box.clear_widgets()
        for n, point in enumerate(points, 1):
            km = distance_km(here[0], here[1], point.lat, point.lon)
            button = EbtButton(text=f"{n}. {point.name}  {km:.1f} km", ebt_id=f"point_{n}",
                               size_hint_y=None, height=app.theme.target)
            button.bind(on_release=lambda _b, p=point, d=km: self._show(p, d))
            box.add_widget(button)
        if not points:
            box.add_widget(EbtLabel(text=app.tr("服务点信息暂时无法获取。")))

    def _show(self, point: Any, km: float) -> None:
        app = self.app
        names = [app.terminal.catalog.get(code) for code in point.items[:8]]
        offered = "、".join(i.name for i in names if i is not None)
        self.detail = (f"{point.name}（{point.district}）\n{point.address}\n"
                       f"{app.tr('开放时间')}：{point.hours}  {app.tr('距离')}：{km:.1f} km\n"
                       f"{app.tr('可办事项')}：{offered or '—'}")

    def _draw(self, points: list[Any], here: tuple[float, float]) -> None:
        canvas = self.ids.map_area.canvas
        canvas.clear()
        area, theme = self.ids.map_area, self.app.theme
        bounds = bounds_for(points)

        def xy(lat: float, lon: float) -> tuple[float, float]:
            u, v = project(lat, lon, bounds)
            return area.x + u * area.width, area.y + v * area.height

        radius = theme.gap
        with canvas:
            Color(*theme.surface)
            Rectangle(pos=area.pos, size=area.size)
            Color(*theme.primary[:3], 0.35)
            Line(points=[c for lon, lat in DIANCHI for c in xy(lat, lon)], width=3)
            Color(*theme.accent)
            for point in points:
                x, y = xy(point.lat, point.lon)
                Ellipse(pos=(x - radius, y - radius), size=(radius * 2, radius * 2))
            Color(*theme.danger)
            x, y = xy(*here)
            Line(circle=(x, y, radius * 1.6), width=3)
        labels = self.ids.map_labels
        labels.clear_widgets()
        for n, point in enumerate(points, 1):
            x, y = xy(point.lat, point.lon)
            labels.add_widget(MapTag(text=str(n), bold=True, size_hint=(None, None),
                                     size=(radius * 3, radius * 2.4),
                                     pos=(x + radius * 1.2, y - radius)))

    def demo(self, **state: Any) -> None:
        """The map with the first point's details."""
        self.refresh()
        if self.app.service_points:
            self._show(self.app.service_points[0], 0.0)
