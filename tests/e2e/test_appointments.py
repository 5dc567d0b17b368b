"""Appointments against the real platform simulator: venues nearest first, working days
from the Chinese calendar, hold → confirm → check-in QR, one booking per citizen per item,
a full venue, a hold that expires while the citizen hesitates, and two terminals racing
for the last place (exactly one wins)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest

from kiosk.appointments.booking import AlreadyBooked, BookingDesk, HoldExpired, SlotFull
from kiosk.platform import errors
from kiosk.platform.client import PlatformClient
from kiosk.platform.money_client import MoneyClient
from simulator.platform import idnumber
from simulator.platform.server import PlatformServer
from tests.e2e.money_rig import SECRET, TERMINAL, control, eid_session

ITEM = "KM-CIVIL-001"           # 结婚登记预约
TERMINAL_LAT, TERMINAL_LON = 25.0406, 102.7123
# 2026-09-30 (Wed) 08:00: then the National Day holiday; 10-10 (Sat) is a make-up day
START = dt.datetime(2026, 9, 30, 8, 0).timestamp()


@pytest.fixture(scope="module")
def server() -> Iterator[PlatformServer]:
    srv = PlatformServer(seed=6, terminal_secrets={TERMINAL: SECRET, "KM-DEMO-0002": "s2"})
    srv.start()
    srv.state.clock = lambda: START
    yield srv
    srv.stop()


def desk(server: PlatformServer, terminal: str = TERMINAL, secret: str = SECRET
         ) -> BookingDesk:
    return BookingDesk(MoneyClient(PlatformClient(server.url, terminal, secret)),
                       TERMINAL_LAT, TERMINAL_LON, clock=server.state.clock)


def citizen(n: int) -> str:
    return idnumber.make("530102", dt.date(1980, 1, 1) + dt.timedelta(days=n), 100 + n)


def test_venues_nearest_first_and_working_days_only(server: PlatformServer) -> None:
    d = desk(server)
    choices = d.venues(ITEM)
    assert len(choices) >= 5
    assert [c.km for c in choices] == sorted(c.km for c in choices)
    days = d.money.slots(ITEM, choices[0].venue.id, 5)
    assert [x.date for x in days] == ["2026-09-30", "2026-10-08", "2026-10-09",
                                      "2026-10-10", "2026-10-12"]
    assert days[0].slots[0].start == "09:00" and days[0].slots[0].left > 0
    assert all(x.calendar_known for x in days)


def test_hold_confirm_checkin_qr_one_booking_per_item_and_cancel(
        server: PlatformServer) -> None:
    d = desk(server)
    token = eid_session(server, d.money.platform, citizen(1))
    venue = d.venues(ITEM)[0].venue
    hold = d.hold(ITEM, venue.id, "2026-10-08", "09:30", "visit-1:appt", token)
    again = d.hold(ITEM, venue.id, "2026-10-08", "09:30", "visit-1:appt", token)
    assert again.hold_id == hold.hold_id and again.duplicate        # double tap: one place
    assert 0 < d.seconds_left(hold) <= server.state.appointments.hold_ttl_s
    booking = d.confirm(hold, token)
    assert booking.checkin_qr.startswith(f"EBT1:APPT:{booking.booking_no}:")
    assert booking.venue_name == venue.name and booking.start == "09:30"
    assert d.confirm(hold, token).booking_no == booking.booking_no  # idempotent
    with pytest.raises(AlreadyBooked):
        d.hold(ITEM, venue.id, "2026-10-09", "10:00", "visit-2:appt", token)
    assert [b.booking_no for b in d.mine(token)] == [booking.booking_no]
    assert d.cancel(booking.booking_no, token).status == "cancelled"
    assert d.mine(token) == []
    d.hold(ITEM, venue.id, "2026-10-09", "10:00", "visit-3:appt", token)   # may book again


def test_full_venue(server: PlatformServer) -> None:
    d = desk(server)
    token = eid_session(server, d.money.platform, citizen(2))
    venue = d.venues(ITEM)[0].venue
    control(server, "appointments/fill", item=ITEM, venue=venue.id, date="2026-10-12",
            start="14:00")
    day = next(x for x in d.money.slots(ITEM, venue.id, 5) if x.date == "2026-10-12")
    assert next(s for s in day.slots if s.start == "14:00").left == 0
    with pytest.raises(SlotFull):
        d.hold(ITEM, venue.id, "2026-10-12", "14:00", "visit-4:appt", token)


def test_hold_expires_while_the_citizen_hesitates(server: PlatformServer) -> None:
    d = desk(server)
    token = eid_session(server, d.money.platform, citizen(3))
    venue = d.venues(ITEM)[1].venue
    before = next(s for s in d.money.slots(ITEM, venue.id, 1)[0].slots if s.start == "11:00")
    hold = d.hold(ITEM, venue.id, "2026-09-30", "11:00", "visit-5:appt", token)
    held = next(s for s in d.money.slots(ITEM, venue.id, 1)[0].slots if s.start == "11:00")
    assert held.left == before.left - 1
    ttl = server.state.appointments.hold_ttl_s
    server.state.clock = lambda: START + ttl + 1               # the citizen hesitated
    try:
        with pytest.raises(HoldExpired):
            d.confirm(hold, token)
        after = next(s for s in d.money.slots(ITEM, venue.id, 1)[0].slots
                     if s.start == "11:00")
        assert after.left == before.left                       # the place is free again
    finally:
        server.state.clock = lambda: START


def race(d: BookingDesk, token: str, venue_id: str, day: str, start: str, key: str,
         barrier: threading.Barrier, results: list[str]) -> None:
    """One terminal's attempt at the last place, released together with the other's."""
    barrier.wait()
    try:
        d.confirm(d.hold(ITEM, venue_id, day, start, key, token), token)
        results.append("booked")
    except SlotFull:
        results.append("full")
    except errors.PlatformError as exc:
        results.append(type(exc).__name__)


def test_two_terminals_racing_for_the_last_place_one_wins(server: PlatformServer) -> None:
    a, b = desk(server), desk(server, "KM-DEMO-0002", "s2")
    venue = a.venues(ITEM)[0].venue
    for round_no, start in enumerate(("09:00", "10:00", "10:30", "15:00", "16:00")):
        day = "2026-10-10"
        slot = next(s for s in a.money.slots(ITEM, venue.id, 5)[3].slots if s.start == start)
        for n in range(slot.left - 1):                         # leave exactly one place
            t = eid_session(server, a.money.platform, citizen(100 + 10 * round_no + n))
            a.confirm(a.hold(ITEM, venue.id, day, start, f"fill-{round_no}-{n}", t), t)
        tokens = [eid_session(server, x.money.platform, citizen(200 + 2 * round_no + i))
                  for i, x in enumerate((a, b))]
        barrier = threading.Barrier(2)
        results: list[str] = []
        threads = [threading.Thread(target=race, args=(
            x, tok, venue.id, day, start, f"race-{round_no}-{i}", barrier, results))
                   for i, (x, tok) in enumerate(zip((a, b), tokens, strict=True))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(results) == ["booked", "full"], (start, results)
        slot = next(s for s in a.money.slots(ITEM, venue.id, 5)[3].slots if s.start == start)
        assert slot.left == 0
