"""Classify a scanned QR payload into the formats the terminal accepts; reject the rest.

Scanned text is untrusted input. :func:`classify` returns one of :class:`CaseNumber`,
:class:`EvaluationCode`, :class:`ELicenceCode`, :class:`ElectronicIdCode` or
:class:`Rejected` (a reason code plus a polite message in Chinese and English for the
screen and the voice). Only the *shape* is checked here; signatures are verified by the
platform. URLs are never opened (they are rejected unless one of our formats); control
characters and over-long payloads never reach the UI or the logs raw — the ``repr`` of
every result hides the content, and :func:`sanitize` makes text safe to display.

Provisional formats (the platform issue owns them; all ASCII):

* case number (办件编号): 20 digits = ``530100`` + YYYYMMDD + 6 random digits; the receipt's
  progress QR is ``EBT1:CASE:<case number>:<16 hex sig>`` (the signature lets its holder read
  the case without identifying; the unsigned ``EBT1:CASE:<case number>`` of older receipts
  and a bare 20-digit string are accepted too, and then the citizen identifies);
* evaluation: ``EBT1:EVAL:<case number>:<expiry unix seconds>:<16 hex sig>``;
* e-licence: ``EBT1:LIC:<base64url JSON, no padding>.<16 hex sig>``;
* electronic ID: ``EBT1:EID:<base64url JSON, no padding>.<16 hex sig>``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MAX_PAYLOAD_BYTES = 1024
CASE_PREFIX = "530100"

_CASE = re.compile(r"530100(\d{8})\d{6}")
_SIG = r"[0-9a-fA-F]{16}"
_EVAL = re.compile(rf"EBT1:EVAL:(\d{{20}}):(\d{{1,12}}):({_SIG})")
_TOKEN = re.compile(rf"EBT1:(LIC|EID):([A-Za-z0-9_-]+)\.({_SIG})")
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.|mailto:|tel:|sms:|javascript:|data:)", re.I)


@dataclass(frozen=True)
class CaseNumber:
    """A 办件编号 from a receipt QR (``via="qr"``) or a bare number (``via="bare"``)."""

    number: str = field(repr=False)
    via: str = "qr"
    proof: str = field(default="", repr=False)   # the signed QR text, when signed

    def masked(self) -> str:
        """The number with the serial partly hidden, for logs."""
        return self.number[:14] + "****" + self.number[-2:]


@dataclass(frozen=True)
class EvaluationCode:
    """A signed 好差评 code: which case, until when, and the signature to verify."""

    case_number: str = field(repr=False)
    expires_at: int = 0
    signature: str = field(default="", repr=False)

    def expired(self, now: float) -> bool:
        """True once ``now`` (unix seconds) is past the expiry."""
        return now > self.expires_at


@dataclass(frozen=True)
class _SignedToken:
    """A base64url JSON body with a signature; the claims may hold personal data."""

    body: str = field(repr=False)
    signature: str = field(repr=False)
    claims: dict[str, Any] = field(repr=False, default_factory=dict)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<{len(self.body)} chars>)"


class ELicenceCode(_SignedToken):
    """An electronic licence QR (电子证照, 亮证扫码)."""


class ElectronicIdCode(_SignedToken):
    """An electronic-ID QR (电子身份证 / 网证)."""


@dataclass(frozen=True)
class Rejected:
    """Not a payload the terminal accepts; ``message_zh`` / ``message_en`` are for people."""

    reason: str
    message_zh: str
    message_en: str
    length: int = 0


Payload = CaseNumber | EvaluationCode | ELicenceCode | ElectronicIdCode | Rejected

_MESSAGES: dict[str, tuple[str, str]] = {
    "unknown_format": (
        "无法识别此二维码。请出示办件回执、电子证照或电子身份证上的二维码。",
        "This QR code is not recognised. Please show the code on your receipt, "
        "e-licence or electronic ID.",
    ),
    "url": (
        "这是一个网址。为了您的安全，本机不会打开网址。请出示办件回执或电子证照二维码。",
        "This is a web address. For your safety the terminal does not open web addresses. "
        "Please show a receipt or e-licence code.",
    ),
    "too_long": (
        "二维码内容过长，无法识别。请出示办件回执、电子证照或电子身份证上的二维码。",
        "This QR code holds too much data. Please show the code on your receipt, "
        "e-licence or electronic ID.",
    ),
    "damaged": (
        "二维码不完整或已损坏，请重新出示，或刷新手机上的二维码。",
        "The code is incomplete or damaged. Please show it again or refresh it on your phone.",
    ),
    "empty": ("没有读到内容，请重新出示二维码。", "Nothing was read. Please show the code again."),
}


def rejected(reason: str, length: int = 0) -> Rejected:
    """A :class:`Rejected` with the polite messages for ``reason``."""
    zh, en = _MESSAGES[reason]
    return Rejected(reason, zh, en, length)


def sanitize(text: str, limit: int = 64) -> str:
    """Text safe to show or log: control / format characters become ``?``, length capped."""
    cleaned = "".join(
        "?" if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") else ch
        for ch in text[: limit + 1]
    )
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def valid_case_number(number: str) -> bool:
    """20 digits: ``530100`` + a real date YYYYMMDD + a 6-digit serial."""
    match = _CASE.fullmatch(number)
    if match is None:
        return False
    try:
        datetime.strptime(match.group(1), "%Y%m%d")
    except ValueError:
        return False
    return True


def classify(raw: bytes) -> Payload:
    """Classify scanned bytes (see the module docstring for the accepted formats)."""
    length = len(raw)
    if length > MAX_PAYLOAD_BYTES:
        return rejected("too_long", length)
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return rejected("unknown_format", length)
    text = text.strip(" \t\r\n")
    if not text:
        return rejected("empty", length)
    if text.startswith("EBT1:"):
        return _classify_ours(text, length)
    if text.isdigit() and len(text) == 20:
        return CaseNumber(text, "bare") if valid_case_number(text) else rejected("damaged", length)
    if _URL.match(text):
        return rejected("url", length)
    return rejected("unknown_format", length)


def _classify_ours(text: str, length: int) -> Payload:
    if text.startswith("EBT1:CASE:"):
        number, _, sig = text[len("EBT1:CASE:"):].partition(":")
        if not valid_case_number(number) or (sig and not re.fullmatch(_SIG, sig)):
            return rejected("damaged", length)
        return CaseNumber(number, proof=text if sig else "")
    match = _EVAL.fullmatch(text)
    if match is not None:
        if not valid_case_number(match.group(1)):
            return rejected("damaged", length)
        return EvaluationCode(match.group(1), int(match.group(2)), match.group(3).lower())
    match = _TOKEN.fullmatch(text)
    if match is not None:
        claims = _decode_claims(match.group(2))
        if claims is None:
            return rejected("damaged", length)
        cls = ELicenceCode if match.group(1) == "LIC" else ElectronicIdCode
        return cls(match.group(2), match.group(3).lower(), claims)
    return rejected("damaged", length)


def _decode_claims(body: str) -> dict[str, Any] | None:
    if len(body) % 4 == 1:
        return None
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        claims = json.loads(data.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def describe(payload: Payload) -> str:
    """A log-safe one-liner: the kind and size, never the content."""
    if isinstance(payload, Rejected):
        return f"rejected:{payload.reason} ({payload.length} bytes)"
    return type(payload).__name__
