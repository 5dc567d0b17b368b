"""The event bus: topic and prefix matching, unsubscribe, failing handlers, threads."""

from __future__ import annotations

import threading

from common.events import EventBus


def test_exact_prefix_and_wildcard_subscriptions_receive_matching_topics() -> None:
    bus = EventBus()
    seen: dict[str, list[str]] = {"exact": [], "prefix": [], "all": []}
    bus.subscribe("idcard.card_read", lambda t, p: seen["exact"].append(t))
    bus.subscribe("idcard.*", lambda t, p: seen["prefix"].append(t))
    bus.subscribe("*", lambda t, p: seen["all"].append(t))

    bus.publish("idcard.card_read", {"x": 1})
    bus.publish("idcard.card_removed")
    bus.publish("printer.paper", "low")
    bus.publish("idcardx.other")

    assert seen["exact"] == ["idcard.card_read"]
    assert seen["prefix"] == ["idcard.card_read", "idcard.card_removed"]
    assert seen["all"] == [
        "idcard.card_read", "idcard.card_removed", "printer.paper", "idcardx.other"
    ]


def test_unsubscribe_stops_delivery_and_publish_counts_handlers() -> None:
    bus = EventBus()
    got: list[object] = []
    stop = bus.subscribe("a.b", lambda t, p: got.append(p))
    assert bus.publish("a.b", 1) == 1
    stop()
    assert bus.publish("a.b", 2) == 0
    assert got == [1]


def test_a_failing_handler_does_not_stop_the_others() -> None:
    bus = EventBus()
    got: list[object] = []

    def broken(topic: str, payload: object) -> None:
        raise RuntimeError("subscriber bug")

    bus.subscribe("x", broken)
    bus.subscribe("x", lambda t, p: got.append(p))
    assert bus.publish("x", "payload") == 2
    assert got == ["payload"]


def test_publish_from_many_threads_delivers_every_event() -> None:
    bus = EventBus()
    lock = threading.Lock()
    got: list[int] = []

    def record(topic: str, payload: int) -> None:
        with lock:
            got.append(payload)

    bus.subscribe("n", record)
    threads = [
        threading.Thread(target=lambda k=k: [bus.publish("n", k * 100 + i) for i in range(100)])
        for k in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(800))


def test_a_star_segment_matches_exactly_one_segment() -> None:
    """``*.state`` is how the maintenance screen listens to every device's state."""
    bus = EventBus()
    seen: list[str] = []
    bus.subscribe("*.state", lambda t, p: seen.append(t))
    for topic in ("printer.state", "idcard.state", "printer.paper", "state", "a.b.state",
                  "printer.state.extra"):
        bus.publish(topic)
    assert seen == ["printer.state", "idcard.state"]


def test_a_trailing_star_matches_one_or_more_segments() -> None:
    from common.events import matches

    assert matches("idcard.*", "idcard.card_read")
    assert matches("idcard.*", "idcard.a.b")
    assert not matches("idcard.*", "idcard")
    assert not matches("idcard.*", "idcardx.card_read")
    assert matches("a.*.c", "a.b.c") and not matches("a.*.c", "a.b.d")
    assert matches("*", "anything.at.all")
