"""What the result screen shows, decided in the core: the answer, what happens next, the rest.

:func:`outcome_of` turns a journey's typed results into an :class:`Outcome`: first the key
answer, large and centred with a ✓ (done) or ⚠ (not done, or look again) — the 受理编号 in
groups of four, an account's balance, a certificate's verification code, a case's state —
and one line saying what happens next, where and when (the promised date counted in working
days from the public-holiday calendar, written 2026年12月8日, never ISO). Then the heading,
the rows in plain language, the progress history, the QR to keep on screen, the case number
to read out digit by digit, and whether there is anything to print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from kiosk.calendar_cn import WorkingCalendar, format_date, format_iso
from kiosk.i18n import N_

CASE_WORD = N_("受理编号")         # one word for the case number, on screen and on paper
#: notices about printing or sending that leave the service itself done
NOT_FAILURES = frozenset({"print_failed", "queued", "print_unconfirmed", "a4_fallback"})


@dataclass(frozen=True)
class HistoryLine:
    """One state a case passed: when and what (Chinese and English names)."""

    when: str
    name: str
    name_en: str


@dataclass(frozen=True)
class Outcome:
    """The result screen's content (message ids are translated by the screen)."""

    heading: str
    item_name: str
    who: str
    rows: list[tuple[str, str]]
    history: list[HistoryLine] = field(default_factory=list)
    qr: str = ""
    case_to_speak: str = ""
    printable: bool = False
    ok: bool = True                    # ✓ or ⚠ (a shape and a word, never colour alone)
    key_label: str = ""                # message id, e.g. 受理编号
    key_value: str = ""                # shown large: "5301 0020 2611 2900 0001"
    next_step: str = ""                # message id with {placeholders}
    next_values: dict[str, str] = field(default_factory=dict)


def group_digits(number: str, size: int = 4) -> str:
    """``53010020261129000001`` → ``5301 0020 2611 2900 0001`` (easier to read and copy)."""
    return " ".join(number[i:i + size] for i in range(0, len(number), size))


def outcome_of(journey: Any, today: dt.date | None = None,
               calendar: WorkingCalendar | None = None) -> Outcome:
    """The outcome of ``journey`` as it stands."""
    result = journey.result
    flow = journey.item.flow
    pay = result.payment
    if result.booking is not None:
        heading = N_("预约成功")
    elif pay is not None and pay.refunded:
        heading = N_("已退款")
    elif result.certificate is not None:
        heading = N_("证明预览")
    elif pay is not None and pay.paid:
        heading = N_("缴费成功")
    elif pay is not None and pay.outcome:
        heading = N_("支付未完成")
    elif result.case is not None and flow != "progress":
        heading = N_("受理成功")
    elif result.progress is not None:
        heading = N_("办理进度")
    else:
        heading = N_("查询结果")
    if flow == "application" and result.case is None and pay is None:
        heading = N_("申请已保存，等待提交")
    history = []
    if result.progress is not None:
        for step in result.progress.history:
            when = format_iso(str(step.get("at") or step.get("time") or ""))
            history.append(HistoryLine(when, step.get("state_name", ""),
                                       step.get("state_name_en") or step.get("state_name", "")))
    qr = (str(result.certificate.qr_payload) if result.certificate is not None
          else result.progress_qr)
    if result.certificate is not None and result.certificate.download_url:
        qr = result.certificate.download_url      # the sealed PDF, to keep on a phone
    elif result.booking is not None:
        qr = result.booking.checkin_qr
    elif pay is not None and pay.fiscal is not None and result.certificate is None:
        qr = pay.fiscal.verify_url
    speak = result.case.case_no if result.case is not None and flow != "progress" else ""
    outcome = Outcome(heading=heading, item_name=journey.item.name,
                      who=journey.masked_identity().strip(), rows=journey.result_rows(),
                      history=history, qr=qr, case_to_speak=speak,
                      printable=journey.receipt_document() is not None and not journey.printed)
    return _with_answer(outcome, journey, today or dt.date.today(),
                        calendar or WorkingCalendar())


def _with_answer(outcome: Outcome, journey: Any, today: dt.date,
                 calendar: WorkingCalendar) -> Outcome:
    """Fill the key answer and the next step (see the module docstring)."""
    result, item = journey.result, journey.item
    if journey.message is not None and journey.message.code not in NOT_FAILURES:
        return _replace(outcome, ok=False, key_label=N_("未能完成"),
                        key_value="", next_step=journey.message.message)
    if result.booking is not None:
        booking = result.booking
        return _replace(outcome, key_label=N_("预约号"), key_value=booking.booking_no,
                        next_step=N_("请于{date} {time}携带身份证到{place}办理，到场后扫码签到。"),
                        next_values={"date": format_iso(booking.date),
                                     "time": f"{booking.start}-{booking.end}",
                                     "place": booking.venue_name})
    pay = result.payment
    if pay is not None and pay.paid and result.certificate is None:
        return _replace(outcome, key_label=N_("已缴金额"), key_value=pay.amount_text,
                        next_step=N_("缴费已由政务平台确认。请打印缴费凭条，扫码可查验财政电子票据。"))
    if result.case is not None and item.flow != "progress":
        days = int(item.raw.get("promised_time_limit_days") or 0)
        if days > 0:
            due = calendar.add_working_days(today, days)
            return _replace(outcome, key_label=CASE_WORD,
                            key_value=group_digits(result.case.case_no),
                            next_step=N_("承诺{days}个工作日内办结，即{date}前。"
                                         "请凭受理编号或凭条二维码查询进度。"),
                            next_values={"days": str(days), "date": format_date(due)})
        return _replace(outcome, key_label=CASE_WORD, key_value=group_digits(
            result.case.case_no), next_step=N_("请凭受理编号或凭条二维码查询进度。"))
    if item.flow == "application" and result.submitted:
        return _replace(outcome, ok=False, key_label=N_("申请已保存"),
                        next_step=N_("网络恢复后本机会自动提交。请稍后凭身份证在本机查询进度。"))
    if result.progress is not None:
        progress = result.progress
        return _replace(outcome, ok=True, key_label=N_("当前状态"), key_value=progress.state_name,
                        next_step=N_("已办结，请按短信或凭条上的方式领取结果。")
                        if progress.completed else N_("承诺办结时间：{date}。"),
                        next_values={"date": format_iso(progress.promised_by)})
    if result.certificate is not None:
        return _replace(outcome, key_label=N_("验证码"),
                        key_value=result.certificate.verification_code,
                        next_step=N_("请点“打印”取走证明；也可用手机扫描二维码下载。"))
    if result.query is not None and result.query.summary:
        first = _key_figure(result.query.summary)
        return _replace(outcome, key_label=str(first.get("label", "")),
                        key_value=str(first.get("value", "")),
                        next_step=N_("需要纸质结果请点“打印”。"))
    return outcome


def _replace(outcome: Outcome, **changes: Any) -> Outcome:
    return replace(outcome, **changes)


#: the query figure a citizen came for, when the answer has several (balance, open fines)
KEY_FIGURE_WORDS = ("余额", "未处理", "合计", "共")


def _key_figure(summary: Any) -> dict[str, Any]:
    for word in KEY_FIGURE_WORDS:
        for entry in summary:
            if word in str(entry.get("label", "")):
                return dict(entry)
    return dict(summary[0])
