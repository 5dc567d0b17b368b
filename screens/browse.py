"""Browse the catalog by department or by life event, then pick an item."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.flows.categories import BY_KEY, items_in
from screens.widgets import EbtButton, KioskScreen


class BrowseScreen(KioskScreen):
    """Groups on the first level, the group's items on the second."""

    prompt = "browse"
    mode = StringProperty("department")   # department, event, or a home-screen category
    group = StringProperty("")
    heading = StringProperty("")
    _built: tuple = ()

    def choose(self, mode: str) -> None:
        """Switch between departments and life events."""
        self.mode, self.group = mode, ""
        self.refresh()

    def refresh(self) -> None:
        """List groups, or the chosen group's items."""
        app = self.app
        catalog = app.terminal.catalog
        key = (self.mode, self.group, app.lang, app.theme.mode, catalog.version)
        if key == self._built:
            return
        self._built = key
        self.heading = ""
        box = self.ids.list
        box.clear_widgets()
        height = app.theme.target * 1.3
        if not self.group:
            groups = ([(d.name, d.name, d.count) for d in catalog.departments()]
                      if self.mode == "department"
                      else [(e.code, e.name, e.count) for e in catalog.life_events()])
            for key, name, count in groups:
                button = EbtButton(text=f"{name}（{count}）", ebt_id=f"group_{key}",
                                   size_hint_y=None, height=height)
                button.bind(on_release=lambda _b, k=key: self._open(k))
                box.add_widget(button)
            return
        if self.mode == "category":
            category = BY_KEY.get(self.group)
            items = items_in(category, catalog.items()) if category else []
            if category is not None:
                self.heading = category.name if app.lang == "zh_CN" else category.name_en
        else:
            items = [i for i in catalog.items()
                     if (i.department == self.group if self.mode == "department"
                         else self.group in i.life_events)]
        for item in sorted(items, key=lambda i: -i.popularity):
            button = EbtButton(text=item.name, ebt_id=f"item_{item.code}", size_hint_y=None,
                               height=height)
            button.bind(on_release=lambda _b, c=item.code: app.start_item(c))
            box.add_widget(button)

    def _open(self, key: str) -> None:
        self.group = key
        self.refresh()

    def demo(self, **state: Any) -> None:
        """Departments, or one group's items with ``group=``."""
        self.mode = str(state.get("mode", "department"))
        self.group = str(state.get("group", ""))
        self.refresh()
