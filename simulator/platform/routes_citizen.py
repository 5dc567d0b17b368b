"""Identity (ID card + face, electronic-ID QR), sessions, queries and certificates."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response

from common.privacy import mask_name
from simulator.platform import certificates, idnumber, payloads, population
from simulator.platform.cases import CaseError, iso_time
from simulator.platform.identity import ACCESS_TTL_S, LEVEL_RANK, Session
from simulator.platform.schemas import (
    CertificateResponse,
    IdCardRequest,
    QrIdentifyRequest,
    QueryResponse,
    SessionResponse,
)
from simulator.platform.state import ApiError, PlatformState, get_state

router = APIRouter(prefix="/v1")
State = Annotated[PlatformState, Depends(get_state)]
SessionHeader = Annotated[str, Header(alias="X-EBT-Session")]


def _session_answer(session: Session) -> dict[str, Any]:
    name = session.name
    return {"session_token": session.token, "level": session.level,
            "access_expires_in": ACCESS_TTL_S,
            "name_masked": mask_name(name) if name else "",
            "id_masked": idnumber.mask(session.id_number)}


@router.post("/identity/idcard", response_model=SessionResponse, tags=["identity"])
def identify_idcard(body: IdCardRequest, state: State) -> Any:
    """人证核验: ID-card chip data plus a live photo that must show a face."""
    number = body.fields.get("id_number", "").strip().upper()
    name = body.fields.get("name", "").strip()
    if not idnumber.is_valid(number) or not name:
        raise ApiError(400, "invalid_id_card", "ID number or name missing or invalid")
    level = "idcard"
    if body.photo_b64 is not None:
        try:
            photo = base64.b64decode(body.photo_b64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(400, "invalid_photo", "photo is not base64") from None
        if not state.faces.has_face(photo):
            raise ApiError(403, "face_not_found", "no face found in the photo")
        if state.faults.snapshot().reject_face:
            raise ApiError(403, "face_mismatch", "face does not match the ID card")
        level = "idcard_face"
    return _session_answer(state.sessions.create(number, name, level, state.clock()))


@router.post("/identity/qr", response_model=SessionResponse, tags=["identity"])
def identify_qr(body: QrIdentifyRequest, state: State) -> Any:
    """Electronic-ID QR (EBT1:EID:…) → session at face level."""
    try:
        number = payloads.verify_eid(state.key, body.payload.strip(), state.clock())
    except payloads.PayloadError as exc:
        raise ApiError(403, f"eid_{exc.reason}", "electronic ID not accepted") from None
    name = state.sessions.registered_name(number)
    return _session_answer(state.sessions.create(number, name, "idcard_face", state.clock()))


@router.delete("/identity/session", status_code=204, tags=["identity"])
def end_session(state: State, token: SessionHeader) -> Response:
    """End data access for the session (the terminal calls this when the citizen leaves)."""
    state.sessions.end(token)
    return Response(status_code=204)


def require(state: PlatformState, code: str, token: str, submit: bool = False
            ) -> tuple[dict[str, Any], Session]:
    """The item and a session allowed to use it; ApiError otherwise."""
    item = state.catalog.get(code)
    if item is None:
        raise ApiError(404, "item_not_found", "no item with this code")
    session = state.sessions.get(token)
    now = state.clock()
    if session is None or not (session.can_submit(now) if submit else session.can_access(now)):
        raise ApiError(403, "session_invalid", "identity session missing or expired")
    if LEVEL_RANK[session.level] < LEVEL_RANK[item["identity_level"]]:
        raise ApiError(403, "identity_level", "this item needs a stronger identity check")
    return item, session


@router.get("/items/{code}/query", response_model=QueryResponse, tags=["items"])
def query(code: str, state: State, token: SessionHeader) -> Any:
    """The citizen's records for a query item."""
    item, session = require(state, code, token)
    if item["flow"] not in ("query", "certificate") or not item.get("topic"):
        raise ApiError(400, "not_a_query", "this item has no query")
    record = population.records(item["topic"], session.id_number, state.seed)
    return dict(record, item_code=code, generated_at=iso_time(state.clock()))


@router.post("/items/{code}/certificate", response_model=CertificateResponse, tags=["items"])
def issue_certificate(code: str, state: State, token: SessionHeader,
                      pay_code: Annotated[str | None, Query(pattern=r"^\d{20}$")] = None
                      ) -> Any:
    """Issue a certificate PDF (A4, CJK, sealed with the department's electronic seal)
    with verification code, QR and a short-lived download link. An item with a fee needs
    the ``pay_code`` of its paid fee order (402 ``payment_required`` otherwise)."""
    item, session = require(state, code, token)
    if item["flow"] != "certificate":
        raise ApiError(400, "not_a_certificate", "this item issues no certificate")
    now = state.clock()
    if item.get("fee_fen"):
        if pay_code is None:
            raise ApiError(402, "payment_required", "pay the fee first")
        try:
            state.payments.consume(pay_code, "fee", code, idnumber.digest(session.id_number),
                                   now)
        except CaseError as exc:
            raise ApiError(exc.status, exc.code, str(exc)) from None
    record = population.records(item["topic"], session.id_number, state.seed)
    vcode = payloads.sig16(state.key, f"CERT:{code}:{session.token}:{now}").upper()
    holder = {"name": session.name or "（电子身份）", "id": idnumber.mask(session.id_number)}
    pdf = state.seal.sign(certificates.render_pdf(item, record, holder, vcode,
                                                  dt.datetime.fromtimestamp(now)))
    with state.store.transaction() as conn:
        conn.execute("INSERT INTO certificates VALUES (?,?,?,?,?)",
                     (vcode, code, item["result"]["name"], holder["id"], now))
    state.downloads.keep(vcode, item["result"]["name"], pdf, now)
    link, expires = state.downloads.token(vcode, now)
    return {"item_code": code, "title": item["result"]["name"], "verification_code": vcode,
            "qr_payload": certificates.certificate_qr(vcode), "issued_at": iso_time(now),
            "pdf_b64": base64.b64encode(pdf).decode(),
            "download_url": f"{state.public_url.rstrip('/')}/d/{link}",
            "download_expires_at": expires}
