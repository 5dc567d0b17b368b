"""An item's guide (办事指南) as labelled sections for the screen, and as a printable slip.

The twelve guide elements of the provincial plan come from the catalog item; the same
sections are shown on screen and printed, so nothing readable is unprintable.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from drivers.printer.document import Document
from kiosk.i18n import N_
from kiosk.receipts.templates import BRAND, BRAND_EN

#: the guide slip's way to an address when no service point is known (platform offline)
NO_POINTS = "请到就近的政务服务中心或24小时自助服务点办理。"
HOTLINE = "12345 政务服务便民热线"

IDENTITY_NAMES = {"none": N_("无需身份核验"), "idcard": N_("身份证"),
                  "idcard_face": N_("身份证 + 人脸核验")}


def _join(values: Any) -> str:
    if isinstance(values, list | tuple):
        return "\n".join(f"{n}. {v}" for n, v in enumerate(values, 1))
    return str(values or "—")


def _materials(materials: Any) -> str:
    lines = []
    for n, m in enumerate(materials or [], 1):
        extra = N_("（可用电子证照）") if m.get("e_licence") else ""
        need = "" if m.get("required", True) else N_("（非必需）")
        lines.append(f"{n}. {m.get('name', '')} {m.get('form', '')}"
                     f" ×{m.get('copies', 1)}{extra}{need}")
    return "\n".join(lines) or N_("无")


def guide_sections(item: Any, where: list[str] | None = None) -> list[tuple[str, str]]:
    """(section title, text) pairs: every guide element of the item, and where it can be
    done (``where``: lines from :func:`kiosk.flows.where.where_answer`). Titles are msgids."""
    raw = item.raw
    result = raw.get("result") or {}
    forms = "\n".join(f.get("name", "") for f in raw.get("forms") or []) or N_("无")
    return [
        (N_("事项名称"), item.name),
        (N_("事项编码"), item.code),
        (N_("事项类型"), item.type or "—"),
        (N_("实施部门"), item.department),
        (N_("设定依据"), str(raw.get("legal_basis", "—"))),
        (N_("适用范围"), str(raw.get("scope", "—"))),
        (N_("办理时限"), str(raw.get("time_limit_text", "—"))),
        (N_("身份核验"), IDENTITY_NAMES.get(item.identity_level, item.identity_level)),
        (N_("受理条件"), _join(raw.get("conditions"))),
        (N_("申请材料"), _materials(raw.get("materials"))),
        (N_("申请表格"), forms),
        (N_("办理流程"), _join(raw.get("process"))),
        (N_("收费标准"), str(raw.get("fees", "不收费"))),
        (N_("办理结果"), f"{result.get('name', '')}（{result.get('delivery', '')}）"),
        (N_("在哪里办"), "\n".join(where) if where
         else str((raw.get("where") or {}).get("text") or raw.get("scope", "—"))),
    ]


def guide_slip(item: Any, terminal_id: str, now: datetime,
               points: Sequence[tuple[float, Any]] = ()) -> Document:
    """The guide as a receipt to take away. ``points``: the nearest service points that
    offer the item as (km, point) (kiosk.flows.geo.offering_nearest or
    kiosk.flows.where.where_answer(...).nearest); the slip gives each one's address and
    hours, so the citizen knows where to go. Without them it says where the item is done
    and the 12345 hotline that gives the address."""
    doc = Document("guide")
    doc.text(BRAND, align="center", bold=True).text(BRAND_EN, align="center").feed(1)
    doc.text("办事指南", align="center", bold=True, size=2)
    doc.text("Service guide", align="center").rule("=")
    for title, text in guide_sections(item):
        doc.text(f"【{title}】", bold=True)
        for line in text.splitlines():
            doc.text(line)
    doc.rule("-")
    doc.text("【办理地点 Where to go】", bold=True)
    for km, point in list(points)[:3]:
        doc.text(f"{point.name}（{km:.1f} km）", bold=True)
        doc.kv("地址", str(point.address), en="Address")
        doc.kv("开放时间", str(point.hours), en="Hours")
    if not points:
        doc.text(str((item.raw.get("where") or {}).get("text") or NO_POINTS))
        doc.kv("办理地点咨询", HOTLINE, en="Ask where")
    doc.rule("-").kv("打印终端", terminal_id, en="Terminal")
    doc.kv("打印时间", now.strftime("%Y-%m-%d %H:%M"), en="Printed")
    return doc.feed(2).cut()
