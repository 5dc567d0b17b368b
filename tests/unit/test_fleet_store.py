"""Fleet store: ingest, alert lifecycle, commands + audit, usage, retention, enrolment.

Every test runs against SQLite and against PostgreSQL (``FLEET_PG_URL``, set by
scripts/test via scripts/postgres; the PostgreSQL variant is skipped only when it is unset).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from fleet import accounts, alerts, commands, stats, terminals
from fleet.db import audit, heartbeat_hourly, heartbeats
from fleet.ingest import Ingestor, Submission
from fleet.rules import RuleConfig, validate_heartbeat
from fleet.testing import fresh_engine, heartbeat, pg_schema

PG_URL = os.environ.get("FLEET_PG_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = fresh_engine(f"sqlite:///{tmp_path}/fleet.db")
        yield eng
        eng.dispose()
        return
    if not PG_URL:
        pytest.skip("FLEET_PG_URL not set (scripts/postgres start)")
    with pg_schema(PG_URL) as url:
        eng = fresh_engine(url)
        yield eng
        eng.dispose()


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def make(engine: Engine, clock: Clock, n: int = 1) -> tuple[Ingestor, list[str]]:
    token = terminals.create_enrol_token(engine, uses=None)
    ids = [f"KM-{i:03d}" for i in range(n)]
    for tid in ids:
        terminals.enrol(engine, token, tid, name="测试终端", district="五华区")
    rules = RuleConfig(paper_low_percent=15, burst_errors=5, offline_after_s=90)
    return Ingestor(engine, rules, clock=clock), ids


def send(ing: Ingestor, tid: str, *hbs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    answers: list[Any] = []
    sub = Submission(tid, [validate_heartbeat(hb) for hb in hbs], done=answers.append, **extra)
    ing.process([sub])
    assert len(answers) == 1 and isinstance(answers[0], dict), answers
    return answers[0]


def open_alerts(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        return sorted((a["terminal_id"], a["kind"], a["state"])
                      for a in alerts.list_alerts(conn, open_only=True))


def test_paper_alert_opens_escalates_and_clears(engine: Engine) -> None:
    clock = Clock()
    ing, (tid,) = make(engine, clock)
    send(ing, tid, heartbeat(0))
    assert open_alerts(engine) == []
    send(ing, tid, heartbeat(1, paper={"state": "low", "level": 12}))
    assert open_alerts(engine) == [(tid, "paper_low", "open")]
    send(ing, tid, heartbeat(2, paper={"state": "out", "level": 0}))
    assert open_alerts(engine) == [(tid, "paper_out", "open")]
    assert terminals.detail(engine, tid, 90, now=clock.now)["health"] == "fault"
    send(ing, tid, heartbeat(3))
    assert open_alerts(engine) == []
    with engine.connect() as conn:
        history = alerts.list_alerts(conn, open_only=False)
    assert [a["kind"] for a in history] == ["paper_out"]  # one alert, escalated in place
    assert "escalated from paper_low" in history[0]["detail"]
    assert all(a["resolved_at"] is not None for a in history)


def test_device_fault_and_error_burst(engine: Engine) -> None:
    clock = Clock()
    ing, (tid,) = make(engine, clock)
    send(ing, tid, heartbeat(0, counters={"sessions": 0, "journeys": 0, "errors": 40}))
    assert open_alerts(engine) == []  # first heartbeat: no previous count, no burst
    broken = {"printer": {"state": "hardware_error", "status": {}}, "idcard": {"state": "online"}}
    send(ing, tid, heartbeat(1, devices=broken,
                             counters={"sessions": 1, "journeys": 1, "errors": 47}))
    assert open_alerts(engine) == [(tid, "device_fault", "open"), (tid, "error_burst", "open")]
    with engine.connect() as conn:
        fault = next(a for a in alerts.list_alerts(conn) if a["kind"] == "device_fault")
    assert fault["subject"] == "printer"
    send(ing, tid, heartbeat(2, counters={"sessions": 2, "journeys": 2, "errors": 47}))
    assert open_alerts(engine) == []


def test_offline_sweep_ack_and_recovery(engine: Engine) -> None:
    clock = Clock()
    ing, (tid, other) = make(engine, clock, n=2)
    send(ing, tid, heartbeat(0))
    send(ing, other, heartbeat(0))
    clock.now += 60
    send(ing, other, heartbeat(1))
    clock.now += 40  # tid silent for 100 s, other for 40 s
    ing.sweep()
    assert open_alerts(engine) == [(tid, "offline", "open")]
    ing.sweep()  # idempotent
    assert len(open_alerts(engine)) == 1
    with engine.begin() as conn:
        alert_id = alerts.list_alerts(conn)[0]["id"]
        assert alerts.acknowledge(conn, alert_id, "operator", clock.now)
        assert not alerts.acknowledge(conn, alert_id, "operator", clock.now)
    assert open_alerts(engine) == [(tid, "offline", "acknowledged")]
    assert terminals.overview(engine, 90, now=clock.now)["by_health"] == {"offline": 1, "ok": 1}
    send(ing, tid, heartbeat(1))
    assert open_alerts(engine) == []
    assert terminals.overview(engine, 90, now=clock.now)["by_health"] == {"ok": 2}


def test_duplicate_and_buffered_heartbeats(engine: Engine) -> None:
    clock = Clock()
    ing, (tid,) = make(engine, clock)
    answer = send(ing, tid, heartbeat(0), heartbeat(1), heartbeat(2))
    assert answer["accepted"] == 3
    assert send(ing, tid, heartbeat(1), heartbeat(2))["accepted"] == 0  # resent after timeout
    assert send(ing, tid, heartbeat(2), heartbeat(3))["accepted"] == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(heartbeats)).scalar() == 4
    assert terminals.detail(engine, tid, 90, now=clock.now)["last_seq"] == 3


def test_unknown_terminal_fails_only_its_own_submission(engine: Engine) -> None:
    clock = Clock()
    ing, (tid,) = make(engine, clock)
    got: list[Any] = []
    good = Submission(tid, [validate_heartbeat(heartbeat(0))], done=got.append)
    bad = Submission("NOPE", [validate_heartbeat(heartbeat(0))], done=got.append)
    ing.process([good, bad])
    assert isinstance(got[0], dict) and got[0]["accepted"] == 1
    assert isinstance(got[1], LookupError)


def test_command_lifecycle_is_audited(engine: Engine) -> None:
    clock = Clock()
    ing, (tid,) = make(engine, clock)
    with pytest.raises(commands.CommandError):
        commands.create_command(engine, "op", tid, "format_disk")
    with pytest.raises(commands.CommandError):
        commands.create_command(engine, "op", "NOPE", "restart_app")
    cid = commands.create_command(engine, "op", tid, "maintenance_on")
    answer = send(ing, tid, heartbeat(0))
    assert answer["commands"] == [{"id": cid, "kind": "maintenance_on", "args": {}}]
    assert send(ing, tid, heartbeat(1))["commands"] == []  # handed out once
    send(ing, tid, heartbeat(2, maintenance=True),
         results=[{"id": cid, "ok": True, "result": {"maintenance": True}}])
    (cmd,) = commands.list_commands(engine, tid)
    assert cmd["status"] == "succeeded" and cmd["created_by"] == "op"
    with engine.connect() as conn:
        rec = conn.execute(select(audit).where(audit.c.command_id == cid)).one()
    assert (rec.actor, rec.action, rec.target) == ("op", "command.maintenance_on", tid)
    assert rec.result.startswith("succeeded")
    assert terminals.detail(engine, tid, 90, now=clock.now)["health"] == "maintenance"


def test_unanswered_command_expires(engine: Engine) -> None:
    clock = Clock()
    ing, (tid,) = make(engine, clock)
    cid = commands.create_command(engine, "op", tid, "screenshot")
    send(ing, tid, heartbeat(0))
    clock.now += commands.EXPIRE_AFTER_S + 1
    ing.sweep()
    assert commands.list_commands(engine, tid)[0]["status"] == "expired"
    with engine.connect() as conn:
        assert conn.execute(select(audit.c.result).where(audit.c.command_id == cid)
                            ).scalar().startswith("expired")


def test_usage_dedupe_stats_and_csv(engine: Engine) -> None:
    clock = Clock()
    ing, (a, b) = make(engine, clock, n=2)
    ts = 1_800_000_000.0  # 2027-01-15 08:00 UTC = 16:00 CST

    def ev(i: int, code: str, kind: str, t: float = ts) -> dict[str, Any]:
        return stats.validate_usage({"event_id": f"e{i}", "item_code": code,
                                     "item_name": "公积金查询" if code == "GJJ" else "社保打印",
                                     "kind": kind, "ts": t})

    send(ing, a, heartbeat(0), usage=[ev(1, "GJJ", "started"), ev(2, "GJJ", "completed"),
                                      ev(3, "SB", "started", ts + 9 * 3600)])
    send(ing, a, heartbeat(1), usage=[ev(1, "GJJ", "started")])  # resent: counted once
    send(ing, b, heartbeat(0), usage=[ev(1, "GJJ", "started")])  # other terminal, own ids
    by_item = stats.usage_by(engine, "item")
    assert by_item[0] == {"item_code": "GJJ", "item_name": "公积金查询", "started": 2,
                          "completed": 1, "abandoned": 0}
    by_day = stats.usage_by(engine, "day")
    assert [(d["day"], d["started"]) for d in by_day] == [("2027-01-15", 2), ("2027-01-16", 1)]
    assert stats.usage_by(engine, "terminal", terminal_id=b)[0]["started"] == 1
    rows = list(csv.DictReader(io.StringIO(stats.usage_csv(engine, day_from="2027-01-15",
                                                           day_to="2027-01-15"))))
    assert {(r["terminal_id"], r["item_code"], r["started"]) for r in rows} == {
        (a, "GJJ", "1"), (b, "GJJ", "1")}
    with pytest.raises(ValueError):
        stats.validate_usage({"event_id": "x", "item_code": "A", "kind": "clicked", "ts": ts})


def test_retention_folds_old_heartbeats_into_hours(engine: Engine) -> None:
    clock = Clock()
    ing, (tid,) = make(engine, clock)
    base = 1_700_000_000 - 1_700_000_000 % 3600
    hbs = [heartbeat(i, ts=base + i * 600, paper={"state": "full", "level": 90 - i},
                     counters={"sessions": i, "journeys": i, "errors": 0}) for i in range(12)]
    send(ing, tid, *hbs)
    with engine.begin() as conn:  # keep only what is newer than base + 1 h
        removed = stats.downsample_and_prune(conn, now=base + 3600 + 86400, keep_raw_s=86400)
    assert removed == 6
    with engine.connect() as conn:
        hours = conn.execute(select(heartbeat_hourly)).all()
        left = conn.execute(select(func.count()).select_from(heartbeats)).scalar()
    assert left == 6
    assert [(h.hour, h.count, h.paper_min, h.sessions_max) for h in hours] == [
        (base, 6, 85, 5)]


def test_enrolment_tokens(engine: Engine) -> None:
    once = terminals.create_enrol_token(engine, uses=1)
    secret = terminals.enrol(engine, once, "KM-1", district="呈贡区")
    assert terminals.terminal_secret(engine, "KM-1") == secret
    with pytest.raises(terminals.EnrolmentError, match="used up"):
        terminals.enrol(engine, once, "KM-2")
    with pytest.raises(terminals.EnrolmentError):
        terminals.enrol(engine, "wrong-token", "KM-3")
    expired = terminals.create_enrol_token(engine, uses=None, ttl_s=-1)
    with pytest.raises(terminals.EnrolmentError, match="expired"):
        terminals.enrol(engine, expired, "KM-4")
    with pytest.raises(terminals.EnrolmentError):
        terminals.enrol(engine, terminals.create_enrol_token(engine), "bad id/../x")
    with pytest.raises(terminals.EnrolmentError, match="already enrolled"):
        terminals.enrol(engine, terminals.create_enrol_token(engine), "KM-1")  # no takeover
    assert terminals.terminal_secret(engine, "KM-1") == secret
    bound = terminals.create_enrol_token(engine, terminal_id="KM-1")  # issued for this id
    again = terminals.enrol(engine, bound, "KM-1")
    assert again != secret and terminals.terminal_secret(engine, "KM-1") == again


def test_operator_accounts(engine: Engine) -> None:
    accounts.create_operator(engine, "li", "correct horse", "operator")
    assert accounts.authenticate(engine, "li", "correct horse") == accounts.Operator(
        "li", "operator")
    assert accounts.authenticate(engine, "li", "wrong") is None
    with engine.connect() as conn:
        stored = conn.execute(select(accounts.operators.c.pw_hash)).scalar()
    assert "correct horse" not in stored and stored.startswith("scrypt$")
    assert accounts.disable_operator(engine, "li")
    assert accounts.authenticate(engine, "li", "correct horse") is None
    with pytest.raises(accounts.AccountError):
        accounts.create_operator(engine, "x", "short", "operator")
    with pytest.raises(accounts.AccountError):
        accounts.create_operator(engine, "x", "long enough", "root")


def test_old_screenshots_are_pruned_but_the_newest_kept(engine: Engine) -> None:
    from fleet.db import screenshots

    with engine.begin() as conn:
        for i in range(5):
            conn.execute(screenshots.insert().values(terminal_id="A", ts=100.0 + i, png=b"x"))
        conn.execute(screenshots.insert().values(terminal_id="B", ts=100.0, png=b"y"))
        conn.execute(screenshots.insert().values(terminal_id="B", ts=10_000.0, png=b"z"))
        assert stats.prune_screenshots(conn, now=10_050.0, keep_s=1000, keep_last=1) == 5
        left = conn.execute(select(screenshots.c.terminal_id, screenshots.c.ts)
                            .order_by(screenshots.c.id)).all()
    assert [tuple(r) for r in left] == [("A", 104.0), ("B", 10_000.0)]


def test_writer_survives_a_caller_that_went_away(engine: Engine) -> None:
    clock = Clock()
    ing, (tid,) = make(engine, clock)

    def gone(_answer: Any) -> None:
        raise RuntimeError("event loop is closed")

    ing.process([Submission(tid, [validate_heartbeat(heartbeat(0))], done=gone)])
    assert send(ing, tid, heartbeat(1))["accepted"] == 1
