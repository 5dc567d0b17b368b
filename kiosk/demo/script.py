"""The vocabulary of scripted demo steps, as plain data the Kivy robot executes.

A journey is a name and a list of steps. Targets are found on the live screen by a
widget's ``ebt_id`` (exact) or, failing that, by visible text (the translated message id,
substring); a tap is a real touch (down, then up on the next frame) at the widget's centre.
Waits are bounded; a failed step fails its journey and the robot goes on with the next
journey from the attract screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Tap:
    """Touch the widget named ``target`` (ebt_id, or visible text)."""

    target: str
    timeout_s: float = 10.0

    def describe(self) -> str:
        """One line for the summary."""
        return f"tap {self.target}"


@dataclass(frozen=True)
class Type:
    """Type ``text`` on the on-screen keyboard (one touch per key ``key_<char>``)."""

    text: str

    def describe(self) -> str:
        """One line for the summary."""
        return f"type {self.text}"


@dataclass(frozen=True)
class WaitScreen:
    """Wait until the screen called ``name`` is showing."""

    name: str
    timeout_s: float = 20.0

    def describe(self) -> str:
        """One line for the summary."""
        return f"wait for screen {self.name}"


@dataclass(frozen=True)
class WaitText:
    """Wait until some visible text on the screen contains ``text``."""

    text: str
    timeout_s: float = 20.0

    def describe(self) -> str:
        """One line for the summary."""
        return f"wait for text {self.text}"


@dataclass(frozen=True)
class Sim:
    """Run a simulator control action (``idcard.insert``, ``camera.qr`` …)."""

    action: str
    params: dict[str, Any] = field(default_factory=dict)
    #: a callable computing the params at run time from the demo context
    late_params: Callable[[Any], dict[str, Any]] | None = None

    def describe(self) -> str:
        """One line for the summary (never the payload: it may be personal)."""
        return f"simulator {self.action}"


@dataclass(frozen=True)
class Shot:
    """Save a numbered screenshot called ``label``."""

    label: str

    def describe(self) -> str:
        """One line for the summary."""
        return f"screenshot {self.label}"


@dataclass(frozen=True)
class Check:
    """Run ``probe(context)``; it returns None when fine, else what is wrong."""

    what: str
    probe: Callable[[Any], str | None]
    timeout_s: float = 15.0

    def describe(self) -> str:
        """One line for the summary."""
        return f"check {self.what}"


@dataclass(frozen=True)
class Do:
    """Run ``action(context)`` on the UI thread (e.g. the app's elderly switch for setup)."""

    what: str
    action: Callable[[Any], None]

    def describe(self) -> str:
        """One line for the summary."""
        return self.what


@dataclass(frozen=True)
class Pause:
    """Let a few frames pass (animations, voice)."""

    seconds: float

    def describe(self) -> str:
        """One line for the summary."""
        return f"pause {self.seconds:g} s"


Step = Tap | Type | WaitScreen | WaitText | Sim | Shot | Check | Do | Pause


@dataclass(frozen=True)
class JourneyScript:
    """A named journey: its steps, run in order from the attract screen."""

    name: str
    steps: tuple[Step, ...]
    description: str = ""
