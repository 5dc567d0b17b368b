"""Identify: ID card on the reader (animated prompt), then a face photo from the camera
with on-screen guidance (face found / move closer); or an electronic-ID QR code."""

from __future__ import annotations

from typing import Any

import numpy as np
from kivy.animation import Animation
from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.flows.face import FaceGuide, FaceState, encode_jpeg
from kiosk.flows.journey import CardNext
from kiosk.i18n import N_
from kiosk.payloads import ElectronicIdCode, Rejected
from kiosk.text import TERMS
from kiosk.voice import ANNOUNCEMENTS
from screens.text_measure import fit_text
from screens.widgets import KioskScreen

READY_FRAMES = 2


class IdentifyScreen(KioskScreen):
    """Phases: ``card`` (waiting for the ID card), ``face`` (camera), ``checking``."""

    prompt = "identify"
    phase = StringProperty("card")
    hint = StringProperty("")
    pulse = NumericProperty(1.0)
    camera_on = BooleanProperty(False)
    reader_place = StringProperty("")
    proxy_mode = BooleanProperty(False)     # 代办 chosen for this journey

    def request_proxy(self) -> None:
        """代办: the agent identifies first (card and face), then the principal's card."""
        journey = self.app.journey
        if journey is None:
            return
        journey.request_proxy()
        self.proxy_mode = journey.proxy_requested
        if journey.message is not None:
            self.notice = self.app.tr(journey.message.message)
            self.app.speak(journey.message.message)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._guide: FaceGuide | None = None
        self._record: Any = None
        self._ready = 0
        self._event: Any = None
        self._anim: Animation | None = None

    def refresh(self) -> None:
        """Start waiting for a card."""
        self._record = None
        self.phase, self.hint, self.notice, self.camera_on = "card", "", "", False
        journey = self.app.journey
        self.proxy_mode = bool(journey is not None and (journey.proxy_requested
                                                        or journey.awaiting_principal))
        self.reader_place = self.app.terminal.config.terminal.reader_place
        self.ids.preview.texture = None
        rearm = getattr(self.app.terminal.poller, "rearm", None)
        if rearm is not None:
            rearm()     # a card still on the reader is read again for this journey

    def on_enter(self, *_args: Any) -> None:
        """Animate the card prompt."""
        self._anim = (Animation(pulse=0.35, duration=0.8) + Animation(pulse=1.0, duration=0.8))
        self._anim.repeat = True
        self._anim.start(self)

    def on_leave(self, *_args: Any) -> None:
        """Stop the camera loop and the animation; forget the card."""
        if self._anim is not None:
            self._anim.cancel(self)
        self._stop_camera()
        self._record = None

    @staticmethod
    def fit(text: str, width: float, font_size: float) -> str:
        """``text`` broken into lines of ``width`` px by the Chinese rules."""
        return fit_text(text, width, font_size, words=TERMS) if width > 0 else text

    def wipe(self) -> None:
        """No card record, no camera, and no face left in the preview texture."""
        super().wipe()
        self._stop_camera()
        self._record = None
        self.phase, self.hint, self.camera_on = "card", "", False
        self.proxy_mode = False
        self.ids.preview.texture = None

    # -- events from devices -----------------------------------------------------------
    def on_device_event(self, topic: str, payload: Any) -> None:
        """ID-card reader events."""
        app = self.app
        if topic == "idcard.read_failed" and self.phase == "card":
            self.notice = app.tr(ANNOUNCEMENTS["card_failed"])
            app.speak(ANNOUNCEMENTS["card_failed"])
        elif topic == "idcard.card_read" and self.phase == "card" and app.journey is not None:
            self._record = payload
            app.speak(ANNOUNCEMENTS["card_read"])
            step = app.journey.after_card_read(app.terminal.camera is not None)
            if step is CardNext.FACE:
                self._start_camera()
            elif step is CardNext.VERIFY:
                self._submit(None)
            elif app.journey.message is not None:
                self.notice = app.tr(app.journey.message.message)

    def on_code(self, payload: Any, text: str) -> None:
        """An electronic-ID QR identifies without the card."""
        if isinstance(payload, ElectronicIdCode) and self.phase != "checking":
            self._stop_camera()
            self.phase = "checking"
            journey = self.app.journey
            self.app.run_async(lambda: journey.identify_qr(text), self._done)
        elif isinstance(payload, Rejected):
            self.notice = payload.message_zh if self.app.lang == "zh_CN" else payload.message_en

    # -- face --------------------------------------------------------------------------
    def _start_camera(self) -> None:
        if self._guide is None:
            self._guide = FaceGuide()
        self.phase, self._ready, self.camera_on = "face", 0, True
        self.app.speak("请正对摄像头，保持不动，正在进行人脸核验。")
        self._event = Clock.schedule_interval(self._frame, 0.25)

    def _stop_camera(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _frame(self, _dt: float) -> None:
        camera = self.app.terminal.camera
        frame = camera.latest_frame() if camera is not None else None
        if frame is None or self._guide is None:
            return
        image = frame.image
        self._show(image)
        hint = self._guide.check(image)
        self.hint = self.app.tr(hint.message)
        self._ready = self._ready + 1 if hint.state is FaceState.READY else 0
        if self._ready >= READY_FRAMES:
            self._stop_camera()
            self._submit(encode_jpeg(image))

    def _show(self, image: np.ndarray) -> None:
        height, width = image.shape[:2]
        texture = Texture.create(size=(width, height), colorfmt="bgr")
        texture.blit_buffer(np.ascontiguousarray(image[::-1]).tobytes(), colorfmt="bgr",
                            bufferfmt="ubyte")
        self.ids.preview.texture = texture

    def _submit(self, jpeg: bytes | None) -> None:
        journey, record = self.app.journey, self._record
        if journey is None or record is None:
            return
        self.phase = "checking"
        self.app.run_async(lambda: journey.identify_card(record, jpeg), self._done)

    def _done(self, ok: Any) -> None:
        journey = self.app.journey
        if ok and journey is not None:
            self.app.show_step()
            return
        message = journey.message.message if journey and journey.message else N_("身份核验未通过")
        self.notice = self.app.tr(message)
        self.phase, self.camera_on = "card", False
        self._record = None

    def demo(self, **state: Any) -> None:
        """The card prompt, or the face phase with ``phase="face"``."""
        self.app.open_demo_journey(str(state.get("code", "KM-HRSS-001")))
        self.refresh()
        self.phase = str(state.get("phase", "card"))
        self.camera_on = self.phase == "face"
        self.hint = self.app.tr(str(state.get("hint", N_("请靠近一些"))))
