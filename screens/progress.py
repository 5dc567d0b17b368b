"""Progress: scan the receipt's QR code or type the 20-digit case number."""

from __future__ import annotations

from typing import Any

from kiosk.i18n import N_
from kiosk.payloads import CaseNumber, Rejected, valid_case_number
from screens.widgets import KioskScreen


class ProgressScreen(KioskScreen):
    """Case entry for the progress journey."""

    prompt = "progress"

    def on_kv_post(self, base_widget: Any) -> None:
        """The digit keypad."""
        self.ids.keypad.keys = [*list("1234567890"), N_("退格"), N_("清空")]
        self.ids.keypad.target = self

    def on_key(self, key: str) -> None:
        """Digits of the case number."""
        text = self.ids.case.text
        text = text[:-1] if key == "退格" else "" if key == "清空" else (text + key)[:20]
        self.ids.case.text = text

    def wipe(self) -> None:
        """The case number typed goes."""
        super().wipe()
        self.ids.case.text = ""

    def refresh(self) -> None:
        """Start empty."""
        self.ids.case.text = ""
        journey = self.app.journey
        self.notice = self.app.tr(journey.message.message) if journey and journey.message else ""

    def lookup(self, number: str | None = None, proof: str = "") -> None:
        """Look the case up (typed: the citizen identifies first; scanned from a receipt:
        its signed QR is the ``proof``)."""
        number = number or self.ids.case.text
        if not valid_case_number(number):
            self.notice = self.app.tr("受理编号是20位数字，请核对后重新输入。")
            return
        journey = self.app.journey
        if journey is None:
            return
        self.app.run_async(lambda: journey.enter_case(number, proof), self._done)

    def _done(self, ok: Any) -> None:
        journey = self.app.journey
        if ok:
            self.app.show_step()
        elif journey is not None and journey.message:
            self.notice = self.app.tr(journey.message.message)

    def on_code(self, payload: Any, text: str) -> None:
        """A receipt's QR (EBT1:CASE:…) or a bare case number from the scanner."""
        if isinstance(payload, CaseNumber):
            self.ids.case.text = payload.number
            self.lookup(payload.number, payload.proof)
        elif isinstance(payload, Rejected):
            self.notice = payload.message_zh if self.app.lang == "zh_CN" else payload.message_en

    def demo(self, **state: Any) -> None:
        """The entry with a partly typed number."""
        self.app.start_progress(open_screen=False)
        self.refresh()
        self.ids.case.text = str(state.get("case", "2026112153"))
