"""What the result screen shows, decided in the core: heading, rows, QR, what to say.

:func:`outcome_of` turns a journey's typed results into an :class:`Outcome`: the heading
(受理成功, 查询结果, 证明预览, 办理进度, or "saved, waiting to be sent" for an application
the platform has not answered yet), the rows in plain language, the progress history, the
QR to keep on screen (the receipt's QR or the certificate's), the case number to read out
digit by digit, and whether there is anything to print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.i18n import N_


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


def outcome_of(journey: Any) -> Outcome:
    """The outcome of ``journey`` as it stands."""
    result = journey.result
    flow = journey.item.flow
    if result.certificate is not None:
        heading = N_("证明预览")
    elif result.case is not None and flow != "progress":
        heading = N_("受理成功")
    elif result.progress is not None:
        heading = N_("办理进度")
    else:
        heading = N_("查询结果")
    if flow == "application" and result.case is None:
        heading = N_("申请已保存，等待提交")
    history = []
    if result.progress is not None:
        for step in result.progress.history:
            when = str(step.get("at") or step.get("time") or "")[:16].replace("T", " ")
            history.append(HistoryLine(when, step.get("state_name", ""),
                                       step.get("state_name_en") or step.get("state_name", "")))
    qr = (str(result.certificate.qr_payload) if result.certificate is not None
          else result.progress_qr)
    speak = result.case.case_no if result.case is not None and flow != "progress" else ""
    return Outcome(heading=heading, item_name=journey.item.name,
                   who=journey.masked_identity().strip(), rows=journey.result_rows(),
                   history=history, qr=qr, case_to_speak=speak,
                   printable=journey.receipt_document() is not None and not journey.printed)
