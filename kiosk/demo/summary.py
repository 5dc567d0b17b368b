"""What a demo run did: journeys, their steps, screenshots, receipts; written as summary.json.

``summary.json`` is ``{"passed": bool, "journeys": [{"name", "passed", "steps": [{"step",
"ok", "seconds", "error"?}], "screenshots": [...], "receipts": [...]}], ...}``. Nothing
personal is recorded: steps are described by their kind and target, never by payloads.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class StepRecord:
    """One executed step."""

    step: str
    ok: bool
    seconds: float
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        out: dict[str, Any] = {"step": self.step, "ok": self.ok,
                               "seconds": round(self.seconds, 3)}
        if self.error:
            out["error"] = self.error
        return out


@dataclass
class JourneyRecord:
    """One journey's outcome."""

    name: str
    description: str = ""
    steps: list[StepRecord] = field(default_factory=list)
    screenshots: list[str] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        """True when every step succeeded (and there was at least one)."""
        return bool(self.steps) and all(s.ok for s in self.steps)

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"name": self.name, "description": self.description, "passed": self.passed,
                "seconds": round(self.seconds, 2), "steps": [s.as_dict() for s in self.steps],
                "screenshots": self.screenshots, "receipts": self.receipts}


@dataclass
class DemoSummary:
    """Every journey of a run."""

    journeys: list[JourneyRecord] = field(default_factory=list)
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True when the run finished every journey and each passed."""
        return not self.error and bool(self.journeys) and all(j.passed for j in self.journeys)

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        out: dict[str, Any] = {"passed": self.passed,
                               "journeys": [j.as_dict() for j in self.journeys]}
        if self.error:
            out["error"] = self.error
        out.update(self.extra)
        return out

    def write(self, path: Path) -> None:
        """Write summary.json."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
