"""Result of a journey: query rows in plain language, a certificate preview, or the
acceptance receipt with its case number — printable; on a printer fault the receipt's QR
stays on screen to photograph."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.flows.journey import A4_PRINTED
from kiosk.flows.outcome import outcome_of
from kiosk.flows.steps import Step
from kiosk.i18n import N_
from kiosk.platform.models import QueryResult
from kiosk.voice import ANNOUNCEMENTS
from screens.widgets import EbtLabel, KioskScreen


class ResultScreen(KioskScreen):
    """Renders ``journey.result_rows()``; 打印 prints, 完成 moves on (evaluation or end)."""

    prompt = "result"
    qr = StringProperty("")
    heading = StringProperty("")
    ok = BooleanProperty(True)
    key_label = StringProperty("")
    key_value = StringProperty("")
    next_step = StringProperty("")

    def wipe(self) -> None:
        """Rows (the citizen's masked name and ID, results), heading and QR go."""
        super().wipe()
        self.ids.rows.clear_widgets()
        self.qr, self.heading = "", ""
        self.key_label = self.key_value = self.next_step = ""

    def refresh(self) -> None:
        """Render the journey's outcome (decided in the core, ``kiosk.flows.outcome``)."""
        app = self.app
        journey = app.journey
        box = self.ids.rows
        box.clear_widgets()
        if journey is None:
            return
        outcome = outcome_of(journey, app.terminal.ports.now().date())
        self.heading = app.tr(outcome.heading)
        self.ok = outcome.ok
        self.key_label = app.tr(outcome.key_label) if outcome.key_label else ""
        self.key_value = outcome.key_value
        self.next_step = (app.tr(outcome.next_step).format(**outcome.next_values)
                          if outcome.next_step else "")
        box.add_widget(EbtLabel(text=outcome.item_name, bold=True))
        if outcome.who:
            box.add_widget(EbtLabel(text=app.tr("办理人") + "：" + outcome.who,
                                    color=app.theme.muted))
        for label, value in outcome.rows:
            box.add_widget(EbtLabel(text=f"{app.tr(label)}：{value}"))
        for line in outcome.history:
            name = line.name if app.lang == "zh_CN" else line.name_en
            box.add_widget(EbtLabel(text=f"· {line.when}  {name}", color=app.theme.muted))
        self.qr = outcome.qr
        self.notice = app.tr(journey.message.message) if journey.message else ""
        self.ids.print_button.disabled = (not outcome.printable
                                          or journey.result.print_failed)
        if outcome.case_to_speak:
            app.terminal.voice.speak_digits(outcome.case_to_speak,
                                            prefix=app.terminal.translator.for_speech(
                                                ANNOUNCEMENTS["case_number"]))

    def spoken_content(self) -> str:
        """The answer and what happens next (the 受理编号 is read digit by digit apart)."""
        value = "" if self.key_label == self.app.tr("受理编号") else self.key_value
        return "，".join(t for t in (self.key_label, value, self.next_step) if t)

    def print_now(self) -> None:
        """Print the receipt / slip / certificate."""
        journey = self.app.journey
        if journey is None:
            return
        self.notice = self.app.tr("正在打印，请稍候…")
        self.app.run_async(journey.print_receipt, lambda _ok: self._printed())

    def _printed(self) -> None:
        journey = self.app.journey
        if journey is None:
            return
        if journey.printed:
            self.notice = self.app.tr(
                A4_PRINTED if journey.result.a4_printed
                else journey.message.message if journey.message else "打印完成，请取走凭条。")
            self.ids.print_button.disabled = True
        else:
            self.notice = self.app.tr(journey.message.message) if journey.message else ""
            self.ids.print_button.disabled = True       # the QR stays; no second try
            self.app.speak(ANNOUNCEMENTS["paper_out"])
            self.qr = outcome_of(journey).qr

    def finish(self) -> None:
        """完成: evaluation if offered, else the end of the visit."""
        self.app.advance()

    def demo(self, **state: Any) -> None:
        """A provident-fund account query result (sample figures, no personal data)."""
        app = self.app
        app.open_demo_journey(str(state.get("code", "KM-HPF-002")))
        if app.journey is not None and app.journey.result.is_empty():
            app.journey.result.query = QueryResult(
                item_code=app.journey.item.code, title=app.journey.item.name,
                summary=({"label": N_("账户状态"), "value": N_("正常")},
                         {"label": N_("月缴存额（元）"), "value": "2424.00"},
                         {"label": N_("账户余额（元）"), "value": "69811.20"}),
                columns=(), rows=(), generated_at="")
            app.journey.step = Step.RESULT
        self.refresh()
