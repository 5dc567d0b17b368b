"""Contracts shared by every device driver, modelled on CEN/XFS and XFS4IoT.

Every driver reports a common :class:`DeviceState`, a per-class status mapping, its
:class:`Capabilities`, a diagnostics dict for operators, and can be reset. Commands take a
timeout (0 means none) and a :class:`CancelToken`, and end in a :class:`CommandResult` with a
:class:`Completion` code. Unsolicited events (status changed, card inserted, paper low …) go
to the event bus as :class:`DeviceEvent` and are kept apart from command results.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class DeviceState(StrEnum):
    """The common device state every driver reports."""

    ONLINE = "online"
    OFFLINE = "offline"
    POWER_OFF = "power_off"
    NO_DEVICE = "no_device"
    HARDWARE_ERROR = "hardware_error"
    USER_ERROR = "user_error"
    BUSY = "busy"
    STARTING = "starting"


class Completion(StrEnum):
    """How a command ended."""

    SUCCESS = "success"
    CANCELED = "canceled"
    TIMEOUT = "timeout"
    DEVICE_NOT_READY = "device_not_ready"
    HARDWARE_ERROR = "hardware_error"
    INVALID_DATA = "invalid_data"
    USER_ERROR = "user_error"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class Capabilities:
    """What a device can do. ``features`` holds class-specific facts (photo, width, cut …)."""

    device_class: str
    model: str = "unknown"
    features: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON and the operator dashboard."""
        return {"device_class": self.device_class, "model": self.model, **dict(self.features)}


@dataclass(frozen=True)
class DeviceStatus:
    """A snapshot of one device: the common state plus per-class details."""

    state: DeviceState
    details: Mapping[str, Any] = field(default_factory=dict)
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON and heartbeats."""
        return {"state": self.state.value, "message": self.message, **dict(self.details)}


@dataclass(frozen=True)
class CommandResult(Generic[T]):
    """Outcome of one command: a completion code, a value on success, a message otherwise."""

    completion: Completion
    value: T | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the command succeeded."""
        return self.completion is Completion.SUCCESS

    @classmethod
    def success(cls, value: T | None = None) -> CommandResult[T]:
        """A successful result carrying ``value``."""
        return cls(Completion.SUCCESS, value)

    @classmethod
    def failure(cls, completion: Completion, message: str) -> CommandResult[T]:
        """A failed result with a human-readable reason."""
        return cls(completion, None, message)


@dataclass(frozen=True)
class DeviceEvent:
    """An unsolicited event from a device (never a command result)."""

    source: str
    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)
    timestamp: float = field(default_factory=time.time)


@dataclass(frozen=True)
class DeviceStateChanged:
    """The one payload of every ``<device>.state`` event: a device's common state changed.

    Every driver (and the ID-card poller) publishes this type, so a subscriber to
    ``"*.state"`` reads ``device``, ``state`` and ``message`` the same way for all of them.
    """

    device: str
    state: DeviceState
    message: str = ""
    previous: DeviceState | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    timestamp: float = field(default_factory=time.time)

    @property
    def topic(self) -> str:
        """``<device>.state``: where this event is published."""
        return f"{self.device}.state"

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON and heartbeats (same shape as :meth:`DeviceStatus.as_dict`)."""
        return {"state": self.state.value, "message": self.message, **dict(self.details)}


class CancelToken:
    """A cancellation flag shared between the caller of a command and the driver."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the command to stop as soon as it can."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; return True early if cancelled."""
        return self._event.wait(seconds)


class Deadline:
    """A command timeout; ``seconds == 0`` means no limit, as in XFS."""

    def __init__(self, seconds: float, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._end = None if seconds <= 0 else clock() + seconds

    def remaining(self) -> float | None:
        """Seconds left (never negative), or None when unlimited."""
        if self._end is None:
            return None
        return max(0.0, self._end - self._clock())

    @property
    def expired(self) -> bool:
        """True once the time is up."""
        return self._end is not None and self._clock() >= self._end


class Device(ABC):
    """What every driver offers besides its class-specific command surface."""

    #: device class name used in events, diagnostics and the registry ("idcard", "printer" …)
    device_class: str = "device"

    @abstractmethod
    def status(self) -> DeviceStatus:
        """Current state and per-class status."""

    @abstractmethod
    def capabilities(self) -> Capabilities:
        """What this device can do."""

    @abstractmethod
    def diagnostics(self) -> dict[str, Any]:
        """A dict for operators and technicians (never personal data)."""

    @abstractmethod
    def reset(self) -> CommandResult[None]:
        """Bring the device back to a known state."""

    def close(self) -> None:  # noqa: B027 - optional hook with a sensible default
        """Release the line or socket; the default does nothing."""
