"""The visit controller: one citizen's visit from the first touch to the wipe, without Kivy.

:class:`VisitController` owns what a visit is made of — the :class:`~kiosk.session.Session`,
the current :class:`~kiosk.flows.journey.Journey`, the screen history, the idle clock and
its warning, the out-of-service state — and decides which screen shows which step. The UI
(screens/app.py) renders :attr:`VisitController.screen` and forwards touches to the intent
methods; it learns of changes through a :class:`VisitView` it passes in. Nothing here
blocks on a device or the platform except :meth:`advance`, which the UI runs off its main
thread (the controller itself never starts threads but for the platform's end-of-session
call, through the injected ``spawn``).

A whole visit — identify, form, submit, receipt, evaluation, wipe — runs in a plain pytest
with fake devices (tests/unit/test_visit_controller.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from kiosk.appearance import SIZE_PROFILES
from kiosk.flows.items import progress_item
from kiosk.flows.journey import Journey
from kiosk.flows.steps import Step
from kiosk.session import IdleState, IdleWatch, Session
from kiosk.voice import ANNOUNCEMENTS

log = logging.getLogger(__name__)

#: the screens a terminal out of service still shows (no visit can start from them)
OUT_OF_SERVICE_SCREENS = frozenset({"attract", "maintenance"})
#: journey step -> the screen that shows it
STEP_SCREENS = {Step.GUIDE: "guide", Step.IDENTIFY: "identify", Step.COMMITMENT: "commitment",
                Step.FORM: "form", Step.CASE_ENTRY: "progress", Step.RESULT: "result",
                Step.EVALUATE: "evaluate", Step.PAY_SETUP: "pay_setup", Step.PAY: "pay",
                Step.BOOK: "book"}
HISTORY_LIMIT = 20


class VisitView(Protocol):
    """What the controller tells the UI (all calls on the UI's thread)."""

    def show_screen(self, name: str) -> None:
        """Make ``name`` the visible screen (announce it)."""

    def idle_warning(self, seconds_left: int | None) -> None:
        """Show or update the idle warning; ``None`` closes it."""

    def appearance_changed(self, mode: str, scheme: str, refresh: bool = True) -> None:
        """Elderly/standard mode or colour scheme changed (``refresh``: redraw now)."""

    def visit_wiped(self) -> None:
        """The visit is being wiped: clear everything every screen shows."""

    def visit_ended(self) -> None:
        """The attract screen is back after a wipe (deferred work may run now)."""

    def speak(self, message: str) -> None:
        """Say a message id (in the current language) if voice is on."""


class VisitController:
    """One terminal's visits, one after another (see the module docstring)."""

    def __init__(self, terminal: Any, view: VisitView, *,
                 spawn: Callable[[Callable[[], None]], None] | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self.terminal = terminal
        self.view = view
        self._spawn = spawn or _daemon_thread
        self._clock = clock
        self.session: Session = terminal.new_session()
        self.journey: Journey | None = None
        self.screen = "attract"
        self.history: list[str] = []
        self.out_of_service = False
        self.browse_mode = "department"
        self.idle = self._new_idle()
        self._warning_open = False

    # -- navigation --------------------------------------------------------------------
    def go(self, name: str, remember: bool = True) -> str:
        """Show screen ``name`` (out of service only attract and the operator's screen);
        returns the screen actually shown."""
        if self.out_of_service and name not in OUT_OF_SERVICE_SCREENS:
            name, remember = "attract", False
        if remember and self.screen != name:
            self.history.append(self.screen)
            del self.history[:-HISTORY_LIMIT]
        self.screen = name
        self.terminal.bus.publish("ui.screen", {"screen": name})
        self.view.show_screen(name)
        return name

    def back(self) -> None:
        """One step back: within the journey if there is one, else the previous screen."""
        journey = self.journey
        if journey is not None and self.screen == STEP_SCREENS.get(journey.step):
            before = journey.step
            if journey.back() is not before:
                self.go(STEP_SCREENS[journey.step], remember=False)
                return
            if journey.step is not journey.steps[0]:
                return
            self.journey = None
        self.go(self.history.pop() if self.history else "home", remember=False)

    def home(self) -> None:
        """Leave any journey and show the home screen (the visit continues)."""
        self.journey = None
        self.history.clear()
        self.go("home", remember=False)

    def browse(self, mode: str) -> None:
        """Browse by department or by life event."""
        self.browse_mode = mode
        self.go("browse")

    # -- journeys ----------------------------------------------------------------------
    def start_item(self, code: str) -> bool:
        """Open a catalog item's journey at its first step (False: no such item)."""
        item = self.terminal.catalog.get(code)
        if item is None:
            return False
        self.journey = Journey(item, self.session, self.terminal.ports)
        self.terminal.bus.publish("journey.started", {"item": code, "flow": item.flow})
        self.show_step()
        return True

    def start_progress(self, open_screen: bool = True) -> Journey:
        """办件进度查询 for any case."""
        self.journey = Journey(progress_item(), self.session, self.terminal.ports)
        self.terminal.bus.publish("journey.started", {"item": "", "flow": "progress"})
        if open_screen:
            self.show_step()
        return self.journey

    def ensure_journey(self, code: str) -> Journey | None:
        """A journey on ``code`` unless one is open on it (audits and screenshots)."""
        item = self.terminal.catalog.get(code)
        if item is not None and (self.journey is None or self.journey.item.code != code):
            self.journey = Journey(item, self.session, self.terminal.ports)
        return self.journey

    def step_screen(self) -> str | None:
        """The screen of the journey's current step (None: no journey, or it is done)."""
        if self.journey is None or self.journey.step is Step.DONE:
            return None
        return STEP_SCREENS[self.journey.step]

    def show_step(self) -> None:
        """Show the journey's current step (home without a journey; the end when done)."""
        if self.journey is None:
            self.home()
        elif self.journey.step is Step.DONE:
            self.end_visit()
        else:
            self.go(STEP_SCREENS[self.journey.step])

    def advance(self) -> Step | None:
        """Move the journey on; may call the platform — run it off the UI thread, then
        call :meth:`show_step` on it."""
        return self.journey.advance() if self.journey is not None else None

    # -- appearance --------------------------------------------------------------------
    @property
    def mode(self) -> str:
        """``elderly`` or ``standard``."""
        return "elderly" if self.session.elderly else "standard"

    def set_elderly(self, on: bool) -> None:
        """长辈版 on or off: larger everything, longer timeouts, slower voice (voice on)."""
        self.session.elderly = bool(on)
        self.idle = self._new_idle()
        voice = self.terminal.voice
        voice.set_rate(SIZE_PROFILES[self.mode].speech_rate)
        if on:
            voice.set_enabled(True)
        self.view.appearance_changed(self.mode, self.session.scheme)
        self.view.speak(ANNOUNCEMENTS["elderly_on" if on else "elderly_off"])

    def set_scheme(self, name: str) -> None:
        """Switch the colour scheme for this visit."""
        self.session.scheme = name
        self.view.appearance_changed(self.mode, name)

    def set_language(self, lang: str) -> None:
        """Switch the UI and voice language for this visit."""
        self.session.language = lang
        self.terminal.translator.set_language(lang)
        self.terminal.voice.set_language(self.terminal.translator.speech_language)

    # -- the idle clock ----------------------------------------------------------------
    def _new_idle(self) -> IdleWatch:
        profile = SIZE_PROFILES[self.mode]
        ui = self.terminal.config.ui
        timeout = ui.idle_timeout_s if ui.idle_timeout_s is not None else profile.idle_timeout_s
        warning = ui.idle_warning_s if ui.idle_warning_s is not None else profile.warning_s
        if self._clock is not None:
            return IdleWatch(float(timeout), float(warning), clock=self._clock)
        return IdleWatch(float(timeout), float(warning))

    def touch(self) -> None:
        """The citizen touched the screen (or scanned a code)."""
        self.idle.touch()

    def tick(self) -> IdleState:
        """Called twice a second: show, count down, or act on the idle warning."""
        if self.screen == "attract":
            self.idle.touch()
            return IdleState.ACTIVE
        if self.journey is not None and self.journey.waiting_for_payment:
            self.idle.touch()      # paying on a phone: the payment's own countdown rules
        state = self.idle.state()
        if state is IdleState.EXPIRED:
            self.end_visit()
        elif state is IdleState.WARNING:
            if not self._warning_open:
                self._warning_open = True
                self.view.speak(ANNOUNCEMENTS["idle_warning"])
            self.view.idle_warning(self.idle.seconds_left())
        return state

    def extend(self) -> bool:
        """The citizen wants more time (False once the extensions are used up)."""
        extended = self.idle.extend()
        self._close_warning()
        return extended

    def _close_warning(self) -> None:
        if self._warning_open:
            self._warning_open = False
        self.view.idle_warning(None)

    # -- the end of a visit --------------------------------------------------------------
    def end_visit(self) -> None:
        """Wipe everything the visit held and return to the attract screen."""
        self._close_warning()
        if self.journey is not None:
            release = self.journey.abandon()     # stop a payment wait; a held place goes back
            if release is not None:
                self._spawn(release)
        token = self.session.identity_token
        self.session.wipe()
        if token:
            self._spawn(lambda: self._end_platform_session(token))
        self.journey = None
        self.view.visit_wiped()
        self.terminal.voice.end_session()
        self.terminal.bus.publish("session.wiped", None)
        self.session = self.terminal.new_session()
        self.terminal.voice.set_rate(SIZE_PROFILES[self.mode].speech_rate)
        if self.terminal.translator.language != self.session.language:
            self.terminal.translator.set_language(self.session.language)
        self.terminal.voice.set_language(self.terminal.translator.speech_language)
        self.idle = self._new_idle()
        self.history.clear()
        self.view.appearance_changed(self.mode, self.session.scheme, refresh=False)
        self.go("attract", remember=False)
        self.view.visit_ended()

    def _end_platform_session(self, token: str) -> None:
        try:
            self.terminal.platform.end_session(token)
        except Exception:  # the platform expires it on its own
            log.info("platform session end not delivered")

    # -- out of service ------------------------------------------------------------------
    def visit_active(self) -> bool:
        """A citizen (or an operator) is past the attract screen."""
        return self.screen != "attract"

    def set_out_of_service(self, on: bool) -> None:
        """Out of service: only attract and maintenance; the bus tells the fleet."""
        self.out_of_service = bool(on)
        self.terminal.bus.publish("maintenance.changed", {"maintenance": self.out_of_service})
        if on and self.screen not in OUT_OF_SERVICE_SCREENS:
            self.go("attract", remember=False)


def _daemon_thread(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="visit-end", daemon=True).start()
