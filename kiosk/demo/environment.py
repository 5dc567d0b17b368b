"""Start the simulators for a demo or a UI test and derive the terminal's config from them.

:class:`DemoEnvironment` owns a :class:`simulator.suite.SimulatorSuite` (ID-card reader,
QR scanner, camera, receipt printer, platform) rooted in the output folder, and
:meth:`DemoEnvironment.config` returns config/terminal.toml with every device and platform
URL replaced by the simulators' and every state file moved under the output folder, so a
demo never touches the terminal's real state. It also mints the sample QR payloads
(electronic ID, e-licences) for the demo's citizens.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiosk.config import load_config
from simulator.platform.payloads import platform_key, sample_payloads
from simulator.suite import SimulatorSuite

CASE_IN_TEXT = re.compile(r"(530100\d{14})")


class DemoEnvironment:
    """The simulators of one demo run (``start``/``stop``) and the config that uses them."""

    def __init__(self, out_dir: Path, seed: int = 0, base_config: Mapping[str, Any] | None = None
                 ) -> None:
        self.out_dir = Path(out_dir)
        self.seed = seed
        self.suite = SimulatorSuite(self.out_dir / "simulators", seed=seed)
        self._base = dict(base_config) if base_config is not None else load_config()
        self.urls: dict[str, str] = {}

    def start(self) -> dict[str, str]:
        """Start every simulator; return their URLs."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.urls = self.suite.start()
        return dict(self.urls)

    def stop(self) -> None:
        """Stop every simulator (safe to call twice)."""
        self.suite.stop()

    def config(self, *, voice: bool = True) -> dict[str, Any]:
        """The terminal configuration pointing at the running simulators."""
        if not self.urls:
            raise RuntimeError("start the simulators first")
        config = copy.deepcopy(self._base)
        devices = config.setdefault("devices", {})
        devices.setdefault("idcard", {}).update({"type": "sam", "url": self.urls["idcard"]})
        devices.setdefault("scanner", {}).update({"type": "serial", "url": self.urls["scanner"]})
        devices.setdefault("camera", {}).update({"type": "opencv",
                                                 "source": self.urls["camera"]})
        devices.setdefault("printer", {}).update({"type": "escpos", "url": self.urls["printer"]})
        platform = config.setdefault("platform", {})
        platform["url"] = self.urls["platform"]
        platform["cache_db"] = str(self.out_dir / "state" / "catalog.sqlite3")
        platform["outbox_db"] = str(self.out_dir / "state" / "outbox.sqlite3")
        terminal = config.setdefault("terminal", {})
        terminal["state_dir"] = str(self.out_dir / "state")
        voice_cfg = config.setdefault("voice", {})
        voice_cfg["cache_dir"] = str(self.out_dir / "state" / "voice-cache")
        voice_cfg["enabled"] = bool(voice)
        voice_cfg["prerender"] = False
        config["fleet"] = {"server": ""}
        return config

    # -- what the demo's citizens carry --------------------------------------------------
    def payloads_for(self, id_number: str) -> dict[str, str]:
        """Sample QR payloads (``eid``, ``licence:<type>``) for a citizen of this platform."""
        return sample_payloads(platform_key(self.seed), id_number)

    def receipts(self) -> list[Path]:
        """PNG files of every job the printer simulator rendered, oldest first."""
        return [png for png, _txt in self.suite.printer.jobs]

    def last_case_number(self) -> str | None:
        """The case number on the newest printed receipt that carries one."""
        for _png, txt in reversed(self.suite.printer.jobs):
            match = CASE_IN_TEXT.search(Path(txt).read_text(encoding="utf-8", errors="replace"))
            if match:
                return match.group(1)
        return None
