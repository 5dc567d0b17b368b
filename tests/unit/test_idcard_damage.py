"""ID-card records the XOR checksum cannot protect: semantic checks and agreeing reads."""

from __future__ import annotations

import random
import sys
from collections import deque
from pathlib import Path

import pytest

from drivers.base import Completion
from drivers.errors import ConfigError, ProtocolError
from drivers.idcard.codec import FrameDecoder
from drivers.idcard.reader import SamIdCardReader
from drivers.idcard.record import id_check_char, parse_appended_address, parse_text_block
from simulator.idcard.cards import SampleCard, load_cards
from simulator.idcard.frames import reply_frame

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import idcard_fuzz

CARDS = load_cards()
HAN = CARDS["han"]


def card_with(**changes: str) -> SampleCard:
    return SampleCard("test", {**HAN.fields, **changes})


def with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


@pytest.mark.parametrize(("changes", "reason"), [
    ({"name": "张晓!"}, "name"),
    ({"name": "张 明"}, "name"),
    ({"name": "ZHANG"}, "name"),
    ({"name": "·晓明"}, "name"),
    ({"address": "云南省昆明市五华区华山南路1oo号"}, "address"),
    ({"address": "1云南省昆明市"}, "address"),
    ({"address": "云南省昆明市华山南路100号b"}, "address"),
    ({"issuer": "昆明市公安厅"}, "issuer"),
    ({"issuer": "昆明市公安局!"}, "issuer"),
    ({"reserved": "x"}, "reserved"),
    ({"sex": "0", "id_number": "530102198503121313"}, "sex"),
    ({"id_number": with_check("99010219850312131")}, "province"),
    ({"valid_to": "20230520"}, "legal term"),  # 7 years
    ({"valid_to": "20360521"}, "legal term"),  # one day more
    ({"valid_to": "长期"}, "age"),  # long-term for a 31-year-old
    ({"valid_from": "20990520", "valid_to": "21190520"}, "valid_from"),  # issued in the future
    ({"birth_date": "18850312", "id_number": with_check("53010218850312131")}, "birth_date"),
])
def test_fields_a_genuine_card_cannot_hold_are_rejected(changes: dict[str, str],
                                                         reason: str) -> None:
    block = card_with(**changes).text_block()
    parse_text_block(block, semantic=False)  # the field formats alone let it through …
    with pytest.raises(ProtocolError, match=reason):  # … the semantic checks do not
        parse_text_block(block)


def test_every_sample_card_passes_the_semantic_checks() -> None:
    for card in CARDS.values():
        parse_text_block(card.text_block(), card.photo())


def test_minority_names_with_a_middle_dot_and_rare_characters_pass() -> None:
    block = card_with(name="阿依古丽·买买提", issuer="乌鲁木齐市公安局天山分局").text_block()
    assert parse_text_block(block).name == "阿依古丽·买买提"
    assert parse_text_block(card_with(name="王䶮").text_block()).name == "王䶮"  # extension A


def test_the_appended_address_is_checked_too() -> None:
    assert parse_appended_address("58号附2号".encode("utf-16-le")) == "58号附2号"
    with pytest.raises(ProtocolError, match="appended_address"):
        parse_appended_address("58号\u0101".encode("utf-16-le"))


# -- agreeing reads ------------------------------------------------------------------------
def flipped_twice(frame: bytes) -> bytes:
    """The frame with one bit flipped in the name and the same bit in the photo: the XOR
    checksum still matches, and 张 becomes another ideograph."""
    out = bytearray(frame)
    name_at = 7 + 3 + 4  # preamble, LEN, SW1-3, text and photo lengths
    out[name_at] ^= 0x01
    out[name_at + 256 + 100] ^= 0x01
    return bytes(out)


GENUINE = idcard_fuzz.base_frame(HAN)
DAMAGED = flipped_twice(GENUINE)


class Line:
    """A reader line answering find/select/address; read-base replies come from a queue."""

    def __init__(self, bases: list[bytes], noise_first: bytes = b"") -> None:
        self.bases = deque(bases)
        self.noise_first = noise_first
        self.pending = bytearray()
        self.base_reads = 0

    def reset_input_buffer(self) -> None:
        self.pending.clear()

    def write(self, frame: bytes) -> int:
        command = frame[7:9]
        if command == b"\x30\x01":
            self.base_reads += 1
            reply = self.bases.popleft() if len(self.bases) > 1 else self.bases[0]
            self.pending += self.noise_first + reply
            self.noise_first = b""
        else:
            self.pending += {b"\x20\x01": reply_frame(0x9F, bytes(4)),
                             b"\x20\x02": reply_frame(0x90, bytes(8)),
                             b"\x30\x03": reply_frame(0x91)}[command]
        return len(frame)

    def read(self, size: int) -> bytes:
        out = bytes(self.pending[:size])
        del self.pending[:size]
        return out

    def close(self) -> None:
        pass


