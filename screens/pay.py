"""The payment QR: the amount, the 缴款码, a countdown, 取消支付. Paid is shown only when
the platform says so (its signed notification or a query); a failed or timed-out payment
can be paid again with a new order."""

from __future__ import annotations

import logging
import threading
from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.flows.journey import PAYMENT_NOTICES
from kiosk.i18n import N_
from kiosk.platform.models_money import yuan
from screens.widgets import KioskScreen

log = logging.getLogger(__name__)


class PayScreen(KioskScreen):
    """Starts the order on entry and waits for the outcome on a worker thread."""

    prompt = "pay"
    qr = StringProperty("")
    title = StringProperty("")
    amount = StringProperty("")
    pay_code = StringProperty("")
    seconds = NumericProperty(0)
    waiting = BooleanProperty(False)
    can_retry = BooleanProperty(False)
    _ticker: Any = None

    def wipe(self) -> None:
        """The order's QR and numbers go."""
        super().wipe()
        self.qr = self.title = self.amount = self.pay_code = ""
        self.seconds, self.can_retry = 0, False
        self._stop_ticker()

    def on_leave(self, *_args: Any) -> None:
        """Stop the countdown (the order is closed by the journey on 返回)."""
        self._stop_ticker()

    def refresh(self, again: bool = False) -> None:
        """Get the order (the same one on a second entry) and wait for the payment; after a
        failed or timed-out payment only 重新支付 (``again``) makes a new order."""
        journey = self.app.journey
        if journey is None or journey.payment is None or self.waiting:
            return
        state = journey.payment.state
        if not state.ready or (state.outcome in ("failed", "expired") and not again):
            return
        self.can_retry = False
        self.app.run_async(journey.start_payment, self._started)

    def _started(self, ok: Any) -> None:
        journey = self.app.journey
        if journey is None or journey.payment is None:
            return
        if not ok:
            self.notice = self.app.tr(journey.message.message) if journey.message else ""
            self.can_retry = True
            return
        state = journey.payment.state
        order = state.order
        self.title, self.amount = state.title, f"¥ {yuan(state.amount_fen)}"
        self.qr = order.pay_qr if order is not None else ""
        self.pay_code = order.pay_code if order is not None else ""
        self.seconds = journey.payment.seconds_left()
        self.notice = ""
        self._stop_ticker()
        self._ticker = Clock.schedule_interval(self._tick, 1.0)
        self.waiting = True
        # not app.run_async: waiting for the citizen's phone is not "busy" work (the screen
        # stays live, 取消支付 works, the countdown runs)
        threading.Thread(target=self._wait, args=(journey,), name="payment-wait",
                         daemon=True).start()

    def _wait(self, journey: Any) -> None:
        try:
            outcome = journey.wait_payment()
        except Exception:  # the citizen sees a notice, the order is reconciled later
            log.exception("waiting for the payment failed")
            outcome = "unknown"
        Clock.schedule_once(lambda _dt: self._finished(outcome), 0)

    def _tick(self, _dt: float) -> None:
        journey = self.app.journey
        if journey is not None and journey.payment is not None:
            self.seconds = journey.payment.seconds_left()


    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    def _finished(self, outcome: Any) -> None:
        self.waiting = False
        self._stop_ticker()
        journey = self.app.journey
        if journey is None:
            return
        if outcome == "paid":
            self.qr = ""
            self.app.show_step()
            return
        if self.app.root.current != "pay":
            return                        # 返回 was pressed: the journey went back already
        self.qr = ""
        self.notice = self.app.tr(journey.message.message if journey.message
                                  else PAYMENT_NOTICES["unknown"])
        self.can_retry = outcome in ("failed", "expired")

    def cancel(self) -> None:
        """取消支付: the waiting worker closes the order on the platform."""
        journey = self.app.journey
        if journey is not None and journey.payment is not None:
            journey.payment.cancel()
        self.app.back()

    def retry(self) -> None:
        """重新支付: a new order after a failed or expired one."""
        self.refresh(again=True)

    def demo(self, **state: Any) -> None:
        """A sample payment QR (no order is created)."""
        self.app.open_demo_journey(str(state.get("code", "KM-TRAFFIC-017")))
        self.title, self.amount = self.app.tr(N_("交通违法罚款")), "¥ 200.00"
        self.pay_code, self.seconds = "53012611290000000118", 287
        self.qr = "https://pay.example/pay/53012611290000000118"
