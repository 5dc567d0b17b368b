"""After a crash loop: the out-of-service page comes up with nothing but the display (the
configured platform and devices do not exist, the configuration may even be broken), says
READY to systemd, and the fleet server gets an alert naming the cause from the log."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from fleet.db import alerts
from fleet.testing import FleetHarness
from kiosk.agent.client import enrol

ROOT = Path(__file__).resolve().parents[2]
needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"),
                                   reason="needs an X display (scripts/test runs Xvfb)")
LOG = """\
Traceback (most recent call last):
  File "kiosk/composition.py", line 140, in build_terminal
sqlite3.DatabaseError: file is not a database
"""


@needs_display
@pytest.mark.timeout(120)
def test_page_with_only_the_display_and_an_alert_naming_the_cause(tmp_path: Path) -> None:
    with FleetHarness(f"sqlite:///{tmp_path}/fleet.db") as fleet:
        enrol(fleet.url, fleet.token, "KM-OOS-0001").save(tmp_path / "var/fleet/cred.json")
        (tmp_path / "terminal.toml").write_text(f"""
[terminal]
id = "KM-OOS-0001"
[platform]
url = "http://127.0.0.1:9"
[devices.printer]
type = "escpos"
url = "tcp://127.0.0.1:9"
[fleet]
server = "{fleet.url}"
credentials = "var/fleet/cred.json"
buffer = "var/fleet/buffer.sqlite3"
interval = 1
""", encoding="utf-8")
        (tmp_path / "kiosk.log").write_text(LOG, encoding="utf-8")
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(str(tmp_path / "notify"))
        notify.settimeout(60)
        env = dict(os.environ, NOTIFY_SOCKET=str(tmp_path / "notify"))
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-m", "screens", "out-of-service", "--windowed",
             "--config", str(tmp_path / "terminal.toml"), "--state-dir", str(tmp_path),
             "--log", str(tmp_path / "kiosk.log"), "--retry-after-s", "8"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            seen: list[str] = []
            while "READY=1" not in seen:
                seen += notify.recv(4096).decode().splitlines()
            assert any(s.startswith("STATUS=out of service: sqlite3.DatabaseError")
                       for s in seen), seen
            detail = ""
            while not detail and time.monotonic() - started < 30:
                with fleet.engine.connect() as conn:
                    row = conn.execute(select(alerts.c.kind, alerts.c.detail).where(
                        alerts.c.terminal_id == "KM-OOS-0001",
                        alerts.c.kind == "crash_loop")).first()
                detail = row.detail if row else ""
                time.sleep(0.3)
            assert "sqlite3.DatabaseError: file is not a database" in detail
            assert child.wait(30) == 0        # the page ends by itself: the terminal retries
        finally:
            if child.poll() is None:
                child.kill()
        output = child.stdout.read() if child.stdout else ""
        assert "Traceback" not in output, output[-2000:]
