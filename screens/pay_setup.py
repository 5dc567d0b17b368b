"""What to pay: a traffic fine by its penalty-decision number (keypad), or this year's
residents' pension contribution by grade. The amount shown is the platform's."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.i18n import N_
from kiosk.platform.models_money import yuan
from screens.widgets import EbtButton, EbtLabel, KioskScreen


class PaySetupScreen(KioskScreen):
    """Decision number → fine, or grade tiles → contribution; then 去缴费."""

    prompt = "pay_setup"
    kind = StringProperty("")
    number = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        """The digit keypad for the decision number."""
        self.ids.keypad.keys = [*list("1234567890"), N_("退格"), N_("清空")]
        self.ids.keypad.target = self

    def wipe(self) -> None:
        """The number typed and the details shown go."""
        super().wipe()
        self.number = ""
        self.ids.details.clear_widgets()

    def _flow(self) -> Any:
        journey = self.app.journey
        return journey.payment if journey is not None else None

    def refresh(self) -> None:
        """Render the fine found or the grades (loading them first)."""
        flow = self._flow()
        if flow is None:
            return
        self.kind = flow.state.kind
        if self.kind == "contribution" and flow.state.options is None:
            self.app.run_async(flow.load_options, self._shown)
            return
        self._render()

    def _shown(self, problem: Any) -> None:
        self.notice = self.app.tr(problem) if problem else ""
        self._render()

    def _render(self) -> None:
        app, flow, box = self.app, self._flow(), self.ids.details
        box.clear_widgets()
        if flow is None:
            return
        state = flow.state
        height = app.theme.target * 1.2
        if state.kind == "fine" and state.fine is not None:
            fine = state.fine
            for label, value in ((N_("违法行为"), fine.offence), (N_("号牌"), fine.plate_masked),
                                 (N_("处罚决定日期"), fine.decided_on),
                                 (N_("罚款（元）"), yuan(fine.fine_fen)),
                                 (N_("滞纳金（元）"), yuan(fine.late_fee_fen))):
                box.add_widget(EbtLabel(text=f"{app.tr(label)}：{value}"))
        if state.kind == "contribution" and state.options is not None:
            box.add_widget(EbtLabel(text=state.options.title, bold=True))
            for fen in state.options.grades_fen:
                button = EbtButton(text=f"{yuan(fen)} " + app.tr("元/年"),
                                   ebt_id=f"grade_{fen}", size_hint_y=None, height=height,
                                   selected=fen == state.amount_fen)
                button.bind(on_release=lambda _b, f=fen: self._grade(f))
                box.add_widget(button)
        self.ids.amount.text = (app.tr("应缴金额") + "：" + state.amount_text
                                if state.ready else "")
        self.ids.to_pay.disabled = not state.ready

    def on_key(self, key: str) -> None:
        """Digits of the decision number."""
        text = self.number
        self.number = text[:-1] if key == "退格" else "" if key == "清空" else (text + key)[:15]

    def look_up(self) -> None:
        """Find the fine for the number typed."""
        flow, number = self._flow(), self.number
        if flow is None:
            return
        self.app.run_async(lambda: flow.look_up_fine(number), self._shown)

    def _grade(self, fen: int) -> None:
        flow = self._flow()
        if flow is not None and flow.choose_grade(fen):
            self._render()

    def to_pay(self) -> None:
        """去缴费: on to the payment QR."""
        flow = self._flow()
        if flow is not None and flow.state.ready:
            self.app.advance()

    def demo(self, **state: Any) -> None:
        """The fine entry with a partly typed number."""
        self.app.open_demo_journey(str(state.get("code", "KM-TRAFFIC-017")))
        self.kind = "fine"
        self.number = str(state.get("number", "5301135558"))
