"""A small thread-safe publish/subscribe bus that drivers and services publish to.

Topics are dot-separated segments, ``<source>.<event>`` (``"idcard.card_read"``). A
subscription pattern matches a topic by these rules, segment by segment:

* ``"*"`` alone matches every topic;
* a literal segment matches only itself (``"idcard.card_read"``);
* a ``*`` segment matches exactly one segment (``"*.state"`` matches ``"printer.state"``,
  not ``"printer.state.x"`` nor ``"state"``);
* a ``*`` as the *last* segment matches one or more remaining segments (``"idcard.*"``
  matches ``"idcard.card_read"`` and ``"idcard.a.b"``, not ``"idcardx.a"`` nor ``"idcard"``).

Publishing calls handlers on the publisher's thread; a failing
handler is logged (without the event's data, which may be personal) and does not stop the
others. The UI subscribes through its own main-thread trampoline; this module knows
nothing of Kivy.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Handler = Callable[[str, Any], None]


class EventBus:
    """Thread-safe topic bus. ``subscribe`` returns a function that unsubscribes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handlers: dict[str, list[Handler]] = {}

    def subscribe(self, pattern: str, handler: Handler) -> Callable[[], None]:
        """Call ``handler(topic, payload)`` for topics matching ``pattern``."""
        with self._lock:
            self._handlers.setdefault(pattern, []).append(handler)

        def unsubscribe() -> None:
            with self._lock:
                handlers = self._handlers.get(pattern, [])
                if handler in handlers:
                    handlers.remove(handler)

        return unsubscribe

    def publish(self, topic: str, payload: Any = None) -> int:
        """Deliver to every matching handler; return how many were called."""
        with self._lock:
            targets = [h for p, hs in self._handlers.items() if matches(p, topic) for h in hs]
        for handler in targets:
            try:
                handler(topic, payload)
            except Exception:  # a subscriber's bug must not break the publisher
                log.exception("event handler failed for topic %s", topic)
        return len(targets)


def matches(pattern: str, topic: str) -> bool:
    """True when ``pattern`` selects ``topic`` (the rules are in the module docstring)."""
    if pattern in ("*", topic):
        return True
    wanted, parts = pattern.split("."), topic.split(".")
    if wanted[-1] == "*" and len(parts) >= len(wanted):
        parts = [*parts[:len(wanted) - 1], "*"]
    if len(wanted) != len(parts):
        return False
    return all(w in ("*", p) for w, p in zip(wanted, parts, strict=True))
