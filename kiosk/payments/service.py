"""Paying at the terminal: one order per intent, the result from the platform, refunds.

``PaymentService.start(intent)`` records the intent in the :class:`Ledger` before asking
the platform for an order under the intent's idempotency key, so a double tap, a retry or
a restart returns the same order. ``wait`` learns the result from the platform's signed
notification (``on_notification``, fed by :mod:`kiosk.payments.notify`) or, when none
arrives, by querying every ``poll_s``; "paid" is only ever reported after the platform
said so. When the countdown ends the order is cancelled on the platform (a payment that
raced the cancel is reported as paid). ``refund`` gives money back when the business step
fails after payment, and a payment that arrives after the terminal gave up (paid after
expiry) is refunded on its own. ``reconcile`` finishes whatever a crash left open.
Bus events (``payment.*``) carry the 缴款码, kind and amount — nothing personal.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from kiosk.payments.ledger import CLOSED_UNPAID, IntentRow, Ledger
from kiosk.platform import errors
from kiosk.platform.models_money import PaymentOrder

log = logging.getLogger(__name__)
FINAL = ("paid", "failed", "expired", "cancelled", "refunded")
UNKNOWN = "unknown"          # the platform could not be asked: reconciliation will settle it


class Publisher(Protocol):
    """The event bus as the payment service sees it."""

    def publish(self, topic: str, payload: Any = None) -> int:
        """Publish an event."""


@dataclass(frozen=True)
class PaymentIntent:
    """What the citizen wants to pay; ``key`` is the idempotency key (one order per key)."""

    key: str
    kind: str            # fine | contribution | fee
    reference: str       # decision number | year | item code
    title: str
    amount_fen: int


@dataclass(frozen=True)
class PaymentOutcome:
    """How waiting for a payment ended: ``paid``, ``failed``, ``expired``, ``cancelled``
    or ``unknown`` (no answer from the platform; settled by reconciliation)."""

    status: str
    order: PaymentOrder | None


class IntentClosed(Exception):
    """The intent ended before (failed, expired, cancelled): start a new attempt."""

    def __init__(self, state: str) -> None:
        super().__init__(f"payment intent already {state}")
        self.state = state


@dataclass
class ReconcileReport:
    """What start-up reconciliation did, by outcome."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str) -> None:
        """Count one outcome."""
        self.counts[what] = self.counts.get(what, 0) + 1