def reader(line: Line, mode: str) -> SamIdCardReader:
    return SamIdCardReader("line://", timeout=2.0, opener=lambda *a, **k: line, double_read=mode)


def test_the_damaged_frame_passes_the_checksum_and_every_check() -> None:
    payload = FrameDecoder().feed(DAMAGED)
    assert len(payload) == 1  # the XOR checksum cannot see it
    record = parse_text_block(payload[0][7:7 + 256])
    assert record.name != "张晓明" and record.id_number == HAN.fields["id_number"]


def test_always_reads_twice_and_takes_only_agreeing_reads() -> None:
    line = Line([DAMAGED, GENUINE, GENUINE])
    result = reader(line, "always").read_card(wait_for_card=False)
    assert result.ok and result.value is not None
    assert result.value.name == "张晓明"
    assert line.base_reads == 3  # damaged, genuine, genuine: two agree


def test_on_doubt_reads_once_on_a_clean_line() -> None:
    line = Line([GENUINE])
    assert reader(line, "on_doubt").read_card(wait_for_card=False).ok
    assert line.base_reads == 1


def test_on_doubt_reads_twice_after_a_resynchronisation() -> None:
    line = Line([DAMAGED, GENUINE, GENUINE], noise_first=b"\x13\x37" * 5)
    result = reader(line, "on_doubt").read_card(wait_for_card=False)
    assert result.ok and result.value is not None and result.value.name == "张晓明"
    assert line.base_reads == 3


def test_on_doubt_reads_twice_after_a_failed_attempt() -> None:
    broken = GENUINE[:-1] + bytes([GENUINE[-1] ^ 0xFF])  # a checksum error
    line = Line([broken, DAMAGED, GENUINE, GENUINE])
    result = reader(line, "on_doubt").read_card(wait_for_card=False)
    assert result.ok and result.value is not None and result.value.name == "张晓明"
    assert line.base_reads == 4


def test_reads_that_never_agree_fail_as_invalid_data() -> None:
    other = flipped_twice(DAMAGED[:20] + bytes([DAMAGED[20] ^ 0x02]) + DAMAGED[21:276]
                          + bytes([DAMAGED[276] ^ 0x02]) + DAMAGED[277:])
    line = Line([DAMAGED, other, DAMAGED[:-1] + b"\x00", other])
    result = reader(line, "always").read_card(wait_for_card=False)
    assert result.completion is Completion.INVALID_DATA
    assert "agreed" in result.message


def test_a_frame_that_breaks_off_fails_fast_and_is_retried() -> None:
    class Clock:
        now = 0.0

        def __call__(self) -> float:
            return self.now

    clock = Clock()
    line = Line([GENUINE[:600], GENUINE])
    reading = line.read

    def read(size: int) -> bytes:
        data = reading(size)
        if not data:
            clock.now += 0.05
        return data

    line.read = read  # type: ignore[method-assign]
    device = SamIdCardReader("line://", timeout=3.0, opener=lambda *a, **k: line,
                             double_read="on_doubt", clock=clock)
    result = device.read_card(wait_for_card=False)
    assert result.ok, result.message
    assert clock.now < 1.0  # the lost frame cost the gap, not the 3 s timeout
    assert line.base_reads == 3  # the lost one, then two that agree


def test_double_read_is_configured_and_checked() -> None:
    assert SamIdCardReader("x").double_read == "always"
    with pytest.raises(ConfigError):
        SamIdCardReader("x", double_read="sometimes")


def test_fuzzing_gives_no_wrong_record_when_reading_twice() -> None:
    """A small run of the bench's fuzzing (the full one: python bench/idcard_fuzz.py)."""
    rng = random.Random(7)
    wrong = {"semantic": 0, "always": 0}
    truth = parse_text_block(HAN.text_block(), HAN.photo())
    for i in range(600):
        frame = idcard_fuzz.damage(GENUINE, rng, 2 if i % 2 else 1 + i % 3)
        record = idcard_fuzz.decode_once(frame, True)
        wrong["semantic"] += idcard_fuzz.verdict(record, truth) in ("text", "photo")
        read, _ = idcard_fuzz.read_with_reader(HAN, [frame], "always")
        wrong["always"] += idcard_fuzz.verdict(read, truth) in ("text", "photo")
    assert wrong["semantic"] > 0  # damage does get past the checksum and the checks …
    assert wrong["always"] == 0  # … but never past two agreeing reads
