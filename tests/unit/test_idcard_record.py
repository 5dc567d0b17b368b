"""The ID-card record: text-block parsing, checks, nationalities, privacy of repr."""

from __future__ import annotations

from datetime import date

import pytest

from drivers.errors import ProtocolError
from drivers.idcard.photo import PhotoDecoder, decode_photo
from drivers.idcard.record import (
    NATIONS,
    TEXT_LEN,
    id_check_char,
    is_valid_id_number,
    parse_appended_address,
    parse_base_message,
    parse_text_block,
)
from simulator.idcard.cards import SampleCard, load_cards

CARDS = load_cards()
JSON_KEYS = ["name", "sex", "nation", "birth_date", "address", "id_number", "issuer",
             "valid_from", "valid_to", "photo_bytes"]


def card_with(**changes: str) -> SampleCard:
    return SampleCard("test", {**CARDS["han"].fields, **changes})


def test_gb11643_example_and_sample_numbers_pass_the_check() -> None:
    assert id_check_char("11010519491231002") == "X"
    assert is_valid_id_number("11010519491231002X")
    assert is_valid_id_number("11010519491231002x".upper())
    for card in CARDS.values():
        assert is_valid_id_number(card.fields["id_number"]), card.key
    assert not is_valid_id_number("110105194912310021")
    assert not is_valid_id_number("11010519491231002")
    assert not is_valid_id_number("1101051949123100２X")


def test_nation_table_has_the_56_nationalities_plus_97_and_98() -> None:
    assert len(NATIONS) == 58
    assert [NATIONS[c] for c in ("01", "07", "14", "16", "18", "56", "97")] == \
        ["汉", "彝", "白", "哈尼", "傣", "基诺", "其他"]
    assert NATIONS["29"] == "柯尔克孜"
    assert "98" in NATIONS


def test_text_block_parses_with_padding_stripped() -> None:
    record = parse_text_block(CARDS["yi"].text_block(), b"\x01" * 1024)
    assert record.name == "毕阿依"
    assert (record.sex, record.nation) == ("女", "彝")
    assert record.birth_date == date(1992, 11, 8)
    assert record.address == "云南省楚雄彝族自治州楚雄市鹿城镇阳光大道88号"
    assert record.id_number == "53230119921108278X"
    assert record.issuer == "楚雄市公安局"
    assert (record.valid_from, record.valid_to) == (date(2018, 3, 10), date(2038, 3, 10))
    assert len(record.photo) == 1024


def test_long_term_validity_and_expiry() -> None:
    bai = parse_text_block(CARDS["bai"].text_block())
    assert bai.valid_to is None
    assert not bai.is_expired(date(2090, 1, 1))
    dai = parse_text_block(CARDS["dai"].text_block())
    assert dai.is_expired(date(2026, 1, 1))
    assert not dai.is_expired(date(2015, 8, 1))


def test_base_message_and_appended_address() -> None:
    hani = CARDS["hani"]
    data = b"\x01\x00\x04\x00" + hani.text_block() + hani.photo()
    record = parse_base_message(data)
    assert len(record.address) == 35
    full = record.with_appended_address(parse_appended_address(hani.address_block()))
    assert full.full_address == record.address + "58号附2号"
    assert full.as_dict()["address"] == full.full_address
    assert list(full.as_dict()) == JSON_KEYS
    assert full.as_dict()["photo_bytes"] == 1024


@pytest.mark.parametrize(("changes", "reason"), [
    ({"id_number": "530102198503121314"}, "check character"),
    ({"birth_date": "19850313"}, "birth date"),
    ({"sex": "2"}, "sex"),
    ({"sex": "5"}, "sex"),
    ({"nation": "57"}, "nation"),
    ({"valid_from": "20161340"}, "valid_from"),
    ({"valid_to": "20100101"}, "ends before"),
    ({"name": ""}, "name"),
])
def test_inconsistent_fields_are_errors(changes: dict[str, str], reason: str) -> None:
    with pytest.raises(ProtocolError, match=reason):
        parse_text_block(card_with(**changes).text_block())


def test_bad_lengths_and_encoding_are_errors() -> None:
    good = CARDS["han"].text_block()
    with pytest.raises(ProtocolError):
        parse_text_block(good[:-2])
    with pytest.raises(ProtocolError, match="UTF-16"):
        parse_text_block(b"\x00\xd8" + good[2:])  # a lone surrogate
    with pytest.raises(ProtocolError, match="lengths"):
        parse_base_message(b"\x01\x00\x04\x00" + good + bytes(1000))
    with pytest.raises(ProtocolError, match="text length"):
        parse_base_message(b"\x00\x10\x04\x00" + good + bytes(1024))
    assert len(good) == TEXT_LEN


def test_repr_shows_no_personal_data() -> None:
    record = parse_text_block(CARDS["han"].text_block(), bytes(1024))
    shown = repr(record) + str(record)
    for secret in ("张晓明", "530102", "华山南路", "1985"):
        assert secret not in shown


def test_photo_decoder_plug_in_point() -> None:
    class Fake:
        def decode(self, wlt: bytes) -> bytes:
            return b"BM" + wlt[:4]

    record = parse_text_block(CARDS["han"].text_block(), b"WLTX" + bytes(1020))
    assert isinstance(Fake(), PhotoDecoder)
    assert decode_photo(record, Fake()) == b"BMWLTX"
    assert decode_photo(record, None) is None
