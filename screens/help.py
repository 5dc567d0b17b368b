"""一键求助: the call for help is on its way — then "工作人员已收到，正在赶来", or the 12345
hotline when nobody answers in time. The decisions are the core's
(:class:`kiosk.help_desk.HelpDesk`); this screen shows them, says them, and asks for the
ticket's state while it is open."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import StringProperty

from kiosk.help_desk import HOTLINE, HelpDesk, HelpState, HelpStatus, help_desk_for
from screens.widgets import KioskScreen


class HelpScreen(KioskScreen):
    """Shows the call's state; 返回 goes back to where the citizen was."""

    prompt = "help"                 # said on entering; the outcome is said when it comes
    message = StringProperty("")
    detail = StringProperty("")
    state = StringProperty("idle")
    _poll: Any = None
    _desk: HelpDesk | None = None

    @property
    def desk(self) -> HelpDesk:
        """The terminal's help desk (built on first use, from the fleet agent's link)."""
        if self._desk is None:
            self._desk = help_desk_for(self.app.terminal)
        return self._desk

    def use_desk(self, desk: HelpDesk) -> None:
        """Another help desk (tests and the demo wire one to their own fleet server)."""
        self._desk = desk

    def refresh(self) -> None:
        """On entering: raise the ticket with where the citizen was (no identity)."""
        app = self.app
        desk = self.desk
        if desk.status.state is not HelpState.IDLE:
            self.show_status(desk.status)
            return
        history = app.visit.history
        where = history[-1] if history else "attract"
        journey = app.journey
        item = journey.item.code if journey is not None else ""
        proxy = bool(getattr(app.session, "proxy", None))
        self.show_status(HelpStatus(HelpState.WAITING))
        app.run_async(lambda: desk.raise_ticket(where, item, proxy), self.show_status)

    def show_status(self, status: HelpStatus) -> None:
        """Render (and say) the call's state; keep asking while nobody has answered."""
        app = self.app
        changed = status.state.value != self.state
        self.state = status.state.value
        self.message = app.tr(status.message)
        self.detail = (app.tr("求助编号") + f"：{status.ticket_id}"
                       if status.ticket_id is not None else "")
        if status.state is HelpState.FALLBACK:
            self.detail = app.tr("政务服务便民热线") + f"：{HOTLINE}"
        if changed and status.state in (HelpState.ACKNOWLEDGED, HelpState.FALLBACK):
            app.speak(status.message)
        if status.state is HelpState.WAITING:
            if self._poll is None and status.ticket_id is not None:
                desk = self.desk
                self._poll = Clock.schedule_interval(
                    lambda _dt: app.run_async(desk.poll, self.show_status), desk.poll_s)
        else:
            self._stop()

    def _stop(self) -> None:
        if self._poll is not None:
            self._poll.cancel()
            self._poll = None

    def on_leave(self, *_args: Any) -> None:
        """No asking while the screen is not shown (the ticket stays open at the server)."""
        self._stop()

    def wipe(self) -> None:
        """The call belongs to the visit."""
        super().wipe()
        self._stop()
        if self._desk is not None:
            self._desk.reset()
        self.message, self.detail, self.state = "", "", "idle"

    def demo(self, **state: Any) -> None:
        """The acknowledged state."""
        self.show_status(HelpStatus(HelpState(state.get("state", "acknowledged")), 7))
