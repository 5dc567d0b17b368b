"""QR payloads and ID numbers: round trips, tampering, expiry, masking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from simulator.platform import idnumber, payloads

KEY = payloads.platform_key(0)
CASE = "53010020261121000042"


def test_sample_ids_are_valid_and_checksums_are_checked() -> None:
    for number in idnumber.SAMPLE_IDS:
        assert idnumber.is_valid(number)
        broken = number[:17] + ("0" if number[17] != "0" else "1")
        assert not idnumber.is_valid(broken)
    assert idnumber.make("110105", dt.date(1949, 12, 31), 1)[:17] == "11010519491231001"
    assert not idnumber.is_valid("53010219560230231X")  # 30 February
    assert idnumber.mask("530102195603082311") == "530102********2311"  # as the terminal


def test_evaluation_payload_round_trip_tamper_and_expiry() -> None:
    payload = payloads.evaluation_payload(KEY, CASE, 2000)
    assert payload.startswith(f"EBT1:EVAL:{CASE}:2000:") and len(payload.rsplit(":")[-1]) == 16
    assert payloads.verify_evaluation(KEY, payload, now=1000) == CASE
    with pytest.raises(payloads.PayloadError, match="bad_signature"):
        payloads.verify_evaluation(KEY, payload.replace(":2000:", ":2001:"), now=1000)
    with pytest.raises(payloads.PayloadError, match="expired"):
        payloads.verify_evaluation(KEY, payload, now=2001)
    with pytest.raises(payloads.PayloadError, match="bad_signature"):
        payloads.verify_evaluation(payloads.platform_key(1), payload, now=1000)


def test_eid_resolves_to_the_citizen_and_rejects_tampering() -> None:
    number = idnumber.SAMPLE_IDS[2]
    payload = payloads.eid_payload(KEY, number, 5000)
    assert payload.startswith("EBT1:EID:") and "=" not in payload
    assert number not in payload
    assert payloads.verify_eid(KEY, payload, now=100) == number
    body, sig = payload.rsplit(".", 1)
    with pytest.raises(payloads.PayloadError):
        payloads.verify_eid(KEY, body[:-2] + "AA." + sig, now=100)
    with pytest.raises(payloads.PayloadError, match="expired"):
        payloads.verify_eid(KEY, payload, now=5001)


def test_licences_of_every_type_verify_and_hold_no_clear_id() -> None:
    number = idnumber.SAMPLE_IDS[0]
    samples = payloads.sample_payloads(KEY, number, now=0)
    assert {k for k in samples if k.startswith("licence:")} == {
        f"licence:{t}" for t in payloads.LICENCE_TYPES}
    for name, payload in samples.items():
        if name.startswith("licence:"):
            data = payloads.verify_licence(KEY, payload, now=10)
            assert data["type"] == name.split(":")[1]
            assert data["holder_hash"] == idnumber.digest(number)
            assert number not in payload and number not in str(data)
    with pytest.raises(payloads.PayloadError, match="malformed"):
        payloads.verify_licence(KEY, "EBT1:LIC:nonsense", now=10)
    with pytest.raises(payloads.PayloadError, match="malformed"):
        payloads.verify_licence(KEY, samples["eid"], now=10)


def test_case_qr_shape() -> None:
    qr = payloads.case_qr(KEY, CASE)
    assert qr.startswith(f"EBT1:CASE:{CASE}:") and payloads.verify_case_qr(KEY, qr) == CASE
    with pytest.raises(payloads.PayloadError):
        payloads.verify_case_qr(KEY, qr[:-1] + ("0" if qr[-1] != "0" else "1"))
    with pytest.raises(payloads.PayloadError):
        payloads.verify_case_qr(KEY, f"EBT1:CASE:{CASE}")
    assert payloads.CASE_RE.match(CASE) and not payloads.CASE_RE.match(CASE[:-1])


def test_sample_citizens_include_valid_cards_only(tmp_path: Path) -> None:
    good = idnumber.make("532901", dt.date(1952, 6, 24), 66)
    (tmp_path / "good.json").write_text(f'{{"id_number": "{good}"}}', encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"id_number": "532901195206240660"}', encoding="utf-8")
    (tmp_path / "junk.json").write_text("not json", encoding="utf-8")
    citizens = idnumber.sample_citizens(tmp_path)
    assert good in citizens and "532901195206240660" not in citizens
    assert set(idnumber.SAMPLE_IDS) <= set(citizens)
