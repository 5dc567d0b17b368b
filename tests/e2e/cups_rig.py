"""A private CUPS scheduler with a cups-pdf A4 queue for tests (scripts/cups), on a free
port in a temporary folder; stop/start it to play CUPS going away mid-job."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "EBT-A4"


@contextmanager
def private_folder() -> Iterator[Path]:
    """A folder for cupsd that its filters (running as user lp) can reach: pytest's own
    temporary folders sit under a 0700 directory, so this one is made under /tmp."""
    folder = Path(tempfile.mkdtemp(prefix="ebt-cups-", dir="/tmp"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cups:
    """A running private cupsd: its folder, port and the queue's IPP URL."""

    folder: Path
    port: int
    url: str = ""

    def start(self) -> str:
        done = subprocess.run([str(ROOT / "scripts" / "cups"), "start", str(self.folder),
                               str(self.port), QUEUE], capture_output=True, text=True,
                              timeout=60, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"scripts/cups failed: {done.stderr[-500:]}")
        self.url = done.stdout.strip().splitlines()[-1]
        return self.url

    def stop(self) -> None:
        subprocess.run([str(ROOT / "scripts" / "cups"), "stop", str(self.folder)],
                       capture_output=True, timeout=30, check=False)

    def admin(self, command: str, *args: str) -> None:
        """cupsenable / cupsdisable / cupsaccept / cupsreject on the queue."""
        subprocess.run([command, "-h", f"127.0.0.1:{self.port}", *args, QUEUE], check=True,
                       capture_output=True, timeout=30)

    def spooled(self, job_id: int) -> bytes:
        """The document CUPS received for a job (PreserveJobFiles)."""
        return (self.folder / "spool" / f"d{job_id:05d}-001").read_bytes()
