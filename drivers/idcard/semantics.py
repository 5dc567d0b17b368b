"""What a resident ID card's fields may hold — the checks the protocol's XOR checksum lacks.

The reply's checksum is one XOR byte: two flipped bits in the same position of two bytes
cancel out, so about 4 % of frames with 1–3 flipped bits pass it. Every field is therefore
checked against what a genuine card can carry:

* the ID number (GB 11643): 17 digits and the ISO 7064 MOD 11-2 check character, a real
  province code, the birth date and the sex (odd 17th digit = male) of the other fields;
* sex 1 or 2 (a resident card always has one), nation code from GB 3304 (01–56, 97, 98);
* dates: born 1900 or later and not in the future, validity starting after birth and not
  in the future, and a legal term — 5, 10 or 20 years to the day, or long-term (长期) — that
  fits the holder's age when the card was issued (under 16: 5, 16–25: 10, 26–45: 20,
  46 and over: long-term; a year's leeway at each boundary);
* text (UCS-2 as the card stores it): a name of CJK ideographs (URO, extension A,
  compatibility) with a middle dot (·) only between parts; an address starting with an
  ideograph and holding ideographs, digits, capital letters and the punctuation addresses
  use, no spaces; an issuer of ideographs ending in 公安局 or 分局; the reserved field blank.

A field that fails raises :class:`~drivers.errors.ProtocolError` naming the field, never
its content (it is personal data).
"""

from __future__ import annotations

import re
from datetime import date

from drivers.errors import ProtocolError

#: first two digits of a resident ID number (GB/T 2260 provinces, 71 Taiwan, 81–83 HK/MO/TW)
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
})
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
NAME_RE = re.compile(f"[{_HAN}]+(?:\u00b7[{_HAN}]+)*")
_ADDRESS_CHARS = f"{_HAN}0-9A-Z０-９Ａ-Ｚ\\-－—()（）#＃、,，./／"
ADDRESS_RE = re.compile(f"[{_HAN}][{_ADDRESS_CHARS}]*")
#: the appended address continues the address field, so it may start with a house number
CONTINUATION_RE = re.compile(f"[{_ADDRESS_CHARS}]+")
ISSUER_RE = re.compile(f"[{_HAN}]{{2,}}(?:公安局|分局)")
EARLIEST_BIRTH = date(1900, 1, 1)
LONG_TERM_AGE = 46


def years_later(start: date, years: int) -> tuple[date, ...]:
    """The dates ``years`` after ``start`` (29 February may end on 28 February or 1 March)."""
    try:
        return (start.replace(year=start.year + years),)
    except ValueError:  # 29 February in a year without it
        return (date(start.year + years, 2, 28), date(start.year + years, 3, 1))


def age_on(birth: date, day: date) -> int:
    """Whole years between ``birth`` and ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def legal_terms(age: int) -> set[int | None]:
    """Validity terms (years; None = long-term) a card issued at ``age`` may have."""
    terms: set[int | None] = set()
    if age <= 16:
        terms.add(5)
    if 15 <= age <= 26:
        terms.add(10)
    if 25 <= age <= 46:
        terms.add(20)
    if age >= LONG_TERM_AGE - 1:
        terms.add(None)
    return terms


def check_id_number(id_number: str, birth_text: str, sex: str) -> None:
    """The ID number agrees with itself (check character, province) and the other fields."""
    from drivers.idcard.record import is_valid_id_number

    if not is_valid_id_number(id_number):
        raise ProtocolError("ID number fails its check character (ISO 7064 MOD 11-2)")
    if id_number[:2] not in PROVINCES:
        raise ProtocolError("ID number has no valid province code")
    if id_number[6:14] != birth_text:
        raise ProtocolError("ID number does not match the birth date")
    if sex not in ("1", "2"):
        raise ProtocolError("card field sex is neither male nor female")
    if int(id_number[16]) % 2 != (1 if sex == "1" else 0):
        raise ProtocolError("ID number does not match the sex")


def check_dates(birth: date, valid_from: date, valid_to: date | None, today: date) -> None:
    """Birth, issue and expiry dates that a genuine card can carry."""
    if not EARLIEST_BIRTH <= birth <= today:
        raise ProtocolError("card field birth_date is out of range")
    if not birth <= valid_from <= today:
        raise ProtocolError("card field valid_from is out of range")
    if valid_to is None:
        term = None
    else:
        term = next((y for y in (5, 10, 20) if valid_to in years_later(valid_from, y)), -1)
        if term == -1:
            raise ProtocolError("card validity is not a legal term (5, 10, 20 years or 长期)")
    if term not in legal_terms(age_on(birth, valid_from)):
        raise ProtocolError("card validity term does not fit the holder's age")


def check_text(fields: dict[str, str]) -> None:
    """Name, address, issuer and reserved field within the characters a card uses."""
    if len(fields["name"]) > 15 or not NAME_RE.fullmatch(fields["name"]):
        raise ProtocolError("card field name holds characters a name cannot have")
    check_address(fields["address"], "address")
    if not ISSUER_RE.fullmatch(fields["issuer"]):
        raise ProtocolError("card field issuer is not a public security bureau")
    if fields["reserved"]:
        raise ProtocolError("card field reserved is not blank")


def check_address(text: str, name: str = "address") -> None:
    """An address (or, ``name`` "appended_address", its continuation) of card characters."""
    pattern = CONTINUATION_RE if name == "appended_address" else ADDRESS_RE
    if not text or not pattern.fullmatch(text):
        raise ProtocolError(f"card field {name} holds characters an address cannot have")


def check_fields(fields: dict[str, str], birth: date, valid_from: date,
                 valid_to: date | None, today: date | None = None) -> None:
    """Every semantic check of a text block (the raw fields and the parsed dates)."""
    check_text(fields)
    if fields["nation"] not in _nations():
        raise ProtocolError("card field nation has an unknown code")
    check_id_number(fields["id_number"].upper(), fields["birth_date"], fields["sex"])
    check_dates(birth, valid_from, valid_to, today or date.today())


def _nations() -> dict[str, str]:
    from drivers.idcard.record import NATIONS

    return NATIONS
