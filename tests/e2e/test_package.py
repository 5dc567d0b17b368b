"""scripts/package builds a .deb that dpkg-deb reads and dpkg installs into a throwaway root:
the release side by side under /opt/ebantong/releases/<V> with ``current`` pointing at it,
a virtual environment made offline from the shipped wheels that imports the terminal, the
units in place and clean under systemd-analyze verify."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION = "0.1.0+t1"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg")]


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("package")
    done = subprocess.run(["scripts/package", "--version", VERSION, "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    path = Path(done.stdout.strip().splitlines()[-1])
    assert path.exists() and path.parent == out
    return path


def field(deb: Path, name: str) -> str:
    return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.timeout(900)
def test_dpkg_deb_reads_the_package(deb: Path) -> None:
    assert field(deb, "Package") == f"ebantong-kiosk-{VERSION}"
    assert field(deb, "Version") == VERSION and field(deb, "Provides") == "ebantong-kiosk"
    depends = field(deb, "Depends")
    for needed in ("python3", "cage", "libzbar0", "fonts-noto-cjk", "espeak-ng", "adduser"):
        assert needed in depends
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True,
                             check=True).stdout
    rel = f"./opt/ebantong/releases/{VERSION}/"
    for path in ("bin/ebantong-terminal", "bin/ebantong-update", "bin/ebantong-fleet",
                 "deploy/systemd/ebantong-kiosk.service", "deploy/journald/ebantong.conf"):
        assert rel + path in listing
    wheels = [line for line in listing.splitlines() if "/wheels/" in line and ".whl" in line]
    assert any("ebantong_kiosk-" in w for w in wheels) and any("Kivy-" in w or "kivy-" in w
                                                              for w in wheels)
    assert " root/root " in listing.splitlines()[1]


@pytest.mark.timeout(900)
def test_it_installs_into_a_throwaway_root(deb: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    admin = root / "var/lib/dpkg"
    for sub in ("info", "updates", "triggers"):
        (admin / sub).mkdir(parents=True)
    (admin / "status").touch()
    (admin / "available").touch()
    done = subprocess.run(["dpkg", f"--root={root}", "--force-script-chrootless",
                           "--force-depends", "-i", str(deb)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    base = root / "opt/ebantong"
    assert (base / "current").readlink() == Path(f"releases/{VERSION}")
    python = base / "current/venv/bin/python"
    check = subprocess.run([str(python), "-I", "-c", "import kiosk.watchdog, screens.launch, "
                            "fleet.app, cysystemd; from importlib.metadata import version; "
                            "print(version('ebantong-kiosk'))"],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert check.stdout.strip() == VERSION, check.stderr[-2000:]
    units = sorted((root / "etc/systemd/system").glob("ebantong-*"))
    assert {u.name for u in units} >= {"ebantong-kiosk.service", "ebantong-update.path"}
    assert (root / "etc/ebantong/credentials").stat().st_mode & 0o777 == 0o700
    if shutil.which("systemd-analyze") and shutil.which("cage"):
        staged = []
        for unit in units:       # the installed units, pointed at the throwaway root
            text = unit.read_text().replace("/opt/ebantong/", f"{base}/")
            (tmp_path / unit.name).write_text(text)
            staged.append(str(tmp_path / unit.name))
        verify = subprocess.run(["systemd-analyze", "verify", "--man=no", *staged],
                                capture_output=True, text=True, timeout=60)
        assert verify.returncode == 0 and not (verify.stdout + verify.stderr).strip(), \
            verify.stdout + verify.stderr
    listed = subprocess.run(["dpkg", f"--root={root}", "-l", f"ebantong-kiosk-{VERSION}"],
                            capture_output=True, text=True)
    assert listed.stdout.splitlines()[-1].startswith("ii"), listed.stdout
    assert sys.executable  # the host's interpreter made the venv: python3 from Debian
