"""Background card polling: turns the reader into card-inserted / read / removed events.

:class:`CardPoller` runs one thread that polls find-card a few times a second (one small
frame each way). When a card appears it publishes ``idcard.card_inserted``, reads it and
publishes ``idcard.card_read`` (payload: the :class:`IdCardRecord`) or
``idcard.read_failed`` (payload: the failed :class:`CommandResult`, no card data), then waits
for the card to leave (``idcard.card_removed``) before it reads again. Device state changes
are published as ``idcard.state`` (payload: :class:`DeviceStatus`): offline when the line
dies or stops answering, online again once the URL reopens and the reader answers.
"""

from __future__ import annotations

import threading
from typing import Any

from drivers.base import CancelToken, Completion, DeviceState, DeviceStateChanged, DeviceStatus
from drivers.idcard.reader import SamIdCardReader

TOPIC_INSERTED = "idcard.card_inserted"
TOPIC_READ = "idcard.card_read"
TOPIC_READ_FAILED = "idcard.read_failed"
TOPIC_REMOVED = "idcard.card_removed"
TOPIC_STATE = "idcard.state"

#: after this many failed reads of one card, wait for it to leave before trying again
MAX_READ_ATTEMPTS = 3
_LINE_DOWN = {DeviceState.OFFLINE, DeviceState.NO_DEVICE}


class CardPoller:
    """Polls one reader on its own thread and publishes card and state events."""

    def __init__(self, reader: SamIdCardReader, bus: Any, interval: float = 0.25,
                 retry_interval: float = 1.0, read_timeout: float | None = None) -> None:
        self.reader = reader
        self.bus = bus
        self.interval = interval
        self.retry_interval = retry_interval
        self.read_timeout = read_timeout
        self._cancel = CancelToken()
        self._thread: threading.Thread | None = None
        self._card_present = False
        self._done = False  # the present card was read (or gave up): wait for removal
        self._attempts = 0
        self._last_state: DeviceState | None = None

    def start(self) -> None:
        """Start polling (once)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="idcard-poller", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop polling, cancelling any command in progress, and wait for the thread."""
        self._cancel.cancel()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        """True while the polling thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def rearm(self) -> None:
        """Read the card again on the next poll even if it never left (e.g. a new session)."""
        self._done = False
        self._attempts = 0

    # -- internals ---------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._cancel.cancelled:
            pause = self._poll_once()
            if self._cancel.wait(pause):
                return

    def _poll_once(self) -> float:
        """One poll; returns how long to wait before the next."""
        if not self.reader.is_open:
            try:
                self.reader.open()
            except Exception:  # DeviceOpenError: still gone
                self._publish_state()
                return self.retry_interval
        found = self.reader.find_card(timeout=max(0.5, self.interval * 2), cancel=self._cancel)
        if found.completion is Completion.CANCELED:
            return 0.0
        if not found.ok:
            down = self.reader.status().state in _LINE_DOWN
            if down:
                self.reader.close()  # reopen the URL on the next poll
            self._publish_state()
            return self.retry_interval if down else self.interval
        self._publish_state()
        if not found.value:
            if self._card_present:
                self._card_present = False
                self._publish(TOPIC_REMOVED, None)
            self._done = False
            self._attempts = 0
            return self.interval
        if not self._card_present:
            self._card_present = True
            self._publish(TOPIC_INSERTED, None)
        if not self._done:
            self._read()
        return self.interval

    def _read(self) -> None:
        result = self.reader.read_card(timeout=self.read_timeout, cancel=self._cancel,
                                       wait_for_card=False)
        if result.completion is Completion.CANCELED:
            return
        self._attempts += 1
        if result.ok:
            self._done = True
            self._publish(TOPIC_READ, result.value)
        else:
            self._done = self._attempts >= MAX_READ_ATTEMPTS
            self._publish(TOPIC_READ_FAILED, result)
        self._publish_state()

    def _publish_state(self) -> None:
        status: DeviceStatus = self.reader.status()
        if status.state is not self._last_state:
            previous, self._last_state = self._last_state, status.state
            self._publish(TOPIC_STATE, DeviceStateChanged(
                "idcard", status.state, status.message, previous, dict(status.details)))

    def _publish(self, topic: str, payload: Any) -> None:
        if self.bus is not None:
            self.bus.publish(topic, payload)
