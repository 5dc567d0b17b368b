"""好差评 for one journey: register what was done, rate it once per visit, rate it later.

Every visit kind can be rated ("凡办必评"): an application by its case; a query, a
certificate or a guide by a service record the platform registers
(:class:`~kiosk.platform.service_client.ServiceClient`); a progress look-up by the case it
showed. Each gives a :class:`~kiosk.flows.results.Rateable` — a number plus the receipt's
signed payload, which proves the citizen's right to rate it and is also the QR to rate
later on a phone. The rating goes through the outbox with the visit's id, so the platform
refuses a second rating of the same visit even if the terminal were to send one.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from kiosk.flows.results import JourneyResult, Rateable
from kiosk.flows.steps import BAD_REVIEW_LEVELS, EVALUATION_LEVELS
from kiosk.platform import errors as perr
from kiosk.platform.service_client import ServiceClient
from kiosk.session import Session

log = logging.getLogger(__name__)


class Rating:
    """The 好差评 side of one journey (``result.rateable`` is what it rates)."""

    def __init__(self, item: Any, session: Session, ports: Any,
                 result: JourneyResult) -> None:
        self.item = item
        self.session = session
        self.ports = ports
        self.result = result

    @property
    def _services(self) -> ServiceClient:
        return ServiceClient(self.ports.platform)

    def register(self, kind: str, reference: str = "") -> None:
        """Record a completed service with the platform so it can be rated (no-op once the
        visit has rated, or when the platform is away: then there is nothing to offer)."""
        if self.session.evaluated or self.result.rateable is not None:
            return
        key = "svc-" + hashlib.sha256(
            f"{self.session.visit_id}|{self.item.code}|{kind}".encode()).hexdigest()[:40]
        try:
            record = self._services.register(
                self.item.code, kind, key, visit_id=self.session.visit_id,
                reference=reference, token=self.session.identity_token)
        except perr.PlatformError as exc:
            log.info("service record not registered (%s)", type(exc).__name__)
            return
        self.result.rateable = Rateable(record.service_no, record.evaluation_qr, kind)

    def from_case(self, case_no: str, evaluation_qr: str) -> None:
        """An application's case, rated with the receipt's signed payload."""
        if evaluation_qr and self.result.rateable is None:
            self.result.rateable = Rateable(case_no, evaluation_qr, "application")

    def for_progress(self, case_no: str, proof: str) -> None:
        """A looked-up case, rated by its own citizen (session or the receipt's QR)."""
        if self.session.evaluated or self.result.rateable is not None:
            return
        try:
            qr = self._services.evaluation_qr(case_no, token=self.session.identity_token,
                                              proof=proof)
        except perr.PlatformError as exc:
            log.info("no evaluation payload for the case (%s)", type(exc).__name__)
            return
        self.result.rateable = Rateable(case_no, qr.payload, "progress")

    def can_evaluate(self) -> bool:
        """Offer the evaluation: once per visit, when something is there to rate."""
        if self.session.evaluated:
            return False
        if self.result.rateable is None:
            self._register_done()
        return self.result.rateable is not None

    def _register_done(self) -> None:
        """A guide read, a booking made or a payment done: registered when it is rated."""
        booking = getattr(self.result, "booking", None)
        payment = getattr(self.result, "payment", None)
        if self.item.flow == "guide":
            self.register("guide")
        elif booking is not None:
            self.register("appointment", str(getattr(booking, "booking_no", "") or "")[:64])
        elif payment is not None and getattr(payment, "paid", False):
            order = getattr(payment, "order", None)
            self.register("payment", str(getattr(order, "pay_code", "") or "")[:64])

    def evaluate(self, level: int, reason: str) -> bool:
        """Queue the rating durably (a bad one needs a reason: False without one)."""
        if level not in EVALUATION_LEVELS:
            raise ValueError(f"evaluation level must be 1..5, not {level}")
        if level in BAD_REVIEW_LEVELS and not reason.strip():
            return False
        rateable = self.result.rateable
        if rateable is None or self.session.evaluated:
            raise RuntimeError("nothing to rate in this visit")
        key = f"eval-{self.session.visit_id}"
        self.ports.outbox.put("evaluation", {
            "case_no": rateable.number, "level": level, "reason": reason.strip(),
            "proof": rateable.proof, "visit_id": self.session.visit_id}, key)
        self.session.evaluated = True
        self.result.evaluation_key = key
        self.ports.outbox.deliver(key, 0)      # on its way now; the outbox keeps it till sent
        self.ports.bus.publish("journey.evaluated", {   # the operators' figures: no person
            "event_id": key, "item_code": self.item.code, "item_name": self.item.name,
            "kind": rateable.kind, "level": level, "reason": reason.strip()})
        return True

    def later(self) -> str | None:
        """The signed payload to rate later on a phone (None: nothing to rate)."""
        rateable = self.result.rateable
        if rateable is None or not rateable.proof.startswith("EBT1:EVAL:"):
            return None
        return rateable.proof
