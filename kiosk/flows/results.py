"""What a journey has produced so far, as one typed record (never a free-form dict).

:class:`JourneyResult` is filled by :class:`~kiosk.flows.journey.Journey` as the steps run:
the query answer, the certificate, the case an application created, the progress looked
up, and the bookkeeping of the visit (the application's idempotency key, whether the
printer failed, the evaluation's outbox key). Screens read it; only the journey writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.calendar_cn import format_iso
from kiosk.flows.paying import PaymentState
from kiosk.i18n import N_
from kiosk.platform.models import (
    ApplicationReceipt,
    Certificate,
    CrossProvince,
    Progress,
    QueryResult,
)
from kiosk.platform.models_money import Booking, yuan


@dataclass(frozen=True)
class Rateable:
    """What this journey's 好差评 would rate: a case or a service record, with the
    receipt's signed payload that proves the citizen's right to rate it (and is the
    rate-later QR)."""

    number: str
    proof: str
    kind: str


@dataclass
class JourneyResult:
    """The typed results of one journey (all empty at the start)."""

    query: QueryResult | None = None
    certificate: Certificate | None = None
    progress: Progress | None = None
    case: ApplicationReceipt | None = None
    commitment_accepted: bool = False
    idempotency_key: str | None = None
    submitted: bool = False
    print_failed: bool = False
    evaluation_key: str | None = None
    rateable: Rateable | None = None
    payment: PaymentState | None = None
    booking: Booking | None = None
    a4_printed: bool = False
    a4_failed: bool = False

    @property
    def case_no(self) -> str | None:
        """The case this journey is about: the one it created or the one looked up."""
        if self.case is not None:
            return self.case.case_no
        if self.progress is not None:
            return self.progress.case_no
        return None

    @property
    def progress_qr(self) -> str:
        """The QR on the acceptance receipt (empty when there is none)."""
        return self.case.progress_qr if self.case is not None else ""

    def is_empty(self) -> bool:
        """Nothing produced yet."""
        paid = self.payment is not None and bool(self.payment.outcome)
        return (self.query, self.certificate, self.progress, self.case,
                self.booking) == (None,) * 5 and not paid


def rows_of(result: JourneyResult) -> list[tuple[str, str]]:
    """The result as (label, value) rows (labels are message ids), for screen and slip."""
    if result.query is not None:
        query = result.query
        rows = [(s.get("label", ""), str(s.get("value", ""))) for s in query.summary]
        for row in query.rows[:8]:
            # every record whole (its status included): the first column, then the rest
            values = [str(v) for v in row.values() if str(v)]
            if values:
                rows.append((values[0], "  ".join(values[1:])))
        return rows
    if result.booking is not None:
        b = result.booking
        return [(N_("预约号"), b.booking_no), (N_("办理地点"), b.venue_name),
                (N_("地址"), b.address), (N_("预约时间"), f"{b.date} {b.start}-{b.end}")]
    if result.payment is not None and result.payment.outcome and result.certificate is None:
        return payment_rows(result.payment)
    if result.certificate is not None:
        cert = result.certificate
        return [(N_("证明"), cert.title), (N_("验证码"), cert.verification_code),
                (N_("出具时间"), format_iso(cert.issued_at))]
    if result.progress is not None:
        prog = result.progress
        return [(N_("受理编号"), prog.case_no), (N_("事项"), prog.item_name),
                (N_("当前状态"), prog.state_name), (N_("承诺办结"), format_iso(prog.promised_by)),
                *linked_rows(prog.linked)]
    if result.case is not None:
        return [(N_("受理编号"), result.case.case_no), (N_("状态"), result.case.state_name),
                *cross_province_rows(result.case.cross_province),
                *[(N_("容缺补交"), f"{d.name}（{d.due_by}前）") for d in result.case.deferred],
                *linked_rows(result.case.linked),
                *[(N_("未受理"), f"{f.item_name}：{f.reasons}") for f in result.case.failed],
                *proxy_rows(result.case.proxy)]
    return []


def proxy_rows(proxy: Any) -> list[tuple[str, str]]:
    """代办: both people, masked, and the authorisation (none when acting for oneself)."""
    if proxy is None:
        return []
    return [(N_("代办人"), proxy.agent_masked), (N_("委托人"), proxy.principal_masked),
            (N_("授权编号"), f"{proxy.authorisation_no}（{proxy.relation}）")]


def linked_rows(linked: Any) -> list[tuple[str, str]]:
    """一件事一次办: each member's case and where it is."""
    return [(c.item_name, f"{c.case_no}  {c.state_name}") for c in linked]


def cross_province_rows(forwarding: CrossProvince | None) -> list[tuple[str, str]]:
    """跨省通办: the mode, where the application went and who decides (none when local)."""
    if forwarding is None:
        return []
    return [(N_("跨省通办"), forwarding.mode), (N_("转递至"), forwarding.office),
            (N_("决定机关"), forwarding.decided_by)]


def payment_rows(state: PaymentState) -> list[tuple[str, str]]:
    """A payment's outcome as (label, value) rows."""
    order = state.order
    rows = [(N_("缴费项目"), state.title), (N_("金额（元）"), yuan(state.amount_fen))]
    if order is not None:
        rows.append((N_("缴款码"), order.pay_code))
    if state.fiscal is not None:
        rows += [(N_("票据号码"), state.fiscal.number), (N_("校验码"), state.fiscal.check_code)]
    if state.refunded and order is not None:
        rows.append((N_("退款单号"), order.refund_no))
    return rows
