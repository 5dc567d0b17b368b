"""The appointment step of a journey: venue (nearest first) → day → slot → hold → confirm.

:class:`BookingFlow` keeps what the picker shows in a typed :class:`BookingState` and turns
the platform's refusals into messages a citizen can act on: the last place went to someone
else (the slots are refreshed), the hold expired while the citizen hesitated (pick again),
or there is already a booking for this item (shown, with 取消预约). Choosing another time
releases the place held before. The citizen's own bookings can be listed and cancelled.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from kiosk.appointments.booking import AlreadyBooked, HoldExpired, SlotFull, VenueChoice
from kiosk.i18n import N_
from kiosk.platform import errors as perr
from kiosk.platform.models_money import Booking, Hold, SlotDay

OFFLINE = N_("网络暂时不可用，请稍后再试。办事指南仍可查看。")


@dataclass
class BookingState:
    """The picker's content (screens read, only the flow writes)."""

    venues: list[VenueChoice] = field(default_factory=list)
    venue: VenueChoice | None = None
    days: list[SlotDay] = field(default_factory=list)
    hold: Hold | None = None
    booking: Booking | None = None
    mine: list[Booking] = field(default_factory=list)
    key_base: str = field(default_factory=lambda: uuid.uuid4().hex)


class BookingFlow:
    """The appointment part of one journey."""

    def __init__(self, item: Any, session: Any, ports: Any) -> None:
        self.item = item
        self.session = session
        self.ports = ports
        self.state = BookingState()

    @property
    def _token(self) -> str:
        return self.session.identity_token or ""

    def load_venues(self) -> str | None:
        """Venues for the item, nearest first; a message id when none can be shown."""
        if self.ports.booking is None:
            return N_("预约服务暂不可用，请到窗口办理或稍后再试。")
        try:
            self.state.venues = self.ports.booking.venues(self.item.code)
            if self.session.identified:
                self.state.mine = [b for b in self.ports.booking.mine(self._token)
                                   if b.item_code == self.item.code]
        except perr.PlatformError:
            return OFFLINE
        if not self.state.venues:
            return N_("暂时没有可预约的办理地点。")
        return None

    def choose_venue(self, venue_id: str) -> str | None:
        """Show the venue's working days and slots."""
        choice = next((v for v in self.state.venues if v.venue.id == venue_id), None)
        if choice is None:
            return N_("请选择办理地点。")
        self.state.venue = choice
        return self._load_days()

    def _load_days(self) -> str | None:
        venue = self.state.venue
        if venue is None:
            return N_("请选择办理地点。")
        try:
            self.state.days = self.ports.booking.days(self.item.code, venue.venue.id)
        except perr.PlatformError:
            return OFFLINE
        return None if self.state.days else N_("近期已约满，请选择其他办理地点。")

    def choose_slot(self, date: str, start: str) -> str | None:
        """Keep a place at this time (the one kept before is given back)."""
        venue = self.state.venue
        if venue is None:
            return N_("请选择办理地点。")
        self.release()
        key = f"{self.state.key_base}:{venue.venue.id}:{date}:{start}"
        try:
            self.state.hold = self.ports.booking.hold(self.item.code, venue.venue.id, date,
                                                      start, key[:64], self._token)
        except SlotFull:
            self._load_days()
            return N_("这个时段刚刚约满，请选择其他时段。")
        except AlreadyBooked:
            self.load_venues()
            return N_("您已有该事项的预约，如需改约请先取消原预约。")
        except perr.PlatformError:
            return OFFLINE
        return None

    def hold_seconds_left(self) -> int:
        """How long the place is still kept."""
        hold = self.state.hold
        return int(self.ports.booking.seconds_left(hold)) if hold is not None else 0

    def confirm(self) -> str | None:
        """Book the held place; a message id when it did not work."""
        hold = self.state.hold
        if hold is None:
            return N_("请选择预约时段。")
        try:
            self.state.booking = self.ports.booking.confirm(hold, self._token)
        except HoldExpired:
            self.state.hold = None
            self._load_days()
            return N_("为您保留的名额已超时释放，请重新选择时段。")
        except AlreadyBooked:
            self.state.hold = None
            return N_("您已有该事项的预约，如需改约请先取消原预约。")
        except perr.PlatformError:
            return OFFLINE
        self.state.hold = None
        self.session.case_numbers.append(self.state.booking.booking_no)
        self.ports.bus.publish("journey.booked", {"item": self.item.code})
        return None

    def release(self) -> None:
        """Give back the place held (going back, another time, leaving)."""
        if self.state.hold is not None and self.ports.booking is not None:
            self.ports.booking.release(self.state.hold, self._token)
        self.state.hold = None

    def cancel(self, booking_no: str) -> str | None:
        """Cancel one of the citizen's bookings for this item."""
        try:
            self.ports.booking.cancel(booking_no, self._token)
        except perr.PlatformError:
            return OFFLINE
        self.state.mine = [b for b in self.state.mine if b.booking_no != booking_no]
        self.ports.bus.publish("journey.booking_cancelled", {"item": self.item.code})
        return None
