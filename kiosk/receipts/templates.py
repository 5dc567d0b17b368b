"""The four receipts the terminal prints, built as documents (Chinese first, English below).

* :func:`acceptance_receipt` — 受理凭证: item, the 受理编号 printed double height in groups
  of four, time, terminal, masked applicant, a QR code ``EBT1:CASE:<20-digit number>`` to
  check progress, and a notice;
* :func:`query_result_slip` — 查询结果: the rows a query returned and a verification QR
  (:func:`query_verification`: a digest of what the slip says);
* :func:`appointment_slip` — 预约凭证: service point, date and time slot, appointment number;
* :func:`evaluation_slip` — 评价二维码: a QR code (payload ``EBT1:EVAL:…`` from the caller) to
  rate the service later on a phone.

Personal data is masked here, with :mod:`common.privacy`, before it enters a document.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from PIL import Image

from common.privacy import mask_address, mask_id_number, mask_name
from drivers.printer.document import Document

BRAND = "e办通 · 24小时政务自助服务"
BRAND_EN = "e-Bantong 24-hour Government Self-Service"
CASE_PREFIX = "EBT1:CASE:"
EVAL_PREFIX = "EBT1:EVAL:"

QUERY_PREFIX = "EBT1:QRY:"
#: the one word for the case number on paper (and on screen)
CASE_WORD = "受理编号"

_CASE_RE = re.compile(r"\d{20}")


def grouped(number: str, size: int = 4) -> str:
    """``53010220261121000123`` → ``5301 0220 2611 2100 0123`` (easier to read and copy)."""
    return " ".join(number[i:i + size] for i in range(0, len(number), size))


def _case_number(doc: Document, case_number: str) -> None:
    """受理编号 on its own line, then the number double height in groups of four."""
    doc.text(f"{CASE_WORD} Case No.", align="center")
    doc.text(grouped(case_number), align="center", bold=True, tall=True)


def query_verification(*, item: str, queried_at: datetime, terminal_id: str,
                       rows: Sequence[tuple[str, str]], applicant: str = "") -> str:
    """The query slip's verification QR: ``EBT1:QRY:<terminal>:<yyyymmddHHMMSS>:<check>``,
    where ``check`` is the first 16 hex digits of SHA-256 over what the slip prints (item,
    time, terminal, masked applicant, rows). Whoever holds the slip — and the terminal's
    own log — can recompute it and see whether the printed figures were altered. It is a
    digest, not a signature: the platform does not attest query slips today."""
    stamp = queried_at.strftime("%Y%m%d%H%M%S")
    body = "\n".join([item, stamp, terminal_id, applicant,
                      *(f"{key}\t{value}" for key, value in rows)])
    check = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16].upper()
    return f"{QUERY_PREFIX}{terminal_id}:{stamp}:{check}"


def progress_payload(case_number: str) -> str:
    """The progress QR payload for a 20-digit case number (受理编号)."""
    if not _CASE_RE.fullmatch(case_number):
        raise ValueError("a case number has exactly 20 digits")
    return CASE_PREFIX + case_number


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _header(title: str, title_en: str, kind: str, logo: Image.Image | None) -> Document:
    doc = Document(kind)
    if logo is not None:
        doc.logo(logo)
    doc.text(BRAND, align="center", bold=True)
    doc.text(BRAND_EN, align="center")
    doc.feed(1)
    doc.text(title, align="center", bold=True, size=2)
    doc.text(title_en, align="center")
    return doc.rule("=")


def _footer(doc: Document, notice: Sequence[str]) -> Document:
    if notice:
        doc.rule("-")
        for line in notice:
            doc.text(line)
    return doc.feed(2).cut()


def _applicant(doc: Document, name: str | None, id_number: str | None) -> None:
    if name:
        doc.kv("申请人", mask_name(name), en="Applicant")
    if id_number:
        doc.kv("证件号码", mask_id_number(id_number), en="ID No.")


def acceptance_receipt(
    *,
    item: str,
    case_number: str,
    accepted_at: datetime,
    terminal_id: str,
    id_number: str,
    applicant_name: str | None = None,
    address: str | None = None,
    department: str | None = None,
    promised: str | None = None,
    logo: Image.Image | None = None,
    progress_qr: str | None = None,
    cross_province: Any = None,
    deferred: Sequence[Any] = (),
    linked: Sequence[Any] = (),
    failed: Sequence[Any] = (),
    proxy: Any = None,
) -> Document:
    """受理凭证 Acceptance receipt, with the progress QR code (``progress_qr``: the platform's
    signed payload, which lets the receipt's holder read the case without identifying)."""
    payload = progress_qr or progress_payload(case_number)
    doc = _header("受理凭证", "Acceptance Receipt", "acceptance", logo)
    doc.kv("办理事项", item, en="Item")
    if department:
        doc.kv("受理部门", department, en="Dept.")
    _case_number(doc, case_number)
    doc.kv("受理时间", _stamp(accepted_at), en="Time")
    doc.kv("受理终端", terminal_id, en="Terminal")
    _applicant(doc, applicant_name, id_number)
    if address:
        doc.kv("联系地址", mask_address(address), en="Address")
    if promised:
        doc.kv("承诺时限", promised, en="Time limit")
    if cross_province is not None:       # 跨省通办: who handles and who decides
        doc.rule("-")
        doc.text(f"跨省通办（{cross_province.mode}）", bold=True)
        doc.kv("转递至", cross_province.office, en="Sent to")
        doc.kv("决定机关", cross_province.decided_by, en="Decides")
        doc.text(cross_province.note)
    if proxy is not None:                # 代办: both people, masked, and the authorisation
        doc.rule("-")
        doc.kv("代办人", proxy.agent_masked, en="Agent")
        doc.kv("委托人", proxy.principal_masked, en="Principal")
        doc.kv("授权编号", f"{proxy.authorisation_no}（{proxy.relation}）", en="Authorisation")
    if linked or failed:                 # 一件事一次办: each member's own case
        doc.rule("-")
        doc.text("一件事一次办：以下事项已分别受理", bold=True)
        for case in linked:
            doc.kv(case.item_name, case.case_no)
        for part in failed:
            doc.kv(part.item_name, "未受理：" + part.reasons)
    if deferred:                         # 容缺受理: what is owed, and by when
        doc.rule("-")
        doc.text("容缺受理：以下材料请在期限内补交", bold=True)
        for owed in deferred:
            doc.kv(owed.name, f"{owed.due_by}前", en="Due")
    doc.rule("-")
    doc.qr(payload, caption=("扫码查询办理进度", "Scan to check the progress"))
    return _footer(
        doc,
        (
            "温馨提示：请妥善保管本凭证，凭受理编号可在任一自助终端或“一部手机办事通”查询办理进度。",
            "Keep this receipt; use the case number to check progress at any terminal.",
        ),
    )


def query_result_slip(
    *,
    item: str,
    queried_at: datetime,
    terminal_id: str,
    rows: Sequence[tuple[str, str]],
    id_number: str | None = None,
    applicant_name: str | None = None,
    case_number: str | None = None,
    logo: Image.Image | None = None,
) -> Document:
    """查询结果 Query result slip: the rows the platform returned."""
    doc = _header("查询结果", "Query Result", "query_result", logo)
    doc.kv("查询事项", item, en="Item")
    if case_number:
        _case_number(doc, case_number)
    doc.kv("查询时间", _stamp(queried_at), en="Time")
    doc.kv("查询终端", terminal_id, en="Terminal")
    _applicant(doc, applicant_name, id_number)
    doc.rule("-")
    for key, value in rows:
        doc.kv(key, value)
    doc.rule("-")
    applicant = " ".join(filter(None, (mask_name(applicant_name) if applicant_name else "",
                                       mask_id_number(id_number) if id_number else "")))
    doc.qr(query_verification(item=item, queried_at=queried_at, terminal_id=terminal_id,
                              rows=rows, applicant=applicant),
           caption=("扫码核验本结果", "Scan to verify this result"))
    return _footer(
        doc,
        (
            "本结果仅供参考，以主管部门最终数据为准。",
            "For reference only; the department's records prevail.",
        ),
    )


def appointment_slip(
    *,
    item: str,
    appointment_number: str,
    service_point: str,
    point_address: str,
    day: date,
    time_slot: str,
    booked_at: datetime,
    terminal_id: str,
    id_number: str | None = None,
    applicant_name: str | None = None,
    logo: Image.Image | None = None,
) -> Document:
    """预约凭证 Appointment slip: where and when, and the number to show at the counter."""
    doc = _header("预约凭证", "Appointment Slip", "appointment", logo)
    doc.text("预约号 Appointment No.", align="center")
    doc.text(appointment_number, align="center", bold=True, size=2)
    doc.rule("-")
    doc.kv("预约事项", item, en="Item")
    doc.kv("办理地点", service_point, en="Place")
    doc.kv("地址", point_address, en="Address")
    doc.kv("预约日期", day.strftime("%Y-%m-%d"), en="Date")
    doc.kv("预约时段", time_slot, en="Time")
    _applicant(doc, applicant_name, id_number)
    doc.kv("预约时间", _stamp(booked_at), en="Booked")
    doc.kv("预约终端", terminal_id, en="Terminal")
    return _footer(
        doc,
        (
            "请携带本人有效身份证件，按预约时段前往办理；逾期需重新预约。",
            "Bring your ID card and arrive within the time slot.",
        ),
    )


def evaluation_slip(
    *,
    payload: str,
    item: str,
    printed_at: datetime,
    terminal_id: str,
    case_number: str | None = None,
    logo: Image.Image | None = None,
) -> Document:
    """评价二维码 Evaluation slip: a QR code to rate the service (好差评) later."""
    if not payload.startswith(EVAL_PREFIX):
        raise ValueError(f"an evaluation payload starts with {EVAL_PREFIX}")
    doc = _header("服务评价", "Rate Our Service", "evaluation", logo)
    doc.kv("办理事项", item, en="Item")
    if case_number:
        _case_number(doc, case_number)
    doc.kv("打印时间", _stamp(printed_at), en="Time")
    doc.kv("终端", terminal_id, en="Terminal")
    doc.rule("-")
    doc.qr(payload, caption=("扫码评价本次服务（好差评）", "Scan to rate this service"))
    return _footer(
        doc,
        (
            "评价等级：非常满意、满意、基本满意、不满意、非常不满意。您的评价将帮助我们改进服务。",
            "Your rating helps us improve.",
        ),
    )
