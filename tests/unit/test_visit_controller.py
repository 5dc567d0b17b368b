"""The visit controller runs a whole visit without Kivy: identify, form, submit, receipt,
evaluation, wipe — against the platform simulator (a real HTTP server), with a recording
printer and a fake ID-card record instead of devices."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import TerminalConfig, UiSection
from kiosk.flows.journey import CardNext
from kiosk.flows.ports import FlowPorts
from kiosk.flows.steps import Step
from kiosk.session import IdleState, Session
from kiosk.visit import VisitController
from kiosk.voice import ANNOUNCEMENTS
from simulator.platform.server import PlatformServer
from tests.unit.flow_rig import complete_form, face_photo, flow_ports
from tests.unit.test_flows_journey import Card

ROOT = Path(__file__).resolve().parents[2]


class RecordingView:
    """The UI as the controller sees it: records what it was told."""

    def __init__(self) -> None:
        self.screens: list[str] = []
        self.warnings: list[int | None] = []
        self.wiped = 0
        self.ended = 0
        self.said: list[str] = []
        self.modes: list[tuple[str, str]] = []

    def show_screen(self, name: str) -> None:
        self.screens.append(name)

    def idle_warning(self, seconds_left: int | None) -> None:
        self.warnings.append(seconds_left)

    def appearance_changed(self, mode: str, scheme: str, refresh: bool = True) -> None:
        self.modes.append((mode, scheme))

    def visit_wiped(self) -> None:
        self.wiped += 1

    def visit_ended(self) -> None:
        self.ended += 1

    def speak(self, message: str) -> None:
        self.said.append(message)


class FakeVoice:
    def __init__(self) -> None:
        self.ended = 0
        self.rates: list[Any] = []

    def set_rate(self, rate: Any) -> None:
        self.rates.append(rate)

    def set_enabled(self, _on: bool) -> None:
        pass

    def set_language(self, _lang: str) -> None:
        pass

    def end_session(self) -> None:
        self.ended += 1


class FakeTranslator:
    language = "zh_CN"

    def __call__(self, message: str) -> str:
        return message

    def set_language(self, lang: str) -> None:
        self.language = lang

    @property
    def speech_language(self) -> str:
        return self.language


class Catalog:
    def __init__(self, items: list[Any]) -> None:
        self._items = {i.code: i for i in items}

    def get(self, code: str) -> Any:
        return self._items.get(code)


class Terminal:
    """What the controller needs of the composition root's Terminal."""

    def __init__(self, ports: FlowPorts, config: TerminalConfig) -> None:
        self.ports = ports
        self.bus = ports.bus
        self.platform = ports.platform
        self.catalog = Catalog(list(ports.platform.catalog().items))
        self.voice = FakeVoice()
        self.translator = FakeTranslator()
        self.config = config
        self.ended_tokens: list[str] = []

    def new_session(self) -> Session:
        return Session(elderly=self.config.ui.elderly)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = PlatformServer(state_dir=tmp_path_factory.mktemp("platform"))
    yield server.start()
    server.stop()


@pytest.fixture
def ports(platform: str, tmp_path: Path) -> Iterator[FlowPorts]:
    with flow_ports(platform, tmp_path) as built:
        yield built


def _controller(ports: FlowPorts, **ui: Any) -> tuple[VisitController, RecordingView, Clock]:
    view, clock = RecordingView(), Clock()
    terminal = Terminal(ports, TerminalConfig(ui=UiSection(**ui)))
    return VisitController(terminal, view, spawn=lambda work: work(), clock=clock), view, clock


def _code(ports: FlowPorts, flow: str, identity: str) -> str:
    for item in sorted(ports.platform.catalog().items, key=lambda i: -i.popularity):
        if item.flow == flow and item.identity_level == identity:
            return str(item.code)
    raise AssertionError(f"no {flow} item needing {identity}")


