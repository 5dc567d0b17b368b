"""The notify protocol of the real terminal UI against a NOTIFY_SOCKET this test opens:
READY=1 once the attract screen is drawn, WATCHDOG=1 while the main loop runs, none while
the main thread is blocked (worker threads still running), and kicks again after."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"),
                                   reason="needs an X display (scripts/test runs Xvfb)")

CONFIG = """
[terminal]
id = "KM-WD-0001"
state_dir = "var"
[platform]
url = "http://127.0.0.1:9"
deadline_s = 2
[voice]
enabled = false
"""


class NotifySocket:
    def __init__(self, path: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.path = path
        self.log: list[tuple[float, str]] = []

    def collect(self, seconds: float) -> list[tuple[float, str]]:
        end = time.monotonic() + seconds
        got: list[tuple[float, str]] = []
        while (left := end - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                break
            for line in data.decode().splitlines():
                got.append((time.monotonic(), line))
        self.log += got
        return got


@needs_display
@pytest.mark.timeout(120)
def test_ready_after_attract_then_kicks_only_while_the_main_loop_runs(tmp_path: Path) -> None:
    (tmp_path / "terminal.toml").write_text(CONFIG, encoding="utf-8")
    notify = NotifySocket(tmp_path / "notify.sock")
    env = dict(os.environ, NOTIFY_SOCKET=str(notify.path), WATCHDOG_USEC="600000",
               BLOCK_S="3")
    env.pop("WATCHDOG_PID", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.watchdog_child", "--config",
         str(tmp_path / "terminal.toml"), "--state-dir", str(tmp_path)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        started = time.monotonic()
        messages: list[str] = []
        while "READY=1" not in messages and time.monotonic() - started < 60:
            messages += [m for _t, m in notify.collect(0.5)]
            assert child.poll() is None, child.stdout.read() if child.stdout else ""
        assert "READY=1" in messages, messages
        assert "STATUS=attract screen drawn" in messages
        running = [m for _t, m in notify.collect(2.0)]
        assert running.count("WATCHDOG=1") >= 5, running          # every 0.2 s

        os.kill(child.pid, signal.SIGUSR1)                        # main thread blocked 3 s
        time.sleep(0.3)
        blocked = [m for _t, m in notify.collect(2.2)]
        assert "WATCHDOG=1" not in blocked, blocked
        assert child.poll() is None                               # the process lives on

        after = [m for _t, m in notify.collect(2.0)]
        assert after.count("WATCHDOG=1") >= 3, after              # the loop is back
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
