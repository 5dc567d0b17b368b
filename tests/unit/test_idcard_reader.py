"""The driver's length-driven reads against a scripted line (no simulator, no threads)."""

from __future__ import annotations

from collections import deque

from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.base import Completion
from drivers.idcard.reader import SamIdCardReader
from simulator.idcard.cards import load_cards
from simulator.idcard.frames import reply_frame

CARD = load_cards()["hani"]
REPLIES = {
    b"\x20\x01": reply_frame(0x9F, bytes(4)),
    b"\x20\x02": reply_frame(0x90, bytes(8)),
    b"\x30\x01": reply_frame(0x90, b"\x01\x00\x04\x00" + CARD.text_block() + CARD.photo()),
    b"\x30\x03": reply_frame(0x90, CARD.address_block()),
}


class ScriptedLine:
    """A serial port whose replies arrive in the chunks a test chooses; b"" = read timeout."""

    def __init__(self, sizes: list[int], noise: bytes = b"") -> None:
        self.sizes = deque(sizes)
        self.noise = noise
        self.pending = bytearray()
        self.asked: list[int] = []

    def reset_input_buffer(self) -> None:
        self.pending.clear()

    def write(self, frame: bytes) -> int:
        self.pending += self.noise + REPLIES[frame[7:9]]
        return len(frame)

    def read(self, size: int) -> bytes:
        self.asked.append(size)
        if not self.pending:
            return b""
        step = self.sizes[0] if self.sizes else size
        self.sizes.rotate(-1)
        take = min(size, max(1, step))
        out = bytes(self.pending[:take])
        del self.pending[:take]
        return out

    def close(self) -> None:
        pass


def reader_on(line: ScriptedLine, double_read: str = "always") -> SamIdCardReader:
    return SamIdCardReader("scripted://", timeout=1.0, opener=lambda *a, **k: line,
                           double_read=double_read)


def test_reads_header_then_exactly_len() -> None:
    line = ScriptedLine([100_000])
    result = reader_on(line, "on_doubt").read_card(wait_for_card=False)
    assert result.ok, result.message
    assert result.value is not None and result.value.appended_address == "58号附2号"
    assert 1288 in line.asked  # the base message body in one read, after the 7-byte header
    assert max(line.asked) == 1288
    assert line.asked.count(7) == 4  # one header read per command
    twice = ScriptedLine([100_000])
    assert reader_on(twice).read_card(wait_for_card=False).value == result.value
    assert twice.asked.count(7) == 8  # always: find, select, base, address — twice


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 400), min_size=1, max_size=12),
       st.binary(max_size=64).map(lambda b: b.replace(b"\xaa", b"\x00")))
def test_any_chunking_and_leading_noise_read_the_same_record(sizes: list[int],
                                                             noise: bytes) -> None:
    result = reader_on(ScriptedLine(sizes, noise)).read_card(wait_for_card=False)
    assert result.completion is Completion.SUCCESS, result.message
    assert result.value is not None
    assert result.value.full_address.endswith("新建南路58号附2号")
    assert bytes(result.value.photo) == CARD.photo()
