"""``POST /v1/services``: the terminal registers a completed service so it can be rated.

Queries and certificates need the citizen's session (the record is bound to them); a
certificate's reference must be a verification code this platform issued for the item.
Guides, payments, appointments and progress look-ups may be anonymous: their record is
rated with the signed payload returned here, which only the terminal that registered it
holds (it shows it on the screen and the slip).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response

from simulator.platform import ownership
from simulator.platform.cases import CaseError
from simulator.platform.schemas import ServiceRequest, ServiceResponse
from simulator.platform.services import IDENTIFIED_KINDS
from simulator.platform.state import ApiError, PlatformState, get_state, terminal_of

router = APIRouter()
State = Annotated[PlatformState, Depends(get_state)]
OptSession = Annotated[str | None, Header(alias="X-EBT-Session")]


@router.post("/services", response_model=ServiceResponse, tags=["evaluation"])
def register_service(body: ServiceRequest, request: Request, state: State,
                     response: Response, token: OptSession = None) -> Any:
    """Register a completed query, certificate, guide, payment, appointment or progress
    look-up (好差评 办件信息); the answer carries its number and the signed payload to rate
    it. The same idempotency key again returns the same record."""
    item = state.catalog.get(body.item_code)
    if item is None and body.kind != "progress":
        raise ApiError(404, "item_not_found", "no item with this code")
    holder, _session = ownership.session_holder(state, token)
    if body.kind in IDENTIFIED_KINDS and not holder:
        raise ApiError(403, "session_invalid", "this service needs the citizen's session")
    if body.kind == "certificate":
        rows = state.store.query("SELECT item_code FROM certificates WHERE code=?",
                                 (body.reference,))
        if not rows or rows[0]["item_code"] != body.item_code:
            raise ApiError(404, "certificate_not_found", "no such certificate for this item")
    subject = item or {"code": body.item_code, "name": "办件进度查询", "department": "e办通"}
    try:
        record, duplicate = state.evaluations.services.register(
            subject, body.kind, holder, terminal_of(request), body.visit_id, body.reference,
            body.idempotency_key, state.clock())
        qr = state.evaluations.qr(record.service_no, state.clock())
    except CaseError as exc:
        raise ApiError(exc.status, exc.code, str(exc)) from None
    response.status_code = 200 if duplicate else 201
    return {"service_no": record.service_no, "kind": record.kind,
            "item_code": record.item_code, "item_name": record.item_name,
            "duplicate": duplicate, "evaluation_qr": qr["payload"]}
