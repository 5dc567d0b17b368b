"""The terminal's client of the provincial platform, built on requests.

Every request is signed (see :mod:`kiosk.platform.signing`) and has an explicit
(connect, read) timeout, an overall deadline (``deadline_s``, retries and backoff included)
and caps on the answer's size on the wire and decoded (see :mod:`kiosk.platform.transport`),
so a hanging or hostile platform can neither hold a visit nor fill the terminal's memory.
Only idempotent calls are retried, with exponential backoff:
GETs, and POSTs that carry an idempotency key (applications, evaluations). A certificate
issue or an identity check is never repeated behind the citizen's back. Every failure is
raised as one of :mod:`kiosk.platform.errors`; every answer is returned as a typed result
from :mod:`kiosk.platform.models`. Nothing personal is logged.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import requests

from kiosk.platform import errors, signing
from kiosk.platform.models import (
    CatalogItem,
    CatalogPage,
    Certificate,
    IdentitySession,
    LicenceCheck,
    QueryResult,
    ServicePoint,
    build,
)
from kiosk.platform.transport import BoundedHttp, DeadlineExceeded, ResponseTooLarge

log = logging.getLogger(__name__)
SESSION_HEADER = "X-EBT-Session"


class _Signer(requests.auth.AuthBase):
    """requests auth hook adding the terminal's signature headers."""

    def __init__(self, terminal_id: str, secret: str) -> None:
        self.terminal_id = terminal_id
        self.secret = secret

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        raw = request.body or b""
        body = raw.encode() if isinstance(raw, str) else raw
        if not isinstance(body, bytes):
            raise TypeError("only in-memory request bodies can be signed")
        request.headers.update(signing.sign_headers(
            self.terminal_id, self.secret, request.method or "GET", request.path_url, body))
        return request


