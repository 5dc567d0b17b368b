"""Releases side by side and updates with automatic rollback.

A terminal keeps its releases in ``/opt/ebantong/releases/<version>/`` (one Debian package
per release, ``ebantong-kiosk-<version>``, so dpkg installs a new one without removing the
running one) and runs the one ``/opt/ebantong/current`` points at. An update:

1. the fleet's ``update`` command (args ``version``, ``sha256``, optional ``url``) reaches
   the terminal's agent, whose handler (:func:`order_update`) only writes the order to
   ``<state>/update/request.json`` — the terminal runs unprivileged;
2. ``ebantong-update.path`` sees the file and root runs :func:`apply` (``python -m kiosk
   update apply``): fetch the package, check its SHA-256, install it beside the current
   release, switch ``current`` atomically, restart the terminal;
3. the new release is *healthy* when, within 60 s, the terminal unit is active (it says
   READY only once the attract screen is drawn) and the terminal wrote ``health.json`` for
   the new version without a device failing that opened under the previous release;
4. otherwise ``current`` goes back to the previous release, which is restarted, and the
   outcome says why. The outcome (``<state>/update/outcome.json``) is turned into a fault
   (``update_failed``, an alert on the fleet) by the terminal's next start
   (:func:`report_outcome`); a good update shows as the new ``app_version``.

Everything that touches the system goes through :class:`Host`, so the logic is tested
with a stand-in; the real one calls dpkg and systemctl.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from kiosk.storage import write_private

log = logging.getLogger(__name__)

ROOT = Path("/opt/ebantong")
HEALTH_TIMEOUT_S = 60.0
KEEP_RELEASES = 3
MAX_PACKAGE = 1024 * 1024 * 1024
UNIT = "ebantong-kiosk.service"


class UpdateError(Exception):
    """An update that cannot go on (bad order, download, checksum, install)."""


@dataclass(frozen=True)
class Outcome:
    """What an update did."""

    version: str
    ok: bool
    detail: str
    previous: str = ""
    at: float = 0.0


def order_update(state_dir: Path, args: dict[str, Any]) -> dict[str, Any]:
    """The agent's ``update`` handler: validate and leave the order for root."""
    version, digest = str(args.get("version", "")), str(args.get("sha256", "")).lower()
    if not version or any(c not in "0123456789.+~abcdefghijklmnopqrstuvwxyz-" for c in version):
        raise ValueError(f"bad version {version!r}")
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("sha256 must be 64 hex digits")
    body = {"version": version, "sha256": digest, "url": str(args.get("url", "")),
            "at": time.time()}
    write_private(state_dir / "update" / "request.json", json.dumps(body))
    return {"accepted": True, "version": version}


def write_health(state_dir: Path, version: str, device_errors: dict[str, str]) -> None:
    """Called by the terminal once the attract screen is drawn (the READY moment)."""
    write_private(state_dir / "health.json", json.dumps({
        "version": version, "at": time.time(), "pid": os.getpid(),
        "device_errors": sorted(device_errors)}))


def report_outcome(state_dir: Path, faults: Any) -> Outcome | None:
    """At the terminal's start: turn an update's outcome into a fault (if it failed)."""
    path = state_dir / "update" / "outcome.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        outcome = Outcome(**data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:
        log.warning("update outcome unreadable: %s", type(exc).__name__)
        path.unlink(missing_ok=True)
        return None
    if not outcome.ok and faults is not None:
        faults.record("update_failed", "release", f"update to {outcome.version} rolled back "
                      f"to {outcome.previous or '?'}: {outcome.detail}")
    log.info("update to %s: %s (%s)", outcome.version, "ok" if outcome.ok else "rolled back",
             outcome.detail)
    path.unlink(missing_ok=True)
    return outcome


class Host:
    """The system an update acts on (dpkg, systemctl, the release folders)."""

    def __init__(self, root: Path = ROOT, state_dir: Path = Path("/var/lib/ebantong/var"),
                 releases_url: str = "") -> None:
        self.root = root
        self.state_dir = state_dir
        self.releases_url = releases_url or os.environ.get("EBT_RELEASES", "")

    def fetch(self, version: str, url: str, target: Path) -> None:
        """Download the release package to ``target`` (file://, http(s)://)."""
        if not url:
            if not self.releases_url:
                raise UpdateError("no package address (order url or EBT_RELEASES)")
            url = f"{self.releases_url.rstrip('/')}/{package_file(version)}"
        if url.startswith("file://"):
            shutil.copyfile(url[len("file://"):], target)
            return
        with requests.get(url, stream=True, timeout=(5, 60)) as resp:
            resp.raise_for_status()
            size = 0
            with target.open("wb") as fh:
                for chunk in resp.iter_content(1 << 16):
                    size += len(chunk)
                    if size > MAX_PACKAGE:
                        raise UpdateError("package larger than 1 GiB refused")
                    fh.write(chunk)

    def install(self, package: Path) -> None:
        """Install the release package beside the others, without switching to it."""
        done = subprocess.run(["dpkg", "-i", str(package)], capture_output=True, text=True,
                              env={**os.environ, "EBANTONG_NO_SWITCH": "1"}, check=False)
        if done.returncode != 0:
            raise UpdateError(f"dpkg failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")

    def activate_units(self, release: Path) -> None:
        """Put the release's unit files in place and reload systemd."""
        for unit in sorted((release / "deploy" / "systemd").glob("ebantong-*")):
            shutil.copyfile(unit, Path("/etc/systemd/system") / unit.name)
        subprocess.run(["systemctl", "daemon-reload"], check=False)

    def restart(self) -> None:
        """Restart the terminal (clearing a crash-loop state first)."""
        subprocess.run(["systemctl", "reset-failed", UNIT], check=False)
        subprocess.run(["systemctl", "restart", "--no-block", UNIT], check=False)

    def active(self) -> bool:
        """True once the terminal unit is active (READY=1 was sent)."""
        done = subprocess.run(["systemctl", "is-active", UNIT], capture_output=True,
                              text=True, check=False)
        return done.stdout.strip() == "active"

    def remove(self, version: str) -> None:
        """Purge an old release's package."""
        subprocess.run(["dpkg", "--purge", f"ebantong-kiosk-{version}"], check=False)


