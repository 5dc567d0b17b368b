"""Crash loops: three failures in five minutes, the cause read from the log (scrubbed), and
the fault carried by the heartbeat to an alert on the fleet server."""

from __future__ import annotations

from fleet.rules import RuleConfig, conditions_of, health_of, validate_heartbeat
from kiosk.agent.heartbeat import build_heartbeat
from kiosk.crashloop import CrashLoopPolicy, cause_from_log
from kiosk.faults import FaultLog

TRACEBACK = """\
2026-11-29 10:00:01 INFO kiosk.composition building the terminal
Traceback (most recent call last):
  File "/opt/ebantong/current/lib/kiosk/composition.py", line 140, in build_terminal
    outbox = Outbox(path, sender)
sqlite3.DatabaseError: file is not a database
ebantong-kiosk.service: Main process exited, code=exited, status=1/FAILURE
"""


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_three_failures_in_five_minutes_is_a_loop() -> None:
    clock = Clock()
    policy = CrashLoopPolicy(clock=clock)
    assert not policy.record_failure()
    clock.now = 200
    assert not policy.record_failure()
    clock.now = 290
    assert policy.record_failure()
    policy.reset()
    clock.now = 1000
    assert not policy.record_failure()
    clock.now = 1400                                  # the first one is out of the window
    assert not policy.record_failure()


def test_the_cause_is_the_exception_line() -> None:
    assert cause_from_log(TRACEBACK.splitlines()) == "sqlite3.DatabaseError: file is not a database"


def test_the_cause_falls_back_to_errors_and_systemd_and_is_scrubbed() -> None:
    lines = ["INFO fine", "ERROR kiosk.flows submit for 530102198503121313 failed, phone "
             "13987654321", "INFO later"]
    cause = cause_from_log(lines)
    assert "530102198503121313" not in cause and "13987654321" not in cause
    assert cause.startswith("ERROR kiosk.flows")
    assert "Watchdog timeout" in cause_from_log(["ebantong-kiosk.service: Watchdog timeout "
                                                 "(limit 10s)!"])
    assert "no error" in cause_from_log([])


def test_a_reported_fault_opens_a_fleet_alert_naming_the_cause(tmp_path: object) -> None:
    faults = FaultLog(f"{tmp_path}/faults.json")
    faults.record("crash_loop", "ui", "3 failures within 5 min; last: " +
                  cause_from_log(TRACEBACK.splitlines()))
    hb = build_heartbeat({"screen": "out_of_service", "maintenance": True,
                          "faults": faults.active()}, seq=1, ts=1, app_version="x", uptime_s=1)
    clean = validate_heartbeat(hb)
    conds = conditions_of(clean, 0, RuleConfig())
    assert "sqlite3.DatabaseError" in conds["crash_loop:ui"]
    assert health_of(set(conds), False) == "fault"
