"""好差评 evaluation: five levels, a reason for a bad one, a QR code to rate later;
offered once per visit."""

from __future__ import annotations

from typing import Any

from kivy.properties import NumericProperty, StringProperty

from kiosk.flows.steps import BAD_REVIEW_LEVELS, EVALUATION_LEVELS
from kiosk.i18n import N_
from screens.widgets import EbtButton, KioskScreen

REASONS = (N_("等待时间长"), N_("操作不方便"), N_("指引不清楚"), N_("设备故障"), N_("结果不满意"))


class EvaluateScreen(KioskScreen):
    """Pick a level (and a reason for 不满意 / 非常不满意), then 提交评价."""

    prompt = "evaluate"
    level = NumericProperty(0)
    reason = StringProperty("")
    later_qr = StringProperty("")

    def refresh(self) -> None:
        """Level buttons, reasons for bad reviews, the rate-later QR."""
        app = self.app
        levels = self.ids.levels
        levels.clear_widgets()
        for level, (zh, en) in EVALUATION_LEVELS.items():
            text = zh if app.lang == "zh_CN" else en
            if level == self.level:  # not by colour alone: the choice is also said in words
                text = f"{text}  ({app.tr(N_('已选'))})"
            button = EbtButton(text=text, ebt_id=f"level_{level}", selected=level == self.level,
                               kind="primary" if level == self.level else "plain")
            button.bind(on_release=lambda _b, v=level: self.choose(v))
            levels.add_widget(button)
        reasons = self.ids.reasons
        reasons.clear_widgets()
        if self.level in BAD_REVIEW_LEVELS:
            for n, text in enumerate(REASONS):
                label = app.tr(text)
                if text == self.reason:
                    label = f"{label}  ({app.tr(N_('已选'))})"
                button = EbtButton(text=label, ebt_id=f"reason_{n}",
                                   selected=text == self.reason)
                button.bind(on_release=lambda _b, t=text: self._reason(t))
                reasons.add_widget(button)
        journey = app.journey
        if journey is not None and not self.later_qr:
            app.run_async(journey.evaluation_later, self._later)
        self.notice = app.tr(journey.message.message) if journey and journey.message else ""

    def _later(self, payload: Any) -> None:
        self.later_qr = str(payload or "")

    def choose(self, level: int) -> None:
        """A level was touched."""
        self._clear_message()
        self.level = level
        if level not in BAD_REVIEW_LEVELS:
            self.reason = ""
        self.refresh()

    def _clear_message(self) -> None:
        if self.app.journey is not None:
            self.app.journey.message = None

    def _reason(self, text: str) -> None:
        self._clear_message()
        self.reason = text
        self.refresh()

    def submit(self) -> None:
        """Queue the rating durably and end the visit."""
        journey = self.app.journey
        if journey is None or not self.level:
            self.notice = self.app.tr("请先选择评价等级。")
            return
        level, reason = self.level, self.reason
        self.app.run_async(lambda: journey.evaluate(level, reason), self._done)

    def _done(self, ok: Any) -> None:
        if ok:
            self.level, self.reason, self.later_qr = 0, "", ""
            self.app.show_step()
        else:
            self.refresh()

    def wipe(self) -> None:
        """The level, reason and rate-later QR go with the visit."""
        super().wipe()
        self.level, self.reason, self.later_qr = 0, "", ""

    def skip(self) -> None:
        """稍后评价: the offer was made; rate later with the QR."""
        if self.app.journey is not None:
            self.app.journey.skip_evaluation()
        self.level, self.reason, self.later_qr = 0, "", ""
        self.app.advance()

    def demo(self, **state: Any) -> None:
        """A bad review with its reasons showing."""
        self.level = int(state.get("level", 2))
        self.refresh()