class PlatformClient:
    """Typed, signed, retrying client of the platform's high-frequency item APIs."""

    def __init__(self, base_url: str, terminal_id: str, secret: str,
                 session: requests.Session | None = None,
                 timeout: tuple[float, float] = (3.05, 10), retries: int = 2,
                 backoff_s: float = 0.3, sleep: Callable[[float], None] = time.sleep,
                 deadline_s: float = 15.0, max_body: int = 8 * 1024 * 1024,
                 max_decoded: int = 16 * 1024 * 1024) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.deadline_s = deadline_s
        self.retries = retries
        self.backoff_s = backoff_s
        self._sleep = sleep
        self._http = BoundedHttp(session, max_body=max_body, max_decoded=max_decoded)
        self._auth = _Signer(terminal_id, secret)
        self._catalog_etag: str | None = None

    # -- plumbing -----------------------------------------------------------------------
    def _request(self, method: str, path: str, *, idempotent: bool, json_body: Any = None,
                 params: dict[str, Any] | None = None, token: str | None = None,
                 headers: dict[str, str] | None = None) -> requests.Response:
        hdrs = dict(headers or {})
        if token is not None:
            hdrs[SESSION_HEADER] = token
        data = None
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode()
            hdrs["Content-Type"] = "application/json"
        attempts = 1 + (self.retries if idempotent else 0)
        deadline = time.monotonic() + self.deadline_s
        last: errors.PlatformError | None = None
        for attempt in range(attempts):
            if attempt:
                delay = self.backoff_s * (2 ** (attempt - 1))
                if isinstance(last, errors.MaintenanceError) and last.retry_after:
                    delay = max(delay, min(last.retry_after, 5.0))
                if time.monotonic() + delay >= deadline:
                    break                          # no time left for another attempt
                self._sleep(delay)
            try:
                response = self._http.request(method, self.base_url + path, params=params,
                                              data=data, headers=hdrs, auth=self._auth,
                                              timeout=self.timeout, deadline=deadline)
            except DeadlineExceeded:
                last = errors.PlatformTimeout(f"platform: {method} {path} took longer than "
                                              f"{self.deadline_s:g} s", code="deadline")
                break
            except ResponseTooLarge as exc:
                last = errors.DataError(f"platform: {method} {path}: {exc}",
                                        code="too_large")
                break
            except requests.Timeout:
                last = errors.PlatformTimeout(f"platform: {method} {path} timed out",
                                              code="timeout")
            except requests.RequestException as exc:
                last = errors.NetworkError(f"platform: {method} {path} unreachable "
                                           f"({type(exc).__name__})", code="network")
            else:
                if response.status_code < 400:
                    return response
                last = self._error(response)
            if not last.retryable or isinstance(last, errors.DataError):
                break
            log.info("platform %s %s failed (%s), attempt %d/%d", method, path,
                     type(last).__name__, attempt + 1, attempts)
        assert last is not None
        raise last

    @staticmethod
    def _error(response: requests.Response) -> errors.PlatformError:
        code, message = "", response.reason or ""
        try:
            body = response.json()
            if isinstance(body, dict) and isinstance(body.get("error"), dict):
                code = str(body["error"].get("code", ""))
                message = str(body["error"].get("message", message))
            elif isinstance(body, dict) and "detail" in body:
                code = "invalid_request"
        except ValueError:
            pass
        retry_after = None
        if response.headers.get("Retry-After", "").isdigit():
            retry_after = float(response.headers["Retry-After"])
        return errors.error_for_status(response.status_code, code, message, retry_after)

    @staticmethod
    def _json(response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise errors.DataError("platform answer is not valid JSON", code="malformed",
                                   status=response.status_code) from None

    def _get(self, path: str, token: str | None = None, **params: Any) -> Any:
        clean = {k: v for k, v in params.items() if v is not None}
        return self._json(self._request("GET", path, idempotent=True, params=clean or None,
                                        token=token))

    # -- catalog ------------------------------------------------------------------------
    def catalog(self, since_version: int | None = None) -> CatalogPage:
        """Items changed since ``since_version`` (the whole catalog when None)."""
        params = {"since_version": since_version} if since_version else None
        headers = {"If-None-Match": self._catalog_etag} if (
            self._catalog_etag and since_version) else None
        response = self._request("GET", "/v1/catalog", idempotent=True, params=params,
                                 headers=headers)
        if response.status_code == 304:
            return CatalogPage(since_version or 0, False, (), (), not_modified=True)
        page = build(CatalogPage.from_json, self._json(response))
        self._catalog_etag = response.headers.get("ETag")
        return page

    def item(self, code: str) -> CatalogItem:
        """One item with its full guide."""
        return build(CatalogItem.from_json, self._get(f"/v1/catalog/items/{code}"))

    def service_points(self) -> list[ServicePoint]:
        """The 24-hour self-service points."""
        data = self._get("/v1/service-points")
        if not isinstance(data, list):
            raise errors.DataError("service points answer is not a list", code="malformed")
        return [build(ServicePoint.from_json, p) for p in data]

    # -- identity -----------------------------------------------------------------------
    def identify_idcard(self, record_fields: dict[str, str],
                        photo_bytes: bytes | None) -> IdentitySession:
        """人证核验: ID-card data plus a live face photo (JPEG/PNG) → session."""
        body = {"fields": {k: str(v) for k, v in record_fields.items()
                           if isinstance(v, str | int)},
                "photo_b64": base64.b64encode(photo_bytes).decode() if photo_bytes else None}
        response = self._request("POST", "/v1/identity/idcard", idempotent=False,
                                 json_body=body)
        return build(IdentitySession.from_json, self._json(response))

    def identify_qr(self, payload: str) -> IdentitySession:
        """Electronic-ID QR → session."""
        response = self._request("POST", "/v1/identity/qr", idempotent=False,
                                 json_body={"payload": payload})
        return build(IdentitySession.from_json, self._json(response))

    def end_session(self, session_token: str) -> None:
        """End the session's data access (call when the citizen leaves)."""
        self._request("DELETE", "/v1/identity/session", idempotent=True, token=session_token)

    # -- per-item actions ---------------------------------------------------------------
    def query(self, item_code: str, session_token: str) -> QueryResult:
        """The citizen's records for a query item."""
        return build(QueryResult.from_json,
                     self._get(f"/v1/items/{item_code}/query", token=session_token))

    def issue_certificate(self, item_code: str, session_token: str) -> Certificate:
        """Issue a certificate: PDF bytes, verification code, QR payload."""
        response = self._request("POST", f"/v1/items/{item_code}/certificate",
                                 idempotent=False, token=session_token)
        data = self._json(response)

        def make(d: Any) -> Certificate:
            return Certificate(d["item_code"], d["title"], base64.b64decode(d["pdf_b64"],
                                                                            validate=True),
                               d["verification_code"], d["qr_payload"], d["issued_at"])
        return build(make, data)

    # applications, progress and evaluations: kiosk.platform.service_client.ServiceClient
    # (they need the commitment and the proof that the case is the citizen's own)

    # -- e-licences ---------------------------------------------------------------------
    def verify_licence(self, payload: str) -> LicenceCheck:
        """Verify an e-licence QR (tampered or expired → ``valid`` False)."""
        response = self._request("POST", "/v1/licences/verify", idempotent=True,
                                 json_body={"payload": payload})
        return build(LicenceCheck.from_json, self._json(response))
