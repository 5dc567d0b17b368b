"""Chinese text on an ESC/POS head: GB18030 2-byte only, look-alikes, width-aware wrapping."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from drivers.printer.encoding import (
    PLACEHOLDER,
    CommandEncoder,
    UnprintableText,
    display_width,
    encode_text,
    printable,
    wrap,
)


def test_yen_is_mapped_to_the_two_byte_fullwidth_sign() -> None:
    assert encode_text("¥12") == b"\xa3\xa412"
    assert b"\x81\x30\x84\x36" not in encode_text("价格¥")


def test_four_byte_characters_become_a_placeholder_or_are_rejected() -> None:
    assert printable("好😀") == "好" + PLACEHOLDER
    with pytest.raises(UnprintableText) as err:
        printable("好😀", strict=True)
    assert "U+1F600" in str(err.value)


def test_control_characters_cannot_inject_commands() -> None:
    data = encode_text("张\x1b@\x1dV\x00三")
    assert b"\x1b" not in data and b"\x1d" not in data and b"\x00" not in data
    assert data.decode("gb18030") == "张@V三"


def test_width_counts_two_columns_for_every_two_byte_character() -> None:
    assert display_width("受理ABC") == 7
    assert display_width("，。") == 4
    assert display_width("¥") == 2  # printed as ￥


def test_wrap_keeps_words_and_punctuation_rules() -> None:
    lines = wrap("Please keep this receipt until the application is completed", 16)
    assert lines == ["Please keep this", "receipt until", "the application", "is completed"]
    # a line never starts with closing punctuation when a character can move with it
    lines = wrap("一二三四五六七，八九", 14)
    assert lines == ["一二三四五六", "七，八九"]


def test_wrap_indents_continuation_lines() -> None:
    assert wrap("办理事项：城乡居民基本养老保险参保登记", 20, indent=10) == [
        "办理事项：城乡居民基",
        "          本养老保险",
        "          参保登记",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120), st.integers(min_value=4, max_value=48))
def test_wrap_never_exceeds_the_width_and_loses_no_character(text: str, columns: int) -> None:
    lines = wrap(text, columns)
    assert all(display_width(line) <= columns for line in lines)
    kept = "".join(printable(text).split())
    assert "".join("".join(lines).split()) == kept


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_encoded_text_never_holds_a_four_byte_sequence(text: str) -> None:
    data = encode_text(text)
    decoded = data.decode("gb18030")
    assert all(len(ch.encode("gb18030")) <= 2 for ch in decoded)
    assert not any(b < 0x20 for b in data)


def test_commands_from_python_escpos() -> None:
    enc = CommandEncoder(58)
    assert enc.columns == 32 and enc.dots == 384
    assert enc.style("center", True, 2) == b"\x1d!\x11\x1bE\x01\x1ba\x01"
    assert enc.cut() == b"\x1dVB\x00"
    assert enc.cut(partial=False) == b"\x1dVA\x00"
    qr = enc.qr("EBT1:CASE:1", module=5, ec="Q")
    assert qr.startswith(b"\x1d(k\x04\x001A2\x00")  # model 2
    assert b"\x1d(k\x03\x001C\x05" in qr  # module size
    assert b"\x1d(k\x03\x001E2" in qr  # error correction Q
    assert b"\x1d(k\x0e\x001P0EBT1:CASE:1" in qr  # store
    assert qr.endswith(b"\x1d(k\x03\x001Q0")  # print


def test_raster_image_header_matches_the_image() -> None:
    enc = CommandEncoder(80)
    data = enc.raster(Image.new("L", (100, 20), 0))
    assert data[:4] == b"\x1dv0\x00"
    assert (data[4] + 256 * data[5], data[6] + 256 * data[7]) == (13, 20)
    assert len(data) == 8 + 13 * 20
    wide = enc.raster(Image.new("L", (1200, 60), 0))
    assert wide[4] + 256 * wide[5] == 72  # scaled down to 576 dots


def test_bad_arguments_are_refused() -> None:
    enc = CommandEncoder(80)
    with pytest.raises(ValueError):
        CommandEncoder(76)
    with pytest.raises(UnprintableText):
        enc.qr("受理")
    with pytest.raises(ValueError):
        enc.qr("X", ec="Z")
