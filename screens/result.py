"""Result of a journey: query rows in plain language, a certificate preview, or the
acceptance receipt with its case number — printable; on a printer fault the receipt's QR
stays on screen to photograph."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

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

    def wipe(self) -> None:
        """Rows (the citizen's masked name and ID, results), heading and QR go."""
        super().wipe()
        self.ids.rows.clear_widgets()
        self.qr, self.heading = "", ""

    def refresh(self) -> None:
        """Fill rows, heading, QR and notices from the journey."""
        app = self.app
        journey = app.journey
        box = self.ids.rows
        box.clear_widgets()
        if journey is None:
            return
        data = journey.data
        if "certificate" in data:
            self.heading = app.tr("证明预览")
        elif "case_no" in data and journey.item.flow != "progress":
            self.heading = app.tr("受理成功") if data.get("case_no") else app.tr("已提交")
        elif "progress" in data:
            self.heading = app.tr("办理进度")
        else:
            self.heading = app.tr("查询结果")
        if journey.item.flow == "application" and "case_no" not in data:
            self.heading = app.tr("申请已保存，等待提交")
        box.add_widget(EbtLabel(text=journey.item.name, bold=True))
        who = journey.masked_identity()
        if who.strip():
            box.add_widget(EbtLabel(text=app.tr("办理人") + "：" + who, color=app.theme.muted))
        for label, value in journey.result_rows():
            box.add_widget(EbtLabel(text=f"{app.tr(label)}：{value}"))
        if "progress" in data:
            for step in data["progress"].history:
                name = step.get("state_name" if app.lang == "zh_CN" else "state_name_en") or \
                    step.get("state_name", "")
                when = str(step.get("at") or step.get("time") or "")[:16].replace("T", " ")
                box.add_widget(EbtLabel(text=f"· {when}  {name}", color=app.theme.muted))
        self.qr = self._qr_payload(data)
        self.notice = app.tr(journey.message.message) if journey.message else ""
        self.ids.print_button.disabled = journey.receipt_document() is None or journey.printed
        if "case_no" in data and journey.item.flow != "progress":
            app.terminal.voice.speak_digits(data["case_no"],
                                            prefix=app.tr(ANNOUNCEMENTS["case_number"]))

    @staticmethod
    def _qr_payload(data: dict[str, Any]) -> str:
        if "certificate" in data:
            return str(data["certificate"].qr_payload)
        if data.get("progress_qr"):
            return str(data["progress_qr"])
        return ""

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
            self.notice = self.app.tr("打印完成，请取走凭条。")
            self.ids.print_button.disabled = True
        else:
            self.notice = self.app.tr(journey.message.message) if journey.message else ""
            self.app.speak(ANNOUNCEMENTS["paper_out"])
            self.qr = self._qr_payload(journey.data)

    def finish(self) -> None:
        """完成: evaluation if offered, else the end of the visit."""
        self.app.advance()

    def demo(self, **state: Any) -> None:
        """A provident-fund account query result (sample figures, no personal data)."""
        app = self.app
        app.open_demo_journey(str(state.get("code", "KM-HPF-002")))
        if app.journey is not None and not app.journey.data:
            app.journey.data["query"] = QueryResult(
                item_code=app.journey.item.code, title=app.journey.item.name,
                summary=({"label": N_("账户状态"), "value": N_("正常")},
                         {"label": N_("月缴存额（元）"), "value": "2424.00"},
                         {"label": N_("账户余额（元）"), "value": "69811.20"}),
                columns=(), rows=(), generated_at="")
            app.journey.step = Step.RESULT
        self.refresh()
