"""Shared widgets of every screen: themed labels and buttons, the top bar (back, home,
repeat prompt 重听, elderly mode 长辈版, settings), the on-screen keyboard, a QR image, the
idle warning and the base class of all screens. Their look lives in widgets.kv and binds to
the app's Theme, so mode, scheme and language changes re-render live.
"""

from __future__ import annotations

from typing import Any

import qrcode
from kivy.app import App
from kivy.graphics.texture import Texture
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget


class EbtLabel(Label):
    """Body text: wraps to its width, grows to its text's height."""


class EbtTitle(EbtLabel):
    """A screen or section title."""


class EbtButton(ButtonBehavior, Label):
    """A touch target at least the profile's minimum size; ``ebt_id`` names it for tests."""

    ebt_id = StringProperty("")
    kind = StringProperty("plain")          # plain, primary, accent, danger
    selected = BooleanProperty(False)


class TopBar(BoxLayout):
    """The permanent bar: back, home, say-again and call-for-help; the title and the time."""

    title = StringProperty("")
    show_back = BooleanProperty(True)
    show_home = BooleanProperty(True)


class KeyPad(GridLayout):
    """An on-screen keyboard; calls ``on_key(key)`` of its ``target``."""

    keys = ListProperty([])
    target = ObjectProperty(None, allownone=True)

    def on_keys(self, _instance: Any, keys: list[str]) -> None:
        """Rebuild the key buttons."""
        self.clear_widgets()
        for key in keys:
            button = EbtButton(text=key, ebt_id=f"key_{key}")
            button.bind(on_release=lambda b, k=key: self._press(k))
            self.add_widget(button)

    def _press(self, key: str) -> None:
        if self.target is not None:
            self.target.on_key(key)


class QrImage(Image):
    """Draws ``payload`` as a QR code (black on white, with its quiet zone)."""

    payload = StringProperty("")

    def on_payload(self, _instance: Any, payload: str) -> None:
        """Render the QR matrix into a texture."""
        if not payload:
            self.texture = None
            return
        # a 4-module quiet zone around the symbol, as on paper
        matrix = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
        matrix.add_data(payload)
        matrix.make(fit=True)
        cells = matrix.get_matrix()
        size = len(cells)
        pixels = bytearray()
        for row in reversed(cells):      # textures start at the bottom
            for dark in row:
                pixels += b"\x00\x00\x00" if dark else b"\xff\xff\xff"
        texture = Texture.create(size=(size, size), colorfmt="rgb")
        texture.mag_filter = "nearest"
        texture.blit_buffer(bytes(pixels), colorfmt="rgb", bufferfmt="ubyte")
        self.texture = texture


class IdleWarning(ModalView):
    """The idle warning: countdown and a big 'continue' button."""

    seconds = NumericProperty(0)


class Notice(EbtLabel):
    """A message to the citizen (errors, faults) shown in the danger colour."""


class KioskScreen(Screen):
    """Base of every screen: ``prompt`` is the voice key, ``refresh`` renders state."""

    prompt = StringProperty("")
    notice = StringProperty("")

    @property
    def app(self) -> Any:
        """The running KioskApp."""
        return App.get_running_app()

    def on_pre_enter(self, *_args: Any) -> None:
        """Render the current state before the screen shows."""
        self.refresh()

    def refresh(self) -> None:
        """Fill the screen from the app's state (override)."""

    def wipe(self) -> None:
        """The visit ended: forget everything it put on this screen (override to clear
        more; called for every screen, shown or not, before the attract screen returns)."""
        self.notice = ""

    def demo(self, **state: Any) -> None:
        """Fill the screen with representative content for audits (override when needed)."""
        self.refresh()

    def spoken_content(self) -> str:
        """What 长辈版 reads aloud on arrival after the prompt (translated text; override)."""
        return ""


class CategoryTile(ButtonBehavior, BoxLayout):
    """A home-screen tile: a pictogram (a character in a coloured disc), the category's name
    and, when a device it needs is down, a warning line — so the citizen knows before
    starting."""

    ebt_id = StringProperty("")
    glyph = StringProperty("")
    label = StringProperty("")
    warning = StringProperty("")


class OutcomeIcon(Widget):
    """✓ in a disc when done, ⚠ (a triangle with "!") when not: a shape, not colour alone."""

    ok = BooleanProperty(True)


class CueScroll(BoxLayout):
    """A scrolling list that says when there is more below ("上滑查看更多") instead of being
    cut off silently. Write it in kv like a ScrollView with one child."""

    more = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        from kivy.uix.scrollview import ScrollView

        kwargs.setdefault("orientation", "vertical")
        super().__init__(**kwargs)
        self.view = ScrollView()
        super().add_widget(self.view)
        self.cue = Label(size_hint_y=None, height=0, opacity=0, bold=True)
        super().add_widget(self.cue)
        self.view.bind(scroll_y=self._update, height=self._update)
        theme = getattr(App.get_running_app(), "theme", None)
        if theme is not None:      # the cue follows a scheme or mode switch, not only a scroll
            theme.bind(primary=self._update, body=self._update)

    def add_widget(self, widget: Any, *args: Any, **kwargs: Any) -> None:
        """The first child goes into the scrolling view (as with a ScrollView)."""
        if not hasattr(self, "view") or self.view.children:
            super().add_widget(widget, *args, **kwargs)
            return
        self.view.add_widget(widget)
        widget.bind(height=self._update)

    def _update(self, *_args: Any) -> None:
        content = self.view.children[0] if self.view.children else None
        more = bool(content is not None and content.height > self.view.height + 1
                    and self.view.scroll_y > 0.01)
        if more != self.more:
            self.more = more
        app = App.get_running_app()
        theme = getattr(app, "theme", None)
        if theme is None:
            return
        self.cue.text = app.tr("上滑查看更多") + "  ↓" if more else ""
        self.cue.font_size = theme.body
        self.cue.color = theme.primary
        self.cue.height = theme.body * 1.8 if more else 0
        self.cue.opacity = 1 if more else 0
