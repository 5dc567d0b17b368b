"""Payments: fines by decision number, pension contributions, item fees; orders, refunds
and fiscal receipts (signed ``/v1`` API of the platform)."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, Response

from simulator.platform import fines, fiscal, idnumber
from simulator.platform.cases import CaseError
from simulator.platform.payments import Order
from simulator.platform.routes_citizen import require
from simulator.platform.schemas_money import (
    DECISION_PATTERN,
    PAY_CODE_PATTERN,
    ContributionOptions,
    FineResponse,
    FiscalReceiptResponse,
    OrderRequest,
    OrderResponse,
    RefundRequest,
)
from simulator.platform.state import ApiError, PlatformState, get_state, terminal_of

router = APIRouter(prefix="/v1", tags=["payments"])
State = Annotated[PlatformState, Depends(get_state)]
PayCode = Annotated[str, Path(pattern=PAY_CODE_PATTERN)]
PENSION_ITEM = "城乡居民养老保险费缴纳"


def api(exc: CaseError) -> ApiError:
    """A domain error as the platform's error answer."""
    return ApiError(exc.status, exc.code, str(exc))


def order_answer(state: PlatformState, order: Order, duplicate: bool = False) -> dict[str, Any]:
    """The API's view of an order, with its payment QR."""
    return dict(order.public(), pay_qr=state.pay_qr(order.pay_code), duplicate=duplicate)


def fine_answer(state: PlatformState, number: str) -> dict[str, Any]:
    """A decision with today's amount; 404 for a malformed number."""
    if not fines.is_valid(number):
        raise ApiError(404, "decision_not_found", "no penalty decision with this number")
    today = dt.date.fromtimestamp(state.clock())
    d = fines.decision(number, today)
    paid = bool(state.store.query("SELECT 1 FROM payment_orders WHERE kind='fine' AND "
                                  "reference=? AND status='paid'", (number,)))
    return {"decision_no": number, "offence_code": d.offence_code, "offence": d.offence,
            "plate_masked": d.plate[:3] + "**" + d.plate[-1], "decided_on": d.decided_on
            .isoformat(), "fine_fen": d.fine_fen, "late_fee_fen": d.late_fee_fen(today),
            "amount_fen": d.amount_fen(today), "paid": paid}


@router.get("/fines/{decision_no}", response_model=FineResponse)
def fine(decision_no: Annotated[str, Path(pattern=DECISION_PATTERN)], state: State) -> Any:
    """A traffic-penalty decision by its number (no identity needed to pay a fine)."""
    return fine_answer(state, decision_no)


def _pension_item(state: PlatformState) -> dict[str, Any]:
    for item in state.catalog.changes(None)["items"]:
        if item["name"] == PENSION_ITEM:
            return dict(item)
    raise ApiError(404, "item_not_found", "no pension contribution item")


@router.get("/contributions/pension", response_model=ContributionOptions)
def pension_options(state: State, token: Annotated[str, Header(alias="X-EBT-Session")]) -> Any:
    """This year's contribution grades for the identified citizen."""
    item = _pension_item(state)
    _, session = require(state, item["code"], token)
    year = dt.date.fromtimestamp(state.clock()).year
    paid = bool(state.store.query(
        "SELECT 1 FROM payment_orders WHERE kind='contribution' AND reference=? AND "
        "payer_hash=? AND status='paid'", (str(year), idnumber.digest(session.id_number))))
    return {"year": year, "grades_fen": list(fines.PENSION_GRADES_FEN), "paid": paid,
            "title": f"{year}年度城乡居民基本养老保险费"}


def _priced(state: PlatformState, body: OrderRequest, token: str | None
            ) -> tuple[str, int, str]:
    """(title, amount in fen, payer hash) the platform itself sets for the order."""
    if body.kind == "fine":
        data = fine_answer(state, body.reference)
        return f"交通违法罚款 决定书{body.reference}", int(data["amount_fen"]), ""
    if token is None:
        raise ApiError(403, "session_invalid", "identity session missing")
    if body.kind == "contribution":
        item = _pension_item(state)
        _, session = require(state, item["code"], token)
        year = str(dt.date.fromtimestamp(state.clock()).year)
        if body.reference != year or body.amount_fen not in fines.PENSION_GRADES_FEN:
            raise ApiError(400, "bad_grade", "not a contribution grade of this year")
        return f"{year}年度城乡居民基本养老保险费", body.amount_fen, idnumber.digest(
            session.id_number)
    if body.kind == "fee":
        item, session = require(state, body.reference, token)
        fee = item.get("fee_fen") or 0
        if not fee:
            raise ApiError(400, "no_fee", "this item has no fee")
        return f"{item['name']} 工本费", int(fee), idnumber.digest(session.id_number)
    raise ApiError(400, "bad_kind", "kind must be fine, contribution or fee")


