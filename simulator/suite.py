"""Every simulator of a terminal in one process: ID-card reader, QR scanner, camera,
receipt printer and the platform — started together, controlled together.

``SimulatorSuite(out_dir).start()`` returns the URLs a terminal's config needs. The suite is
what ``python -m simulator all`` and the headless demo run; :meth:`control` is the one
entry point of the control surface (CLI and web page): tap a card, show a QR, pull the
paper, break the platform.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from simulator.camera.source import SyntheticCameraSource
from simulator.idcard.server import IdCardSimulator
from simulator.platform.server import PlatformServer
from simulator.printer.server import PrinterSimulator
from simulator.scanner.server import ScannerSimulator


class ControlError(ValueError):
    """An unknown control action or a bad parameter."""


class SimulatorSuite:
    """Owns one simulator of each kind and exposes their control actions by name."""

    def __init__(self, out_dir: Path, seed: int = 0, pty: bool = False) -> None:
        self.out_dir = Path(out_dir)
        self.seed = seed
        self.pty = pty
        self.idcard = IdCardSimulator()
        self.scanner = ScannerSimulator()
        self.camera = SyntheticCameraSource(seed=seed)
        self.printer = PrinterSimulator(self.out_dir / "receipts")
        self.platform = PlatformServer(state_dir=self.out_dir / "platform", seed=seed)
        self.urls: dict[str, str] = {}
        self._actions: dict[str, Callable[..., Any]] = {
            "idcard.insert": lambda card: self.idcard.insert_card(card),
            "idcard.remove": lambda: self.idcard.remove_card(),
            "idcard.fault": lambda name, **opts: self.idcard.set_fault(name, **opts),
            "idcard.clear": lambda: self.idcard.clear_faults(),
            "scanner.emit": lambda text: self.scanner.emit(text),
            "scanner.fault": lambda name, **opts: self.scanner.set_fault(name, **opts),
            "scanner.clear": lambda: self.scanner.clear_faults(),
            "camera.qr": lambda payload: self.camera.show_qr(payload),
            "camera.face": lambda: self.camera.show_face(),
            "camera.nothing": lambda: self.camera.show_nothing(),
            "printer.paper": lambda mm: self.printer.set_paper(float(mm)),
            "printer.fault": lambda name, **opts: self.printer.set_fault(name, **opts),
            "printer.clear": lambda: self.printer.clear_faults(),
            "platform.fault": lambda name, **opts: self.platform.faults.set(name, **opts),
            "platform.clear": lambda: self.platform.faults.clear(),
        }

    def start(self, host: str = "127.0.0.1") -> dict[str, str]:
        """Start every simulator; return {"idcard", "scanner", "printer", "camera",
        "platform"} URLs (plus ``*_pty`` paths when ``pty`` is set)."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for name, sim in (("idcard", self.idcard), ("scanner", self.scanner),
                          ("printer", self.printer)):
            urls = sim.start(tcp_port=0, pty=self.pty)
            self.urls[name] = urls["tcp"]
            if "pty" in urls:
                self.urls[f"{name}_pty"] = urls["pty"]
        self.urls["camera"] = self.camera.url
        self.urls["platform"] = self.platform.start(host=host, port=0)
        return dict(self.urls)

    def actions(self) -> list[str]:
        """Names of every control action."""
        return sorted(self._actions)

    def control(self, action: str, params: Mapping[str, Any] | None = None) -> Any:
        """Run one control action by name, e.g. ``control("idcard.insert", {"card": "han"})``."""
        handler = self._actions.get(action)
        if handler is None:
            raise ControlError(f"unknown action {action!r}; known: {', '.join(self.actions())}")
        try:
            return handler(**dict(params or {}))
        except TypeError as exc:
            raise ControlError(f"{action}: {exc}") from exc

    def state(self) -> dict[str, Any]:
        """What a developer sees on the control page: URLs, cards, printed jobs."""
        return {
            "urls": dict(self.urls),
            "cards": self.idcard.card_names(),
            "receipts": [str(png) for png, _txt in self.printer.jobs],
            "actions": self.actions(),
        }

    def stop(self) -> None:
        """Stop every simulator (safe to call twice)."""
        for sim in (self.idcard, self.scanner, self.printer, self.camera):
            sim.stop()
        self.platform.stop()