def test_a_whole_visit_runs_without_kivy(ports: FlowPorts) -> None:
    visit, view, _clock = _controller(ports)
    wiped: list[str] = []
    ports.bus.subscribe("session.wiped", lambda topic, _p: wiped.append(topic))
    visit.go("home")
    assert visit.start_item(_code(ports, "application", "idcard_face"))
    assert visit.screen == "guide"
    visit.advance()
    visit.show_step()
    assert visit.screen == "identify"
    journey = visit.journey
    assert journey is not None
    assert journey.after_card_read(camera_available=True) is CardNext.FACE
    assert journey.identify_card(Card(), face_photo())
    visit.show_step()
    assert visit.screen == "commitment"
    journey.accept_commitment()
    visit.show_step()
    assert visit.screen == "form"
    assert journey.submit_form(*complete_form(journey)) is Step.RESULT
    visit.show_step()
    assert visit.screen == "result"
    case = journey.result.case
    assert case is not None and len(case.case_no) == 20
    assert journey.print_receipt() and ports.printer.docs  # type: ignore[union-attr]
    visit.advance()
    visit.show_step()
    assert visit.screen == "evaluate"
    assert journey.evaluate(5)
    visit.show_step()                     # DONE: the visit ends by itself
    assert visit.screen == "attract" and view.screens[-1] == "attract"
    assert view.wiped == 1 and view.ended == 1 and wiped == ["session.wiped"]
    assert visit.journey is None and visit.history == []
    assert visit.session is not journey.session and journey.session.identity is None
    assert journey.session.identity_token is None and journey.session.case_numbers == []
    assert visit.terminal.voice.ended == 1
    assert view.screens == ["home", "guide", "identify", "commitment", "form", "result",
                            "evaluate", "attract"]


def test_a_card_alone_is_enough_where_no_face_is_asked(ports: FlowPorts) -> None:
    visit, _view, _clock = _controller(ports)
    visit.start_item(_code(ports, "query", "idcard"))
    assert visit.journey is not None
    assert visit.journey.after_card_read(camera_available=False) is CardNext.VERIFY


def test_no_camera_where_a_face_is_needed_is_said(ports: FlowPorts) -> None:
    visit, _view, _clock = _controller(ports)
    visit.start_item(_code(ports, "application", "idcard_face"))
    journey = visit.journey
    assert journey is not None
    assert journey.after_card_read(camera_available=False) is CardNext.NO_CAMERA
    assert journey.message is not None and journey.message.code == "no_camera"


def test_idle_warning_then_the_wipe(ports: FlowPorts) -> None:
    visit, view, clock = _controller(ports, idle_timeout_s=60, idle_warning_s=20)
    visit.go("home")
    clock.now += 39
    assert visit.tick() is IdleState.ACTIVE and view.warnings == []
    clock.now += 2
    assert visit.tick() is IdleState.WARNING and view.warnings == [19]
    assert view.said == [ANNOUNCEMENTS["idle_warning"]]
    assert visit.extend()
    assert view.warnings[-1] is None
    clock.now += 61
    assert visit.tick() is IdleState.EXPIRED
    assert visit.screen == "attract" and view.wiped == 1


def test_out_of_service_shows_only_attract_and_maintenance(ports: FlowPorts) -> None:
    visit, _view, _clock = _controller(ports)
    states: list[Any] = []
    ports.bus.subscribe("maintenance.changed", lambda _t, p: states.append(p))
    visit.set_out_of_service(True)
    assert visit.go("home") == "attract"
    assert visit.go("maintenance") == "maintenance"
    assert states == [{"maintenance": True}]


def test_back_walks_the_journey_then_the_history(ports: FlowPorts) -> None:
    visit, _view, _clock = _controller(ports)
    visit.go("home")
    visit.go("search")
    visit.start_item(_code(ports, "query", "idcard"))
    assert visit.screen == "guide"
    visit.back()                      # the first step: leave the journey
    assert visit.journey is None and visit.screen == "search"
    visit.back()
    assert visit.screen == "home"


def test_the_core_imports_no_kivy() -> None:
    code = ("import sys, kiosk.visit, kiosk.composition, kiosk.flows.outcome, "
            "kiosk.flows.application_form, kiosk.config; "
            "assert not [m for m in sys.modules if m.split('.')[0] == 'kivy'], 'kivy loaded'")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
