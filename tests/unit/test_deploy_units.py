"""The systemd units under deploy/ pass ``systemd-analyze verify`` without a warning, and
say what the terminal relies on (notify + watchdog, restart, crash-loop limit, the
out-of-service page, secrets as credentials, owner-only state)."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
PREFIX = "/opt/ebantong/current/bin/"
needs_systemd = pytest.mark.skipif(shutil.which("systemd-analyze") is None
                                   or shutil.which("cage") is None,
                                   reason="needs systemd-analyze and cage (scripts/bootstrap)")


def staged_units(tmp_path: Path) -> list[Path]:
    """The units with the release's executables pointed at stand-ins (they exist only once
    the package is installed; tests/e2e/test_package.py verifies the installed ones)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    out = []
    for unit in sorted(UNITS.iterdir()):
        text = unit.read_text(encoding="utf-8")
        for name in {w.split()[0] for w in text.split(PREFIX)[1:]}:
            stub = bindir / name
            stub.write_text("#!/bin/sh\n")
            stub.chmod(0o755)
        target = tmp_path / unit.name
        target.write_text(text.replace(PREFIX, f"{bindir}/"), encoding="utf-8")
        out.append(target)
    return out


def verify(paths: list[Path]) -> str:
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, paths)],
                          capture_output=True, text=True, timeout=60)
    return (done.stdout + done.stderr).strip() + ("" if done.returncode == 0 else
                                                  f"\n(exit {done.returncode})")


@needs_systemd
def test_every_unit_verifies_cleanly(tmp_path: Path) -> None:
    units = staged_units(tmp_path)
    assert {u.name for u in units} >= {"ebantong-kiosk.service",
                                        "ebantong-out-of-service.service",
                                        "ebantong-update.service", "ebantong-update.path",
                                        "ebantong-fleet.service"}
    assert verify(units) == ""


@needs_systemd
def test_verify_would_catch_a_mistake(tmp_path: Path) -> None:
    units = staged_units(tmp_path)
    kiosk = tmp_path / "ebantong-kiosk.service"
    kiosk.write_text(kiosk.read_text().replace("WatchdogSec=", "WatchdogSek="))
    assert "Unknown key" in verify(units)


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name, encoding="utf-8")
    return parser


def test_the_kiosk_unit_is_supervised_as_the_issue_asks() -> None:
    kiosk = unit("ebantong-kiosk.service")
    service, head = kiosk["Service"], kiosk["Unit"]
    assert service["Type"] == "notify" and service["NotifyAccess"] == "all"
    assert int(service["WatchdogSec"]) <= 10 and service["Restart"] == "always"
    assert service["User"] == "ebantong" and service["ExecStart"].startswith("/usr/bin/cage ")
    assert (head["StartLimitBurst"], head["StartLimitIntervalSec"]) == ("3", "300")
    assert head["OnFailure"] == "ebantong-out-of-service.service"
    assert service["UMask"] == "0077" and service["StateDirectoryMode"] == "0700"
    assert service["LoadCredential"].startswith("ebantong:/etc/ebantong/credentials")
    assert kiosk["Install"]["WantedBy"] == "graphical.target"


def test_the_update_watcher_watches_where_the_agent_leaves_orders(tmp_path: Path) -> None:
    from kiosk.config import parse_config
    from kiosk.update import order_update

    package = (ROOT / "scripts" / "package").read_text(encoding="utf-8")
    state_root = package.split("-m screens run --state-dir ", 1)[1].split()[0]
    state_dir = Path(state_root) / parse_config({}).terminal.state_dir
    watched = unit("ebantong-update.path")["Path"]["PathExists"]
    order_update(tmp_path, {"version": "1.0.1", "sha256": "a" * 64})
    written = next(tmp_path.rglob("request.json")).relative_to(tmp_path)
    assert Path(watched) == state_dir / written
    assert unit("ebantong-update.service")["Service"]["ExecStart"].endswith(watched)
