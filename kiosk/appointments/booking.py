"""Booking an appointment: venues nearest first, days and slots, hold, confirm, cancel.

``BookingDesk`` turns the platform's answers into what a picker screen needs and the
platform's refusals into typed outcomes a screen can word plainly: ``SlotFull`` (someone
took the last place — pick again, the slots are refreshed), ``AlreadyBooked`` (one active
booking per citizen per item — show it, offer to cancel), ``HoldExpired`` (the citizen
hesitated past the hold — the place was released, pick again). One hold per intent key,
so a double tap on 确认 keeps one place, not two.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.flows.geo import distance_km
from kiosk.platform import errors
from kiosk.platform.models_money import Booking, Hold, SlotDay, Venue


class BookingProblem(Exception):
    """A booking step the platform refused for a reason the citizen can act on."""


class SlotFull(BookingProblem):
    """No place left at that time."""


class AlreadyBooked(BookingProblem):
    """The citizen already holds a booking for this item."""


class HoldExpired(BookingProblem):
    """The kept place was released before the citizen confirmed."""


@dataclass(frozen=True)
class VenueChoice:
    """A venue and how far it is from this terminal (km)."""

    venue: Venue
    km: float


class BookingDesk:
    """The terminal's appointment steps over ``MoneyClient``."""

    def __init__(self, money: Any, lat: float | None = None, lon: float | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.money = money                      # kiosk.platform.money_client.MoneyClient
        self.lat = lat
        self.lon = lon
        self._clock = clock

    def venues(self, item_code: str) -> list[VenueChoice]:
        """Venues for the item, nearest first (as listed when the position is unknown)."""
        found = self.money.venues(item_code, self.lat, self.lon)
        if self.lat is None or self.lon is None:
            return [VenueChoice(v, 0.0) for v in found]
        ranked = [VenueChoice(v, distance_km(self.lat, self.lon, v.lat, v.lon)) for v in found]
        return sorted(ranked, key=lambda c: c.km)

    def days(self, item_code: str, venue_id: str, days: int = 5) -> list[SlotDay]:
        """Working days with their slots (only days with at least one free place)."""
        return [d for d in self.money.slots(item_code, venue_id, days)
                if any(s.left > 0 for s in d.slots)]

    def hold(self, item_code: str, venue_id: str, date: str, start: str, key: str,
             session_token: str) -> Hold:
        """Keep the place while the citizen confirms."""
        try:
            return self.money.hold(item_code, venue_id, date, start, key, session_token)
        except errors.Conflict as exc:
            if exc.code == "slot_full":
                raise SlotFull("no place left at this time") from None
            if exc.code == "already_booked":
                raise AlreadyBooked("a booking for this item exists") from None
            raise

    def seconds_left(self, hold: Hold) -> float:
        """How long the place is still kept (for the countdown)."""
        return max(0.0, hold.expires_at - self._clock())

    def confirm(self, hold: Hold, session_token: str) -> Booking:
        """Book the held place."""
        try:
            return self.money.confirm(hold.hold_id, session_token)
        except errors.RequestRejected as exc:
            if exc.code == "hold_expired":
                raise HoldExpired("the place was released") from None
            if exc.code == "already_booked":
                raise AlreadyBooked("a booking for this item exists") from None
            raise

    def release(self, hold: Hold, session_token: str) -> None:
        """Give the place back (the citizen went back or left); never raises."""
        with contextlib.suppress(errors.PlatformError):   # the hold expires on its own
            self.money.release(hold.hold_id, session_token)

    def mine(self, session_token: str) -> list[Booking]:
        """The citizen's active bookings."""
        return list(self.money.my_bookings(session_token))

    def cancel(self, booking_no: str, session_token: str) -> Booking:
        """Cancel one of the citizen's bookings."""
        return self.money.cancel_booking(booking_no, session_token)
