"""The Kivy application hosting the screens — the only kiosk/ module that imports Kivy.

:class:`KioskApp` receives the :class:`~kiosk.composition.Terminal` built by the
composition root and owns the visit: the :class:`~kiosk.session.Session`, its idle clock,
and the current :class:`~kiosk.flows.journey.Journey`. Screens render that state and call
the intents below; blocking work (platform calls, printing) runs on a worker thread and
comes back through ``Clock.schedule_once``. Device events arrive from the event bus on
driver threads and are handed to the screen on the main thread.

Audit API: :meth:`screen_names`, :meth:`show`, :meth:`set_elderly`, :meth:`set_scheme`,
:meth:`set_language`, all live.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.appearance import SIZE_PROFILES
from kiosk.composition import Terminal
from kiosk.flows.items import progress_item
from kiosk.flows.journey import Journey
from kiosk.flows.steps import Step
from kiosk.gc_policy import CollectionPolicy
from kiosk.session import IdleState, IdleWatch, Session
from kiosk.voice import ANNOUNCEMENTS, prompt_for
from screens.bridge import DeviceBridge
from screens.remote import ConfigLoader, RemoteCommands
from screens.theme import Theme, register_cjk_font
from screens.widgets import IdleWarning

log = logging.getLogger(__name__)
SCREENS_DIR = Path(__file__).resolve().parent.parent / "screens"

#: screen name -> "module:Class" (each module has a .kv file of the same name)
SCREENS: dict[str, str] = {
    "attract": "screens.attract:AttractScreen",
    "home": "screens.home:HomeScreen",
    "search": "screens.search:SearchScreen",
    "browse": "screens.browse:BrowseScreen",
    "guide": "screens.guide:GuideScreen",
    "identify": "screens.identify:IdentifyScreen",
    "commitment": "screens.commitment:CommitmentScreen",
    "form": "screens.form:FormScreen",
    "result": "screens.result:ResultScreen",
    "evaluate": "screens.evaluate:EvaluateScreen",
    "progress": "screens.progress:ProgressScreen",
    "map": "screens.map:MapScreen",
    "settings": "screens.settings:SettingsScreen",
    "maintenance": "screens.maintenance:MaintenanceScreen",
}
#: the screens a terminal out of service still shows (no visit can start from them)
OUT_OF_SERVICE_SCREENS = frozenset({"attract", "maintenance"})
STEP_SCREENS = {Step.GUIDE: "guide", Step.IDENTIFY: "identify", Step.COMMITMENT: "commitment",
                Step.FORM: "form", Step.CASE_ENTRY: "progress", Step.RESULT: "result",
                Step.EVALUATE: "evaluate"}


class KioskApp(App):
    """Hosts the screens for one terminal; the root widget is a ScreenManager."""

    lang = StringProperty("zh_CN")
    theme = ObjectProperty(None)
    busy = StringProperty("")
    #: out of service (fleet ``maintenance_on``): the attract screen starts no visit
    out_of_service = BooleanProperty(False)

    def __init__(self, terminal: Terminal, *, orientation: str = "portrait",
                 voice_enabled: bool = True, collector: CollectionPolicy | None = None,
                 config_loader: ConfigLoader | None = None, closable: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        #: a developer's window may be closed; a terminal's never (operator PIN only)
        self.closable = closable
        self.collector = collector or CollectionPolicy()
        self.terminal = terminal
        self.orientation = orientation
        self.voice_enabled = voice_enabled
        self.title = "e办通"
        self.session: Session = terminal.new_session()
        self.journey: Journey | None = None
        self.idle = self._new_idle()
        self.theme = Theme("elderly" if self.session.elderly else "standard", self.session.scheme)
        self.lang = terminal.translator.language
        terminal.translator.on_change(self._language_changed)
        self._history: list[str] = []
        self._warning: IdleWarning | None = None
        self.bridge: DeviceBridge | None = None
        self.first_frame_event = threading.Event()
        self.service_points: list[Any] = []
        self._config_loader = config_loader
        self.remote: RemoteCommands | None = None
        #: set when the app stops for a fleet ``restart_app`` (``kiosk run`` re-executes)
        self.restart_requested = False

    # -- Kivy life cycle ---------------------------------------------------------------
    def build(self) -> ScreenManager:
        """Register the font, load the kv rules, create every screen."""
        register_cjk_font()
        Builder.load_file(str(SCREENS_DIR / "widgets.kv"))
        manager = ScreenManager(transition=NoTransition())
        for name, target in SCREENS.items():
            module_name, _, cls_name = target.partition(":")
            Builder.load_file(str(SCREENS_DIR / f"{module_name.split('.')[-1]}.kv"))
            cls = getattr(importlib.import_module(module_name), cls_name)
            manager.add_widget(cls(name=name))
        manager.current = "attract"
        self.bridge = DeviceBridge(self)
        Window.bind(on_touch_down=self._touched)
        Window.bind(on_request_close=lambda *_a, **_k: not self.closable)
        Clock.schedule_interval(self._tick, 0.5)
        Clock.schedule_once(lambda _dt: self.first_frame_event.set(), 0)
        return manager

    def on_start(self) -> None:
        """Announce the first screen; fetch the service points in the background; take
        the fleet's remote commands."""
        self._entered("attract")
        self.run_async(self._load_points, self._points_loaded)
        self._after_flip(self.collector.started)
        self.remote = RemoteCommands(self, load_config=self._config_loader)
        self.remote.attach(self.terminal.counters.handlers)

    @staticmethod
    def _after_flip(work: Callable[[], Any]) -> None:
        """Run ``work`` on the main thread once the next frame is on glass."""
        def once(*_a: Any) -> None:
            Window.unbind(on_flip=once)
            Clock.schedule_once(lambda _dt: work(), 0)
        Window.bind(on_flip=once)

    def _load_points(self) -> list[Any]:
        try:
            return list(self.terminal.platform.service_points())
        except Exception:  # the map says the points are unavailable
            log.warning("service points unavailable")
            return []

    def _points_loaded(self, points: Any) -> None:
        self.service_points = list(points or [])
        if self.root.current in ("attract", "map"):
            self._refresh_current()

    # -- text and voice ----------------------------------------------------------------
    def tr(self, message: str, *_deps: Any) -> str:
        """Translate ``message``; kv passes ``app.lang`` so the text redraws on a switch."""
        return self.terminal.translator(message)

    def speak(self, message: str) -> None:
        """Say a message id in the current language."""
        if self.voice_enabled:
            self.terminal.voice.speak(self.tr(message))

    def repeat_prompt(self) -> None:
        """重听: say the last prompt again."""
        self.terminal.voice.repeat()

    # -- audit API ---------------------------------------------------------------------
    def screen_names(self) -> list[str]:
        """Every screen."""
        return list(SCREENS)

    def show(self, name: str, **demo_state: Any) -> None:
        """Bring ``name`` up with representative content (for audits and screenshots)."""
        screen = self.root.get_screen(name)
        screen.demo(**demo_state)
        self.root.current = name

    def set_elderly(self, on: bool) -> None:
        """Switch elderly mode (larger text and targets, longer timeouts, voice on)."""
        self.session.elderly = bool(on)
        self.theme.apply("elderly" if on else "standard", self.theme.scheme)
        self.idle = self._new_idle()
        profile = SIZE_PROFILES["elderly" if on else "standard"]
        self.terminal.voice.set_rate(profile.speech_rate)
        if on:
            self.terminal.voice.set_enabled(True)
        self.speak(ANNOUNCEMENTS["elderly_on" if on else "elderly_off"])
        self._refresh_current()

    def set_scheme(self, name: str) -> None:
        """Switch colour scheme."""
        self.session.scheme = name
        self.theme.apply(self.theme.mode, name)

    def set_language(self, lang: str) -> None:
        """Switch UI and voice language."""
        self.session.language = lang
        self.terminal.translator.set_language(lang)
        self.terminal.voice.set_language(lang)

    def _language_changed(self, lang: str) -> None:
        self.lang = lang
        if self.root is not None:
            self._refresh_current()

    # -- navigation --------------------------------------------------------------------
    def go(self, name: str, remember: bool = True) -> None:
        """Show screen ``name`` (out of service, only attract and the operator's screen)."""
        if self.out_of_service and name not in OUT_OF_SERVICE_SCREENS:
            name, remember = "attract", False
        current = self.root.current
        if remember and current != name:
            self._history.append(current)
            del self._history[:-20]
        self.root.current = name
        self._entered(name)

    def _entered(self, name: str) -> None:
        self.terminal.bus.publish("ui.screen", {"screen": name})
        if self.bridge is not None:
            self.bridge.screen_entered(name)
        prompt = self.root.get_screen(name).prompt or name
        text = prompt_for(prompt) if prompt else ""
        if text:
            self.speak(text)

    def back(self) -> None:
        """One step back: within the journey if there is one, else the previous screen."""
        if self.journey is not None and self.root.current == STEP_SCREENS.get(self.journey.step):
            before = self.journey.step
            if self.journey.back() is not before:
                self.go(STEP_SCREENS[self.journey.step], remember=False)
                return
            if self.journey.step is not self.journey.steps[0]:
                return
            self.journey = None
        target = self._history.pop() if self._history else "home"
        self.go(target, remember=False)

    def home(self) -> None:
        """Leave any journey and show the home screen (the visit continues)."""
        self.journey = None
        self._history.clear()
        self.go("home", remember=False)

    def start_item(self, code: str) -> None:
        """Open a catalog item's journey at its first step."""
        item = self.terminal.catalog.get(code)
        if item is None:
            return
        self.journey = Journey(item, self.session, self.terminal.ports)
        self.terminal.bus.publish("journey.started", {"item": code, "flow": item.flow})
        self.show_step()

    def browse(self, mode: str) -> None:
        """Browse by department or by life event."""
        self.root.get_screen("browse").mode = mode
        self.root.get_screen("browse").group = ""
        self.go("browse")

    def start_progress(self, case_no: str = "", open_screen: bool = True) -> None:
        """办件进度查询 for any case; with ``case_no`` look it up at once."""
        self.journey = Journey(progress_item(), self.session, self.terminal.ports)
        if not open_screen:
            return
        self.show_step()
        if case_no:
            self.root.get_screen("progress").lookup(case_no)

    def open_demo_journey(self, code: str) -> None:
        """For ``show``: a journey on ``code`` if none is open (audits, screenshots)."""
        item = self.terminal.catalog.get(code)
        if item is not None and (self.journey is None or self.journey.item.code != code):
            self.journey = Journey(item, self.session, self.terminal.ports)

    def show_step(self) -> None:
        """Show the screen of the journey's current step (or end the visit when done)."""
        if self.journey is None:
            self.home()
        elif self.journey.step is Step.DONE:
            self.end_visit()
        else:
            self.go(STEP_SCREENS[self.journey.step])

    def advance(self) -> None:
        """Move the journey on (runs the step's platform call off the main thread)."""
        journey = self.journey
        if journey is not None:
            self.run_async(journey.advance, lambda _step: self.show_step())

    # -- worker threads ----------------------------------------------------------------
    def run_async(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Run ``work`` on a worker thread, then ``done(result)`` on the main thread."""
        self.busy = self.tr("请稍候…")

        def runner() -> None:
            try:
                result = work()
            except Exception:  # never let a worker die silently; the citizen sees a notice
                log.exception("background work failed")
                result = None
            Clock.schedule_once(lambda _dt: self._finish(done, result), 0)

        threading.Thread(target=runner, name="ui-work", daemon=True).start()

    def _finish(self, done: Callable[[Any], None], result: Any) -> None:
        self.busy = ""
        done(result)

    # -- the visit ---------------------------------------------------------------------
    def _new_idle(self) -> IdleWatch:
        profile = "elderly" if self.session.elderly else "standard"
        from kiosk.appearance import SIZE_PROFILES

        p = SIZE_PROFILES[profile]
        ui = self.terminal.config.get("ui", {})
        return IdleWatch(float(ui.get("idle_timeout_s", p.idle_timeout_s)),
                         float(ui.get("idle_warning_s", p.warning_s)))

    def _touched(self, *_args: Any) -> None:
        self.idle.touch()

    def _tick(self, _dt: float) -> None:
        if self.root.current == "attract":
            self.idle.touch()
            return
        state = self.idle.state()
        if state is IdleState.EXPIRED:
            self.end_visit()
        elif state is IdleState.WARNING:
            if self._warning is None:
                self._warning = IdleWarning()
                self._warning.open()
                self.speak(ANNOUNCEMENTS["idle_warning"])
            self._warning.seconds = self.idle.seconds_left()

    def extend_session(self) -> None:
        """The citizen wants more time."""
        self.idle.extend()
        self._close_warning()

    def _close_warning(self) -> None:
        if self._warning is not None:
            self._warning.dismiss(animation=False)
            self._warning = None

    def end_visit(self) -> None:
        """Wipe everything the visit held and return to the attract screen."""
        self._close_warning()
        token = self.session.identity_token
        self.session.wipe()
        if token:
            threading.Thread(target=self._end_platform_session, args=(token,),
                             daemon=True).start()
        self.journey = None
        for screen in self.root.screens:   # what the visit put on any screen goes too (and
            screen.wipe()                  # a mode change below re-lays out less)
        self.terminal.voice.end_session()
        self.terminal.bus.publish("session.wiped", None)
        self.session = self.terminal.new_session()
        mode = "elderly" if self.session.elderly else "standard"
        self.theme.apply(mode, self.session.scheme)
        self.terminal.voice.set_rate(SIZE_PROFILES[mode].speech_rate)
        if self.terminal.translator.language != self.session.language:
            self.terminal.translator.set_language(self.session.language)
        self.idle = self._new_idle()
        self._history.clear()
        self.go("attract", remember=False)
        self._after_flip(self.collector.visit_ended)
        if self.remote is not None:
            self.remote.visit_ended()    # deferred maintenance switch or restart

    def _end_platform_session(self, token: str) -> None:
        try:
            self.terminal.platform.end_session(token)
        except Exception:  # the platform expires it on its own
            log.info("platform session end not delivered")

    def _refresh_current(self) -> None:
        screen = self.root.current_screen
        if screen is not None:
            screen.refresh()
