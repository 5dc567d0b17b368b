"""Kill -9 the outbox while it accepts applications; after restarts every accepted
application reaches the platform exactly once.

The test runs this file as a worker process (``python test_platform_outbox_kill.py worker
…``) that puts applications into the outbox, prints ``ACCEPTED <key>`` after each ``put``
returned, and drains in the background. The test kills it with SIGKILL at random moments
(mid-commit, mid-send, between the platform's answer and the outbox's bookkeeping), while
the platform also loses some answers (hangs past the client's timeout, garbled bodies).
A last worker run drains what is left. Bounded: a few rounds of well under a second.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 4


def _worker(url: str, db: str, token: str, run: str) -> int:
    sys.path.insert(0, str(ROOT))
    from kiosk.platform.client import PlatformClient
    from kiosk.platform.outbox import Outbox, PlatformSender
    from simulator.platform.forms import accepted_commitment

    client = PlatformClient(url, "KM-DEMO-0001", "demo-secret", timeout=(1.0, 0.4), retries=0)
    outbox = Outbox(db, PlatformSender(client), base_delay_s=0.02, max_delay_s=0.2,
                    poll_s=0.02)
    if run == "finish":
        deadline = time.monotonic() + 60
        while outbox.pending() and time.monotonic() < deadline:
            outbox.drain_once()
            time.sleep(0.05)
        print("DRAINED" if not outbox.pending() else "STUCK", flush=True)
        return 0
    outbox.start()
    rng = random.Random(run)
    for n in range(100000):
        key = f"kill-{run}-{n:05d}"
        outbox.put("application", {"item_code": "KM-HPF-005", "session_token": token,
                                   "form": {"phone": "13800000000", "amount": 1000.0 + n,
                                            "bank": "工商银行", "rent": 1500.0},
                                   "materials": [], "commitment": accepted_commitment()}, key)
        print(f"ACCEPTED {key}", flush=True)
        time.sleep(rng.uniform(0, 0.01))
    return 0


def _run_and_kill(cmd: list[str], rng: random.Random) -> list[str]:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    accepted: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("ACCEPTED "):
                accepted.append(line.split()[1])

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 30
    while not accepted and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(rng.uniform(0.05, 0.5))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    reader.join(timeout=5)
    return accepted


def test_every_accepted_application_reaches_the_platform_exactly_once(tmp_path: Path) -> None:
    from simulator.platform import idnumber
    from simulator.platform.server import PlatformServer

    server = PlatformServer(seed=0)
    url = server.start()
    try:
        token = server.state.sessions.create(idnumber.SAMPLE_IDS[1], "李四", "idcard_face").token
        db = str(tmp_path / "outbox.db")
        me = str(Path(__file__).resolve())
        rng = random.Random(20261121)
        accepted: list[str] = []
        for round_no in range(ROUNDS):
            server.faults.set(hang_s=0.8, hang_count=2, malformed_count=2)
            accepted += _run_and_kill([sys.executable, me, "worker", url, db, token,
                                       f"r{round_no}"], rng)
        server.faults.clear()
        finish = subprocess.run([sys.executable, me, "worker", url, db, token, "finish"],
                                capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert finish.stdout.strip() == "DRAINED", finish.stdout + finish.stderr

        assert len(accepted) >= ROUNDS and len(set(accepted)) == len(accepted)
        cases = [c for c in server.state.cases.all_cases()
                 if c["idempotency_key"].startswith("kill-")]
        case_keys = [c["idempotency_key"] for c in cases]
        assert len(case_keys) == len(set(case_keys)), "a key became two cases"
        assert set(accepted) <= set(case_keys), "an accepted application was lost"
        with sqlite3.connect(db) as conn:
            rows = conn.execute(
                "SELECT idempotency_key, state, case_no, attempts FROM outbox").fetchall()
        assert {r[0] for r in rows} == set(case_keys)  # nothing reached the platform twice
        assert {r[1] for r in rows} == {"sent"}
        by_key = {c["idempotency_key"]: c["case_no"] for c in cases}
        for key, _state, case_no, _attempts in rows:
            assert by_key[key] == case_no  # the outbox kept the platform's case number
    finally:
        server.stop()


if __name__ == "__main__" and len(sys.argv) == 6 and sys.argv[1] == "worker":
    sys.exit(_worker(*sys.argv[2:6]))
