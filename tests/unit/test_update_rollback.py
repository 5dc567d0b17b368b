"""Updates: releases side by side with a ``current`` link, a health check within 60 s (READY
from the new release and its health report), automatic rollback otherwise, the fleet's
order validated and the outcome reported as a fault."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from kiosk.faults import FaultLog
from kiosk.update import (
    Host,
    apply,
    current_release,
    order_update,
    report_outcome,
    switch,
    write_health,
    write_outcome,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class FakeHost(Host):
    """Release folders are real; dpkg and systemd are simulated."""

    def __init__(self, root: Path, state: Path, *, broken: str = "",
                 lost_device: str = "") -> None:
        super().__init__(root, state)
        self.broken, self.lost_device = broken, lost_device
        self.restarts: list[str] = []
        self.units: list[str] = []
        self.running = ""

    def fetch(self, version: str, url: str, target: Path) -> None:
        target.write_bytes(f"package {version}".encode())

    def install(self, package: Path) -> None:
        version = package.stem
        (self.root / "releases" / version / "deploy" / "systemd").mkdir(parents=True)

    def activate_units(self, release: Path) -> None:
        self.units.append(release.name)

    def restart(self) -> None:
        self.running = current_release(self.root)
        self.restarts.append(self.running)
        if self.running != self.broken:
            errors = {self.lost_device: "gone"} if self.lost_device and \
                self.running != "1.0.0" else {}
            write_health(self.state_dir, self.running, errors)

    def active(self) -> bool:
        return bool(self.running) and self.running != self.broken


def digest(version: str) -> str:
    return hashlib.sha256(f"package {version}".encode()).hexdigest()


@pytest.fixture
def host_dirs(tmp_path: Path) -> tuple[Path, Path]:
    root, state = tmp_path / "opt", tmp_path / "state"
    (root / "releases" / "1.0.0").mkdir(parents=True)
    state.mkdir()
    switch(root, "1.0.0")
    write_health(state, "1.0.0", {})
    return root, state


def test_a_healthy_release_stays(host_dirs: tuple[Path, Path]) -> None:
    root, state = host_dirs
    host = FakeHost(root, state)
    clock = Clock()
    outcome = apply({"version": "1.1.0", "sha256": digest("1.1.0")}, host, clock=clock,
                    sleep=clock.sleep)
    assert outcome.ok and outcome.previous == "1.0.0"
    assert current_release(root) == "1.1.0" and host.restarts == ["1.1.0"]
    assert os.readlink(root / "current") == "releases/1.1.0"
    assert (root / "releases" / "1.0.0").is_dir()          # side by side, ready to go back


def test_a_release_that_never_draws_attract_is_rolled_back_within_60_s(
        host_dirs: tuple[Path, Path]) -> None:
    root, state = host_dirs
    host = FakeHost(root, state, broken="1.1.0")
    clock = Clock()
    outcome = apply({"version": "1.1.0", "sha256": digest("1.1.0")}, host, clock=clock,
                    sleep=clock.sleep)
    assert not outcome.ok and "READY" in outcome.detail and clock.now <= 61
    assert current_release(root) == "1.0.0" and host.restarts == ["1.1.0", "1.0.0"]
    assert host.units == ["1.1.0", "1.0.0"]


def test_a_release_that_loses_a_device_is_rolled_back(host_dirs: tuple[Path, Path]) -> None:
    root, state = host_dirs
    host = FakeHost(root, state, lost_device="printer")
    clock = Clock()
    outcome = apply({"version": "1.1.0", "sha256": digest("1.1.0")}, host, clock=clock,
                    sleep=clock.sleep)
    assert not outcome.ok and "printer" in outcome.detail
    assert current_release(root) == "1.0.0"


def test_a_package_with_the_wrong_checksum_is_never_installed(
        host_dirs: tuple[Path, Path]) -> None:
    root, state = host_dirs
    host = FakeHost(root, state)
    outcome = apply({"version": "1.1.0", "sha256": "0" * 64}, host)
    assert not outcome.ok and "sha256 mismatch" in outcome.detail
    assert current_release(root) == "1.0.0" and host.restarts == []
    assert not (root / "releases" / "1.1.0").exists()


def test_the_fleet_order_is_checked_and_left_for_root(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        order_update(tmp_path, {"version": "1.1.0", "sha256": "abc"})
    with pytest.raises(ValueError):
        order_update(tmp_path, {"version": "../../etc", "sha256": "a" * 64})
    assert order_update(tmp_path, {"version": "1.1.0", "sha256": "A" * 64}) == {
        "accepted": True, "version": "1.1.0"}
    order = json.loads((tmp_path / "update" / "request.json").read_text())
    assert order["sha256"] == "a" * 64


def test_a_rolled_back_update_becomes_an_alert_once(host_dirs: tuple[Path, Path]) -> None:
    root, state = host_dirs
    host = FakeHost(root, state, broken="1.1.0")
    clock = Clock()
    write_outcome(state, apply({"version": "1.1.0", "sha256": digest("1.1.0")}, host,
                               clock=clock, sleep=clock.sleep))
    faults = FaultLog(state / "faults.json")
    outcome = report_outcome(state, faults)
    assert outcome is not None and not outcome.ok
    (fault,) = faults.active()
    assert fault.kind == "update_failed" and "1.1.0 rolled back to 1.0.0" in fault.detail
    assert report_outcome(state, faults) is None           # reported once
