"""The typed record read from a resident ID card, and the parsing of the reader's reply.

The base message carries a 256-byte text block (UTF-16LE, fixed-width fields padded with
spaces) and a 1024-byte WLT photo. :func:`parse_base_message` checks every field (dates,
codes, the ID number's ISO 7064 MOD 11-2 check character and its agreement with the birth
date and sex) and then what a genuine card may hold (:mod:`drivers.idcard.semantics`: legal
validity terms, province code, the characters of a name, an address, an issuer, a blank
reserved field). That catches most damage the one-byte XOR checksum lets through, not all:
a flipped bit can turn one ideograph into another. The reader therefore compares two reads
(see :mod:`drivers.idcard.reader`). The record's ``repr`` never shows personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from drivers.errors import ProtocolError
from drivers.idcard import semantics

TEXT_LEN = 256
PHOTO_LEN = 1024
#: (name, width in bytes) of the text block, in order
TEXT_FIELDS: tuple[tuple[str, int], ...] = (
    ("name", 30), ("sex", 2), ("nation", 4), ("birth_date", 16), ("address", 70),
    ("id_number", 36), ("issuer", 30), ("valid_from", 16), ("valid_to", 16), ("reserved", 36),
)
ADDRESS_LEN = 70
LONG_TERM = "长期"

SEX_NAMES = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

#: GB 3304 nationality codes as printed on the card, plus 97 and 98
NATIONS: dict[str, str] = {
    f"{i:02d}": name for i, name in enumerate((
        "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜",
        "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳",
        "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
        "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
        "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
        "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
    ), start=1)
}
NATIONS["97"] = "其他"
NATIONS["98"] = "外国血统中国籍人士"

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def is_valid_id_number(value: str) -> bool:
    """True when ``value`` is 17 digits plus the right check character (digit or X)."""
    if len(value) != 18:
        return False
    try:
        return id_check_char(value[:17]) == value[17].upper()
    except ValueError:
        return False


@dataclass(frozen=True, repr=False)
class IdCardRecord:
    """Everything read from one card. ``photo`` is the WLT data exactly as received."""

    name: str
    sex_code: str
    nation_code: str
    birth_date: date
    address: str
    id_number: str
    issuer: str
    valid_from: date
    valid_to: date | None  # None: valid long-term (长期)
    photo: bytearray = field(default_factory=bytearray)
    appended_address: str | None = None

    @property
    def sex(self) -> str:
        """Sex as printed on the card (男 / 女 …)."""
        return SEX_NAMES[self.sex_code]

    @property
    def nation(self) -> str:
        """Nationality name as printed on the card (汉, 彝 …)."""
        return NATIONS[self.nation_code]

    @property
    def full_address(self) -> str:
        """The address field followed by the appended address, when the card has one."""
        return self.address + (self.appended_address or "")

    def is_expired(self, today: date) -> bool:
        """True when the card's validity ended before ``today``."""
        return self.valid_to is not None and self.valid_to < today

    def with_appended_address(self, appended: str | None) -> IdCardRecord:
        """A copy carrying the appended address read with the 30 03 command."""
        return IdCardRecord(
            self.name, self.sex_code, self.nation_code, self.birth_date, self.address,
            self.id_number, self.issuer, self.valid_from, self.valid_to, self.photo, appended,
        )

    def as_dict(self) -> dict[str, Any]:
        """The technician CLI's JSON object (unmasked: callers decide where it may go)."""
        return {
            "name": self.name,
            "sex": self.sex,
            "nation": self.nation,
            "birth_date": self.birth_date.isoformat(),
            "address": self.full_address,
            "id_number": self.id_number,
            "issuer": self.issuer,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "photo_bytes": len(self.photo),
        }

    def __repr__(self) -> str:
        return (f"<IdCardRecord nation={self.nation_code} photo={len(self.photo)} bytes"
                f"{' +address' if self.appended_address else ''}>")

    __str__ = __repr__


