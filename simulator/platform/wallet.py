"""The payer's side, simulated: a wallet settles an order, then the platform issues the
fiscal receipt and notifies the terminal (control surface and the /pay page use this)."""

from __future__ import annotations

from simulator.platform.payments import Order
from simulator.platform.state import PlatformState

OUTCOMES = ("paid", "failed", "expired", "late")


def settle(state: PlatformState, pay_code: str, outcome: str,
           notify: str = "normal") -> Order:
    """Pay, fail, expire or pay-after-expiry an order; ``notify`` arms the notification
    (``normal``, ``lost``, ``duplicate``, ``bad_signature``). Raises CaseError."""
    now = state.clock()
    order = state.payments.settle(pay_code, outcome, now)
    if order.status == "paid":
        receipt = state.fiscal.issue(order, now)
        state.payments.set_receipt(pay_code, receipt.number)
        order = state.payments.get(pay_code, now)
    if order.status in ("paid", "failed"):
        state.notifier.arm(pay_code, notify)
        state.notifier.notify(order.terminal_id, order.notify_url, {
            "event": f"payment.{order.status}", "pay_code": order.pay_code,
            "status": order.status, "amount_fen": order.amount_fen, "paid_at": order.paid_at,
            "late": order.late, "receipt_no": order.receipt_no})
    return order
