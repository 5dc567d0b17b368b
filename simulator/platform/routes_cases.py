"""Applications (idempotent), progress by case number, and evaluations (好差评).

Progress, the rate-later QR and a terminal's rating answer only the case's own citizen
(:mod:`simulator.platform.ownership`: the session or the receipt's signed payload)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, Response

from simulator.platform import (
    forms,
    idnumber,
    lifeevents,
    ownership,
    payloads,
    proxy,
    routes_forms,
    routes_services,
    where,
)
from simulator.platform.cases import CaseError
from simulator.platform.routes_citizen import require
from simulator.platform.schemas import (
    CASE_PATTERN,
    ApplicationRequest,
    ApplicationResponse,
    EvaluationQrResponse,
    EvaluationRequest,
    EvaluationResponse,
    ProgressResponse,
    QrEvaluationRequest,
)
from simulator.platform.state import ApiError, PlatformState, get_state, terminal_of

router = APIRouter(prefix="/v1")
State = Annotated[PlatformState, Depends(get_state)]
CaseNo = Annotated[str, Path(pattern=CASE_PATTERN)]
OptSession = Annotated[str | None, Header(alias="X-EBT-Session")]
OptProof = Annotated[str | None, Header(alias="X-EBT-Proof", max_length=200)]


def _api(exc: CaseError) -> ApiError:
    return ApiError(exc.status, exc.code, str(exc))


@router.post("/items/{code}/applications", response_model=ApplicationResponse,
             tags=["applications"])
def submit_application(code: str, body: ApplicationRequest, request: Request, state: State,
                       response: Response,
                       token: Annotated[str, Header(alias="X-EBT-Session")]) -> Any:
    """Submit an application; the same idempotency key again returns the same case."""
    item, session = require(state, code, token, submit=True)
    if item["flow"] not in ("application", "appointment"):
        raise ApiError(400, "not_an_application", "this item takes no application")
    if item.get("bundle"):                   # 一件事一次办: linked cases (lifeevents.py)
        return _submit_bundle(item, body, request, state, response, session)
    deferred: list[dict[str, str]] = []
    if item["flow"] == "application":
        commitment = body.commitment.model_dump() if body.commitment else None
        problems, deferred = forms.check_submission(
            item, body.form, body.materials, commitment, state.clock(), state.cases.calendar)
        if problems:
            raise ApiError(422, "application_incomplete", "；".join(problems))
    try:
        case_no, duplicate = state.cases.submit(
            item, idnumber.digest(session.id_number), terminal_of(request),
            body.idempotency_key, body.form, body.materials, state.clock())
        progress = state.cases.progress(case_no, state.clock())
    except CaseError as exc:
        raise _api(exc) from None
    acting = proxy.authorisation(state.store, token)       # 代办: the recorded authorisation
    if acting is not None:
        proxy.note_case(state.store, case_no, acting["authorisation_no"])
    forwarding = where.forwarding_for(item, session.id_number)
    forwarded = (state.forwards.record(case_no, forwarding, state.clock())
                 if forwarding is not None else None)
    response.status_code = 200 if duplicate else 201
    return {"case_no": case_no, "duplicate": duplicate, "state": progress["state"],
            "state_name": progress["state_name"],
            "progress_qr": payloads.case_qr(state.key, case_no),
            "submitted_at": progress["submitted_at"],
            "evaluation_qr": state.evaluations.qr(case_no, state.clock())["payload"],
            "cross_province": forwarded, "deferred": deferred, "proxy": acting}


def _submit_bundle(item: dict[str, Any], body: ApplicationRequest, request: Request,
                   state: PlatformState, response: Response, session: Any) -> Any:
    commitment = body.commitment.model_dump() if body.commitment else None
    try:
        done = lifeevents.submit_bundle(state, item, idnumber.digest(session.id_number),
                                        terminal_of(request), body.idempotency_key, body.form,
                                        body.materials, commitment)
        progress = state.cases.progress(done["case_no"], state.clock())
    except ValueError as exc:
        raise ApiError(422, "application_incomplete", str(exc)) from None
    except CaseError as exc:
        raise _api(exc) from None
    response.status_code = 200 if done["duplicate"] else 201
    return {"case_no": done["case_no"], "duplicate": done["duplicate"],
            "state": progress["state"], "state_name": progress["state_name"],
            "progress_qr": payloads.case_qr(state.key, done["case_no"]),
            "submitted_at": progress["submitted_at"],
            "evaluation_qr": state.evaluations.qr(done["case_no"], state.clock())["payload"],
            "deferred": done["deferred"], "linked": done["linked"], "failed": done["failed"]}


@router.get("/cases/{case_no}/progress", response_model=ProgressResponse, tags=["applications"])
def progress(case_no: CaseNo, state: State, token: OptSession = None,
             proof: OptProof = None) -> Any:
    """Where a case is and how it got there (its own citizen only: session or the
    receipt's signed QR in ``X-EBT-Proof``; anyone else gets 404)."""
    ownership.authorise(state, case_no, token, proof, reading=True)
    case = state.cases.get(case_no)
    item = state.catalog.get(case["item_code"]) if case else None
    try:
        answer = state.cases.progress(case_no, state.clock(),
                                      item["promised_time_limit_days"] if item else 0)
        return dict(answer, cross_province=state.forwards.get(case_no),
                    linked=lifeevents.links(state, case_no))
    except CaseError as exc:
        raise _api(exc) from None


@router.get("/cases/{case_no}/evaluation-qr", response_model=EvaluationQrResponse,
            tags=["evaluation"])
def evaluation_qr(case_no: CaseNo, state: State, token: OptSession = None,
                  proof: OptProof = None) -> Any:
    """A signed QR payload to rate the case later on a phone (its own citizen only)."""
    ownership.authorise(state, case_no, token, proof)
    try:
        return state.evaluations.qr(case_no, state.clock())
    except CaseError as exc:
        raise _api(exc) from None


def _evaluate(state: PlatformState, case_no: str, level: int, reason: str, key: str,
              channel: str, response: Response, terminal_id: str = "",
              visit_id: str = "") -> dict[str, Any]:
    try:
        result, duplicate = state.evaluations.evaluate(case_no, level, reason, key, channel,
                                                       state.clock(), terminal_id, visit_id)
    except CaseError as exc:
        raise _api(exc) from None
    response.status_code = 200 if duplicate else 201
    return dict(result, duplicate=duplicate)


@router.post("/evaluations", response_model=EvaluationResponse, tags=["evaluation"])
def evaluate(body: EvaluationRequest, request: Request, state: State, response: Response,
             token: OptSession = None) -> Any:
    """Rate a case or service (one per case, one per visit; levels 1-2 need a reason);
    only its own citizen may: the session, or the receipt's signed payload in ``proof``."""
    ownership.authorise(state, body.case_no, token, body.proof)
    return _evaluate(state, body.case_no, body.level, body.reason, body.idempotency_key,
                     body.channel, response, terminal_of(request), body.visit_id)


@router.post("/evaluations/by-qr", response_model=EvaluationResponse, tags=["evaluation"])
def evaluate_by_qr(body: QrEvaluationRequest, state: State, response: Response) -> Any:
    """Rate a case later with the signed payload from its receipt."""
    try:
        case_no = payloads.verify_evaluation(state.key, body.payload.strip(), state.clock())
    except payloads.PayloadError as exc:
        raise ApiError(403, f"evaluation_qr_{exc.reason}", "evaluation QR not accepted") from None
    return _evaluate(state, case_no, body.level, body.reason, body.idempotency_key, "qr",
                     response)




router.include_router(routes_services.router)
router.include_router(routes_forms.router)
router.include_router(proxy.router)
