"""A payment-notification listener that was never started stops without waiting."""

from __future__ import annotations

import threading

from kiosk.payments.notify import NotificationListener


class _Bus:
    def publish(self, *_a: object, **_k: object) -> None:
        pass


def test_a_listener_never_started_stops() -> None:
    listener = NotificationListener("secret", lambda _doc: None, _Bus())
    done = threading.Event()
    worker = threading.Thread(target=lambda: (listener.stop(), done.set()), daemon=True)
    worker.start()
    worker.join(timeout=30)       # a bound against a hang, not a timing figure
    assert done.is_set(), "stop() waited for a serve_forever that never ran"


def test_a_started_listener_stops() -> None:
    listener = NotificationListener("secret", lambda _doc: None, _Bus())
    listener.start()
    listener.stop()
    assert listener._thread is not None and not listener._thread.is_alive()
