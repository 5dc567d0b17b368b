"""The terminal's calls for payments, fiscal receipts and appointments.

``MoneyClient(platform)`` reuses one :class:`~kiosk.platform.client.PlatformClient` (its
signing, timeouts and error mapping). Retried only where a repeat cannot do harm: GETs,
order creation and holds (idempotency keys), cancel, refund and confirm (idempotent on the
platform: a second cancel or refund answers the same final state).
"""

from __future__ import annotations

import base64
from typing import Any

from kiosk.platform.client import PlatformClient
from kiosk.platform.models import Certificate, build
from kiosk.platform.models_money import (
    Booking,
    Fine,
    FiscalReceipt,
    Hold,
    PaymentOrder,
    PensionOptions,
    SlotDay,
    Venue,
    parse,
)


class MoneyClient:
    """Payment and appointment APIs over a platform client."""

    def __init__(self, platform: PlatformClient) -> None:
        self.platform = platform

    def _call(self, method: str, path: str, *, token: str | None = None,
              body: Any = None, params: dict[str, Any] | None = None) -> Any:
        p = self.platform
        response = p._request(method, path, idempotent=True, json_body=body, params=params,
                              token=token)
        return p._json(response) if response.content else None

    # -- payments ------------------------------------------------------------------------
    def fine(self, decision_no: str) -> Fine:
        """A penalty decision and the amount due today."""
        return build(lambda d: parse(Fine, d), self._call("GET", f"/v1/fines/{decision_no}"))

    def pension_options(self, session_token: str) -> PensionOptions:
        """This year's residents' pension grades for the identified citizen."""
        return build(lambda d: parse(PensionOptions, d),
                     self._call("GET", "/v1/contributions/pension", token=session_token))

    def create_order(self, kind: str, reference: str, amount_fen: int, idempotency_key: str,
                     notify_url: str = "", session_token: str | None = None) -> PaymentOrder:
        """A payment order for exactly ``amount_fen`` (409 ``amount_changed`` otherwise)."""
        body = {"kind": kind, "reference": reference, "amount_fen": amount_fen,
                "idempotency_key": idempotency_key, "notify_url": notify_url}
        return build(lambda d: parse(PaymentOrder, d),
                     self._call("POST", "/v1/payments", token=session_token, body=body))

    def order(self, pay_code: str) -> PaymentOrder:
        """Where an order stands."""
        return build(lambda d: parse(PaymentOrder, d),
                     self._call("GET", f"/v1/payments/{pay_code}"))

    def order_by_key(self, idempotency_key: str) -> PaymentOrder:
        """The order made with a key (``NotFound`` when none was made)."""
        return build(lambda d: parse(PaymentOrder, d),
                     self._call("GET", f"/v1/payments/by-key/{idempotency_key}"))

    def cancel_order(self, pay_code: str) -> PaymentOrder:
        """Close an open order (``Conflict`` ``already_paid`` if it was paid)."""
        return build(lambda d: parse(PaymentOrder, d),
                     self._call("POST", f"/v1/payments/{pay_code}/cancel"))

    def refund(self, pay_code: str, reason: str) -> PaymentOrder:
        """Give a paid order's money back (idempotent)."""
        return build(lambda d: parse(PaymentOrder, d),
                     self._call("POST", f"/v1/payments/{pay_code}/refund",
                                body={"reason": reason}))

    def fiscal_receipt(self, pay_code: str, with_pdf: bool = False) -> FiscalReceipt:
        """The electronic fiscal receipt of a paid order (``with_pdf``: its PDF too)."""
        return build(lambda d: parse(FiscalReceipt, d), self._call(
            "GET", f"/v1/payments/{pay_code}/fiscal-receipt",
            params={"pdf": "true"} if with_pdf else None))

    def issue_certificate(self, item_code: str, session_token: str,
                          pay_code: str | None = None) -> Certificate:
        """Issue a sealed certificate with its download link; an item with a fee needs the
        ``pay_code`` of its paid fee order. Never retried (each call issues one)."""
        p = self.platform
        response = p._request("POST", f"/v1/items/{item_code}/certificate", idempotent=False,
                              token=session_token,
                              params={"pay_code": pay_code} if pay_code else None)

        def make(d: Any) -> Certificate:
            return Certificate(d["item_code"], d["title"],
                               base64.b64decode(d["pdf_b64"], validate=True),
                               d["verification_code"], d["qr_payload"], d["issued_at"],
                               str(d["download_url"]), int(d["download_expires_at"]))
        return build(make, p._json(response))

    # -- appointments --------------------------------------------------------------------
    def venues(self, item_code: str, lat: float | None = None,
               lon: float | None = None) -> list[Venue]:
        """Halls for the item, nearest first when the terminal's position is given."""
        params: dict[str, Any] = {"item": item_code}
        if lat is not None and lon is not None:
            params.update(lat=lat, lon=lon)
        data = self._call("GET", "/v1/appointments/venues", params=params)
        return build(lambda d: [parse(Venue, v) for v in d], data)

    def slots(self, item_code: str, venue_id: str, days: int = 5) -> list[SlotDay]:
        """The next working days' slots with places left."""
        data = self._call("GET", "/v1/appointments/slots",
                          params={"item": item_code, "venue": venue_id, "days": days})
        return build(lambda d: [SlotDay.from_json(x) for x in d], data)

    def hold(self, item_code: str, venue_id: str, date: str, start: str,
             idempotency_key: str, session_token: str) -> Hold:
        """Keep one place (``Conflict`` ``slot_full`` / ``already_booked``)."""
        body = {"item_code": item_code, "venue_id": venue_id, "date": date, "start": start,
                "idempotency_key": idempotency_key}
        return build(lambda d: parse(Hold, d), self._call(
            "POST", "/v1/appointments/holds", token=session_token, body=body))

    def confirm(self, hold_id: str, session_token: str) -> Booking:
        """Book a held place (``RequestRejected`` 410 ``hold_expired`` when too late)."""
        return build(lambda d: parse(Booking, d), self._call(
            "POST", f"/v1/appointments/holds/{hold_id}/confirm", token=session_token))

    def release(self, hold_id: str, session_token: str) -> None:
        """Give a held place back."""
        self._call("DELETE", f"/v1/appointments/holds/{hold_id}", token=session_token)

    def my_bookings(self, session_token: str) -> list[Booking]:
        """The identified citizen's active bookings."""
        data = self._call("GET", "/v1/appointments/mine", token=session_token)
        return build(lambda d: [parse(Booking, b) for b in d], data)

    def cancel_booking(self, booking_no: str, session_token: str) -> Booking:
        """Cancel one's own booking."""
        return build(lambda d: parse(Booking, d), self._call(
            "POST", f"/v1/appointments/{booking_no}/cancel", token=session_token))
