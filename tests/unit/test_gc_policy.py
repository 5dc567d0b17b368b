"""The collection policy: freeze after start-up, collect after each visit, trim the heap."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from kiosk.gc_policy import CollectionPolicy


class Node:
    """A object that can sit in a reference cycle."""

    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture(autouse=True)
def _thaw() -> Iterator[None]:
    yield
    gc.unfreeze()


def _cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_start_up_freezes_the_survivors() -> None:
    policy = CollectionPolicy(release=None)
    policy.started()
    assert policy.frozen > 1000
    assert abs(gc.get_freeze_count() - policy.frozen) <= 10   # a few die by refcount
    assert policy.diagnostics()["frozen_objects"] == policy.frozen


def test_a_visit_end_collects_the_cycles_the_visit_left() -> None:
    policy = CollectionPolicy(release=None)
    policy.started()
    gc.disable()
    try:
        left_behind = _cycle()
        assert left_behind() is not None          # only a collection can free a cycle
        policy.visit_ended()
        assert left_behind() is None
    finally:
        gc.enable()


def test_objects_frozen_before_are_collected_after_a_refreeze() -> None:
    policy = CollectionPolicy(refreeze_every=3, release=None)
    gc.disable()
    try:
        old = _cycle()
        holder = [old()]                          # alive at start-up, so it gets frozen
        policy.started()
        holder.clear()                            # now only the cycle keeps it alive
        policy.visit_ended()
        policy.visit_ended()
        assert old() is not None                  # frozen objects are not walked
        policy.visit_ended()                      # the third visit thaws and collects
        assert old() is None
    finally:
        gc.enable()


def test_every_pass_releases_memory_and_is_timed() -> None:
    released: list[int] = []
    ticks = iter([0.0, 0.004, 1.0, 1.250])
    policy = CollectionPolicy(release=lambda: released.append(1), clock=lambda: next(ticks))
    policy.started()
    policy.visit_ended()
    assert released == [1, 1]
    figures = policy.diagnostics()
    assert figures["visits"] == 1
    assert figures["last_pause_ms"] == 250.0 and figures["longest_pause_ms"] == 250.0


def test_the_default_release_is_glibc_malloc_trim_on_linux() -> None:
    policy = CollectionPolicy()
    assert policy._release is not None
    policy.started()                              # must not raise


def test_refreeze_interval_must_be_positive() -> None:
    with pytest.raises(ValueError):
        CollectionPolicy(refreeze_every=0)
