"""Appointments: venues for an item (nearest first), slots, holds, bookings, cancelling."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response

from simulator.platform import idnumber
from simulator.platform.cases import CaseError
from simulator.platform.routes_citizen import require
from simulator.platform.schemas_money import (
    BookingResponse,
    HoldRequest,
    HoldResponse,
    SlotDay,
    Venue,
)
from simulator.platform.state import ApiError, PlatformState, get_state, terminal_of

router = APIRouter(prefix="/v1/appointments", tags=["appointments"])
State = Annotated[PlatformState, Depends(get_state)]
SessionHeader = Annotated[str, Header(alias="X-EBT-Session")]


def _api(exc: CaseError) -> ApiError:
    return ApiError(exc.status, exc.code, str(exc))


def _item(state: PlatformState, code: str) -> dict[str, Any]:
    item = state.catalog.get(code)
    if item is None or item["flow"] != "appointment":
        raise ApiError(404, "item_not_found", "no appointment item with this code")
    return item


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2)
         * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@router.get("/venues", response_model=list[Venue])
def venues(state: State, item: str, lat: float | None = Query(None, ge=-90, le=90),
           lon: float | None = Query(None, ge=-180, le=180)) -> Any:
    """Halls taking appointments for the item; nearest first when lat/lon are given."""
    found = state.appointments.offering(_item(state, item))
    if lat is not None and lon is not None:
        found.sort(key=lambda v: _km(lat, lon, v["lat"], v["lon"]))
    return found


@router.get("/slots", response_model=list[SlotDay])
def slots(state: State, item: str, venue: str,
          days: int = Query(5, ge=1, le=10)) -> Any:
    """The next working days' half-hour slots with places left."""
    try:
        return state.appointments.slots(_item(state, item), venue, state.clock(), days)
    except CaseError as exc:
        raise _api(exc) from None


@router.post("/holds", response_model=HoldResponse)
def hold(body: HoldRequest, request: Request, response: Response, state: State,
         token: SessionHeader) -> Any:
    """Keep one place while the citizen confirms (expires; same key → same hold)."""
    item, session = require(state, body.item_code, token)
    if item["flow"] != "appointment":
        raise ApiError(404, "item_not_found", "no appointment item with this code")
    try:
        held, duplicate = state.appointments.hold(
            item, body.venue_id, body.date, body.start, idnumber.digest(session.id_number),
            terminal_of(request), body.idempotency_key, state.clock())
    except CaseError as exc:
        raise _api(exc) from None
    response.status_code = 200 if duplicate else 201
    return dict(held, duplicate=duplicate)


@router.post("/holds/{hold_id}/confirm", response_model=BookingResponse)
def confirm(hold_id: Annotated[str, Path(max_length=40)], state: State,
            token: SessionHeader, response: Response) -> Any:
    """Book the held place (410 ``hold_expired`` when it was released)."""
    session = state.sessions.get(token)
    if session is None or not session.can_access(state.clock()):
        raise ApiError(403, "session_invalid", "identity session missing or expired")
    holder = idnumber.digest(session.id_number)
    rows = state.store.query("SELECT item_code FROM appointment_holds WHERE hold_id=?",
                             (hold_id,))
    item = state.catalog.get(rows[0]["item_code"]) if rows else None
    name = str(item["name"]) if item else ""
    try:
        booking, duplicate = state.appointments.confirm(hold_id, holder, name, state.clock())
    except CaseError as exc:
        raise _api(exc) from None
    response.status_code = 200 if duplicate else 201
    return dict(booking, duplicate=duplicate)


@router.delete("/holds/{hold_id}", status_code=204)
def release(hold_id: Annotated[str, Path(max_length=40)], state: State,
            token: SessionHeader) -> Response:
    """Give a held place back."""
    session = state.sessions.get(token)
    if session is not None:
        state.appointments.release(hold_id, idnumber.digest(session.id_number))
    return Response(status_code=204)


@router.get("/mine", response_model=list[BookingResponse])
def mine(state: State, token: SessionHeader) -> Any:
    """The identified citizen's active bookings."""
    session = state.sessions.get(token)
    if session is None or not session.can_access(state.clock()):
        raise ApiError(403, "session_invalid", "identity session missing or expired")
    return state.appointments.mine(idnumber.digest(session.id_number), state.clock())


@router.post("/{booking_no}/cancel", response_model=BookingResponse)
def cancel(booking_no: Annotated[str, Path(max_length=40)], state: State,
           token: SessionHeader) -> Any:
    """Cancel one's own booking (idempotent)."""
    session = state.sessions.get(token)
    if session is None or not session.can_access(state.clock()):
        raise ApiError(403, "session_invalid", "identity session missing or expired")
    try:
        return state.appointments.cancel(booking_no, idnumber.digest(session.id_number),
                                         state.clock())
    except CaseError as exc:
        raise _api(exc) from None
