"""The code-collecting loop shared by the scanner and camera diagnostic CLIs.

:func:`collect_codes` subscribes to a device's ``scanner.code`` and state topics, enables
the device, prints every code (JSON or tab-separated) until ``count`` codes or the timeout,
and returns the CLI's exit code: 0 done, 1 timeout (or a source that ended early).
"""

from __future__ import annotations

import json
import queue
import sys
import time
from collections.abc import Callable
from typing import Any

from common.events import EventBus
from drivers.scanner.event import CODE_TOPIC, ScanEvent


def event_queue(bus: EventBus, state_topic: str) -> queue.Queue[tuple[str, Any]]:
    """A queue receiving every code and state event published on ``bus``."""
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    for topic in (CODE_TOPIC, state_topic):
        bus.subscribe(topic, lambda t, payload: events.put((t, payload)))
    return events


def collect_codes(name: str, device: Any, events: queue.Queue[tuple[str, Any]], *,
                  count: int, timeout: float, as_json: bool, state_topic: str,
                  on_state: Callable[[Any, int], int | None]) -> int:
    """Enable ``device`` and print codes; ``on_state(payload, got)`` may return an exit code."""
    got = 0
    end = time.monotonic() + timeout if timeout > 0 else None
    try:
        device.enable()
        while count <= 0 or got < count:
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                print(f"{name}: timeout after {timeout:g} s ({got} of {count} codes)",
                      file=sys.stderr)
                return 1
            try:
                topic, payload = events.get(timeout=left)
            except queue.Empty:
                continue
            if topic == state_topic:
                verdict = on_state(payload, got)
                if verdict is not None:
                    return verdict
                continue
            got += 1
            print_event(payload, as_json)
    finally:
        device.close()
    return 0


def print_event(event: ScanEvent, as_json: bool) -> None:
    """One code on stdout: a JSON object, or source, encoding and printable text."""
    if as_json:
        print(json.dumps(event.as_dict(), ensure_ascii=False), flush=True)
    else:
        text = event.text if event.text.isprintable() else \
            event.text.encode("unicode_escape").decode("ascii")
        print(f"{event.source}\t{event.encoding}\t{text}", flush=True)
