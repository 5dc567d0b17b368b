"""The Kivy application: renders the visit controller's state and forwards touches.

:class:`KioskApp` holds no visit logic. The :class:`~kiosk.visit.VisitController` (Kivy-free)
owns the session, the journey, the history, the idle clock and the out-of-service state; the
app is its :class:`~kiosk.visit.VisitView`: it shows the screen the controller names, opens
the idle warning, applies the theme, and wipes every screen at the end of a visit. Blocking
work (platform calls, printing) runs on a worker thread and comes back through
``Clock.schedule_once``; device events come through :class:`~screens.bridge.DeviceBridge`.

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

from kiosk.appearance import WINDOW_TITLE
from kiosk.calendar_cn import format_clock
from kiosk.composition import Terminal
from kiosk.config import TerminalConfig
from kiosk.flows.journey import Journey
from kiosk.gc_policy import CollectionPolicy
from kiosk.i18n import N_
from kiosk.session import Session
from kiosk.visit import VisitController
from kiosk.voice import prompt_for
from screens.bridge import DeviceBridge
from screens.remote import RemoteCommands
from screens.theme import Theme, register_language_font
from screens.widgets import IdleWarning

log = logging.getLogger(__name__)
SCREENS_DIR = Path(__file__).resolve().parent
ConfigLoader = Callable[[], TerminalConfig]
#: said when there is no help screen on this terminal (the 12345 government hotline)
HELP_FALLBACK = N_("如需帮助，请拨打政务服务便民热线12345，或向现场工作人员求助。")

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
    "pay_setup": "screens.pay_setup:PaySetupScreen",
    "pay": "screens.pay:PayScreen",
    "book": "screens.book:BookScreen",
    "map": "screens.map:MapScreen",
    "settings": "screens.settings:SettingsScreen",
    "maintenance": "screens.maintenance:MaintenanceScreen",
    "help": "screens.help:HelpScreen",
}


class KioskApp(App):
    """Hosts the screens for one terminal; the root widget is a ScreenManager."""

    lang = StringProperty("zh_CN")
    #: rebind: Theme.apply dispatches it so every kv rule re-runs in the order it was applied
    theme = ObjectProperty(None, rebind=True)
    busy = StringProperty("")
    #: mirrors the controller's out-of-service state for kv rules (the attract notice)
    out_of_service = BooleanProperty(False)
    #: the date and time on the permanent bar (``11月29日 15:50``)
    clock_text = StringProperty("")

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
        self.title = WINDOW_TITLE
        self.visit = VisitController(terminal, self)
        self.theme = Theme(self.visit.mode, self.visit.session.scheme)
        self.lang = terminal.translator.language
        terminal.translator.on_change(self._language_changed)
        self._warning: IdleWarning | None = None
        self.bridge: DeviceBridge | None = None
        self.first_frame_event = threading.Event()
        self.service_points: list[Any] = []
        self._config_loader = config_loader
        self.remote: RemoteCommands | None = None
        #: set when the app stops for a fleet ``restart_app`` (``run`` re-executes)
        self.restart_requested = False
        self.bind(out_of_service=lambda _a, on: self._out_of_service_changed(on))

    # -- what screens read -------------------------------------------------------------
    @property
    def session(self) -> Session:
        """The visit's session (the controller's)."""
        return self.visit.session

    @property
    def journey(self) -> Journey | None:
        """The open journey, if any."""
        return self.visit.journey

    # -- Kivy life cycle ---------------------------------------------------------------
    def build(self) -> ScreenManager:
        """Register the font, load the kv rules, create every screen."""
        register_language_font(self.terminal.translator.pack)
        Builder.load_file(str(SCREENS_DIR / "widgets.kv"))
        manager = ScreenManager(transition=NoTransition())
        for name, target in SCREENS.items():
            module_name, _, cls_name = target.partition(":")
            Builder.load_file(str(SCREENS_DIR / f"{module_name.split('.')[-1]}.kv"))
            cls = getattr(importlib.import_module(module_name), cls_name)
            manager.add_widget(cls(name=name))
        manager.current = "attract"
        self.bridge = DeviceBridge(self)
        Window.bind(on_touch_down=lambda *_a: self.visit.touch())
        Window.bind(on_request_close=lambda *_a, **_k: not self.closable)
        Clock.schedule_interval(lambda _dt: self.visit.tick(), 0.5)
        self._update_clock()
        Clock.schedule_interval(lambda _dt: self._update_clock(), 15)
        Clock.schedule_once(lambda _dt: self.first_frame_event.set(), 0)
        return manager

    def on_start(self) -> None:
        """Announce the first screen; fetch the service points in the background; take
        the fleet's remote commands."""
        self._entered("attract")
        self.run_async(self._load_points, self._points_loaded)
        self.after_flip(self.collector.started)
        self.remote = RemoteCommands(self, load_config=self._config_loader)
        self.remote.attach(self.terminal.counters.handlers)

    @staticmethod
    def after_flip(work: Callable[[], Any]) -> None:
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

    def _update_clock(self) -> None:
        now = self.terminal.ports.now()
        text = format_clock(now)
        if text != self.clock_text:
            self.clock_text = text

    def call_for_help(self) -> None:
        """一键求助: the help screen (the ticket to the operators is raised from there)."""
        if self.root is not None and self.root.has_screen("help"):
            self.go("help")
        else:
            self.speak(HELP_FALLBACK)

    # -- text and voice ----------------------------------------------------------------
    def tr(self, message: str, *_deps: Any) -> str:
        """Translate ``message``; kv passes ``app.lang`` so the text redraws on a switch."""
        return self.terminal.translator(message)

    def speak(self, message: str) -> None:
        """Say a message id in the current language."""
        if self.voice_enabled:
            self.terminal.voice.speak(self.terminal.translator.for_speech(message))

    def repeat_prompt(self) -> None:
        """重听: say the last prompt again."""
        self.terminal.voice.repeat()

    # -- VisitView: what the controller tells the UI ----------------------------------------
    def show_screen(self, name: str) -> None:
        """The controller moved to ``name``."""
        self.root.current = name
        self._entered(name)

    def idle_warning(self, seconds_left: int | None) -> None:
        """Open, update or close the idle warning."""
        if seconds_left is None:
            if self._warning is not None:
                self._warning.dismiss(animation=False)
                self._warning = None
            return
        if self._warning is None:
            self._warning = IdleWarning()
            self._warning.open()
        self._warning.seconds = seconds_left

    def appearance_changed(self, mode: str, scheme: str, refresh: bool = True) -> None:
        """Apply the mode and scheme to the theme (screens re-lay out)."""
        self.theme.apply(mode, scheme)
        if refresh and self.root is not None:
            self._refresh_current()

    def visit_wiped(self) -> None:
        """What the visit put on any screen goes too."""
        for screen in self.root.screens:
            screen.wipe()

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
        self.visit.set_elderly(on)

    def set_scheme(self, name: str) -> None:
        """Switch colour scheme."""
        self.visit.set_scheme(name)

    def set_language(self, lang: str) -> None:
        """Switch UI and voice language."""
        self.visit.set_language(lang)

    def _language_changed(self, lang: str) -> None:
        register_language_font(self.terminal.translator.pack)
        self.lang = lang
        if self.root is not None:
            self._refresh_current()

    # -- touches forwarded to the controller ------------------------------------------------
    def go(self, name: str, remember: bool = True) -> None:
        """Show screen ``name``."""
        self.visit.go(name, remember)

    def _entered(self, name: str) -> None:
        if self.bridge is not None:
            self.bridge.screen_entered(name)
        screen = self.root.get_screen(name)
        prompt = screen.prompt or name
        text = prompt_for(prompt) if prompt else ""
        if text:
            self.speak(text)
        translator = self.terminal.translator
        if (self.theme.mode == "elderly" and self.voice_enabled
                and translator.speech_language == translator.language):  # not a fallback voice
            # 长辈版 reads the screen's content on arrival, not only its prompt
            content = screen.spoken_content()
            if content:
                self.terminal.voice.speak_result(content, interrupt=False)  # private: no cache

    def back(self) -> None:
        """返回."""
        self.visit.back()

    def home(self) -> None:
        """首页 (the visit continues)."""
        self.visit.home()

    def start_item(self, code: str) -> None:
        """Open a catalog item's journey at its first step."""
        self.visit.start_item(code)

    def browse(self, mode: str) -> None:
        """Browse by department or by life event."""
        browse = self.root.get_screen("browse")
        browse.mode, browse.group, browse.page = mode, "", 0
        self.visit.browse(mode)

    def browse_category(self, key: str) -> None:
        """A home-screen category's items."""
        browse = self.root.get_screen("browse")
        browse.mode, browse.group, browse.page = "category", key, 0
        self.visit.browse("category")

    def start_progress(self, case_no: str = "", open_screen: bool = True) -> None:
        """办件进度查询 for any case; with ``case_no`` look it up at once."""
        self.visit.start_progress(open_screen)
        if open_screen and case_no:
            self.root.get_screen("progress").lookup(case_no)

    def open_demo_journey(self, code: str) -> None:
        """For ``show``: a journey on ``code`` if none is open (audits, screenshots)."""
        self.visit.ensure_journey(code)

    def show_step(self) -> None:
        """Show the screen of the journey's current step (or end the visit when done)."""
        self.visit.show_step()

    def advance(self) -> None:
        """Move the journey on (its platform call off the main thread)."""
        if self.visit.journey is not None:
            self.run_async(self.visit.advance, lambda _step: self.visit.show_step())

    def extend_session(self) -> None:
        """The citizen wants more time."""
        self.visit.extend()

    def end_visit(self) -> None:
        """Wipe the visit and return to the attract screen."""
        self.visit.end_visit()

    def visit_ended(self) -> None:
        """After the wipe, once attract is back: collect garbage, run deferred commands."""
        self.after_flip(self.collector.visit_ended)
        if self.remote is not None:
            self.remote.visit_ended()    # deferred maintenance switch or restart

    def _out_of_service_changed(self, on: bool) -> None:
        if self.visit.out_of_service != on:
            self.visit.set_out_of_service(on)

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

    def _refresh_current(self) -> None:
        screen = self.root.current_screen
        if screen is not None:
            screen.refresh()