def _field_text(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-16-le")
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"card field {name} is not valid UTF-16") from exc
    text = text.rstrip(" \x00")
    if any(ord(ch) < 0x20 for ch in text):
        raise ProtocolError(f"card field {name} holds control characters")
    return text


def _date(text: str, name: str) -> date:
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        raise ProtocolError(f"card field {name} is not a YYYYMMDD date")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as exc:
        raise ProtocolError(f"card field {name} is not a real date") from exc


def split_text_block(block: bytes) -> dict[str, str]:
    """Decode the 256-byte text block into its fields, trailing padding stripped."""
    if len(block) != TEXT_LEN:
        raise ProtocolError(f"text block has {len(block)} bytes, expected {TEXT_LEN}")
    out: dict[str, str] = {}
    offset = 0
    for name, width in TEXT_FIELDS:
        out[name] = _field_text(block[offset:offset + width], name)
        offset += width
    return out


def parse_text_block(block: bytes, photo: bytes = b"", semantic: bool = True,
                     today: date | None = None) -> IdCardRecord:
    """Build a checked record from the text block; raise ProtocolError on any bad field.

    ``semantic`` False skips the checks of :mod:`.semantics` (only the field formats are
    checked, as before they existed — kept for the fuzzing bench's "before" figure)."""
    f = split_text_block(block)
    for required in ("name", "address", "issuer"):
        if not f[required]:
            raise ProtocolError(f"card field {required} is empty")
    if f["sex"] not in SEX_NAMES:
        raise ProtocolError("card field sex has an unknown code")
    if f["nation"] not in NATIONS:
        raise ProtocolError("card field nation has an unknown code")
    birth = _date(f["birth_date"], "birth_date")
    id_number = f["id_number"].upper()
    if not is_valid_id_number(id_number):
        raise ProtocolError("ID number fails its check character (ISO 7064 MOD 11-2)")
    if id_number[6:14] != f["birth_date"]:
        raise ProtocolError("ID number does not match the birth date")
    if f["sex"] in ("1", "2") and int(id_number[16]) % 2 != (1 if f["sex"] == "1" else 0):
        raise ProtocolError("ID number does not match the sex")
    valid_from = _date(f["valid_from"], "valid_from")
    valid_to = None if f["valid_to"] == LONG_TERM else _date(f["valid_to"], "valid_to")
    if valid_to is not None and valid_to < valid_from:
        raise ProtocolError("card validity ends before it starts")
    if semantic:
        semantics.check_fields(f, birth, valid_from, valid_to, today)
    return IdCardRecord(
        name=f["name"], sex_code=f["sex"], nation_code=f["nation"], birth_date=birth,
        address=f["address"], id_number=id_number, issuer=f["issuer"],
        valid_from=valid_from, valid_to=valid_to, photo=bytearray(photo),
    )


def parse_base_message(data: bytes, semantic: bool = True) -> IdCardRecord:
    """Parse the data of a read-base-message reply (lengths, text block, photo)."""
    if len(data) < 4:
        raise ProtocolError("base message reply too short")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    if text_len != TEXT_LEN:
        raise ProtocolError(f"base message text length {text_len}, expected {TEXT_LEN}")
    if len(data) != 4 + text_len + photo_len:
        raise ProtocolError(
            f"base message holds {len(data) - 4} bytes, lengths say {text_len + photo_len}"
        )
    return parse_text_block(data[4:4 + text_len], data[4 + text_len:], semantic)


def parse_appended_address(data: bytes, semantic: bool = True) -> str:
    """The appended (new) address from a 30 03 reply's data."""
    if not data or len(data) % 2:
        raise ProtocolError(f"appended address has an odd length ({len(data)} bytes)")
    text = _field_text(data, "appended_address")
    if semantic and text:
        semantics.check_address(text, "appended_address")
    return text
