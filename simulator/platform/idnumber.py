"""Chinese resident ID numbers (GB 11643): validation, masking and synthetic sample numbers.

An ID number is 17 digits (6-digit region, 8-digit birth date, 3-digit sequence whose last
digit is odd for men) plus an ISO 7064 MOD 11-2 check character (0-9 or X).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from common.privacy import mask_id_number

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_char(first17: str) -> str:
    """The check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def is_valid(number: str) -> bool:
    """True for a well-formed 18-character ID number with a correct check and real date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if number[17].upper() != check_char(number[:17]):
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return True


def make(region: str, birth: dt.date, seq: int) -> str:
    """Build a valid ID number from region code, birth date and 3-digit sequence."""
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + check_char(first17)


def mask(number: str) -> str:
    """The same rule as the terminal's (common.privacy): the 6-digit region and the last 4
    characters (530102********1234), so a citizen sees one masking everywhere."""
    return mask_id_number(number)


def digest(number: str) -> str:
    """A stable, non-reversible 16-hex-char reference for an ID number."""
    return hashlib.sha256(("ebt-holder:" + number.upper()).encode()).hexdigest()[:16]


def birth_date(number: str) -> dt.date:
    """The birth date encoded in a valid ID number."""
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def is_male(number: str) -> bool:
    """True when the sequence's last digit is odd."""
    return int(number[16]) % 2 == 1


def sample_citizens(cards_dir: Path | None = None) -> dict[str, str]:
    """ID number -> note for the built-in samples plus the ID-card simulator's sample cards
    (``simulator/idcard/cards/*.json``, read as data when present)."""
    out = {number: "built-in sample" for number in SAMPLE_IDS}
    folder = cards_dir or Path(__file__).resolve().parent.parent / "idcard" / "cards"
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            card = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        number = str(card.get("id_number", "")) if isinstance(card, dict) else ""
        if is_valid(number):
            out[number] = f"ID-card simulator card {path.stem}"
    return out


SAMPLE_IDS = (
    make("530102", dt.date(1956, 3, 8), 231),   # 五华区, retired man
    make("530103", dt.date(1985, 11, 20), 142),  # 盘龙区, woman in work
    make("530111", dt.date(1992, 6, 1), 375),   # 官渡区, young man
    make("530112", dt.date(1948, 9, 15), 468),  # 西山区, elderly woman
)
