"""PrinterSimulator: a simulated Chinese receipt printer reachable like a real one.

It listens on TCP (the raw printing port; ``tcp://127.0.0.1:PORT``) and optionally on a
pty (a path the driver opens like ``/dev/ttyUSB0``), through :class:`simulator.link.SerialLink`.
Every job (up to each cut, or up to where the paper ran out) is written to
``<out_dir>/<job number>.png`` and ``.txt``. The control surface — :meth:`set_paper`,
:meth:`set_fault`, :meth:`clear_faults`, :meth:`unplug` — injects the faults a technician
meets: paper low/out (also mid-job), cover open, offline, error, no answer, garbage.
``chinese_default`` is the model's power-on Chinese mode (on, as on Chinese printers) and
``gs_r=False`` models a printer without GS r (jobs are never confirmed).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path
from typing import Any

from simulator.link import SerialLink
from simulator.printer.machine import FAULTS, PrinterMachine

DOTS = {58: 384, 80: 576}


class PrinterSimulator:
    """A receipt printer simulator (58 or 80 mm paper)."""

    def __init__(
        self,
        out_dir: str | Path,
        width_mm: int = 80,
        paper_mm: float = 50_000.0,
        near_end_mm: float = 1_000.0,
        baudrate: int = 115200,
        chinese_default: bool = True,
        gs_r: bool = True,
    ) -> None:
        if width_mm not in DOTS:
            raise ValueError(f"paper width must be 58 or 80 mm, not {width_mm}")
        self.out_dir = Path(out_dir)
        self.width_mm = width_mm
        self.machine = PrinterMachine(
            self.out_dir, DOTS[width_mm], width_mm, paper_mm, near_end_mm, self._job_done,
            chinese_default=chinese_default, gs_r=gs_r,
        )
        self.link = SerialLink(self, baudrate=baudrate, name="printer")
        self._jobs: list[tuple[Path, Path]] = []
        self._jobs_lock = threading.Lock()
        self._job_event = threading.Condition(self._jobs_lock)
        self._tcp_url = ""
        self._pty = False

    # -- lifecycle -----------------------------------------------------------------------
    def start(
        self, tcp_port: int = 0, pty: bool = False, host: str = "127.0.0.1"
    ) -> dict[str, str]:
        """Start listening; return ``{"tcp": "tcp://host:port", "pty": "/dev/pts/N"}``."""
        socket_url = self.link.serve_tcp(host, tcp_port)
        self._tcp_url = "tcp://" + socket_url[len("socket://"):]
        if pty:
            self._pty = True
            self.link.open_pty()
        return self.urls

    @property
    def urls(self) -> dict[str, str]:
        """Current URLs: ``tcp`` and, when started with a pty, ``pty`` (new after a replug)."""
        urls = {"tcp": self._tcp_url} if self._tcp_url else {}
        if self._pty and self.link.pty_path:
            urls["pty"] = self.link.pty_path
        return urls

    @property
    def url(self) -> str:
        """The TCP printer URL (after :meth:`start`)."""
        return self._tcp_url

    def stop(self) -> None:
        """Close every endpoint and thread."""
        self.link.unplug()
        self._wake_acceptor()
        self.link.close()

    def _wake_acceptor(self) -> None:
        """Connect once so the link's accept() returns and its thread sees the unplug."""
        if not self._tcp_url:
            return
        host, _, port = self._tcp_url[len("tcp://"):].rpartition(":")
        with contextlib.suppress(OSError), socket.create_connection((host, int(port)), 0.2):
            pass

    def on_data(self, data: bytes, link: SerialLink) -> None:
        """Bytes from a driver: process them and send the printer's answers."""
        reply = self.machine.receive(data)
        if reply:
            link.send(reply)

    # -- jobs ----------------------------------------------------------------------------
    def _job_done(self, png: Path, txt: Path) -> None:
        with self._job_event:
            self._jobs.append((png, txt))
            self._job_event.notify_all()

    @property
    def jobs(self) -> list[tuple[Path, Path]]:
        """(png, txt) of every job written so far, oldest first."""
        with self._jobs_lock:
            return list(self._jobs)

    def wait_for_jobs(self, count: int, timeout: float = 10.0) -> list[tuple[Path, Path]]:
        """Block until at least ``count`` jobs were written (or ``timeout``); return them."""
        with self._job_event:
            self._job_event.wait_for(lambda: len(self._jobs) >= count, timeout)
            return list(self._jobs)

    # -- control surface -----------------------------------------------------------------
    def set_paper(self, mm: float) -> None:
        """Load a roll with ``mm`` of paper left (0 = out; below the threshold = near end)."""
        self.machine.set_paper(mm)

    def set_fault(self, name: str) -> None:
        """Raise a fault: paper_out, cover_open, offline, error, mute or garbage."""
        self.machine.set_fault(name)

    def clear_faults(self) -> None:
        """Clear every fault and a half-received command (the printer recovers)."""
        self.machine.clear_faults()

    def unplug(self) -> None:
        """Pull the cable: connections drop, the port refuses new ones, and a command
        left half-received is dropped."""
        self.link.unplug()
        self.machine.clear_input()

    def replug(self) -> None:
        """Plug the cable back in (the printer starts with an empty receive buffer)."""
        self.machine.clear_input()
        self.link.replug()

    def state(self) -> dict[str, Any]:
        """Paper left, faults and counters (for the control surface)."""
        m = self.machine
        return {
            "paper_mm": round(m.paper_mm, 1),
            "near_end": m.near_end,
            "paper_out": m.paper_out,
            "faults": sorted(m.faults),
            "jobs": m.job_count,
            "discarded_ops": m.discarded,
            "plugged": self.link.plugged,
        }


KNOWN_FAULTS = ("paper_out", *FAULTS)
