"""Control surface for payments and appointments (not signed, not in the OpenAPI
document): settle orders with a chosen notification fault, list orders and notification
deliveries, mint fine decisions, fill a slot, change the expiry times."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from simulator.platform import fines
from simulator.platform.cases import CaseError
from simulator.platform.state import ApiError, PlatformState, get_state
from simulator.platform.wallet import OUTCOMES, settle

router = APIRouter(prefix="/_sim", include_in_schema=False)
State = Annotated[PlatformState, Depends(get_state)]


@router.post("/payments/{pay_code}/{outcome}")
def settle_order(pay_code: str, outcome: str, state: State,
                 notify: str = "normal") -> dict[str, Any]:
    """outcome: paid | failed | expired | late (paid after expiry); notify: normal |
    lost | duplicate | bad_signature."""
    if outcome not in OUTCOMES:
        raise ApiError(400, "bad_outcome", f"outcome must be one of {', '.join(OUTCOMES)}")
    try:
        return settle(state, pay_code, outcome, notify).public()
    except CaseError as exc:
        raise ApiError(exc.status, exc.code, str(exc)) from None
    except ValueError as exc:
        raise ApiError(400, "bad_notify", str(exc)) from None


@router.get("/payments")
def list_orders(state: State) -> list[dict[str, Any]]:
    """Every order (with the terminal it belongs to)."""
    return [dict(o.public(), terminal_id=o.terminal_id)
            for o in state.payments.all_orders(state.clock())]


@router.get("/notifications")
def deliveries(state: State) -> list[dict[str, Any]]:
    """Notification attempts: order, event, mode, HTTP status (0 = not sent)."""
    return [dataclasses.asdict(d) for d in state.notifier.deliveries]


@router.get("/fines/sample")
def sample_fines(state: State, count: int = 5) -> list[str]:
    """Valid penalty-decision numbers to pay."""
    return fines.sample_decisions(state.seed, min(max(count, 1), 50))


@router.post("/appointments/fill")
def fill_slot(state: State, item: str, venue: str, date: str, start: str) -> dict[str, int]:
    """Book every place left in a slot (a full venue)."""
    found = state.catalog.get(item)
    if found is None:
        raise ApiError(404, "item_not_found", "no such item")
    try:
        return {"booked": state.appointments.fill(found, venue, date, start, state.clock())}
    except CaseError as exc:
        raise ApiError(exc.status, exc.code, str(exc)) from None


@router.post("/money/settings")
def money_settings(state: State, changes: Annotated[dict[str, float], Body()]
                   ) -> dict[str, float]:
    """Change ``order_ttl_s``, ``hold_ttl_s``, ``download_ttl_s`` (demos, tests)."""
    targets = {"order_ttl_s": (state.payments, "ttl_s"),
               "hold_ttl_s": (state.appointments, "hold_ttl_s"),
               "download_ttl_s": (state.downloads, "ttl_s")}
    for name, value in changes.items():
        if name not in targets:
            raise ApiError(400, "bad_setting", f"known: {', '.join(targets)}")
        setattr(*targets[name], float(value))
    return {name: float(getattr(obj, attr)) for name, (obj, attr) in targets.items()}
