"""On-screen keyboards laid out as citizens know them from their phones.

* :class:`QwertyKeyboard` — Q W E R T Y U I O P / A S D F G H J K L / Z X C V B N M, the
  second row indented by half a key and the third by one and a half, as on every phone
  and PC (the old grid put Z at the end of the second row), then a row with 退格 and 清空.
* :class:`PhoneKeypad` — 3 × 4: 1 2 3 / 4 5 6 / 7 8 9 / 删除 0 确认, the layout of a phone's
  dial pad (not a calculator's 7 8 9 on top).

Both dispatch ``on_key(key)``: a letter (upper case, as printed on the key) or a digit, or
one of :data:`BACKSPACE`, :data:`CLEAR`, :data:`CONFIRM` — the same strings the search
screen's ``on_key`` already handles. Keys are named ``key_<label>`` (``ebt_id``) for the
UI driver. Sizes are parameters: ``key_height`` (≥ 96 dp in 长辈版) and ``font_size``.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.i18n import N_
from screens.kv_rules import load_rules_last
from screens.widgets import EbtButton

QWERTY_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")
ROW_INDENT = (0.0, 0.5, 1.5)            # in key widths, from the left edge
BACKSPACE = N_("退格")
CLEAR = N_("清空")
DELETE = N_("删除")
CONFIRM = N_("确认")
PHONE_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", DELETE, "0", CONFIRM)

RULES = """
<KeyButton>:
    font_size: self.key_font_size or app.theme.body
"""
RULES_NAME = "screens/keyboards.rules"


def _shown(label: str) -> str:
    """What a key shows: a letter or digit as is, a control key (退格 …) translated; the
    key's identity (``on_key`` and ``key_<label>``) stays the Chinese message id."""
    app = App.get_running_app()
    return app.tr(label) if app is not None and len(label) > 1 else label


class KeyButton(EbtButton):
    """A key; ``key_font_size`` 0 means the theme's body size."""

    key_font_size = NumericProperty(0)


class _Keyboard(BoxLayout):
    def __init__(self, **kwargs: Any) -> None:
        load_rules_last(RULES_NAME, RULES)
        super().__init__(**kwargs)
        self.register_event_type("on_key")

    def on_key(self, key: str) -> None:
        """A key was pressed."""

    def _key(self, label: str, font_size: float, **kwargs: Any) -> KeyButton:
        button = KeyButton(text=_shown(label), ebt_id=f"key_{label}", key_font_size=font_size,
                           **kwargs)
        button.bind(on_release=lambda _b: self.dispatch("on_key", label))
        return button


class QwertyKeyboard(_Keyboard):
    """Three letter rows in QWERTY order and a control row (退格, 清空)."""

    def __init__(self, key_height: float = dp(96), font_size: float = 0,
                 spacing: float = dp(6), controls: tuple[str, ...] = (BACKSPACE, CLEAR),
                 **kwargs: Any) -> None:
        kwargs.setdefault("orientation", "vertical")
        super().__init__(spacing=spacing, size_hint_y=None, **kwargs)
        columns = len(QWERTY_ROWS[0])
        rows = [*QWERTY_ROWS, controls]
        self.height = len(rows) * key_height + (len(rows) - 1) * spacing
        for letters, indent in zip(QWERTY_ROWS, ROW_INDENT, strict=True):
            row = BoxLayout(size_hint_y=None, height=key_height, spacing=spacing)
            share = 1.0 / columns
            if indent:
                row.add_widget(Widget(size_hint_x=indent * share))
            for letter in letters:
                row.add_widget(self._key(letter, font_size, size_hint_x=share))
            rest = 1.0 - indent * share - len(letters) * share
            if rest > 1e-6:
                row.add_widget(Widget(size_hint_x=rest))
            self.add_widget(row)
        if controls:
            row = BoxLayout(size_hint_y=None, height=key_height, spacing=spacing)
            for label in controls:
                row.add_widget(self._key(label, font_size))
            self.add_widget(row)

    @property
    def rows(self) -> list[str]:
        """The letters of each row as laid out, top to bottom (for tests)."""
        out = []
        for row in reversed(self.children):
            out.append("".join(w.text for w in reversed(row.children)
                               if isinstance(w, KeyButton) and len(w.text) == 1))
        return [r for r in out if r]


class PhoneKeypad(GridLayout):
    """1–9, then 删除, 0, 确认 (three columns, four rows).

    ``confirm_enabled`` greys out 确认 until the caller has a valid entry; ``left_key`` can
    be :data:`CLEAR` instead of :data:`DELETE`.
    """

    confirm_enabled = BooleanProperty(True)

    def __init__(self, key_height: float = dp(96), font_size: float = 0,
                 spacing: float = dp(6), left_key: str = DELETE, **kwargs: Any) -> None:
        load_rules_last(RULES_NAME, RULES)
        super().__init__(cols=3, spacing=spacing, size_hint_y=None,
                         row_force_default=True, row_default_height=key_height, **kwargs)
        self.register_event_type("on_key")
        self.height = 4 * key_height + 3 * spacing
        self.keys: dict[str, KeyButton] = {}
        for label in PHONE_KEYS:
            label = left_key if label == DELETE else label
            button = KeyButton(text=_shown(label), ebt_id=f"key_{label}",
                               key_font_size=font_size,
                               kind="primary" if label == CONFIRM else "plain")
            button.bind(on_release=lambda _b, k=label: self.dispatch("on_key", k))
            self.keys[label] = button
            self.add_widget(button)
        self.keys[CONFIRM].disabled = not self.confirm_enabled

    def on_confirm_enabled(self, _instance: Any, value: bool) -> None:
        """Enable or grey out 确认."""
        if CONFIRM in getattr(self, "keys", {}):
            self.keys[CONFIRM].disabled = not value

    def on_key(self, key: str) -> None:
        """A key was pressed."""

    @property
    def layout(self) -> list[list[str]]:
        """Key labels row by row, top to bottom (for tests)."""
        labels = [w.text for w in reversed(self.children)]
        return [labels[i:i + 3] for i in range(0, len(labels), 3)]
