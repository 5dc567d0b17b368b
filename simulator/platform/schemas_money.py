"""Request and response models of the payment, fiscal-receipt and appointment APIs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from simulator.platform.schemas import KEY_FIELD

PAY_CODE_PATTERN = r"^\d{20}$"
DECISION_PATTERN = r"^\d{15}$"


class FineResponse(BaseModel):
    """A traffic-penalty decision and what it costs today (fen)."""

    decision_no: str
    offence_code: str
    offence: str
    plate_masked: str
    decided_on: str
    fine_fen: int
    late_fee_fen: int
    amount_fen: int
    paid: bool


class ContributionOptions(BaseModel):
    """城乡居民养老保险: the year, its grades (fen) and whether it is paid already."""

    year: int
    grades_fen: list[int]
    paid: bool
    title: str


class OrderRequest(BaseModel):
    """Create a payment order for an exact amount; the key makes it idempotent."""

    kind: str = Field(description="fine | contribution | fee")
    reference: str = Field(max_length=64, description="decision number, year or item code")
    amount_fen: int = Field(gt=0, lt=10**9, description="what the citizen was shown")
    idempotency_key: str = KEY_FIELD
    notify_url: str = Field(default="", max_length=512,
                            description="where the signed notification is POSTed")


class OrderResponse(BaseModel):
    """A payment order (缴款码 = ``pay_code``)."""

    pay_code: str
    kind: str
    reference: str
    title: str
    amount_fen: int
    status: str = Field(description="open | paid | failed | cancelled | expired | refunded")
    created_at: float
    expires_at: float
    paid_at: float | None
    channel: str
    late: bool
    receipt_no: str
    refund_no: str
    refund_reason: str
    pay_qr: str = Field(description="dynamic payment QR for the citizen's phone wallet")
    duplicate: bool = False


class RefundRequest(BaseModel):
    """Why the money goes back."""

    reason: str = Field(min_length=1, max_length=200)


class FiscalReceiptResponse(BaseModel):
    """财政电子票据 of a paid order."""

    code: str
    number: str
    check_code: str
    pay_code: str
    title: str
    amount_fen: int
    payee: str
    issued_at: float
    verify_url: str
    pdf_b64: str = Field(default="", description="the receipt's PDF when asked (pdf=true)")


class Venue(BaseModel):
    """A service hall that takes appointments, with its counters for the item."""

    id: str
    name: str
    district: str
    address: str
    lat: float
    lon: float
    hours: str
    counters: int


class Slot(BaseModel):
    """A half-hour slot."""

    start: str
    end: str
    capacity: int
    left: int


class SlotDay(BaseModel):
    """A working day and its slots."""

    date: str
    weekday: int
    calendar_known: bool
    slots: list[Slot]


class HoldRequest(BaseModel):
    """Keep one place while the citizen confirms."""

    item_code: str
    venue_id: str
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    start: str = Field(pattern=r"^\d{2}:\d{2}$")
    idempotency_key: str = KEY_FIELD


class HoldResponse(BaseModel):
    """A held place and until when (unix s)."""

    hold_id: str
    item_code: str
    venue_id: str
    date: str
    start: str
    end: str
    expires_at: float
    status: str
    booking_no: str | None
    duplicate: bool = False


class BookingResponse(BaseModel):
    """A booking with its check-in QR."""

    booking_no: str
    item_code: str
    item_name: str
    venue_id: str
    venue_name: str
    address: str
    date: str
    start: str
    end: str
    status: str
    checkin_qr: str
    duplicate: bool = False
