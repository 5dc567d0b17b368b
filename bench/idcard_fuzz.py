"""Benchmark: wrong ID-card records under bit-flip fuzzing, before and after, and read cost.

Every damaged frame is a read-base-message reply of one of the simulator's sample cards
(1295 bytes, built by the simulator's own encoder) with 1, 2 or 3 bits flipped at random
positions (uniformly over the whole frame, one third of the frames each). A *wrong record*
is a read that succeeds but differs from the card in any text field ("text") or only in the
photo ("photo"). Four ways of reading the same damaged frames are counted:

* ``before``        decoder + XOR checksum + the field checks of the record before issue 18;
* ``semantic``      the same plus the semantic checks (drivers/idcard/semantics.py);
* ``on_doubt``      the production reader (``double_read = "on_doubt"``): a second, agreeing
                    read only after a resynchronisation or a failed attempt;
* ``always``        the production reader with ``double_read = "always"``.

For the two reader rows each trial is a fresh reader reading a card over a scripted line
whose first read-base reply is the damaged frame; ``--noise every`` damages every read-base
reply of the trial instead (a line that stays noisy). The line is simulated on a virtual
clock, so a lost frame costs no real time. Finally the read time on a clean line is measured
with both settings against the ID-card simulator at 115200 baud (wire time = bytes × 10 /
baud). Prints figures only; nothing is asserted.

    python bench/idcard_fuzz.py [--frames 100000] [--seed 18] [--noise first|every]
                                [--runs 15] [--skip-timing]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.errors import DeviceError
from drivers.idcard.codec import FrameDecoder
from drivers.idcard.protocol import Reply
from drivers.idcard.reader import SamIdCardReader
from drivers.idcard.record import IdCardRecord, parse_base_message
from simulator.idcard.cards import SampleCard, load_cards
from simulator.idcard.frames import next_request, reply_frame
from simulator.idcard.server import IdCardSimulator


def base_frame(card: SampleCard) -> bytes:
    """The read-base-message reply frame of ``card``."""
    return _frame_of(card.key, card.text_block(), card.photo())


@lru_cache(maxsize=16)
def _frame_of(_key: str, text: bytes, photo: bytes) -> bytes:
    lengths = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
    return reply_frame(0x90, lengths + text + photo)


def damage(frame: bytes, rng: random.Random, flips: int) -> bytes:
    """``frame`` with ``flips`` distinct bits inverted."""
    out = bytearray(frame)
    for bit in rng.sample(range(len(frame) * 8), flips):
        out[bit // 8] ^= 0x80 >> (bit % 8)
    return bytes(out)


def verdict(record: IdCardRecord | None, truth: IdCardRecord) -> str:
    """"rejected", "correct", "text" (a wrong text field) or "photo" (only the photo)."""
    if record is None:
        return "rejected"
    if record.as_dict() != truth.as_dict() or record.appended_address != truth.appended_address:
        return "text"
    return "photo" if bytes(record.photo) != bytes(truth.photo) else "correct"


def decode_once(frame: bytes, semantic: bool) -> IdCardRecord | None:
    """One frame through the decoder, the checksum and the record checks."""
    payloads = FrameDecoder().feed(frame)
    if len(payloads) != 1:
        return None
    try:
        reply = Reply.parse(payloads[0])
        return parse_base_message(reply.data, semantic) if reply.ok else None
    except DeviceError:
        return None


class Clock:
    """A virtual clock the scripted line advances (a read timeout costs no real time)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FuzzLine:
    """A serial port answering like a reader with ``card`` on it; read-base replies are
    replaced by ``damaged`` frames while any are left."""

    def __init__(self, card: SampleCard, damaged: list[bytes], clock: Clock) -> None:
        self.clock = clock
        self.replies = {
            b"\x20\x01": reply_frame(0x9F, bytes(4)), b"\x20\x02": reply_frame(0x90, bytes(8)),
            b"\x30\x01": base_frame(card),
            b"\x30\x03": (reply_frame(0x90, card.address_block()) if card.appended_address
                          else reply_frame(0x91)),
        }
        self.damaged = damaged
        self.pending = bytearray()
        self.inbox = bytearray()
        self.base_reads = 0

    def reset_input_buffer(self) -> None:
        self.pending.clear()

    def write(self, frame: bytes) -> int:
        self.inbox += frame
        while (request := next_request(self.inbox)) is not None:
            reply = self.replies[request[:2]]
            if request[:2] == b"\x30\x01":
                self.base_reads += 1
                if self.damaged:
                    reply = self.damaged.pop(0)
            self.pending += reply
            self.clock.now += len(reply) * 10 / 115200
        return len(frame)

    def read(self, size: int) -> bytes:
        if not self.pending:
            self.clock.now += 0.05  # the line's read timeout
            return b""
        out = bytes(self.pending[:size])
        del self.pending[:size]
        return out

    def close(self) -> None:
        pass


