"""Addresses for citizens' phones, outside the signed terminal API: certificate downloads,
fiscal-receipt checks, the seal's root certificate and the simulated wallet's pay page."""

from __future__ import annotations

import hmac
from html import escape
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from simulator.platform import fiscal, payloads
from simulator.platform.cases import CaseError
from simulator.platform.state import ApiError, PlatformState, get_state
from simulator.platform.wallet import settle

router = APIRouter(include_in_schema=False)
State = Annotated[PlatformState, Depends(get_state)]


@router.get("/d/{token}")
def download(token: str, state: State) -> Response:
    """The sealed certificate PDF; 403 altered link, 410 expired link, 404 unknown."""
    try:
        title, pdf = state.downloads.resolve(token, state.clock())
    except CaseError as exc:
        raise ApiError(exc.status, exc.code, str(exc)) from None
    name = quote(f"{title}.pdf")
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
        "Cache-Control": "no-store"})


@router.get("/fiscal/verify")
def verify_receipt(state: State, number: str, check: str, code: str = "") -> dict[str, Any]:
    """Is this fiscal receipt genuine (number + check code)?"""
    receipt = state.fiscal.check(number, check)
    if receipt is None or (code and code != receipt.code):
        return {"genuine": False}
    return {"genuine": True, "code": receipt.code, "number": receipt.number,
            "title": receipt.title, "amount": fiscal.yuan(receipt.amount_fen),
            "payee": receipt.payee, "issued_at": receipt.issued_at}


@router.get("/seal/ca.pem")
def seal_ca(state: State) -> Response:
    """The test root certificate the certificate seals chain to."""
    return Response(state.seal.ca_pem, media_type="application/x-pem-file")


def _check(state: PlatformState, pay_code: str, s: str) -> None:
    if not hmac.compare_digest(payloads.sig16(state.key, f"PAY:{pay_code}"), s):
        raise ApiError(403, "link_invalid", "this payment code is not valid")


@router.get("/pay/{pay_code}", response_class=HTMLResponse)
def wallet_page(pay_code: str, s: str, state: State) -> str:
    """What a phone wallet shows after scanning the terminal's payment QR (simulated)."""
    _check(state, pay_code, s)
    try:
        order = state.payments.get(pay_code, state.clock())
    except CaseError as exc:
        raise ApiError(exc.status, exc.code, str(exc)) from None
    button = ("<form method=post><button>确认支付 Pay</button></form>"
              if order.status == "open" else f"<p>{escape(order.status)}</p>")
    return (f"<!doctype html><meta charset=utf-8><title>模拟钱包</title>"
            f"<h1>{escape(order.title)}</h1><p>缴款码 {order.pay_code}</p>"
            f"<p>¥{fiscal.yuan(order.amount_fen)}</p>{button}")


@router.post("/pay/{pay_code}", response_class=HTMLResponse)
def wallet_pay(pay_code: str, s: str, state: State) -> str:
    """The simulated wallet pays the order."""
    _check(state, pay_code, s)
    try:
        order = settle(state, pay_code, "paid")
    except CaseError as exc:
        raise ApiError(exc.status, exc.code, str(exc)) from None
    return f"<!doctype html><meta charset=utf-8><p>支付成功 {order.pay_code}</p>"
