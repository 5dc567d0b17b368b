"""A citizen's visit: what it holds, when it goes idle, and how it is wiped.

A :class:`Session` holds everything personal a visit gathers (the ID-card record, the
platform's identity token, query results, case numbers). The :class:`IdleWatch` tells the
UI when to show and speak the idle warning (with at least ``warning_s`` ≥ 20 s to extend)
and when the time is up. :meth:`Session.wipe` zeroes the photo buffer, drops every
reference and publishes ``session.wiped`` so screens clear what they show. Nothing here
logs personal data or imports Kivy.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from common.privacy import wipe_buffer

MIN_WARNING_S = 20
MAX_EXTENSIONS = 10


class IdleState(StrEnum):
    """Where the visit stands on the idle clock."""

    ACTIVE = "active"
    WARNING = "warning"
    EXPIRED = "expired"


class IdleWatch:
    """Idle timeout with an announced warning period and a bounded number of extensions."""

    def __init__(self, timeout_s: float, warning_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if warning_s < MIN_WARNING_S:
            raise ValueError(f"the idle warning must give at least {MIN_WARNING_S} s")
        if timeout_s <= warning_s:
            raise ValueError("the idle timeout must be longer than its warning")
        self.timeout_s = timeout_s
        self.warning_s = warning_s
        self._clock = clock
        self._last = clock()
        self.extensions = 0

    def touch(self) -> None:
        """The citizen did something: restart the clock."""
        self._last = self._clock()

    def extend(self) -> bool:
        """The citizen asked for more time from the warning; False once the limit is hit."""
        if self.extensions >= MAX_EXTENSIONS:
            return False
        self.extensions += 1
        self.touch()
        return True

    def state(self) -> IdleState:
        """ACTIVE, WARNING (inside the last ``warning_s``) or EXPIRED."""
        idle = self._clock() - self._last
        if idle >= self.timeout_s:
            return IdleState.EXPIRED
        if idle >= self.timeout_s - self.warning_s:
            return IdleState.WARNING
        return IdleState.ACTIVE

    def seconds_left(self) -> int:
        """Whole seconds until expiry (for the warning's countdown)."""
        return max(0, int(self.timeout_s - (self._clock() - self._last) + 0.999))


@dataclass
class Session:
    """One visit. Every field that can hold personal data is cleared by :meth:`wipe`."""

    visit_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    elderly: bool = False
    scheme: str = "standard"
    language: str = "zh_CN"
    identity: Any = None            # IdCardRecord or an e-ID summary
    identity_token: str | None = None
    identity_label: str = ""        # masked name + masked ID for the screen
    face_photo: bytearray | None = None
    results: dict[str, Any] = field(default_factory=dict)
    case_numbers: list[str] = field(default_factory=list)
    evaluated: bool = False
    proxy: Any = None               # 代办: the authorisation the visit acts under
    proxy_agent_label: str = ""     # 代办: the agent, masked
    wiped: bool = False

    @property
    def identified(self) -> bool:
        """True once the platform issued an identity token for this visit."""
        return self.identity_token is not None

    def wipe(self) -> None:
        """Zero what can be zeroed and drop every personal reference."""
        photo = getattr(self.identity, "photo", None)
        if isinstance(photo, bytearray):
            wipe_buffer(photo)
        if self.face_photo is not None:
            wipe_buffer(self.face_photo)
        self.identity = None
        self.identity_token = None
        self.identity_label = ""
        self.proxy = None
        self.proxy_agent_label = ""
        self.face_photo = None
        self.results.clear()
        self.case_numbers.clear()
        self.wiped = True
