"""What a scripted journey works with: the UI driver, the simulators, screenshots, steps.

No Kivy here: the driver (screens/driver.py) is handed in by the runner.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class StepFailed(AssertionError):
    """A journey's expectation did not hold."""


@dataclass
class JourneyRecord:
    """One journey's outcome for summary.json."""

    name: str
    steps: list[dict[str, Any]] = field(default_factory=list)
    passed: bool = False
    error: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The summary.json form."""
        out: dict[str, Any] = {"name": self.name, "steps": self.steps, "passed": self.passed,
                               "seconds": round(self.seconds, 2)}
        if self.error:
            out["error"] = self.error
        return out


class DemoContext:
    """Shared by every journey of one demo run."""

    def __init__(self, ui: Any, app: Any, suite: Any, out_dir: Path) -> None:
        self.ui = ui
        self.app = app
        self.suite = suite
        self.out_dir = out_dir
        self.shots = 0
        self.record: JourneyRecord | None = None
        self.memo: dict[str, Any] = {}

    def step(self, text: str, **extra: Any) -> None:
        """Note a step of the current journey."""
        if self.record is not None:
            self.record.steps.append({"step": text, "t": round(time.monotonic(), 2), **extra})

    def shot(self, label: str) -> Path:
        """A numbered screenshot (NN-journey-label.png)."""
        self.shots += 1
        name = self.record.name if self.record else "demo"
        path = self.out_dir / "screens" / f"{self.shots:02d}-{name}-{label}.png"
        self.ui.screenshot(path)
        self.step(f"screenshot {path.name}", screenshot=str(path.relative_to(self.out_dir)))
        return path

    def expect(self, condition: bool, message: str) -> None:
        """Fail the journey with ``message`` unless ``condition``."""
        if not condition:
            raise StepFailed(message)

    def tap(self, ebt_id: str, timeout: float | None = None) -> None:
        """Touch a control and note it."""
        self.ui.tap(ebt_id, timeout)
        self.step(f"tap {ebt_id}")

    def type_keys(self, text: str) -> None:
        """Type on the on-screen keyboard, key by key."""
        for char in text:
            self.ui.tap(f"key_{char.upper() if char.isalpha() else char}")
        self.step(f"type {text}")

    def control(self, action: str, **params: Any) -> Any:
        """A simulator control action (tap a card, show a QR, pull the paper)."""
        self.step(f"simulator {action}", params={k: v for k, v in params.items()
                                                if k not in ("text", "payload")})
        return self.suite.control(action, params)

    def sample_codes(self, card: str) -> dict[str, str]:
        """QR payloads (e-ID, e-licences) the platform simulator accepts for a sample card."""
        from simulator.platform.payloads import sample_payloads

        id_number = self.suite.idcard.cards[card].fields["id_number"]
        return sample_payloads(self.suite.platform.state.key, id_number)

    def printed_jobs(self) -> int:
        """How many jobs the printer simulator has rendered."""
        return len(self.suite.printer.jobs)

    def wait_printed(self, count: int, timeout: float = 15.0) -> tuple[Path, Path]:
        """Wait for the printer simulator's ``count``-th job; return its (png, txt)."""
        jobs = self.suite.printer.wait_for_jobs(count, timeout)
        self.expect(len(jobs) >= count, f"printer did not print job {count}")
        self.step(f"printed {jobs[count - 1][0].name}", receipt=str(jobs[count - 1][0]))
        return jobs[count - 1]
