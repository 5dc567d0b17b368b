"""Alerts people can act on: grouped by kind and district, deduplicated, escalating low → out,
suppressed in maintenance, acknowledgement deadlines escalating to a second role; delivered
to a real SMTP server (aiosmtpd) and a real local webhook, with retries, no personal data."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from fleet import alerts, terminals
from fleet.alert_groups import acknowledge_group, list_groups
from fleet.alerting import AlertingConfig, Route, SmtpSettings, load_alerting
from fleet.ingest import Ingestor, Submission
from fleet.maintenance_windows import add_window
from fleet.ops_loop import OpsLoop
from fleet.refused import RefusedLog
from fleet.rules import RuleConfig, validate_heartbeat
from fleet.testing import fresh_engine, heartbeat

PERSONAL = ("张三", "530102", "138001")  # a citizen's name, ID-number and phone prefixes


class Mailbox:
    """aiosmtpd handler keeping every message."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


class Hook(BaseHTTPRequestHandler):
    """A webhook receiver that fails the first ``fail`` requests with 503."""

    received: ClassVar[list[dict[str, Any]]] = []
    headers_seen: ClassVar[list[dict[str, str]]] = []
    fail = 0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if type(self).fail > 0:
            type(self).fail -= 1
            self.send_response(503)
            self.end_headers()
            return
        type(self).received.append(json.loads(body))
        type(self).headers_seen.append(dict(self.headers))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
def hook() -> Iterator[str]:
    Hook.received, Hook.headers_seen, Hook.fail = [], [], 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def setup(tmp_path: Path, cfg: AlertingConfig, n: int, district: str = "五华区"
          ) -> tuple[Engine, Ingestor, OpsLoop, Clock, list[str]]:
    engine = fresh_engine(f"sqlite:///{tmp_path}/fleet.db")
    token = terminals.create_enrol_token(engine, uses=None)
    ids = [f"KM-WH-{i:03d}" for i in range(n)]
    for tid in ids:
        terminals.enrol(engine, token, tid, name="测试终端", district=district)
    clock = Clock()
    ing = Ingestor(engine, RuleConfig(), clock=clock)
    return engine, ing, OpsLoop(engine, RefusedLog(), cfg, clock=clock), clock, ids


def send(ing: Ingestor, tid: str, seq: int, **kw: Any) -> None:
    ing.process([Submission(tid, [validate_heartbeat(heartbeat(seq, **kw))])])


def config(smtp_port: int, url: str, **kw: Any) -> AlertingConfig:
    routes = (Route("operator", email=("ops@example.gov.cn",), webhook=(url,)),
              Route("supervisor", email=("duty@example.gov.cn",)))
    values: dict[str, Any] = dict(group_wait_s=30, ack_critical_s=600, ack_warning_s=1800,
                                  routes=routes, retry_base_s=0.0, webhook_secret="s3cret",
                                  smtp=SmtpSettings(port=smtp_port, sender="fleet@example"),
                                  dashboard_url="https://fleet.example")
    values.update(kw)
    return AlertingConfig(**values)


LOW = {"state": "low", "level": 9}
OUT = {"state": "out", "level": 0}


def test_23_paper_low_terminals_make_one_group_and_one_notification(
        tmp_path: Path, smtp: tuple[Mailbox, int], hook: str) -> None:
    box, port = smtp
    engine, ing, ops, clock, ids = setup(tmp_path, config(port, hook), 23)
    for tid in ids:
        send(ing, tid, 0)
    for i, tid in enumerate(ids):  # a wave of paper-low over a few seconds
        clock.now += 0.5
        send(ing, tid, 1, paper=LOW)
        send(ing, tid, 2, paper=LOW)  # the same condition again: deduplicated
        if i % 5 == 0:
            ops.tick()
    ops.tick()
    with engine.connect() as conn:
        assert len(alerts.list_alerts(conn)) == 23
        groups = list_groups(conn)
    assert len(groups) == 1 and groups[0]["count"] == 23 and groups[0]["state"] == "pending"
    clock.now += 30
    ops.tick()
    ops.tick()
    ops.deliver()
    assert len(Hook.received) == 1 and len(box.messages) == 1
    note = Hook.received[0]
    assert note["event"] == "opened" and note["count"] == 23 and note["district"] == "五华区"
    assert note["title"].startswith("纸张 paper: 23 terminals in 五华区")
    assert sorted(note["terminals"]) == ids
    mail = box.messages[0]
    assert "23 terminals in 五华区" in str(make_header(decode_header(mail["Subject"])))
    assert mail["To"] == "ops@example.gov.cn"
    text = json.dumps(note, ensure_ascii=False) + mail.get_payload(decode=True).decode()
    assert not any(p in text for p in PERSONAL)
    assert set(note) == {"event", "role", "group_id", "title", "family", "district",
                         "severity", "count", "suppressed", "kinds", "terminals", "opened_at",
                         "ack_due", "resolved_at", "ts", "dashboard"}
    headers = Hook.headers_seen[0]
    assert headers["X-Fleet-Signature"].startswith("sha256=")
    assert headers["Idempotency-Key"].startswith("fleet-")
    for _ in range(3):  # nothing new: nothing more is told
        clock.now += 5
        ops.tick()
        ops.deliver()
    assert len(Hook.received) == 1 and len(box.messages) == 1


