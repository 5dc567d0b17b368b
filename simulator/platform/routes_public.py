"""Catalog, service points, e-licence verification and certificate checks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response

from simulator.platform import payloads
from simulator.platform.cases import iso_time
from simulator.platform.schemas import (
    CatalogPage,
    CertificateCheck,
    Item,
    LicenceRequest,
    LicenceResponse,
    ServicePoint,
)
from simulator.platform.state import ApiError, PlatformState, get_state

router = APIRouter(prefix="/v1")
State = Annotated[PlatformState, Depends(get_state)]


@router.get("/catalog", response_model=CatalogPage, tags=["catalog"],
            responses={304: {"description": "unchanged (If-None-Match)"}})
def catalog(state: State, response: Response,
            since_version: Annotated[int | None, Query(ge=0)] = None,
            if_none_match: Annotated[str | None, Header()] = None) -> Any:
    """Items changed since ``since_version`` (all when omitted); ETag = catalog version."""
    page = state.catalog.changes(since_version)
    etag = f'"catalog-v{page["version"]}"'
    if if_none_match == etag:
        return Response(status_code=304, headers={"ETag": etag})
    response.headers["ETag"] = etag
    return page


@router.get("/catalog/items/{code}", response_model=Item, tags=["catalog"])
def item(code: str, state: State) -> Any:
    """One item with all its guide elements."""
    found = state.catalog.get(code)
    if found is None:
        raise ApiError(404, "item_not_found", "no item with this code")
    return found


@router.get("/service-points", response_model=list[ServicePoint], tags=["service points"])
def service_points(state: State) -> Any:
    """The 24-hour self-service points with coordinates, hours and items offered."""
    return state.points


@router.post("/licences/verify", response_model=LicenceResponse, tags=["e-licences"])
def verify_licence(body: LicenceRequest, state: State) -> Any:
    """Check an e-licence QR: signature, expiry; the licence data when valid."""
    try:
        data = payloads.verify_licence(state.key, body.payload.strip(), state.clock())
    except payloads.PayloadError as exc:
        return {"valid": False, "reason": exc.reason, "licence": None}
    names = payloads.LICENCE_TYPES[data["type"]]
    return {"valid": True, "reason": None,
            "licence": dict(data, type_name=names[0], type_name_en=names[1])}


@router.get("/certificates/{code}", response_model=CertificateCheck, tags=["certificates"])
def check_certificate(code: str, state: State) -> Any:
    """Whether a certificate verification code is genuine."""
    rows = state.store.query("SELECT * FROM certificates WHERE code=?", (code.upper(),))
    if not rows:
        return {"valid": False}
    row = rows[0]
    return {"valid": True, "item_name": row["item_name"], "holder_masked": row["holder_masked"],
            "issued_at": iso_time(row["issued_at"])}
