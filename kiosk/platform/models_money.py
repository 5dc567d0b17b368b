"""Typed results of the payment and appointment APIs (frozen dataclasses).

Amounts are integer fen everywhere; :func:`yuan` formats them for people. Each class is
built from the API's JSON by :func:`parse`, which checks every field is present and of the
declared scalar type (a malformed answer raises ``DataError`` via ``models.build``).
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any, TypeVar

from kiosk.platform.errors import DataError

T = TypeVar("T")
_CAST = {"int": int, "str": str, "float": float, "bool": bool}


def parse(cls: type[T], data: Any) -> T:
    """Build ``cls`` from a JSON object, field by field (``X | None`` may be null)."""
    if not isinstance(data, dict):
        raise DataError("platform answer is not an object", code="malformed")
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        kind = str(f.type)
        optional = kind.endswith("| None")
        if f.name not in data:
            if optional or f.default is not MISSING:
                continue
            raise DataError(f"platform answer lacks '{f.name}'", code="malformed")
        value = data[f.name]
        base = kind.removesuffix(" | None").strip()
        if value is None and optional:
            values[f.name] = None
        elif base == "float" and isinstance(value, int | float) and not isinstance(value, bool):
            values[f.name] = float(value)
        elif base in _CAST and not isinstance(value, _CAST[base]):
            raise DataError(f"platform answer has a bad '{f.name}'", code="malformed")
        else:
            values[f.name] = value
    return cls(**values)


def yuan(fen: int) -> str:
    """12345 → '123.45' (no floats anywhere near money)."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


@dataclass(frozen=True)
class Fine:
    """A traffic-penalty decision and today's amount."""

    decision_no: str
    offence_code: str
    offence: str
    plate_masked: str
    decided_on: str
    fine_fen: int
    late_fee_fen: int
    amount_fen: int
    paid: bool


@dataclass(frozen=True)
class PensionOptions:
    """This year's residents' pension grades for the identified citizen."""

    year: int
    grades_fen: list[int]
    paid: bool
    title: str


@dataclass(frozen=True)
class PaymentOrder:
    """A payment order; ``pay_code`` is the 20-digit 缴款码, ``pay_qr`` the wallet QR."""

    pay_code: str
    kind: str
    reference: str
    title: str
    amount_fen: int
    status: str
    created_at: float
    expires_at: float
    paid_at: float | None
    channel: str
    late: bool
    receipt_no: str
    refund_no: str
    refund_reason: str
    pay_qr: str
    duplicate: bool = False


@dataclass(frozen=True)
class FiscalReceipt:
    """财政电子票据: code, number, check code, verify address and the PDF (base64)."""

    code: str
    number: str
    check_code: str
    pay_code: str
    title: str
    amount_fen: int
    payee: str
    issued_at: float
    verify_url: str
    pdf_b64: str = ""           # only when asked for (with_pdf)


@dataclass(frozen=True)
class Venue:
    """A hall taking appointments for an item."""

    id: str
    name: str
    district: str
    address: str
    lat: float
    lon: float
    hours: str
    counters: int


@dataclass(frozen=True)
class Slot:
    """A half-hour slot and the places left."""

    start: str
    end: str
    capacity: int
    left: int


@dataclass(frozen=True)
class SlotDay:
    """A working day and its slots."""

    date: str
    weekday: int
    calendar_known: bool
    slots: tuple[Slot, ...]

    @classmethod
    def from_json(cls, data: Any) -> SlotDay:
        """Build with typed slots."""
        day = parse(_SlotDayRaw, data)
        return cls(day.date, day.weekday, day.calendar_known,
                   tuple(parse(Slot, s) for s in day.slots))


@dataclass(frozen=True)
class _SlotDayRaw:
    date: str
    weekday: int
    calendar_known: bool
    slots: list[Any]


@dataclass(frozen=True)
class Hold:
    """A place kept until ``expires_at`` (unix s)."""

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


@dataclass(frozen=True)
class Booking:
    """A confirmed appointment with its check-in QR."""

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
