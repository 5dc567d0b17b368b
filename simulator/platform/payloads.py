"""Scanned-QR payloads the platform issues and checks (format shared with kiosk/payloads.py).

- case number: ``530100`` + YYYYMMDD + 6 random digits (never a serial); progress QR
  ``EBT1:CASE:<case>:<sig>`` (signed: it proves the holder of the receipt, see
  ``simulator/platform/ownership.py``)
- evaluation: ``EBT1:EVAL:<case>:<expiry unix s>:<sig>``
- e-licence: ``EBT1:LIC:<base64url(JSON), no padding>.<sig>``
- electronic ID: ``EBT1:EID:<base64url(JSON)>.<sig>``

``sig`` is the first 16 hex characters of HMAC-SHA256(platform key, text before the
separator). The e-ID token is the holder's ID number obfuscated with a key-derived pad, so
any simulator process with the same key resolves it without shared state.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from typing import Any

from simulator.platform import idnumber

CASE_RE = re.compile(r"^530100\d{8}\d{6}$")

LICENCE_TYPES = {
    "idcard": ("居民身份证", "Resident ID card"), "hukou": ("居民户口簿", "Household register"),
    "driving": ("机动车驾驶证", "Driving licence"), "vehicle": ("机动车行驶证", "Vehicle licence"),
    "business": ("营业执照", "Business licence"), "marriage": ("结婚证", "Marriage certificate"),
    "realestate": ("不动产权证书", "Real estate certificate"),
    "sscard": ("社会保障卡", "Social security card"),
}


class PayloadError(ValueError):
    """A payload is malformed, tampered with or expired; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def platform_key(seed: int = 0) -> bytes:
    """The simulator's signing key for a seed (documented, demo only)."""
    return hashlib.sha256(f"ebt-platform-demo-key:{seed}".encode()).digest()


def sig16(key: bytes, text: str) -> str:
    """First 16 hex chars of HMAC-SHA256(key, text)."""
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise PayloadError("malformed") from None


def case_qr(key: bytes, case_no: str) -> str:
    """The receipt's progress QR payload, signed (the receipt's holder may read the case)."""
    text = f"EBT1:CASE:{case_no}"
    return f"{text}:{sig16(key, text)}"


def verify_case_qr(key: bytes, payload: str) -> str:
    """Return the case number of a genuine signed progress QR; raise PayloadError."""
    parts = payload.split(":")
    if len(parts) != 4 or parts[:2] != ["EBT1", "CASE"] or not CASE_RE.match(parts[2]):
        raise PayloadError("malformed")
    if not hmac.compare_digest(sig16(key, payload.rsplit(":", 1)[0]), parts[3].lower()):
        raise PayloadError("bad_signature")
    return parts[2]


def evaluation_payload(key: bytes, case_no: str, expiry: int) -> str:
    """Signed payload to rate case ``case_no`` later (until ``expiry`` unix seconds)."""
    text = f"EBT1:EVAL:{case_no}:{expiry}"
    return f"{text}:{sig16(key, text)}"


def verify_evaluation(key: bytes, payload: str, now: float | None = None) -> str:
    """Return the case number of a valid evaluation payload; raise PayloadError."""
    parts = payload.split(":")
    if len(parts) != 5 or parts[:2] != ["EBT1", "EVAL"] or not CASE_RE.match(parts[2]):
        raise PayloadError("malformed")
    text = payload.rsplit(":", 1)[0]
    if not hmac.compare_digest(sig16(key, text), parts[4]):
        raise PayloadError("bad_signature")
    if not parts[3].isdigit() or int(parts[3]) < (time.time() if now is None else now):
        raise PayloadError("expired")
    return parts[2]


def _signed_json(key: bytes, kind: str, data: dict[str, Any]) -> str:
    body = _b64(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
    text = f"EBT1:{kind}:{body}"
    return f"{text}.{sig16(key, text)}"


def _verify_json(key: bytes, kind: str, payload: str, now: float | None) -> dict[str, Any]:
    prefix = f"EBT1:{kind}:"
    if not payload.startswith(prefix) or "." not in payload:
        raise PayloadError("malformed")
    text, sig = payload.rsplit(".", 1)
    if not hmac.compare_digest(sig16(key, text), sig):
        raise PayloadError("bad_signature")
    try:
        data = json.loads(_unb64(text[len(prefix):]))
    except (ValueError, UnicodeDecodeError):
        raise PayloadError("malformed") from None
    if not isinstance(data, dict) or not isinstance(data.get("expires"), int):
        raise PayloadError("malformed")
    if data["expires"] < (time.time() if now is None else now):
        raise PayloadError("expired")
    return data


def _pad(key: bytes, n: int) -> bytes:
    return hashlib.sha256(key + b":eid-pad").digest()[:n]


def eid_payload(key: bytes, id_number: str, expires: int) -> str:
    """Electronic-ID QR for a citizen, valid until ``expires``."""
    raw = id_number.upper().encode()
    token = _b64(bytes(a ^ b for a, b in zip(raw, _pad(key, len(raw)), strict=True)))
    return _signed_json(key, "EID", {"token": token, "expires": expires})


def verify_eid(key: bytes, payload: str, now: float | None = None) -> str:
    """Return the ID number behind a valid electronic-ID payload; raise PayloadError."""
    data = _verify_json(key, "EID", payload, now)
    raw = _unb64(str(data.get("token", "")))
    number = bytes(a ^ b for a, b in zip(raw, _pad(key, len(raw)), strict=True)).decode("ascii",
                                                                                          "replace")
    if not idnumber.is_valid(number):
        raise PayloadError("malformed")
    return number


def licence_payload(key: bytes, lic_type: str, number: str, id_number: str, issued: str,
                    expires: int) -> str:
    """E-licence QR for a holder: type, licence number, holder hash / masked id, dates."""
    return _signed_json(key, "LIC", {
        "type": lic_type, "number": number, "holder_hash": idnumber.digest(id_number),
        "holder_masked": idnumber.mask(id_number), "issued": issued, "expires": expires})


def verify_licence(key: bytes, payload: str, now: float | None = None) -> dict[str, Any]:
    """Return the licence data of a valid e-licence payload; raise PayloadError."""
    data = _verify_json(key, "LIC", payload, now)
    if data.get("type") not in LICENCE_TYPES:
        raise PayloadError("malformed")
    return data


def sample_payloads(key: bytes, id_number: str, now: float | None = None,
                    valid_s: int = 30 * 86400) -> dict[str, str]:
    """Sample QR payloads for one citizen: e-ID and a licence of every type."""
    expires = int((time.time() if now is None else now) + valid_s)
    digits = hashlib.sha256(id_number.encode()).hexdigest()
    out = {"eid": eid_payload(key, id_number, expires)}
    for lic_type in LICENCE_TYPES:
        number = idnumber.mask(id_number) if lic_type in ("idcard", "driving") else (
            f"{lic_type[:2].upper()}{int(digits[:10], 16) % 10**10:010d}")
        out[f"licence:{lic_type}"] = licence_payload(key, lic_type, number, id_number,
                                                    "2020-01-01", expires)
    return out
