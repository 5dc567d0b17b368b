"""Home: tiles for the most used items, search, browse, progress, map."""

from __future__ import annotations

from typing import Any

from screens.widgets import EbtButton, KioskScreen


class HomeScreen(KioskScreen):
    """The most popular items as tiles (fewer, larger ones in elderly mode)."""

    prompt = "home"
    _built: tuple = ()

    def refresh(self) -> None:
        """Rebuild the tiles from the cached catalog."""
        app = self.app
        self.ids.who.text = app.session.identity_label
        key = (app.lang, int(app.theme.max_tiles), app.terminal.catalog.version)
        if key == self._built:
            return                      # the tiles are up to date: keep the screen fast
        self._built = key
        items = sorted(app.terminal.catalog.items(), key=lambda i: -i.popularity)
        tiles = self.ids.tiles
        tiles.clear_widgets()
        for item in items[: int(app.theme.max_tiles)]:
            label = item.name if app.lang == "zh_CN" else (item.name_en or item.name)
            button = EbtButton(text=label, ebt_id=f"item_{item.code}", kind="plain")
            button.bind(on_release=lambda _b, code=item.code: app.start_item(code))
            tiles.add_widget(button)

    def demo(self, **state: Any) -> None:
        """The live tiles are representative."""
        self.refresh()
