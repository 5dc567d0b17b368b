"""Search from one box: write a character by hand, type pinyin or initials, or key in a case
number — and the ranked catalog hits.

Three ways in, chosen by the tabs above the input: 手写 (a writing pad recognised offline by
Zinnia; its candidates already search before one is picked), 拼音 (a QWERTY keyboard: full
pinyin or initials, mixed with characters already written) and 数字 (a 3 × 4 keypad for a
受理编号). 长辈版 opens on handwriting, shows four candidates and four hits.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from kivy.metrics import dp
from kivy.properties import ListProperty, StringProperty

from kiosk.i18n import N_
from kiosk.payloads import valid_case_number
from screens.handwriting_pad import HandwritingPad
from screens.keyboards import CONFIRM, DELETE, PhoneKeypad, QwertyKeyboard
from screens.widgets import EbtButton, EbtLabel, KioskScreen

BACKSPACE, CLEAR = N_("退格"), N_("清空")
MAX_QUERY = 24
#: height of the writing surface (dp): room for a finger-sized character
WRITING_DP, WRITING_DP_ELDERLY = 440, 520
INPUTS = ("handwriting", "pinyin", "digits")


class SearchScreen(KioskScreen):
    """Type, write or key in; tap a hit to open its guide."""

    prompt = "search"
    input_mode = StringProperty("")
    candidates = ListProperty([])          # the pad's candidates, searched before a pick
    _panel_key: tuple = ()

    def on_key(self, key: str) -> None:
        """A key of the keyboard or keypad (the same labels for both)."""
        text = self.ids.query.text
        if key in (BACKSPACE, DELETE):
            text = text[:-1]
        elif key == CLEAR:
            text = ""
        elif key == CONFIRM:
            return
        elif len(text) < MAX_QUERY:
            text += key.lower()
        self.ids.query.text = text
        self.refresh_hits()

    def add_text(self, char: str) -> None:
        """A character picked on the writing pad."""
        if len(self.ids.query.text) < MAX_QUERY:
            self.ids.query.text += char
        self.candidates = []
        self.refresh_hits()

    def choose_input(self, mode: str) -> None:
        """手写, 拼音 or 数字."""
        self.input_mode = mode
        self._panel_key = ()
        self.refresh()

    def refresh(self) -> None:
        """The input panel for the mode and size in force, then the hits."""
        app = self.app
        if not self.input_mode:
            self.input_mode = "handwriting" if app.theme.mode == "elderly" else "pinyin"
        key = (self.input_mode, app.theme.mode, app.lang)
        if key != self._panel_key:
            self._panel_key = key
            self._build_panel()
        self.refresh_hits()

    def _build_panel(self) -> None:
        app = self.app
        panel = self.ids.panel
        self._shutdown_pad()
        panel.clear_widgets()
        elderly = app.theme.mode == "elderly"
        if self.input_mode == "handwriting":
            recogniser = app.terminal.recogniser()
            if recogniser is None:
                panel.add_widget(EbtLabel(text=app.tr("手写输入暂不可用，请用拼音或首字母。")))
                return
            pad = HandwritingPad(
                recognise=partial(recogniser.recognise, top_n=4 if elderly else 5,
                                  allowed=app.terminal.search.characters()),
                candidate_count=4 if elderly else 5, candidate_height=app.theme.target,
                glyph_size=app.theme.title, tool_height=app.theme.target,
                labels=(app.tr("退一笔"), app.tr("重写")), size_hint_y=None,
                height=(WRITING_DP_ELDERLY if elderly else WRITING_DP) * dp(1)
                + 2 * app.theme.target + dp(16))
            pad.bind(on_pick=lambda _pad, char: self.add_text(char),
                     candidates=lambda _pad, chars: self._candidates(chars))
            panel.add_widget(pad)
        elif self.input_mode == "pinyin":
            board = QwertyKeyboard(key_height=app.theme.target, controls=(BACKSPACE, CLEAR),
                                   spacing=app.theme.gap / 4)
            board.bind(on_key=lambda _b, k: self.on_key(k))
            panel.add_widget(board)
        else:
            keypad = PhoneKeypad(key_height=app.theme.target, left_key=BACKSPACE)
            keypad.bind(on_key=lambda _b, k: self.on_key(k))
            panel.add_widget(keypad)

    def _candidates(self, chars: list[str]) -> None:
        self.candidates = list(chars)
        self.refresh_hits()

    def refresh_hits(self) -> None:
        """Show the hits of the current query (and of the pad's candidates)."""
        app = self.app
        query = self.ids.query.text
        results = self.ids.results
        results.clear_widgets()
        if results.parent is not None:
            results.parent.scroll_y = 1          # new hits: show them from the first
        limit = int(app.theme.max_tiles) if app.theme.mode == "elderly" else 8
        if not query and not self.candidates:
            results.add_widget(EbtLabel(text=app.tr(
                "写一个字、输入拼音或首字母，例如 SHBX 查找“社会保险”事项"), color=app.theme.muted))
            return
        if query.isdigit() and valid_case_number(query):
            button = EbtButton(text=app.tr("查询办件进度") + f"  {query}", kind="primary",
                               ebt_id="case_lookup", size_hint_y=None, height=app.theme.target)
            button.bind(on_release=lambda _b: app.start_progress(query))
            results.add_widget(button)
        search = app.terminal.search
        hits = (search.search_candidates(query, self.candidates, limit=limit)
                if self.candidates else search.search(query, limit=limit))
        for hit in hits:
            button = EbtButton(text=f"{hit.name}\n{hit.department}", ebt_id=f"hit_{hit.code}",
                               size_hint_y=None, height=app.theme.target * 1.6)
            button.bind(on_release=lambda _b, code=hit.code: app.start_item(code))
            results.add_widget(button)
        if not hits and not query.isdigit():
            results.add_widget(EbtLabel(text=app.tr("没有找到相关事项，请换个说法。")))

    def _shutdown_pad(self) -> None:
        for child in list(self.ids.panel.children):
            if isinstance(child, HandwritingPad):
                child.shutdown()

    def demo(self, **state: Any) -> None:
        """Show the hits of ``query`` (default "shbx") with the mode's default input."""
        self.input_mode = str(state.get("input", ""))
        self.refresh()
        self.ids.query.text = str(state.get("query", "shbx"))
        self.refresh_hits()

    def wipe(self) -> None:
        """The query typed, the strokes written and the hits go."""
        super().wipe()
        self.ids.query.text = ""
        self.candidates = []
        self.input_mode = ""
        self._panel_key = ()
        self._shutdown_pad()
        self.ids.panel.clear_widgets()
        self.ids.results.clear_widgets()

    def on_leave(self, *_args: Any) -> None:
        """Start empty next time."""
        self.ids.query.text = ""
        self.candidates = []
        for child in self.ids.panel.children:
            if isinstance(child, HandwritingPad):
                child.clear()
