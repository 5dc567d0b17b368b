"""Home: search, then the categories citizens come for as pictogram tiles.

The tiles are the core's categories (``kiosk.flows.categories``) ranked by this terminal's
own use, falling back to the platform's popularity. A category whose service needs a device
that is down (certificates with the printer out) says so on its tile before the citizen
starts. Standard mode shows every tile; 长辈版 shows four at a time (search being one of
them is the screen's one other choice) with 下一页.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import NumericProperty

from kiosk.flows.categories import EXTRA_TILES, Category, ranked
from screens.widgets import CategoryTile, KioskScreen


class HomeScreen(KioskScreen):
    """Category tiles, a page at a time in elderly mode."""

    prompt = "home"
    page = NumericProperty(0)
    pages = NumericProperty(1)
    _built: tuple = ()

    def refresh(self) -> None:
        """Rebuild the tiles from the catalog, the usage counts and the devices' state."""
        app = self.app
        self.ids.who.text = app.session.identity_label
        terminal = app.terminal
        usage = terminal.category_usage.counts() if terminal.category_usage else {}
        order = ranked(terminal.catalog.items(), usage)
        printer_down = self._printer_down()
        per_page = self._per_page()
        tiles: list[Category | tuple[str, str, str]] = [*order, *EXTRA_TILES]
        self.pages = max(1, -(-len(tiles) // per_page))
        self.page = min(int(self.page), int(self.pages) - 1)
        key = (app.lang, per_page, int(self.page), tuple(c.key for c in order), printer_down,
               terminal.catalog.version)
        if key == self._built:
            return                      # the tiles are up to date: keep the screen fast
        self._built = key
        box = self.ids.tiles
        box.clear_widgets()
        for tile in tiles[self.page * per_page:(self.page + 1) * per_page]:
            box.add_widget(self._tile(tile, printer_down))

    def _per_page(self) -> int:
        # 长辈版: at most four choices on the screen — the search and three tiles
        return int(self.app.theme.max_tiles) - 1 if self.app.theme.mode == "elderly" else 15

    def _tile(self, tile: Category | tuple[str, str, str], printer_down: bool) -> CategoryTile:
        app = self.app
        if isinstance(tile, Category):
            name = tile.name if app.lang == "zh_CN" else tile.name_en
            warning = (app.tr("打印机暂停，可扫码下载") if printer_down
                       and tile.key == "certificates" else "")
            widget = CategoryTile(ebt_id=f"cat_{tile.key}", glyph=tile.glyph, label=name,
                                  warning=warning)
            widget.bind(on_release=lambda _w, c=tile: self.open_category(c))
            return widget
        action, label, glyph = tile
        widget = CategoryTile(ebt_id=action, glyph=glyph, label=app.tr(label))
        widget.bind(on_release=lambda _w, a=action: self._extra(a))
        return widget

    def _printer_down(self) -> bool:
        counters = self.app.terminal.counters
        state = counters.device_cache.get("printer", {}).get("state")
        return counters.paper == "out" or state not in (None, "online")

    def spoken_content(self) -> str:
        """The choices on this page."""
        names = [tile.label for tile in reversed(self.ids.tiles.children)]
        return self.app.tr("您可以选择：") + "、".join(names) if names else ""

    def open_category(self, category: Category) -> None:
        """A category's items, or 办件进度查询."""
        if category.action == "progress":
            self.app.start_progress()
        else:
            self.app.browse_category(category.key)

    def _extra(self, action: str) -> None:
        if action == "browse":
            self.app.browse("department")
        else:
            self.app.go(action)

    def next_page(self) -> None:
        """The next four tiles (elderly mode), round again after the last."""
        self.page = (int(self.page) + 1) % max(1, int(self.pages))
        self.refresh()

    def wipe(self) -> None:
        """The masked name goes; the next visit starts on the first page."""
        super().wipe()
        self.ids.who.text = ""
        self.page = 0

    def demo(self, **state: Any) -> None:
        """The live tiles are representative."""
        self.page = int(state.get("page", 0))
        self.refresh()