def package_file(version: str, arch: str = "") -> str:
    """The file name scripts/package gives a release."""
    arch = arch or subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                                  text=True, check=False).stdout.strip() or "amd64"
    return f"ebantong-kiosk-{version}_{version}_{arch}.deb"


def current_release(root: Path) -> str:
    """The version ``current`` points at ("" when none)."""
    try:
        return os.readlink(root / "current").rstrip("/").rsplit("/", 1)[-1]
    except OSError:
        return ""


def switch(root: Path, version: str) -> None:
    """Point ``current`` at ``releases/<version>`` atomically (rename over the link)."""
    if not (root / "releases" / version).is_dir():
        raise UpdateError(f"release {version} is not installed")
    tmp = root / ".current.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(Path("releases") / version)
    os.replace(tmp, root / "current")


def healthy(host: Host, version: str, before: set[str], timeout_s: float,
            clock: Callable[[], float] = time.monotonic,
            sleep: Callable[[float], None] = time.sleep) -> str:
    """"" when ``version`` came up healthy within ``timeout_s``, else why not."""
    deadline = clock() + timeout_s
    why = "the terminal never said READY (attract screen not drawn)"
    while clock() < deadline:
        if host.active():
            try:
                health = json.loads((host.state_dir / "health.json").read_text("utf-8"))
            except (OSError, ValueError):
                health = {}
            if health.get("version") != version:
                why = "no health report from the new release"
            else:
                lost = set(health.get("device_errors", [])) - before
                if not lost:
                    return ""
                why = f"device(s) failed to open: {', '.join(sorted(lost))}"
        sleep(1.0)
    return f"not healthy within {timeout_s:g} s: {why}"


def apply(order: dict[str, Any], host: Host, *, timeout_s: float = HEALTH_TIMEOUT_S,
          clock: Callable[[], float] = time.monotonic,
          sleep: Callable[[float], None] = time.sleep) -> Outcome:
    """Carry out one update order on ``host`` (see module docstring)."""
    version, digest = str(order.get("version", "")), str(order.get("sha256", "")).lower()
    previous = current_release(host.root)
    if version == previous:
        return Outcome(version, True, "already running", previous, time.time())
    try:
        downloads = host.root / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        package = downloads / f"{version}.deb"
        host.fetch(version, str(order.get("url", "")), package)
        got = hashlib.sha256(package.read_bytes()).hexdigest()
        if got != digest:
            package.unlink(missing_ok=True)
            raise UpdateError(f"sha256 mismatch (got {got[:12]}…, ordered {digest[:12]}…)")
        host.install(package)
        package.unlink(missing_ok=True)
    except (UpdateError, OSError, requests.RequestException) as exc:
        return Outcome(version, False, f"not installed: {exc}", previous, time.time())
    before = _device_errors(host.state_dir)
    (host.state_dir / "health.json").unlink(missing_ok=True)
    switch(host.root, version)
    host.activate_units(host.root / "releases" / version)
    host.restart()
    why = healthy(host, version, before, timeout_s, clock, sleep)
    if not why:
        _prune(host, keep={version, previous})
        return Outcome(version, True, "healthy", previous, time.time())
    log.error("release %s unhealthy (%s); rolling back to %s", version, why, previous)
    if previous:
        switch(host.root, previous)
        host.activate_units(host.root / "releases" / previous)
        host.restart()
    return Outcome(version, False, why, previous, time.time())


def _device_errors(state_dir: Path) -> set[str]:
    try:
        data = json.loads((state_dir / "health.json").read_text(encoding="utf-8"))
        return set(data.get("device_errors", []))
    except (OSError, ValueError, AttributeError):
        return set()


def _prune(host: Host, keep: set[str]) -> None:
    releases = sorted((p for p in (host.root / "releases").iterdir() if p.is_dir()),
                      key=lambda p: p.stat().st_mtime)
    for old in releases[:-KEEP_RELEASES]:
        if old.name not in keep:
            host.remove(old.name)


def write_outcome(state_dir: Path, outcome: Outcome) -> None:
    """Leave the outcome for the terminal (owned like the state folder, 0600)."""
    path = state_dir / "update" / "outcome.json"
    write_private(path, json.dumps(outcome.__dict__))
    info = state_dir.stat()
    with contextlib.suppress(PermissionError):
        os.chown(path, info.st_uid, info.st_gid)


def release_version() -> str:
    """This release's version (the installed package's), for heartbeats and health."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ebantong-kiosk")
    except PackageNotFoundError:
        return "0+unknown"
