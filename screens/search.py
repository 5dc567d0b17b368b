"""Search: an on-screen keyboard (letters for pinyin and initials, digits for case
numbers) and the ranked catalog hits."""

from __future__ import annotations

from typing import Any

from kiosk.i18n import N_
from kiosk.payloads import valid_case_number
from screens.widgets import EbtButton, EbtLabel, KioskScreen

LETTERS = list("QWERTYUIOPASDFGHJKLZXCVBNM")
DIGITS = list("1234567890")
CONTROL = [N_("退格"), N_("清空")]


class SearchScreen(KioskScreen):
    """Type to search; tap a hit to open its guide."""

    prompt = "search"

    def on_kv_post(self, base_widget: Any) -> None:
        """Fill the keyboard once."""
        self.ids.letters.keys = LETTERS
        self.ids.digits.keys = DIGITS + CONTROL
        self.ids.letters.target = self
        self.ids.digits.target = self

    def on_key(self, key: str) -> None:
        """A key of the on-screen keyboard."""
        text = self.ids.query.text
        if key == "退格":
            text = text[:-1]
        elif key == "清空":
            text = ""
        elif len(text) < 24:
            text += key.lower()
        self.ids.query.text = text
        self.refresh()

    def refresh(self) -> None:
        """Show the hits of the current query."""
        app = self.app
        query = self.ids.query.text
        results = self.ids.results
        results.clear_widgets()
        if not query:
            results.add_widget(EbtLabel(text=app.tr("例如：输入 SHBX 查找“社会保险”事项"),
                                        color=app.theme.muted))
            return
        if query.isdigit() and valid_case_number(query):
            button = EbtButton(text=app.tr("查询办件进度") + f"  {query}", kind="primary",
                               ebt_id="case_lookup", size_hint_y=None, height=app.theme.target)
            button.bind(on_release=lambda _b: app.start_progress(query))
            results.add_widget(button)
        hits = app.terminal.search.search(query, limit=8)
        for hit in hits:
            button = EbtButton(text=f"{hit.name}\n{hit.department}", ebt_id=f"hit_{hit.code}",
                               size_hint_y=None, height=app.theme.target * 1.6)
            button.bind(on_release=lambda _b, code=hit.code: app.start_item(code))
            results.add_widget(button)
        if not hits and not query.isdigit():
            results.add_widget(EbtLabel(text=app.tr("没有找到相关事项，请换个说法。")))

    def demo(self, **state: Any) -> None:
        """Show the hits of ``query`` (default "shbx")."""
        self.ids.query.text = str(state.get("query", "shbx"))
        self.refresh()

    def wipe(self) -> None:
        """The query typed and its hits go."""
        super().wipe()
        self.ids.query.text = ""
        self.ids.results.clear_widgets()

    def on_leave(self, *_args: Any) -> None:
        """Start empty next time."""
        self.ids.query.text = ""
