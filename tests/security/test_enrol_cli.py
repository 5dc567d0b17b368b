"""Item 9: ``kiosk agent enrol`` takes any token: ``--token=-abc`` (a token may start with
"-"), a token file (or standard input) and ``$FLEET_ENROL_TOKEN`` — the last two keep the
token out of the process list."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fleet.terminals import create_enrol_token
from fleet.testing import FleetHarness
from kiosk.agent.client import Credentials

ROOT = Path(__file__).resolve().parents[2]


def run_enrol(h: FleetHarness, tid: str, cred: Path, args: list[str],
              env: dict[str, str] | None = None,
              stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "agent", "enrol", "--server", h.url, "--terminal-id",
         tid, "--credentials", str(cred), *args], cwd=ROOT, capture_output=True, text=True,
        timeout=120, input=stdin, env=dict(os.environ, **(env or {})))


@pytest.mark.parametrize("how", ["equals", "file", "stdin", "env"])
def test_enrol_accepts_a_token_starting_with_a_dash(harness: FleetHarness, tmp_path: Path,
                                                    how: str) -> None:
    token = create_enrol_token(harness.engine, token=f"-dash-{how}-token-value")
    cred = tmp_path / "cred.json"
    env: dict[str, str] = {}
    stdin = None
    if how == "equals":
        args = [f"--token={token}"]
    elif how == "file":
        (tmp_path / "token").write_text(token + "\n")
        args = ["--token-file", str(tmp_path / "token")]
    elif how == "stdin":
        args, stdin = ["--token-file", "-"], token + "\n"
    else:
        args, env = [], {"FLEET_ENROL_TOKEN": token}
    proc = run_enrol(harness, f"KM-CLI-{how}", cred, args, env, stdin)
    assert proc.returncode == 0, proc.stderr
    assert Credentials.load(cred).terminal_id == f"KM-CLI-{how}"
    assert cred.stat().st_mode & 0o077 == 0


def test_enrol_without_a_token_explains(harness: FleetHarness, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "FLEET_ENROL_TOKEN"}
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "agent", "enrol", "--server", harness.url,
         "--terminal-id", "KM-CLI-X", "--credentials", str(tmp_path / "c.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 2 and "token" in proc.stderr and "Traceback" not in proc.stderr


def test_reenrol_from_the_cli_is_parked_and_keeps_old_credentials(harness: FleetHarness,
                                                                  tmp_path: Path) -> None:
    cred = tmp_path / "cred.json"
    assert run_enrol(harness, "KM-CLI-RE", cred, [f"--token={harness.token}"]).returncode == 0
    first = Credentials.load(cred)
    proc = run_enrol(harness, "KM-CLI-RE", cred, [f"--token={harness.token}"])
    assert proc.returncode == 0 and "approv" in proc.stdout
    assert Credentials.load(tmp_path / "cred.json.previous") == first
    assert Credentials.load(cred).secret != first.secret
