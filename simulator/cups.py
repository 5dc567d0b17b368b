"""A private CUPS scheduler with a virtual A4 PDF printer, for the demo, tests and benches.

:class:`PrivateCups` runs ``scripts/cups`` in a folder under /tmp (cupsd's filters run as
user ``lp`` and must be able to reach the spool, which a 0700 parent would forbid) on the
given or a free port; ``stop()`` ends that cupsd and removes the folder. ``admin`` runs
cupsenable/cupsdisable/cupsaccept/cupsreject on the queue; ``spooled`` returns the bytes
CUPS received for a job (PreserveJobFiles).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUEUE = "EBT-A4"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def available() -> bool:
    """True when CUPS and cups-pdf are installed."""
    return shutil.which("cupsd") is not None and Path(
        "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd").exists()


class PrivateCups:
    """One private cupsd with the EBT-A4 queue."""

    def __init__(self, port: int = 0, folder: Path | None = None) -> None:
        self.port = port or free_port()
        self._own_folder = folder is None
        self.folder = folder or Path(tempfile.mkdtemp(prefix="ebt-cups-", dir="/tmp"))
        self.folder.chmod(0o755)
        self.url = ""

    def start(self) -> str:
        """Start (or find running) and return the queue's ipp:// URL."""
        done = subprocess.run([str(ROOT / "scripts" / "cups"), "start", str(self.folder),
                               str(self.port), QUEUE], capture_output=True, text=True,
                              timeout=60, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"scripts/cups failed: {done.stderr[-500:]}")
        self.url = done.stdout.strip().splitlines()[-1]
        return self.url

    def stop(self, remove: bool = False) -> None:
        """Stop cupsd (``remove``: and delete its folder, if this object made it)."""
        subprocess.run([str(ROOT / "scripts" / "cups"), "stop", str(self.folder)],
                       capture_output=True, timeout=30, check=False)
        if remove and self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def admin(self, command: str) -> None:
        """cupsenable / cupsdisable / cupsaccept / cupsreject on the queue."""
        subprocess.run([command, "-h", f"127.0.0.1:{self.port}", QUEUE], check=True,
                       capture_output=True, timeout=30)

    def spooled(self, job_id: int) -> bytes:
        """The document CUPS received for a job."""
        return (self.folder / "spool" / f"d{job_id:05d}-001").read_bytes()
