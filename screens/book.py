"""预约: the venue (nearest first), the day, the half-hour slot with the places left; the
place is held while the citizen confirms (countdown); 确认预约 books it. The citizen's
existing booking for the item is shown with 取消预约."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from kiosk.i18n import N_
from screens.widgets import EbtButton, EbtLabel, KioskScreen

WEEKDAYS = ("", N_("周一"), N_("周二"), N_("周三"), N_("周四"), N_("周五"), N_("周六"), N_("周日"))


class BookScreen(KioskScreen):
    """The appointment picker over ``journey.booking``."""

    prompt = "book"
    day = StringProperty("")
    held = StringProperty("")
    seconds = NumericProperty(0)
    _ticker: Any = None

    def wipe(self) -> None:
        """Venues, slots and bookings shown go."""
        super().wipe()
        for name in ("venues", "days", "slots", "mine"):
            self.ids[name].clear_widgets()
        self.day, self.held, self.seconds = "", "", 0
        self._stop()

    def on_leave(self, *_args: Any) -> None:
        """Stop the hold countdown."""
        self._stop()

    def _flow(self) -> Any:
        journey = self.app.journey
        return journey.booking if journey is not None else None

    def refresh(self) -> None:
        """Load the venues the first time, then render."""
        flow = self._flow()
        if flow is None:
            return
        if not flow.state.venues:
            self.app.run_async(flow.load_venues, self._venues_loaded)
            return
        self._render()

    def _venues_loaded(self, problem: Any) -> None:
        self._shown(problem)
        flow = self._flow()
        if not problem and flow is not None and flow.state.venue is None and flow.state.venues:
            self._venue(flow.state.venues[0].venue.id)      # the nearest, already chosen

    def _shown(self, problem: Any) -> None:
        self.notice = self.app.tr(problem) if problem else ""
        self._render()

    def _render(self) -> None:
        app, flow = self.app, self._flow()
        if flow is None:
            return
        state = flow.state
        height = app.theme.target * 1.1
        venues, days, slots, mine = (self.ids[n] for n in ("venues", "days", "slots", "mine"))
        for box in (venues, days, slots, mine):
            box.clear_widgets()
        for booking in state.mine:
            mine.add_widget(EbtLabel(text=app.tr("已有预约") + f"：{booking.date} "
                                     f"{booking.start} {booking.venue_name}"))
            cancel = EbtButton(text=app.tr("取消预约"), kind="danger", size_hint_y=None,
                               ebt_id=f"cancel_booking_{booking.booking_no}", height=height)
            cancel.bind(on_release=lambda _b, n=booking.booking_no: self._cancel(n))
            mine.add_widget(cancel)
        for choice in state.venues[:3 if app.theme.mode == "elderly" else 6]:
            chosen = state.venue is not None and state.venue.venue.id == choice.venue.id
            text = f"{choice.venue.name}  {choice.km:.1f} km" if choice.km else choice.venue.name
            button = EbtButton(text=text, ebt_id=f"venue_{choice.venue.id}", selected=chosen,
                               size_hint_y=None, height=height)
            button.bind(on_release=lambda _b, v=choice.venue.id: self._venue(v))
            venues.add_widget(button)
        if state.days and self.day not in {d.date for d in state.days}:
            self.day = state.days[0].date
        for d in state.days:
            button = EbtButton(text=f"{d.date[5:]} {app.tr(WEEKDAYS[d.weekday])}",
                               ebt_id=f"day_{d.date}", selected=d.date == self.day,
                               size_hint_y=None, height=height)
            button.bind(on_release=lambda _b, x=d.date: self._day(x))
            days.add_widget(button)
        hold = state.hold
        for d in state.days:
            if d.date != self.day:
                continue
            for slot in d.slots:
                picked = hold is not None and (hold.date, hold.start) == (d.date, slot.start)
                button = EbtButton(text=f"{slot.start}-{slot.end}  " + app.tr("余") +
                                   f" {slot.left}", ebt_id=f"slot_{d.date}_{slot.start[:2]}"
                                   f"{slot.start[3:]}", disabled=slot.left == 0,
                                   selected=picked, size_hint_y=None, height=height)
                button.bind(on_release=lambda _b, x=d.date, t=slot.start: self._slot(x, t))
                slots.add_widget(button)
        self.held = f"{hold.date} {hold.start}-{hold.end}" if hold is not None else ""
        self.ids.confirm.disabled = hold is None

    def _venue(self, venue_id: str) -> None:
        flow = self._flow()
        if flow is not None:
            self.day = ""
            self.app.run_async(lambda: flow.choose_venue(venue_id), self._shown)

    def _day(self, day: str) -> None:
        self.day = day
        self._render()

    def _slot(self, day: str, start: str) -> None:
        flow = self._flow()
        if flow is not None:
            self.app.run_async(lambda: flow.choose_slot(day, start), self._held)

    def _held(self, problem: Any) -> None:
        self._shown(problem)
        flow = self._flow()
        self._stop()
        if flow is not None and flow.state.hold is not None:
            self.seconds = flow.hold_seconds_left()
            self._ticker = Clock.schedule_interval(self._tick, 1.0)

    def _tick(self, _dt: float) -> None:
        flow = self._flow()
        self.seconds = flow.hold_seconds_left() if flow is not None else 0

    def _stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    def confirm(self) -> None:
        """确认预约."""
        journey = self.app.journey
        if journey is not None:
            self.app.run_async(journey.confirm_booking, self._confirmed)

    def _confirmed(self, ok: Any) -> None:
        journey = self.app.journey
        self._stop()
        if ok:
            self.app.show_step()
        elif journey is not None:
            self.notice = self.app.tr(journey.message.message) if journey.message else ""
            self._render()

    def _cancel(self, booking_no: str) -> None:
        flow = self._flow()
        if flow is not None:
            self.app.run_async(lambda: flow.cancel(booking_no), self._shown)

    def demo(self, **state: Any) -> None:
        """The picker for a marriage-registration appointment (loads real venues)."""
        self.app.open_demo_journey(str(state.get("code", "KM-CIVIL-001")))
        self.refresh()
