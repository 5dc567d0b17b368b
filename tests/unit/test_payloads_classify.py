"""Classification of scanned payloads: accepted formats, polite rejections, nothing raw
reaching the UI or the logs."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.payloads import (
    MAX_PAYLOAD_BYTES,
    CaseNumber,
    ElectronicIdCode,
    ELicenceCode,
    EvaluationCode,
    Rejected,
    classify,
    describe,
    sanitize,
    valid_case_number,
)

CASE = "53010020261121000123"
SIG = "0123456789abcdef"


def token(kind: str, claims: dict[str, object]) -> bytes:
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"EBT1:{kind}:{body}.{SIG}".encode()


def test_receipt_progress_qr_is_a_case_number() -> None:
    assert classify(f"EBT1:CASE:{CASE}".encode()) == CaseNumber(CASE, "qr")


def test_bare_twenty_digits_are_a_case_number() -> None:
    assert classify(f"{CASE}\r\n".encode()) == CaseNumber(CASE, "bare")


@pytest.mark.parametrize("number", [
    "53010020261341000123",  # month 13
    "53010020260230000123",  # 30 February
    "44030020261121000123",  # not Kunming's prefix
    "5301002026112100012",  # 19 digits
])
def test_malformed_case_numbers_are_rejected(number: str) -> None:
    assert not valid_case_number(number)
    assert isinstance(classify(f"EBT1:CASE:{number}".encode()), Rejected)


def test_evaluation_code() -> None:
    result = classify(f"EBT1:EVAL:{CASE}:1795290000:{SIG.upper()}".encode())
    assert result == EvaluationCode(CASE, 1795290000, SIG)
    assert isinstance(result, EvaluationCode)
    assert result.expired(1795290001) and not result.expired(1795289999)


@pytest.mark.parametrize(("kind", "cls"), [("LIC", ELicenceCode), ("EID", ElectronicIdCode)])
def test_signed_tokens_carry_their_claims(kind: str, cls: type) -> None:
    result = classify(token(kind, {"v": 1, "name": "测试用户", "idm": "5301**********1234"}))
    assert isinstance(result, ELicenceCode | ElectronicIdCode)
    assert type(result) is cls
    assert result.claims["name"] == "测试用户"
    assert "测试用户" not in repr(result) and "5301" not in repr(result)


@pytest.mark.parametrize("raw", [
    b"EBT1:EID:!!!.0123456789abcdef",  # not base64url
    b"EBT1:LIC:WzEsMl0.0123456789abcdef",  # JSON, but not an object
    b"EBT1:EID:eyJ2IjoxfQ.0123",  # short signature
    b"EBT1:EVAL:53010020261121000123:abc:0123456789abcdef",
    b"EBT1:WHAT:x",
])
def test_damaged_own_codes_ask_to_show_again(raw: bytes) -> None:
    result = classify(raw)
    assert isinstance(result, Rejected) and result.reason == "damaged"


@pytest.mark.parametrize("url", [b"https://example.com/pay", b"HTTP://x", b"www.example.com",
                                 b"weixin://dl/business", b"javascript:alert(1)", b"tel:110"])
def test_urls_are_rejected_never_opened(url: bytes) -> None:
    result = classify(url)
    assert isinstance(result, Rejected) and result.reason == "url"
    assert "网址" in result.message_zh and "web address" in result.message_en


def test_unknown_control_and_foreign_text_are_politely_rejected() -> None:
    for raw in (b"hello", b"\x1b[2J\x07", "身份证".encode("gbk"), "中文".encode(), b"\x00" * 5):
        result = classify(raw)
        assert isinstance(result, Rejected)
        assert result.message_zh and result.message_en


def test_over_long_payload_is_rejected_before_decoding() -> None:
    result = classify(b"EBT1:CASE:" + b"1" * MAX_PAYLOAD_BYTES)
    assert isinstance(result, Rejected) and result.reason == "too_long"
    assert describe(result) == f"rejected:too_long ({MAX_PAYLOAD_BYTES + 10} bytes)"


def test_empty_payload() -> None:
    assert classify(b" \r\n").reason == "empty"  # type: ignore[union-attr]


def test_sanitize_removes_controls_and_caps_length() -> None:
    text = sanitize("ab\x1b[2J\u202e\u2028cd" + "x" * 100, limit=20)
    assert len(text) == 20
    assert text.endswith("…")
    assert all(ord(ch) >= 32 and ch not in "\u202e\u2028" for ch in text)


@given(st.binary(max_size=2048))
def test_classify_never_raises_and_rejections_are_safe(raw: bytes) -> None:
    result = classify(raw)
    log_line = describe(result) + repr(result)
    assert all(ch.isprintable() for ch in log_line)
    if isinstance(result, Rejected):
        assert result.message_zh and result.message_en
        assert result.length == len(raw)


def test_a_signed_case_qr_carries_its_proof() -> None:
    number = "53010020261121483920"
    text = f"EBT1:CASE:{number}:0123456789abcdef"
    payload = classify(text.encode())
    assert isinstance(payload, CaseNumber) and payload.number == number
    assert payload.proof == text and text not in repr(payload)
    assert classify(f"EBT1:CASE:{number}".encode()) == CaseNumber(number)
    assert isinstance(classify(f"EBT1:CASE:{number}:xyz".encode()), Rejected)
