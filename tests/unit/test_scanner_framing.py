"""Line framing of serial scanner output: suffixes, binary safety, length guard, half codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.scanner.framing import LineFramer, parse_suffix


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("name", "suffix"), [("CR", b"\r"), ("LF", b"\n"), ("CRLF", b"\r\n"),
                                              ("cr lf", b"\r\n"), ("\\r\\n", b"\r\n")])
def test_parse_suffix_names(name: str, suffix: bytes) -> None:
    assert parse_suffix(name) == suffix


def test_parse_suffix_rejects_others() -> None:
    with pytest.raises(ValueError):
        parse_suffix("TAB")


@pytest.mark.parametrize("suffix", [b"\r", b"\n", b"\r\n"])
def test_codes_are_cut_at_the_suffix(suffix: bytes) -> None:
    framer = LineFramer(suffix)
    assert framer.feed(b"ABC" + suffix + b"12") == [b"ABC"]
    assert framer.feed(b"3" + suffix) == [b"123"]


def test_crlf_split_across_reads_still_frames() -> None:
    framer = LineFramer(b"\r\n")
    assert framer.feed(b"CODE\r") == []
    assert framer.feed(b"\nNEXT\r\n") == [b"CODE", b"NEXT"]


def test_binary_bytes_pass_through_unchanged() -> None:
    framer = LineFramer(b"\r\n")
    payload = bytes(range(256)).replace(b"\r\n", b"")
    assert framer.feed(payload + b"\r\n") == [payload]


def test_overlong_code_is_dropped_whole_and_the_next_one_survives() -> None:
    framer = LineFramer(b"\n", max_length=10)
    out = framer.feed(b"X" * 8)
    out += framer.feed(b"X" * 8)  # now over the limit, no suffix yet
    out += framer.feed(b"XXXX\nGOOD\n")
    assert out == [b"GOOD"]
    assert framer.stats()["overlong_discarded"] == 1


def test_overlong_code_in_one_read_is_dropped() -> None:
    framer = LineFramer(b"\n", max_length=4)
    assert framer.feed(b"TOOLONG\nOK\n") == [b"OK"]


def test_half_code_followed_by_silence_is_discarded() -> None:
    clock = FakeClock()
    framer = LineFramer(b"\r\n", silence_s=0.3, clock=clock)
    assert framer.feed(b"EBT1:CA") == []
    clock.now += 0.1
    assert framer.poll() is None  # not silent long enough yet
    clock.now += 0.3
    assert framer.poll() == b"EBT1:CA"
    assert framer.feed(b"SE\r\n") == [b"SE"]  # the rest never glues onto the dropped half
    assert framer.stats()["half_codes_discarded"] == 1


def test_slow_code_without_silence_gap_is_kept() -> None:
    clock = FakeClock()
    framer = LineFramer(b"\r", silence_s=0.3, clock=clock)
    for byte in b"SLOW":
        framer.feed(bytes([byte]))
        clock.now += 0.2
        assert framer.poll() is None
    assert framer.feed(b"\r") == [b"SLOW"]


def test_noise_filter_does_not_count_answers_as_half_codes() -> None:
    clock = FakeClock()
    framer = LineFramer(b"\r", clock=clock)
    framer.feed(b"ACK")
    clock.now += 1
    assert framer.poll(lambda data: data == b"ACK") == b"ACK"
    assert framer.stats()["half_codes_discarded"] == 0


def test_empty_lines_are_not_codes() -> None:
    framer = LineFramer(b"\n")
    assert framer.feed(b"\n\nA\n") == [b"A"]


@given(
    codes=st.lists(st.binary(min_size=1, max_size=40).filter(lambda b: b"\r" not in b),
                   max_size=8),
    cuts=st.lists(st.integers(min_value=1, max_value=7), max_size=50),
)
def test_any_chunking_yields_exactly_the_codes(codes: list[bytes], cuts: list[int]) -> None:
    stream = b"".join(code + b"\r" for code in codes)
    framer = LineFramer(b"\r", max_length=64)
    out: list[bytes] = []
    position = 0
    for cut in cuts:
        out += framer.feed(stream[position:position + cut])
        position += cut
    out += framer.feed(stream[position:])
    assert out == codes
