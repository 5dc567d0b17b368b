"""Heartbeat counters fed by bus events: visits, journeys, errors, screen, device states."""

from __future__ import annotations

from types import SimpleNamespace

from common.events import EventBus
from drivers.base import DeviceEvent, DeviceState, DeviceStateChanged
from kiosk.telemetry import UsageCounters


def test_a_visit_counts_once_from_leaving_attract_until_the_wipe() -> None:
    bus = EventBus()
    counters = UsageCounters(bus)
    snapshot = counters.snapshot_for(SimpleNamespace(device_errors={}))
    bus.publish("ui.screen", {"screen": "attract"})
    assert snapshot()["counters"]["sessions"] == 0 and not snapshot()["session_active"]
    for screen in ("home", "search", "guide"):
        bus.publish("ui.screen", {"screen": screen})
    bus.publish("journey.started", {"item": "KM-HPF-002"})
    state = snapshot()
    assert state["screen"] == "guide" and state["session_active"]
    assert state["counters"] == {"sessions": 1, "journeys": 1, "errors": 0}
    bus.publish("session.wiped", None)
    bus.publish("ui.screen", {"screen": "attract"})
    assert not snapshot()["session_active"]
    bus.publish("ui.screen", {"screen": "home"})
    assert snapshot()["counters"]["sessions"] == 2


def test_errors_device_states_and_paper_come_from_events() -> None:
    bus = EventBus()
    counters = UsageCounters(bus)
    snapshot = counters.snapshot_for(SimpleNamespace(device_errors={"camera": "cannot open"}))
    bus.publish("journey.print_failed", {"item": "x", "completion": "device_not_ready"})
    bus.publish("idcard.state", DeviceStateChanged("idcard", DeviceState.OFFLINE,
                                                   details={"url": "socket://x"}))
    bus.publish("printer.paper", DeviceEvent("printer", "paper", {"paper": "low",
                                                                  "previous": "ok"}))
    state = snapshot()
    assert state["counters"]["errors"] == 1
    assert state["devices"]["idcard"]["state"] == "offline"
    assert state["devices"]["camera"] == {"state": "no_device", "message": "cannot open"}
    assert state["paper"]["state"] == "low"


def test_maintenance_flag_follows_the_maintenance_changed_event() -> None:
    bus = EventBus()
    counters = UsageCounters(bus)
    snapshot = counters.snapshot_for(SimpleNamespace(device_errors={}))
    assert snapshot()["maintenance"] is False
    bus.publish("maintenance.changed", {"maintenance": True})
    assert snapshot()["maintenance"] is True
    bus.publish("maintenance.entered", None)      # the operator's PIN screen is not it
    assert snapshot()["maintenance"] is True
    bus.publish("maintenance.changed", {"maintenance": False})
    assert snapshot()["maintenance"] is False


def test_handlers_attached_after_the_agent_was_built_are_found() -> None:
    from fleet.protocol import COMMAND_KINDS
    from kiosk.agent.agent import TelemetryAgent

    bus = EventBus()
    counters = UsageCounters(bus)
    terminal = SimpleNamespace(device_errors={}, refresh_catalog=lambda: "ok",
                               catalog=SimpleNamespace(items=lambda: [1, 2]))
    agent = TelemetryAgent(SimpleNamespace(), counters.snapshot_for(terminal),  # type: ignore[arg-type]
                           counters.command_handlers(terminal), ":memory:")
    ok, result = agent._run_handler("maintenance_on", {})
    assert not ok and "unsupported command maintenance_on" in result["error"]
    # the app attaches its UI handlers later, into the live dict
    counters.handlers["maintenance_on"] = lambda args: {"maintenance": True, **args}
    assert agent._run_handler("maintenance_on", {"x": 1}) == (True, {"maintenance": True,
                                                                     "x": 1})
    assert agent._run_handler("refresh_catalog", {}) == (True, {"catalog": "ok", "items": 2})
    assert set(counters.command_handlers(terminal)) == set(COMMAND_KINDS)
    assert agent._run_handler("format_disk", {})[0] is False