class PaymentService:
    """Orders, results, cancels, refunds and reconciliation for one terminal."""

    def __init__(self, money: Any, ledger: Ledger, bus: Publisher, notify_url: str = "",
                 poll_s: float = 2.0, late_horizon_s: float = 86400.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.money = money                      # kiosk.platform.money_client.MoneyClient
        self.ledger = ledger
        self.bus = bus
        self.notify_url = notify_url
        self.poll_s = poll_s
        self.late_horizon_s = late_horizon_s
        self._clock = clock
        self._cond = threading.Condition()
        self._heard: dict[str, str] = {}        # pay_code -> status from notifications

    # -- one payment ---------------------------------------------------------------------
    def start(self, intent: PaymentIntent, session_token: str | None = None) -> PaymentOrder:
        """The order for this intent, created once (raises PlatformError, IntentClosed)."""
        row, _ = self.ledger.begin(intent.key, intent.kind, intent.reference, intent.title,
                                   intent.amount_fen)
        if row.state in (*CLOSED_UNPAID, "abandoned", "refunded", "refund_pending"):
            raise IntentClosed(row.state)
        if row.pay_code:
            return self._refresh(self.money.order(row.pay_code))
        try:
            order = self.money.create_order(intent.kind, intent.reference, intent.amount_fen,
                                            intent.key, self.notify_url, session_token)
        except errors.RequestRejected as exc:
            self.ledger.update(intent.key, "abandoned", note=exc.code)
            raise
        self.ledger.update(intent.key, "open", expect=("creating",), pay_code=order.pay_code)
        self.bus.publish("payment.order_created", self._event(order))
        return self._refresh(order)

    def wait(self, order: PaymentOrder, timeout_s: float,
             cancelled: threading.Event | None = None) -> PaymentOutcome:
        """Block until the order is paid/failed, the citizen cancels, or ``timeout_s``
        (the countdown) ends — then the order is cancelled on the platform."""
        deadline = time.monotonic() + timeout_s
        next_poll = time.monotonic() + self.poll_s
        code = order.pay_code
        while True:
            with self._cond:
                heard = self._heard.get(code)
                if heard not in FINAL:
                    wait_until = min(deadline, next_poll)
                    self._cond.wait(max(0.0, min(0.25, wait_until - time.monotonic())))
                    heard = self._heard.get(code)
            if heard in FINAL:
                return self._outcome(code)
            if cancelled is not None and cancelled.is_set():
                return self.cancel(code)
            now = time.monotonic()
            if now >= deadline:
                return self.cancel(code, expired=True)
            if now >= next_poll:
                next_poll = now + self.poll_s
                try:
                    if self._refresh(self.money.order(code)).status in FINAL:
                        return self._outcome(code)
                except errors.PlatformError as exc:
                    log.info("payment query failed (%s); still waiting", type(exc).__name__)

    def _outcome(self, code: str) -> PaymentOutcome:
        try:
            order = self._refresh(self.money.order(code))
        except errors.PlatformError:          # the signed notification already said so
            with self._cond:
                return PaymentOutcome(self._heard.get(code, UNKNOWN), None)
        return PaymentOutcome(order.status, order)

    def cancel(self, code: str, expired: bool = False) -> PaymentOutcome:
        """Close the order on the platform; a payment that got there first wins. When the
        platform cannot be reached the outcome is ``unknown``: the order stays open in the
        ledger and reconciliation settles it (a paid fine counts, a paid fee is refunded)."""
        try:
            try:
                order = self.money.cancel_order(code)
            except errors.Conflict:
                order = self.money.order(code)      # paid meanwhile
        except errors.PlatformError as exc:
            log.warning("payment cancel not confirmed (%s); left to reconciliation",
                        type(exc).__name__)
            self.bus.publish("payment.unconfirmed", {"pay_code": code})
            return PaymentOutcome(UNKNOWN, None)
        order = self._refresh(order)
        if order.status == "cancelled" and expired:
            row = self.ledger.by_code(code)
            if row is not None:
                self.ledger.update(row.intent_key, "expired", expect=("cancelled",))
            return PaymentOutcome("expired", order)
        return PaymentOutcome(order.status, order)

    def delivered(self, code: str, receipt_no: str = "") -> None:
        """The business step after payment is done (nothing to refund any more)."""
        row = self.ledger.by_code(code)
        if row is not None:
            self.ledger.update(row.intent_key, "delivered", expect=("paid",),
                               receipt_no=receipt_no)

    def refund(self, code: str, reason: str) -> bool:
        """Give the money back; False when it has to wait (retried at reconciliation)."""
        row = self.ledger.by_code(code)
        if row is not None:
            self.ledger.update(row.intent_key, "refund_pending", note=reason[:100])
        try:
            order = self.money.refund(code, reason)
        except errors.PlatformError as exc:
            self.bus.publish("payment.refund_pending", {"pay_code": code,
                                                        "error": type(exc).__name__})
            return False
        self._refresh(order)
        self.bus.publish("payment.refunded", self._event(order, reason=reason))
        return order.status == "refunded"

    # -- notifications -------------------------------------------------------------------
    def on_notification(self, document: dict[str, Any]) -> None:
        """A verified notification from the platform (called by the listener)."""
        code = str(document.get("pay_code", ""))
        status = str(document.get("status", ""))
        row = self.ledger.by_code(code)
        if row is None or status not in FINAL:
            return
        if status == "paid" and row.state in CLOSED_UNPAID:
            # paid after the terminal gave up: refund on a worker, answer the platform now
            threading.Thread(target=self._late_refund, args=(code,), daemon=True,
                             name="late-refund").start()
            return
        if status == "paid":
            if self.ledger.update(row.intent_key, "paid", expect=("creating", "open")):
                self.bus.publish("payment.paid", {"pay_code": code, "kind": row.kind,
                                                  "amount_fen": row.amount_fen,
                                                  "status": status})
        elif row.state in ("creating", "open"):
            self.ledger.update(row.intent_key, status)
        with self._cond:
            self._heard[code] = status
            self._cond.notify_all()

    def _late_refund(self, code: str) -> None:
        if self.refund(code, "paid after the order had expired or was cancelled"):
            self.bus.publish("payment.late_refund", {"pay_code": code})

    # -- state ---------------------------------------------------------------------------
    def _refresh(self, order: PaymentOrder) -> PaymentOrder:
        """Bring the ledger in line with what the platform says about an order."""
        row = self.ledger.by_code(order.pay_code)
        if row is None:
            return order
        if order.status == "paid" and row.state in ("creating", "open"):
            self.ledger.update(row.intent_key, "paid")
            self.bus.publish("payment.paid", self._event(order))
        elif order.status in ("failed", "expired", "cancelled") and row.state in (
                "creating", "open"):
            self.ledger.update(row.intent_key, order.status)
        elif order.status == "refunded" and row.state != "refunded":
            self.ledger.update(row.intent_key, "refunded")
        if order.status in FINAL:
            with self._cond:
                self._heard[order.pay_code] = order.status
                self._cond.notify_all()
        return order

    @staticmethod
    def _event(order: PaymentOrder, **extra: Any) -> dict[str, Any]:
        return {"pay_code": order.pay_code, "kind": order.kind, "amount_fen": order.amount_fen,
                "status": order.status, **extra}

    # -- after a crash -------------------------------------------------------------------
    def reconcile(self) -> ReconcileReport:
        """Finish what a crash or power cut left open (run at start-up, before visits)."""
        report = ReconcileReport()
        for row in self.ledger.unfinished():
            try:
                report.add(self._reconcile_one(row))
            except errors.PlatformError as exc:
                log.warning("reconcile: %s left for later", type(exc).__name__)
                report.add("left_for_later")
        for row in self.ledger.recently_closed(self.late_horizon_s):
            try:
                order = self.money.order(row.pay_code)
            except errors.PlatformError:
                report.add("left_for_later")
                continue
            if order.status == "paid":
                report.add("late_refunded" if self.refund(row.pay_code, "paid after the order "
                                                         "had expired or was cancelled")
                           else "refund_pending")
        if report.counts:
            self.bus.publish("payment.reconciled", dict(report.counts))
        return report

    def _reconcile_one(self, row: IntentRow) -> str:
        if row.state == "refund_pending":
            return "refunded" if self.refund(row.pay_code, row.note or "refund") else \
                "refund_pending"
        code = row.pay_code
        if not code:
            try:
                code = self.money.order_by_key(row.intent_key).pay_code
            except errors.NotFound:
                self.ledger.update(row.intent_key, "abandoned", note="no order was made")
                return "abandoned"
            self.ledger.update(row.intent_key, "open", pay_code=code)
        order = self._refresh(self.money.order(code))
        if order.status == "open":
            self.cancel(code)
            return "cancelled"
        if order.status == "paid":
            if row.kind == "fee":          # the service it paid for was never delivered
                return "refunded" if self.refund(code, "terminal restarted before the "
                                                 "service was delivered") else "refund_pending"
            self.delivered(code, order.receipt_no)   # the payment was the business itself
            return "paid_while_down"
        return order.status
