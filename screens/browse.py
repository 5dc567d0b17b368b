"""Browse the catalog by department or by life event, then pick an item."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from kivy.properties import NumericProperty, StringProperty

from kiosk.flows.categories import BY_KEY, items_in
from screens.widgets import EbtButton, KioskScreen


class BrowseScreen(KioskScreen):
    """Groups on the first level, the group's items on the second."""

    prompt = "browse"
    mode = StringProperty("department")   # department, event, or a home-screen category
    group = StringProperty("")
    heading = StringProperty("")
    page = NumericProperty(0)
    _built: tuple = ()

    def choose(self, mode: str) -> None:
        """Switch between departments and life events."""
        self.mode, self.group, self.page = mode, "", 0
        self.refresh()

    def refresh(self) -> None:
        """List groups, or the chosen group's items (in 长辈版 four a page)."""
        app = self.app
        catalog = app.terminal.catalog
        key = (self.mode, self.group, app.lang, app.theme.mode, int(self.page), catalog.version)
        if key == self._built:
            return
        self._built = key
        self.heading = ""
        entries: list[tuple[str, str, Callable[[], None]]] = []
        if not self.group:
            groups = ([(d.name, d.name, d.count) for d in catalog.departments()]
                      if self.mode == "department"
                      else [(e.code, e.name, e.count) for e in catalog.life_events()])
            entries = [(f"{name}（{count}）", f"group_{k}", partial(self._open, k))
                       for k, name, count in groups]
        else:
            if self.mode == "category":
                category = BY_KEY.get(self.group)
                items = items_in(category, catalog.items()) if category else []
                if category is not None:
                    self.heading = category.name if app.lang == "zh_CN" else category.name_en
            else:
                items = [i for i in catalog.items()
                         if (i.department == self.group if self.mode == "department"
                             else self.group in i.life_events)]
            entries = [(item.name, f"item_{item.code}", partial(app.start_item, item.code))
                       for item in sorted(items, key=lambda i: -i.popularity)]
        self._show(entries)

    def _show(self, entries: list[tuple[str, str, Callable[[], None]]]) -> None:
        app = self.app
        box = self.ids.list
        box.clear_widgets()
        height = app.theme.target * 1.3
        per_page = int(app.theme.max_tiles) if app.theme.mode == "elderly" else len(entries)
        pages = max(1, -(-len(entries) // max(1, per_page)))
        page = min(int(self.page), pages - 1)
        for text, ebt_id, action in entries[page * per_page:(page + 1) * per_page]:
            button = EbtButton(text=text, ebt_id=ebt_id, size_hint_y=None, height=height)
            button.bind(on_release=lambda _b, act=action: act())
            box.add_widget(button)
        if pages > 1:      # 长辈版: the next four, round again after the last
            more = EbtButton(text=app.tr("下一页") + f"（{page + 1}/{pages}）", kind="accent",
                             ebt_id="next_page", size_hint_y=None, height=app.theme.target)
            more.bind(on_release=lambda _b: self._next_page(pages))
            box.add_widget(more)

    def _next_page(self, pages: int) -> None:
        self.page = (int(self.page) + 1) % pages
        self.refresh()

    def _open(self, key: str) -> None:
        self.group, self.page = key, 0
        self.refresh()

    def demo(self, **state: Any) -> None:
        """Departments, or one group's items with ``group=``."""
        self.mode = str(state.get("mode", "department"))
        self.group = str(state.get("group", ""))
        self.refresh()
