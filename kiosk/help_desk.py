"""一键求助 on the terminal: raise a help ticket on the fleet server, follow it, fall back.

:class:`HelpDesk` sends the ticket through the fleet link (the agent's signed client) with
where the citizen is (screen, item, 代办 or not — never who they are), then asks for its
state every ``poll_s`` while the help screen shows. The citizen is told, in this order:
正在联系工作人员 (sent, waiting) → 工作人员已收到，正在赶来 (an operator acknowledged) — or,
when nobody has acknowledged within ``fallback_after_s``, when the fleet server cannot be
reached, or when the terminal has no fleet link at all, the 12345 government-service
hotline and the staff on site. Network calls happen in :meth:`raise_ticket` and
:meth:`poll`; the UI runs them off its main thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kiosk.i18n import N_

log = logging.getLogger(__name__)
HELP_PATH = "/api/v1/help"
HELP_STATUS_PATH = "/api/v1/help/status"
HOTLINE = "12345"

#: sends a signed JSON body to a fleet path and returns the answer (raises when it cannot)
Poster = Callable[[str, dict[str, Any]], dict[str, Any]]


class HelpState(StrEnum):
    """Where a call for help stands."""

    IDLE = "idle"
    WAITING = "waiting"              # the ticket is open, nobody has acknowledged yet
    ACKNOWLEDGED = "acknowledged"    # an operator is coming
    FALLBACK = "fallback"            # nobody answered (or no link): call 12345


MESSAGES = {
    HelpState.WAITING: N_("正在联系工作人员，请稍候……"),
    HelpState.ACKNOWLEDGED: N_("工作人员已收到，正在赶来"),
    HelpState.FALLBACK: N_("暂时无法联系到现场工作人员。请拨打政务服务便民热线12345，"
                           "或到服务中心窗口求助。"),
}


@dataclass(frozen=True)
class HelpStatus:
    """The call's state, the message id to show and say, and the ticket's number."""

    state: HelpState
    ticket_id: int | None = None

    @property
    def message(self) -> str:
        """What to tell the citizen (a message id)."""
        return MESSAGES.get(self.state, "")


class HelpDesk:
    """One terminal's calls for help (see the module docstring)."""

    def __init__(self, poster: Poster | None, *, fallback_after_s: float = 90.0,
                 poll_s: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._post = poster
        self.fallback_after_s = fallback_after_s
        self.poll_s = poll_s
        self._clock = clock
        self._since: float | None = None
        self.status = HelpStatus(HelpState.IDLE)

    def raise_ticket(self, screen: str, item_code: str = "", proxy: bool = False) -> HelpStatus:
        """Send the call for help (a second call while one is open follows the same one)."""
        if self.status.state in (HelpState.WAITING, HelpState.ACKNOWLEDGED):
            return self.status
        self._since = self._clock()
        if self._post is None:
            return self._set(HelpStatus(HelpState.FALLBACK))
        try:
            answer = self._post(HELP_PATH, {"screen": screen, "item_code": item_code,
                                            "proxy": proxy})
        except Exception as exc:  # the link is down: the citizen must not wait for nothing
            log.warning("help ticket not delivered: %s", type(exc).__name__)
            return self._set(HelpStatus(HelpState.FALLBACK))
        return self._set(self._from(answer))

    def poll(self) -> HelpStatus:
        """Ask how the open ticket stands; give 12345 once the wait is over."""
        status = self.status
        if status.state is not HelpState.WAITING or status.ticket_id is None:
            return status
        if self._post is not None:
            try:
                status = self._from(self._post(HELP_STATUS_PATH,
                                               {"ticket_id": status.ticket_id}))
            except Exception as exc:
                log.info("help ticket state not known: %s", type(exc).__name__)
        if status.state is HelpState.WAITING and self._waited() >= self.fallback_after_s:
            status = HelpStatus(HelpState.FALLBACK, status.ticket_id)
        return self._set(status)

    def reset(self) -> None:
        """The visit ended: the next call is a new one."""
        self._since = None
        self.status = HelpStatus(HelpState.IDLE)

    def _waited(self) -> float:
        return 0.0 if self._since is None else self._clock() - self._since

    def _from(self, answer: dict[str, Any]) -> HelpStatus:
        ticket_id = answer.get("ticket_id")
        state = HelpState.ACKNOWLEDGED if answer.get("state") in ("acknowledged", "closed") \
            else HelpState.WAITING
        return HelpStatus(state, ticket_id if isinstance(ticket_id, int) else None)

    def _set(self, status: HelpStatus) -> HelpStatus:
        self.status = status
        return status


def fleet_poster(client: Any) -> Poster:
    """A :data:`Poster` over the agent's signed :class:`~kiosk.agent.client.FleetClient`."""
    import json

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        answer: dict[str, Any] = client._post(path, data, "application/json")
        return answer
    return post


def help_desk_for(terminal: Any) -> HelpDesk:
    """The terminal's help desk: through its fleet agent's link when it has one, else
    straight to the 12345 fallback; times from ``[fleet]`` in the configuration."""
    client = getattr(getattr(terminal, "agent", None), "_client", None)
    fleet = getattr(getattr(terminal, "config", None), "fleet", None)
    return HelpDesk(fleet_poster(client) if client is not None else None,
                    fallback_after_s=float(getattr(fleet, "help_fallback_s", 90.0)),
                    poll_s=float(getattr(fleet, "help_poll_s", 2.0)))