def test_low_to_out_escalates_and_missed_ack_goes_to_the_second_role(
        tmp_path: Path, smtp: tuple[Mailbox, int], hook: str) -> None:
    box, port = smtp
    engine, ing, ops, clock, ids = setup(tmp_path, config(port, hook, group_wait_s=1), 2)
    for tid in ids:
        send(ing, tid, 0, paper=LOW)
    clock.now += 2
    ops.tick()
    ops.deliver()
    assert [n["event"] for n in Hook.received] == ["opened"]
    send(ing, ids[0], 1, paper=OUT)
    with engine.connect() as conn:
        mine = alerts.list_alerts(conn, terminal_id=ids[0])
    assert [a["kind"] for a in mine] == ["paper_out"]  # one alert, escalated in place
    ops.tick()
    ops.deliver()
    assert [n["event"] for n in Hook.received] == ["opened", "escalated"]
    assert Hook.received[1]["severity"] == "critical"
    clock.now += 601  # the critical deadline passes unacknowledged
    ops.tick()
    ops.deliver()
    roles = [m["To"] for m in box.messages]
    assert roles == ["ops@example.gov.cn", "ops@example.gov.cn", "duty@example.gov.cn"]
    with engine.connect() as conn:
        group = list_groups(conn)[0]
    assert group["state"] == "escalated"
    clock.now += 3600
    ops.tick()
    assert len(box.messages) == 3  # overdue is told once


def test_acknowledged_in_time_does_not_escalate_and_resolution_is_told(
        tmp_path: Path, smtp: tuple[Mailbox, int], hook: str) -> None:
    box, port = smtp
    engine, ing, ops, clock, ids = setup(tmp_path, config(port, hook, group_wait_s=0), 1)
    send(ing, ids[0], 0, paper=OUT)
    ops.tick()
    with engine.begin() as conn:
        gid = list_groups(conn)[0]["id"]
        assert acknowledge_group(conn, gid, "wang.wei", clock.now)
        assert alerts.list_alerts(conn)[0]["state"] == "acknowledged"
    clock.now += 10_000
    ops.tick()
    send(ing, ids[0], 1)  # refilled: the alert and the group resolve
    ops.tick()
    ops.deliver()
    assert [n["event"] for n in Hook.received] == ["opened", "resolved"]
    assert "wang.wei" not in json.dumps(Hook.received)  # no operator's name either
    assert [m["To"] for m in box.messages] == ["ops@example.gov.cn"] * 2


def test_maintenance_suppresses(tmp_path: Path, smtp: tuple[Mailbox, int], hook: str) -> None:
    _box, port = smtp
    engine, ing, ops, clock, ids = setup(tmp_path, config(port, hook, group_wait_s=0), 3)
    with engine.begin() as conn:
        add_window(conn, "district", "五华区", clock.now - 1, clock.now + 600, "paper", "op")
    for tid in ids[:2]:
        send(ing, tid, 0, paper=LOW)
    send(ing, ids[2], 0, maintenance=True, paper=OUT)  # its own maintenance mode too
    ops.tick()
    ops.deliver()
    with engine.connect() as conn:
        groups = list_groups(conn)
    assert Hook.received == []
    assert groups[0]["state"] == "suppressed" and groups[0]["suppressed"] == 3
    clock.now += 601  # the window ends, two are still low: now it is told
    ops.tick()
    ops.deliver()
    assert [(n["event"], n["count"], n["suppressed"]) for n in Hook.received] == [
        ("opened", 2, 1)]


def test_webhook_retries_then_delivers_once(tmp_path: Path, smtp: tuple[Mailbox, int],
                                            hook: str) -> None:
    _box, port = smtp
    Hook.fail = 2
    _engine, ing, ops, clock, ids = setup(tmp_path, config(port, hook, group_wait_s=0), 1)
    send(ing, ids[0], 0, paper=LOW)
    ops.tick()
    for _ in range(4):
        ops.notifier.deliver_due(clock.now + 1)
    assert len(Hook.received) == 1
    assert ops.notifier.counts[("webhook", "retry")] == 2
    assert ops.notifier.counts[("webhook", "sent")] == 1


def test_alerting_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLEET_WEBHOOK_SECRET", "k")
    path = tmp_path / "alerting.toml"
    path.write_text('[grouping]\ngroup_wait_s = 5\n[roles]\nsecond = "duty"\n'
                    '[[route]]\nrole = "duty"\nemail = "duty@example.gov.cn"\n'
                    'webhook = ["https://hooks.example/fleet"]\n', encoding="utf-8")
    cfg = load_alerting(path)
    assert cfg.group_wait_s == 5 and cfg.second_role == "duty" and cfg.webhook_secret == "k"
    assert cfg.targets("duty") == [("email", "duty@example.gov.cn"),
                                   ("webhook", "https://hooks.example/fleet")]
    path.write_text('[[route]]\nrole = "x"\nwebhook = "ftp://x"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="http"):
        load_alerting(path)
