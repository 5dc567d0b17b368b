"""The terminal's calls for 好差评 on every visit kind, and for reading one's own case.

``ServiceClient(platform)`` reuses one :class:`~kiosk.platform.client.PlatformClient` (its
signing, timeouts, retries and error mapping). The platform answers a case's progress, its
rate-later QR and a rating only for the case's own citizen: the identity session
(``X-EBT-Session``) or the receipt's signed payload (``X-EBT-Proof`` / ``proof``). A
completed query, certificate, guide, payment, appointment or progress look-up is registered
as a service record (``POST /v1/services``) so that it can be rated like an application.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.platform import errors
from kiosk.platform.client import PlatformClient
from kiosk.platform.models import (
    ApplicationReceipt,
    Evaluation,
    EvaluationQr,
    Progress,
    _need,
    build,
)

PROOF_HEADER = "X-EBT-Proof"


@dataclass(frozen=True)
class ServiceRecord:
    """A registered service: its number and the signed payload to rate it."""

    service_no: str
    kind: str
    item_code: str
    item_name: str
    duplicate: bool
    evaluation_qr: str

    @classmethod
    def from_json(cls, data: Any) -> ServiceRecord:
        """Build from the service answer."""
        return cls(_need(data, "service_no", str), _need(data, "kind", str),
                   _need(data, "item_code", str), str(data.get("item_name", "")),
                   bool(_need(data, "duplicate", bool)), _need(data, "evaluation_qr", str))


@dataclass(frozen=True)
class ProxySession:
    """The principal's session under a recorded authorisation (both masked)."""

    token: str
    name_masked: str
    id_masked: str
    authorisation_no: str
    agent_masked: str
    relation: str

    @classmethod
    def from_json(cls, data: Any) -> ProxySession:
        """Build from the proxy answer."""
        return cls(_need(data, "session_token", str), _need(data, "name_masked", str),
                   _need(data, "id_masked", str), _need(data, "authorisation_no", str),
                   _need(data, "agent_masked", str), _need(data, "relation", str))


class ServiceClient:
    """Service records, owner-only progress and evaluation over a platform client."""

    def __init__(self, platform: PlatformClient) -> None:
        self.platform = platform

    def _call(self, method: str, path: str, *, token: str | None = None, body: Any = None,
              proof: str = "") -> Any:
        p = self.platform
        headers = {PROOF_HEADER: proof} if proof else None
        response = p._request(method, path, idempotent=True, json_body=body, token=token,
                              headers=headers)
        return p._json(response)

    def form_document(self, item_code: str) -> dict[str, Any]:
        """The item's application form: JSON Schema, materials (容缺 marked), commitment."""
        data = self._call("GET", f"/v1/items/{item_code}/form")
        if not isinstance(data, dict) or not isinstance(data.get("schema"), dict):
            raise errors.DataError("form answer lacks a schema", code="malformed")
        return data

    def submit_application(self, item_code: str, session_token: str, form: dict[str, Any],
                           materials: list[dict[str, Any]], idempotency_key: str,
                           commitment: dict[str, Any] | None = None) -> ApplicationReceipt:
        """Submit an application with the commitment the citizen accepted; the same key
        again returns the same case. An incomplete one is refused (422, reasons in
        Chinese)."""
        body = {"form": form, "materials": materials, "idempotency_key": idempotency_key,
                "commitment": commitment}
        return build(ApplicationReceipt.from_json, self._call(
            "POST", f"/v1/items/{item_code}/applications", token=session_token, body=body))

    def identify_proxy(self, agent_token: str, fields: dict[str, str],
                       relation: str = "委托") -> ProxySession:
        """代办: the identified agent acts for the principal whose card was just read."""
        body = {"fields": fields, "relation": relation}
        return build(ProxySession.from_json, self._call(
            "POST", "/v1/identity/proxy", token=agent_token, body=body))

    def register(self, item_code: str, kind: str, idempotency_key: str, *,
                 visit_id: str = "", reference: str = "",
                 token: str | None = None) -> ServiceRecord:
        """Register a completed service (the same key again returns the same record)."""
        body = {"item_code": item_code, "kind": kind, "reference": reference,
                "visit_id": visit_id, "idempotency_key": idempotency_key}
        return build(ServiceRecord.from_json,
                     self._call("POST", "/v1/services", token=token, body=body))

    def progress(self, case_no: str, *, token: str | None = None,
                 proof: str = "") -> Progress:
        """Where one's own case is (identity session or the receipt's signed QR)."""
        return build(Progress.from_json, self._call(
            "GET", f"/v1/cases/{case_no}/progress", token=token, proof=proof))

    def evaluation_qr(self, case_no: str, *, token: str | None = None,
                      proof: str = "") -> EvaluationQr:
        """The signed payload to rate one's own case later."""
        return build(EvaluationQr.from_json, self._call(
            "GET", f"/v1/cases/{case_no}/evaluation-qr", token=token, proof=proof))

    def evaluate(self, number: str, level: int, reason: str, idempotency_key: str, *,
                 proof: str = "", visit_id: str = "",
                 token: str | None = None) -> Evaluation:
        """Rate a case or service (5 非常满意 … 1 非常不满意; 1-2 need a reason); one per
        visit (``visit_id``), one per case."""
        body = {"case_no": number, "level": level, "reason": reason,
                "idempotency_key": idempotency_key, "proof": proof, "visit_id": visit_id}
        return build(Evaluation.from_json,
                     self._call("POST", "/v1/evaluations", token=token, body=body))
