"""The fleet server with several workers on PostgreSQL: a command is handed out once when two
workers answer the same terminal at the same time, and an operator's session, the
terminal's heartbeats and its commands work whichever worker serves the next request."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from fleet.commands import create_command, take_pending
from fleet.db import commands
from fleet.terminals import create_enrol_token
from fleet.testing import PASSWORDS, fresh_engine, pg_schema
from kiosk.agent.client import FleetClient, enrol

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get("FLEET_PG_URL", "")
needs_pg = pytest.mark.skipif(not PG, reason="FLEET_PG_URL not set (scripts/postgres start)")
pytestmark = [pytest.mark.postgres]


@needs_pg
def test_two_workers_taking_commands_at_once_hand_each_out_once() -> None:
    with pg_schema(PG) as url:
        engine = fresh_engine(url)
        token = create_enrol_token(engine, uses=None)
        from fleet.terminals import enrol as store_enrol

        store_enrol(engine, token, "KM-W-0001")
        for _ in range(20):
            create_command(engine, "admin", "KM-W-0001", "screenshot")
        handed: list[int] = []
        barrier = threading.Barrier(2)
        lock = threading.Lock()

        def worker() -> None:
            with engine.begin() as conn:
                barrier.wait()
                got = take_pending(conn, ["KM-W-0001"], time.time())
                time.sleep(0.2)                      # hold the row locks a moment
            with lock:
                handed.extend(c["id"] for c in got.get("KM-W-0001", []))

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(handed) == sorted(set(handed)) and len(handed) == 20
        with engine.connect() as conn:
            states = {r[0] for r in conn.execute(select(commands.c.status))}
        assert states == {"sent"}
        engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@needs_pg
@pytest.mark.timeout(180)
def test_a_second_worker_serves_the_next_request(tmp_path: Path) -> None:
    with pg_schema(PG) as url:
        engine = fresh_engine(url)
        from fleet.accounts import create_operator

        create_operator(engine, "operator", PASSWORDS["operator"], "operator")
        token = create_enrol_token(engine, uses=None)
        port = free_port()
        env = dict(os.environ, FLEET_PG_URL=url, FLEET_DEV="1")
        proc = subprocess.Popen([sys.executable, "-m", "fleet.workers", "--workers", "2",
                                 "--port", str(port)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    requests.get(base + "/healthz", timeout=1)
                    break
                except requests.RequestException:
                    time.sleep(0.1)
            cred = enrol(base, token, "KM-W-0002")
            ops = requests.Session()
            ops.post(base + "/api/ops/login", timeout=10,
                     json={"username": "operator", "password": PASSWORDS["operator"]}
                     ).raise_for_status()
            cookies = ops.cookies.get_dict()
            for _ in range(12):          # a new connection each time: any worker may answer
                resp = requests.get(base + "/api/ops/overview", cookies=cookies, timeout=10,
                                    headers={"Connection": "close"})
                assert resp.status_code == 200, resp.text
            created = ops.post(base + "/api/ops/terminals/KM-W-0002/commands", timeout=10,
                               json={"kind": "maintenance_on"})
            assert created.status_code in (200, 201), created.text
            client = FleetClient(base, cred)
            got = []
            for seq in range(6):
                hb = {"seq": seq, "ts": int(time.time()), "screen": "attract",
                      "counters": {"sessions": 0, "journeys": 0, "errors": 0}}
                answer = client.heartbeat({"heartbeats": [hb], "usage": [], "results": []})
                got += answer.get("commands", [])
                client.close()
                client = FleetClient(base, cred)
            assert [c["kind"] for c in got] == ["maintenance_on"]
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
            engine.dispose()
