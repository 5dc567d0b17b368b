"""The simulator's control surface (not part of the platform API, not in the OpenAPI
document, not signed): faults, catalog versions, cases, sample payloads."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from simulator.platform import idnumber, payloads
from simulator.platform.state import ApiError, PlatformState, get_state

router = APIRouter(prefix="/_sim", include_in_schema=False)
State = Annotated[PlatformState, Depends(get_state)]


@router.get("/faults")
def get_faults(state: State) -> dict[str, Any]:
    """The current fault switches."""
    return dataclasses.asdict(state.faults.snapshot())


@router.post("/faults")
def set_faults(state: State, changes: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Change fault switches, e.g. {"error_status": 503, "error_count": 2}, or switch a
    named fault on: {"name": "timeout"} (see faults.PRESETS)."""
    changes = dict(changes)
    name = changes.pop("name", None)
    try:
        return dataclasses.asdict(state.faults.set(name, **changes))
    except ValueError as exc:
        raise ApiError(400, "bad_fault", str(exc)) from None


@router.delete("/faults")
def clear_faults(state: State) -> dict[str, Any]:
    """Switch every fault off."""
    state.faults.clear()
    return dataclasses.asdict(state.faults.snapshot())


@router.post("/catalog/bump")
def bump_catalog(state: State, updates: int = 3, add: int = 0, remove: int = 0) -> dict[str, int]:
    """Publish a new catalog version with some items changed, added or removed."""
    return {"version": state.catalog.bump(updates, add, remove)}


@router.get("/cases")
def list_cases(state: State) -> list[dict[str, Any]]:
    """Every case with terminal and idempotency key (for tests and demos)."""
    return state.cases.all_cases()


@router.post("/mint")
def mint(state: State, id_number: str = idnumber.SAMPLE_IDS[0]) -> dict[str, str]:
    """Sample QR payloads (e-ID, every e-licence type) for a citizen."""
    if not idnumber.is_valid(id_number):
        raise ApiError(400, "invalid_id_number", "not a valid ID number")
    return payloads.sample_payloads(state.key, id_number, state.clock())
