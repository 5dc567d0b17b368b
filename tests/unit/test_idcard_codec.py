"""Golden frames and robustness properties of the SAM frame codec."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.errors import DeviceError
from drivers.idcard.codec import PREAMBLE, FrameDecoder, checksum, encode_frame
from drivers.idcard.protocol import Command
from drivers.idcard.record import parse_base_message
from simulator.idcard.cards import load_cards
from simulator.idcard.frames import reply_frame

# the command table of the protocol notes: bytes after the preamble, checksum included
GOLDEN_REQUESTS = {
    Command.SAM_STATUS: "00 03 11 FF ED",
    Command.SAM_ID: "00 03 12 FF EE",
    Command.FIND_CARD: "00 03 20 01 22",
    Command.SELECT_CARD: "00 03 20 02 21",
    Command.READ_BASE: "00 03 30 01 32",
    Command.READ_ADDRESS: "00 03 30 03 30",
    Command.READ_BASE_FINGERPRINT: "00 03 30 10 23",
}
FIND_CARD_FOUND = bytes.fromhex("AAAAAA9669 0008 00009F 00000000 97")


def base_reply(card: str = "han") -> bytes:
    sample = load_cards()[card]
    text, photo = sample.text_block(), sample.photo()
    return reply_frame(0x90, b"\x01\x00\x04\x00" + text + photo)


@pytest.mark.parametrize(("command", "golden"), GOLDEN_REQUESTS.items())
def test_request_frames_match_the_protocol_table(command: Command, golden: str) -> None:
    assert encode_frame(command.value) == PREAMBLE + bytes.fromhex(golden)


def test_known_reply_decodes_to_its_payload() -> None:
    assert FrameDecoder().feed(FIND_CARD_FOUND) == [bytes.fromhex("00009F00000000")]


def test_base_message_frame_has_the_documented_length() -> None:
    frame = base_reply()
    assert frame[5:7] == b"\x05\x08"
    assert len(frame) == 1295
    (payload,) = FrameDecoder().feed(frame)
    assert payload[:3] == b"\x00\x00\x90"
    assert checksum(frame[5:-1]) == frame[-1]


def test_bytes_needed_asks_for_the_header_then_exactly_len() -> None:
    decoder = FrameDecoder()
    frame = base_reply()
    assert decoder.bytes_needed() == 7
    assert decoder.feed(frame[:7]) == []
    assert decoder.bytes_needed() == 1288
    assert decoder.feed(frame[7:-1]) == []
    assert decoder.bytes_needed() == 1
    assert len(decoder.feed(frame[-1:])) == 1


def test_byte_by_byte_feed_yields_one_frame() -> None:
    decoder = FrameDecoder()
    out = [p for b in FIND_CARD_FOUND for p in decoder.feed(bytes([b]))]
    assert out == [FIND_CARD_FOUND[7:-1]]


def test_resync_after_garbage_and_partial_preamble() -> None:
    decoder = FrameDecoder()
    noise = b"\x01\x02\xaa\xaa\x96\x13\xaa\xaa"
    assert decoder.feed(noise + FIND_CARD_FOUND) == [FIND_CARD_FOUND[7:-1]]
    assert decoder.discarded_bytes == len(noise)


def test_bad_checksum_is_dropped_and_counted() -> None:
    bad = FIND_CARD_FOUND[:-1] + b"\x00"
    decoder = FrameDecoder()
    assert decoder.feed(bad) == []
    assert decoder.bad_checksums == 1
    assert decoder.buffered == 0


def test_lost_bytes_recover_on_the_next_frame() -> None:
    damaged = base_reply()[:600]  # the rest of this reply was lost on the line
    follow = encode_frame(b"\x00\x00\x90")
    decoder = FrameDecoder()
    out = decoder.feed(damaged + follow + bytes(1300))
    assert out == [b"\x00\x00\x90"]


def test_impossible_length_is_treated_as_noise() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(PREAMBLE + b"\xff\xff" + FIND_CARD_FOUND) == [FIND_CARD_FOUND[7:-1]]
    assert decoder.bad_lengths == 1


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600), st.lists(st.integers(0, 10_000), max_size=20))
def test_random_garbage_never_crashes_nor_invents_frames(noise: bytes, cuts: list[int]) -> None:
    decoder = FrameDecoder()
    out = [p for part in chunked(noise, cuts) for p in decoder.feed(part)]
    for payload in out:  # anything yielded really was a well-formed frame in the input
        assert encode_frame(payload) in noise
    assert decoder.bytes_needed() >= 1


@settings(max_examples=150, deadline=None)
@given(
    st.binary(max_size=200).map(lambda b: b.replace(b"\xaa", b"\x55")),
    st.binary(max_size=200).map(lambda b: b.replace(b"\xaa", b"\x55")),
    st.lists(st.integers(0, 10_000), max_size=30),
)
def test_frame_inside_noise_in_random_chunks_is_found(before: bytes, after: bytes,
                                                      cuts: list[int]) -> None:
    frame = base_reply("yi")
    decoder = FrameDecoder()
    out = [p for part in chunked(before + frame + after, cuts) for p in decoder.feed(part)]
    assert out == [frame[7:-1]]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 1294))
def test_truncated_reply_yields_nothing(cut: int) -> None:
    assert FrameDecoder().feed(base_reply()[:cut]) == []


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 1294), st.integers(1, 255))
def test_any_corrupted_byte_never_yields_a_wrong_record(index: int, flip: int) -> None:
    frame = bytearray(base_reply("hani"))
    original = parse_base_message(FrameDecoder().feed(bytes(frame))[0][3:])
    frame[index] ^= flip
    for payload in FrameDecoder().feed(bytes(frame) + bytes(64)):
        try:
            record = parse_base_message(payload[3:])
        except DeviceError:
            continue
        assert record == original
