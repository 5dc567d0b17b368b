"""The payment steps of a journey: what to pay, the order and its QR, the result.

:class:`PaymentFlow` serves three kinds of item (``item.raw["payment"]``):

* ``fine`` — 交通违法罚款: the penalty-decision number typed → the amount due today;
* ``contribution`` — 城乡居民养老保险费: the identified citizen picks a yearly grade;
* ``fee`` — an item's fee (e.g. a certificate's), paid before the service is delivered.

``start`` asks the :class:`~kiosk.payments.service.PaymentService` for the order (one per
intent key: a double tap shows the same QR), ``wait`` blocks until the platform says paid
or failed, the countdown ends, or the citizen cancels — run it on a worker thread. "Paid"
is only reported after the platform confirmed it; then the fiscal receipt is fetched. A
failed or expired payment can be tried again as a new attempt (a new order). Everything
the screens show is in the typed :class:`PaymentState`.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from kiosk.i18n import N_
from kiosk.payments.service import IntentClosed, PaymentIntent
from kiosk.platform import errors as perr
from kiosk.platform.models_money import Fine, FiscalReceipt, PaymentOrder, PensionOptions, yuan

KINDS = ("fine", "contribution", "fee")


@dataclass
class PaymentState:
    """What the payment steps have found and done (screens read, only the flow writes)."""

    kind: str
    reference: str = ""
    title: str = ""
    amount_fen: int = 0
    fine: Fine | None = None
    options: PensionOptions | None = None
    order: PaymentOrder | None = None
    outcome: str = ""                  # "", paid, failed, expired, cancelled
    fiscal: FiscalReceipt | None = None
    refunded: bool = False
    attempt: int = 1
    key_base: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def ready(self) -> bool:
        """Something with an amount is chosen."""
        return bool(self.reference) and self.amount_fen > 0

    @property
    def paid(self) -> bool:
        """The platform confirmed the payment."""
        return self.outcome == "paid"

    @property
    def amount_text(self) -> str:
        """¥ amount for the screen."""
        return f"¥ {yuan(self.amount_fen)}"


def payment_kind(item: Any) -> str | None:
    """The payment an item takes at the terminal (None: none)."""
    kind = item.raw.get("payment") if isinstance(getattr(item, "raw", None), dict) else None
    return kind if kind in KINDS else None


class PaymentFlow:
    """The payment part of one journey (see the module docstring)."""

    def __init__(self, item: Any, session: Any, ports: Any, kind: str) -> None:
        self.item = item
        self.session = session
        self.ports = ports
        self.state = PaymentState(kind)
        self.cancel_requested = threading.Event()
        if kind == "fee":
            self.state.reference = item.code
            self.state.title = f"{item.name} 工本费"
            self.state.amount_fen = int(item.raw.get("fee_fen") or 0)

    # -- choosing what to pay ----------------------------------------------------------
    def look_up_fine(self, number: str) -> str | None:
        """A decision number typed → the fine due today; a message id when it fails."""
        if len(number) != 15 or not number.isdigit():
            return N_("决定书编号是15位数字，请核对后重新输入。")
        try:
            fine = self.ports.money.fine(number)
        except perr.NotFound:
            return N_("没有找到这份处罚决定书，请核对编号。")
        except perr.PlatformError:
            return N_("网络暂时不可用，请稍后再试。办事指南仍可查看。")
        if fine.paid:
            return N_("这份决定书的罚款已经缴纳，无需重复缴纳。")
        self.state.fine = fine
        self.state.reference = fine.decision_no
        self.state.title = f"交通违法罚款 {fine.offence}"
        self.state.amount_fen = fine.amount_fen
        return None

    def load_options(self) -> str | None:
        """This year's contribution grades (needs the identified citizen)."""
        try:
            options = self.ports.money.pension_options(self.session.identity_token or "")
        except perr.PlatformError:
            return N_("网络暂时不可用，请稍后再试。办事指南仍可查看。")
        self.state.options = options
        if options.paid:
            return N_("本年度养老保险费已缴纳，无需重复缴纳。")
        return None

    def choose_grade(self, amount_fen: int) -> bool:
        """Pick a contribution grade (one of the platform's)."""
        options = self.state.options
        if options is None or amount_fen not in options.grades_fen:
            return False
        self.state.reference = str(options.year)
        self.state.title = options.title
        self.state.amount_fen = amount_fen
        return True

    # -- paying ----------------------------------------------------------------------------
    def intent(self) -> PaymentIntent:
        """This attempt's intent (its key is the order's idempotency key)."""
        s = self.state
        return PaymentIntent(f"{s.key_base}:{s.kind}:{s.attempt}", s.kind, s.reference,
                             s.title, s.amount_fen)

    def start(self) -> str | None:
        """Get the order and its QR (the same one on a double tap); a message id on failure."""
        if not self.state.ready:
            return N_("请先选择要缴纳的项目。")
        self.cancel_requested.clear()
        token = self.session.identity_token if self.state.kind != "fine" else None
        try:
            self.state.order = self.ports.payments.start(self.intent(), token)
        except IntentClosed:
            self.state.attempt += 1
            return self.start()
        except perr.Conflict as exc:
            if exc.code == "already_paid":
                return N_("这笔费用已经缴纳，无需重复缴纳。")
            if exc.code == "order_open":
                return N_("这笔费用有一笔未完成的支付，请稍后再试。")
            if exc.code == "amount_changed":
                return N_("应缴金额已变化，请返回重新确认。")
            return N_("抱歉，出现问题。请按提示重试，或联系工作人员。")
        except perr.PlatformError:
            return N_("网络暂时不可用，请稍后再试。办事指南仍可查看。")
        self.state.outcome = ""
        self.ports.bus.publish("journey.payment_order", {"item": self.item.code,
                                                         "kind": self.state.kind})
        return None

    def seconds_left(self, now: float | None = None) -> int:
        """The countdown shown beside the QR."""
        order = self.state.order
        if order is None:
            return 0
        limit = order.created_at + min(self.ports.payment_countdown_s,
                                       order.expires_at - order.created_at)
        return max(0, int(limit - (time.time() if now is None else now)))

    def wait(self) -> str:
        """Block until paid, failed, expired or cancelled (worker thread); the outcome."""
        order = self.state.order
        if order is None:
            return ""
        outcome = self.ports.payments.wait(order, float(self.seconds_left()),
                                           self.cancel_requested)
        self.state.outcome = outcome.status
        if outcome.order is not None:
            self.state.order = outcome.order
        if outcome.status == "paid":
            self._after_paid()
        elif outcome.status in ("failed", "expired"):
            self.state.attempt += 1             # a new try is a new order
        return outcome.status

    def cancel(self) -> None:
        """The citizen pressed 取消支付 (the waiting worker closes the order)."""
        self.cancel_requested.set()

    def _after_paid(self) -> None:
        order = self.state.order
        assert order is not None
        try:
            self.state.fiscal = self.ports.money.fiscal_receipt(order.pay_code)
        except perr.PlatformError:
            self.state.fiscal = None            # the 缴款码 still proves it; receipt later
        if self.state.kind != "fee":            # the payment is the service itself
            self.ports.payments.delivered(order.pay_code,
                                          self.state.fiscal.number if self.state.fiscal else "")
        self.ports.bus.publish("journey.paid", {"item": self.item.code, "kind": self.state.kind,
                                                "amount_fen": order.amount_fen})

    def refund(self, reason: str) -> bool:
        """The service paid for could not be delivered: give the money back."""
        order = self.state.order
        if order is None or not self.state.paid:
            return False
        self.state.refunded = self.ports.payments.refund(order.pay_code, reason)
        if self.state.refunded:
            with contextlib.suppress(perr.PlatformError):
                self.state.order = self.ports.money.order(order.pay_code)
        return self.state.refunded