def read_with_reader(card: SampleCard, damaged: list[bytes], mode: str) -> tuple[
        IdCardRecord | None, int]:
    """One card read by the production reader; (record or None, read-base replies sent)."""
    clock = Clock()
    line = FuzzLine(card, damaged, clock)
    reader = SamIdCardReader("fuzz://", timeout=3.0, opener=lambda *a, **k: line,
                             double_read=mode, clock=clock)
    result = reader.read_card(wait_for_card=False)
    return (result.value if result.ok else None), line.base_reads


def fuzz(frames: int, seed: int, noise: str) -> None:
    """Count the verdicts of every way of reading over ``frames`` damaged frames."""
    cards = list(load_cards().values())
    clean = {card.key: base_frame(card) for card in cards}
    truth = {card.key: decode_once(clean[card.key], True) for card in cards}
    for card in cards:  # the reader's truth carries the appended address
        record = truth[card.key]
        assert record is not None
        truth[card.key] = record.with_appended_address(card.appended_address)
    counts = {name: Counter() for name in ("before", "semantic", "on_doubt", "always")}
    reads = Counter()
    passed_checksum = 0
    rng = random.Random(seed)
    start = time.perf_counter()
    for i in range(frames):
        card = cards[i % len(cards)]
        flips = 1 + i % 3
        frame = damage(clean[card.key], rng, flips)
        extra = [damage(clean[card.key], rng, 1 + rng.randrange(3)) for _ in range(5)]
        payloads = FrameDecoder().feed(frame)
        passed_checksum += len(payloads) == 1
        plain = truth[card.key].with_appended_address(None)
        counts["before"][verdict(decode_once(frame, False), plain)] += 1
        counts["semantic"][verdict(decode_once(frame, True), plain)] += 1
        for mode in ("on_doubt", "always"):
            damaged = [frame, *extra] if noise == "every" else [frame]
            record, sent = read_with_reader(card, damaged, mode)
            counts[mode][verdict(record, truth[card.key])] += 1
            reads[mode] += sent
    elapsed = time.perf_counter() - start
    print(f"bit-flip fuzzing: {frames} damaged read-base frames (1–3 bits, seed {seed}, "
          f"noise on {'every' if noise == 'every' else 'the first'} read-base reply), "
          f"{passed_checksum} ({100 * passed_checksum / frames:.2f} %) pass the XOR checksum; "
          f"{elapsed:.0f} s")
    print(f"  {'reading':<10} {'wrong text':>10} {'wrong photo':>11} {'correct':>9} "
          f"{'rejected':>9} {'base reads':>10}")
    for name, counter in counts.items():
        per = f"{reads[name] / frames:.2f}" if name in reads else "1"
        print(f"  {name:<10} {counter['text']:>10} {counter['photo']:>11} "
              f"{counter['correct']:>9} {counter['rejected']:>9} {per:>10}")


def timing(runs: int) -> None:
    """Read time on a clean line against the simulator, single vs double read."""
    sim = IdCardSimulator(baudrate=115200)
    urls = sim.start(tcp_port=0, pty=True)
    try:
        print(f"clean-line read time (find → record, simulator at 115200 baud, {runs} runs):")
        for mode in ("on_doubt", "always"):
            for transport in ("tcp", "pty"):
                reader = SamIdCardReader(urls[transport], double_read=mode)
                reader.open()
                reader.read_card()
                samples = []
                for i in range(runs):
                    sim.insert_card(sim.card_names()[i % len(sim.card_names())])
                    wire0 = reader.counters["bytes_in"] + reader.counters["bytes_out"]
                    begin = time.perf_counter()
                    result = reader.read_card(wait_for_card=False)
                    spent = time.perf_counter() - begin
                    if not result.ok:
                        raise SystemExit(f"read failed: {result.message}")
                    wire = reader.counters["bytes_in"] + reader.counters["bytes_out"] - wire0
                    samples.append((spent, wire))
                reader.close()
                ms = statistics.median(t for t, _ in samples) * 1000
                ratio = statistics.median(t / (w * 10 / 115200) for t, w in samples)
                wire_ms = statistics.median(w for _, w in samples) * 10000 / 115200
                print(f"  double_read={mode:<8} {transport}: median {ms:.1f} ms "
                      f"(wire {wire_ms:.1f} ms, {ratio:.3f} × wire time)")
    finally:
        sim.stop()


def main() -> int:
    """Run the fuzzing and the timing; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--noise", choices=("first", "every"), default="first")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-timing", action="store_true")
    args = parser.parse_args()
    fuzz(args.frames, args.seed, args.noise)
    if not args.skip_timing:
        timing(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