@router.post("/payments", response_model=OrderResponse)
def create_order(body: OrderRequest, request: Request, response: Response, state: State,
                 token: Annotated[str | None, Header(alias="X-EBT-Session")] = None) -> Any:
    """A payment order with its 缴款码; the same key again returns the same order."""
    title, amount, payer = _priced(state, body, token)
    if amount != body.amount_fen:
        raise ApiError(409, "amount_changed", "the amount due has changed; show it again")
    try:
        order, duplicate = state.payments.create(
            terminal_id=terminal_of(request), key=body.idempotency_key, kind=body.kind,
            reference=body.reference, title=title, amount_fen=amount, payer_hash=payer,
            notify_url=body.notify_url, now=state.clock())
    except CaseError as exc:
        raise api(exc) from None
    response.status_code = 200 if duplicate else 201
    return order_answer(state, order, duplicate)


def _own(state: PlatformState, code: str, request: Request) -> Order:
    try:
        order = state.payments.get(code, state.clock())
    except CaseError as exc:
        raise api(exc) from None
    if order.terminal_id != terminal_of(request):
        raise ApiError(404, "order_not_found", "no payment order with this code")
    return order


@router.get("/payments/by-key/{key}", response_model=OrderResponse)
def order_by_key(key: Annotated[str, Path(min_length=8, max_length=64,
                                          pattern=r"^[A-Za-z0-9_.:-]+$")],
                 request: Request, state: State) -> Any:
    """The order this terminal created with an idempotency key (after a crash the terminal
    may not know the 缴款码 yet); 404 when no order was made."""
    rows = state.store.query("SELECT pay_code FROM payment_orders WHERE terminal_id=? AND "
                             "idempotency_key=?", (terminal_of(request), key))
    if not rows:
        raise ApiError(404, "order_not_found", "no order with this key")
    return order_answer(state, _own(state, rows[0]["pay_code"], request))


@router.get("/payments/{pay_code}", response_model=OrderResponse)
def query_order(pay_code: PayCode, request: Request, state: State) -> Any:
    """Where an order stands (the fallback when a notification does not arrive)."""
    return order_answer(state, _own(state, pay_code, request))


@router.post("/payments/{pay_code}/cancel", response_model=OrderResponse)
def cancel_order(pay_code: PayCode, request: Request, state: State) -> Any:
    """Close an open order; a paid order answers 409 ``already_paid``."""
    _own(state, pay_code, request)
    try:
        return order_answer(state, state.payments.cancel(pay_code, terminal_of(request),
                                                         state.clock()))
    except CaseError as exc:
        raise api(exc) from None


@router.post("/payments/{pay_code}/refund", response_model=OrderResponse)
def refund_order(pay_code: PayCode, body: RefundRequest, request: Request,
                 state: State) -> Any:
    """Give a paid order's money back (idempotent)."""
    _own(state, pay_code, request)
    try:
        return order_answer(state, state.payments.refund(pay_code, terminal_of(request),
                                                         body.reason, state.clock()))
    except CaseError as exc:
        raise api(exc) from None


@router.get("/payments/{pay_code}/fiscal-receipt", response_model=FiscalReceiptResponse)
def fiscal_receipt(pay_code: PayCode, request: Request, state: State,
                   pdf: bool = False) -> Any:
    """The electronic fiscal receipt of a paid order (404 ``not_paid`` before payment);
    ``pdf=true`` adds the receipt's PDF (rendering it takes a few hundred ms)."""
    order = _own(state, pay_code, request)
    if order.status not in ("paid", "refunded") or not order.receipt_no:
        raise ApiError(404, "not_paid", "no receipt: the order is not paid")
    receipt = state.fiscal.for_order(pay_code)
    if receipt is None:
        raise ApiError(404, "not_paid", "no receipt: the order is not paid")
    url = fiscal.verify_url(state.public_url, receipt)
    document = base64.b64encode(fiscal.render_pdf(receipt, url)).decode() if pdf else ""
    return dict(receipt.__dict__, verify_url=url, pdf_b64=document)
