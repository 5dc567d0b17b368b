"""Sessions: idle warning with ≥ 20 s to extend, bounded extensions, and the wipe."""

from __future__ import annotations

import pytest

from kiosk.session import IdleState, IdleWatch, Session


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_idle_goes_active_warning_expired_and_extends() -> None:
    clock = FakeClock()
    watch = IdleWatch(timeout_s=90, warning_s=25, clock=clock)
    clock.now += 64
    assert watch.state() is IdleState.ACTIVE
    clock.now += 1
    assert watch.state() is IdleState.WARNING
    assert watch.seconds_left() == 25
    assert watch.extend()
    assert watch.state() is IdleState.ACTIVE
    clock.now += 90
    assert watch.state() is IdleState.EXPIRED
    assert watch.seconds_left() == 0


def test_extensions_are_bounded_and_warning_must_give_twenty_seconds() -> None:
    watch = IdleWatch(timeout_s=60, warning_s=20, clock=FakeClock())
    assert all(watch.extend() for _ in range(10))
    assert not watch.extend()
    with pytest.raises(ValueError, match="at least 20 s"):
        IdleWatch(timeout_s=60, warning_s=10)
    with pytest.raises(ValueError, match="longer than its warning"):
        IdleWatch(timeout_s=20, warning_s=20)


class Card:
    def __init__(self) -> None:
        self.name = "张三"
        self.id_number = "530102199001011234"
        self.photo = bytearray(b"\x01\x02\x03" * 10)


def test_wipe_zeroes_photos_and_drops_personal_data() -> None:
    card = Card()
    photo = card.photo
    face = bytearray(b"\xff" * 64)
    session = Session(identity=card, identity_token="tok", identity_label="张*  5301…",
                      face_photo=face)
    session.results["x"] = {"rows": [1]}
    session.case_numbers.append("53010020261121000001")
    session.wipe()
    assert photo == bytearray(len(photo)) and face == bytearray(64)
    assert session.identity is None and session.identity_token is None
    assert not session.identified and session.identity_label == ""
    assert session.results == {} and session.case_numbers == [] and session.wiped
