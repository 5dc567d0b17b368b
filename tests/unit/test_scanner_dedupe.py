"""Repeated reads of the same code inside the window are delivered once."""

from __future__ import annotations

from drivers.scanner.dedupe import Deduplicator


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_repeat_inside_window_is_suppressed() -> None:
    clock = FakeClock()
    dedupe = Deduplicator(1.0, clock=clock)
    assert dedupe.accept(b"A")
    clock.now = 0.5
    assert not dedupe.accept(b"A")
    assert dedupe.suppressed == 1


def test_other_code_is_delivered_at_once() -> None:
    clock = FakeClock()
    dedupe = Deduplicator(1.0, clock=clock)
    assert dedupe.accept(b"A")
    assert dedupe.accept(b"B")


def test_window_slides_while_the_code_stays_in_view() -> None:
    clock = FakeClock()
    dedupe = Deduplicator(1.0, clock=clock)
    assert dedupe.accept(b"A")
    for step in range(1, 6):  # seen every 0.8 s for 4 s: still the same presentation
        clock.now = step * 0.8
        assert not dedupe.accept(b"A")
    clock.now += 1.5
    assert dedupe.accept(b"A")  # shown again after a pause


def test_clear_forgets() -> None:
    dedupe = Deduplicator(10.0, clock=FakeClock())
    assert dedupe.accept(b"A")
    dedupe.clear()
    assert dedupe.accept(b"A")
