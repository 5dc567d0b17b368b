"""Driver of a resident ID-card reader that speaks the SAM protocol over a serial line.

:class:`SamIdCardReader` sends each command as one frame and reads the reply by length
(header, then exactly LEN bytes), so a read costs little more than its wire time. A reply
longer than its command can have is noise (resynchronise at once), and a frame whose bytes
stop coming for ``gap_s`` is lost (no wait for the whole command timeout).

``read_card`` checks every field (:mod:`.semantics`) and, because the XOR checksum and the
checks together still let a changed ideograph through, reads the base message until two
reads agree (:mod:`.verify`): on every card with ``double_read = "always"`` (the default),
or with ``"on_doubt"`` only when the first frame needed resynchronisation or a retry. Every
command takes a timeout (0 = none) and a :class:`~drivers.base.CancelToken`, and returns a
:class:`~drivers.base.CommandResult`; device errors become completion codes with a clear
message. The line is opened by URL (device path, pty, ``socket://``, ``spy://``) and
reopened on the next command after it died.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import serial

from drivers.base import (
    CancelToken,
    Capabilities,
    CommandResult,
    Completion,
    Deadline,
    Device,
    DeviceState,
    DeviceStatus,
)
from drivers.errors import (
    CommandCanceled,
    ConfigError,
    DeviceError,
    DeviceGone,
    DeviceOpenError,
    DeviceReportedError,
    DeviceTimeout,
    ProtocolError,
)
from drivers.idcard.codec import MAX_LEN, FrameDecoder, encode_frame
from drivers.idcard.protocol import SW3_NO_CARD, SW3_NO_ITEM, Command, Reply, format_sam_id
from drivers.idcard.record import IdCardRecord, parse_appended_address, parse_base_message
from drivers.idcard.verify import DOUBLE_READ_MODES, RawRead, read_agreeing
from drivers.transport import open_serial

T = TypeVar("T")
#: SW3 codes after which the reader itself is unusable
_HARDWARE_CODES = {0x23, 0x24, 0x60, 0x66}
#: the longest LEN each command's reply can have (base message: 0x0508); longer is noise
_MAX_REPLY_LEN = {Command.READ_BASE: 0x0508, Command.READ_BASE_FINGERPRINT: MAX_LEN}
_SHORT_REPLY_LEN = 256


class LineNoise(ProtocolError):
    """Bytes arrived but never a frame: wrong baud rate, wrong device or a broken line."""


class SamIdCardReader(Device):
    """An ID-card reader on a serial line (config: type="sam", url, baudrate, timeout)."""

    device_class = "idcard"

    def __init__(self, url: str, baudrate: int = 115200, timeout: float = 3.0,
                 bus: Any = None, name: str = "idcard",
                 opener: Callable[..., Any] = open_serial, poll_interval: float = 0.1,
                 double_read: str = "always", gap_s: float = 0.2,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if double_read not in DOUBLE_READ_MODES:
            raise ConfigError(f"idcard: double_read must be one of "
                              f"{', '.join(DOUBLE_READ_MODES)}, not {double_read!r}")
        self.url = url
        self.double_read = double_read
        self.gap_s = gap_s
        self._clock = clock
        self._doubt = False  # the last read of the card on the reader failed
        self.baudrate = baudrate
        self.timeout = timeout
        self.bus = bus
        self.name = name
        self.poll_interval = poll_interval
        self._opener = opener
        self._port: Any = None
        self._lock = threading.RLock()
        self._state = DeviceState.STARTING
        self._message = ""
        self._media = "unknown"
        self._sam_id: str | None = None
        self._clean = True
        self.counters = {"commands": 0, "failures": 0, "bytes_out": 0, "bytes_in": 0,
                         "discarded_bytes": 0, "bad_checksums": 0, "opens": 0,
                         "extra_reads": 0}

    @classmethod
    def from_config(cls, config: Mapping[str, Any], bus: Any) -> SamIdCardReader:
        """Build from a ``[devices.idcard]`` section and open the line (loud on failure)."""
        url = config.get("url")
        if not url:
            raise ConfigError("idcard: config has no 'url'")
        try:
            baudrate = int(config.get("baudrate", 115200))
            timeout = float(config.get("timeout", 3.0))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"idcard: bad baudrate or timeout: {exc}") from exc
        reader = cls(str(url), baudrate, timeout, bus=bus,
                     double_read=str(config.get("double_read", "always")))
        reader.open()
        return reader

    # -- line --------------------------------------------------------------------------
    def open(self) -> None:
        """Open the line; raise DeviceOpenError with a clear message when it cannot be."""
        with self._lock:
            if self._port is not None:
                return
            try:
                self._port = self._opener(self.url, baudrate=self.baudrate, timeout=0.05)
            except DeviceOpenError as exc:
                # a line that worked before and is gone now is offline; never seen: no device
                gone = DeviceState.OFFLINE if self.counters["opens"] else DeviceState.NO_DEVICE
                self._set_state(gone, str(exc))
                raise
            self.counters["opens"] += 1

    @property
    def is_open(self) -> bool:
        """True while the line is open."""
        return self._port is not None

    def close(self) -> None:
        """Close the line (the next command reopens it)."""
        with self._lock:
            port, self._port = self._port, None
            if port is not None:
                with contextlib.suppress(serial.SerialException, OSError):
                    port.close()

    # -- commands ----------------------------------------------------------------------
    def sam_status(self, timeout: float | None = None,
                   cancel: CancelToken | None = None) -> CommandResult[None]:
        """Ask the SAM for its self-test status."""
        return self._run(self._just(Command.SAM_STATUS, cancel), timeout)

    def sam_id(self, timeout: float | None = None,
               cancel: CancelToken | None = None) -> CommandResult[str]:
        """Read the SAM's id, formatted as vendor tools print it."""
        def run(deadline: Deadline) -> str:
            self._sam_id = format_sam_id(self._expect_ok(Command.SAM_ID, deadline, cancel).data)
            return self._sam_id
        return self._run(run, timeout)

    def find_card(self, timeout: float | None = None,
                  cancel: CancelToken | None = None) -> CommandResult[bool]:
        """Is a card in the field? (success with True / False; the cheap poll command)."""
        return self._run(lambda d: self._find(d, cancel), timeout)

    def select_card(self, timeout: float | None = None,
                    cancel: CancelToken | None = None) -> CommandResult[None]:
        """Select the card found by :meth:`find_card`."""
        return self._run(self._just(Command.SELECT_CARD, cancel), timeout)

    def read_base(self, timeout: float | None = None,
                  cancel: CancelToken | None = None) -> CommandResult[IdCardRecord]:
        """Read the base message (text and photo) of the selected card."""
        return self._run(lambda d: self._read_base(d, cancel), timeout)

    def read_address(self, timeout: float | None = None,
                     cancel: CancelToken | None = None) -> CommandResult[str | None]:
        """Read the appended address; success with None when the card has none."""
        return self._run(lambda d: self._read_address(d, cancel), timeout)

    def read_card(self, timeout: float | None = None, cancel: CancelToken | None = None,
                  wait_for_card: bool = True) -> CommandResult[IdCardRecord]:
        """Find, select and read a card (base message and appended address).

        With ``wait_for_card`` the reader polls for a card until ``timeout`` runs out.
        """
        token = cancel or CancelToken()

        def run(deadline: Deadline) -> IdCardRecord:
            while not self._find(deadline, token):
                if not wait_for_card:
                    raise DeviceReportedError("no card on the reader", Completion.USER_ERROR,
                                              SW3_NO_CARD)
                left = deadline.remaining()
                if left is not None and left <= self.poll_interval:
                    raise DeviceTimeout(f"no card on the reader (waited {self._limit(timeout)} s)")
                if token.wait(self.poll_interval):
                    raise CommandCanceled("read canceled")
            self._expect_ok(Command.SELECT_CARD, deadline, token)
            try:
                record = self._verified(deadline, token)
            except ProtocolError:
                self._doubt = True  # the next attempt at this card reads twice
                raise
            self._doubt = False
            return record

        return self._run(run, timeout)

    def _verified(self, deadline: Deadline, cancel: CancelToken) -> IdCardRecord:
        """Base message and appended address, read until they can be trusted."""
        always = self.double_read == "always"
        first = True

        def base() -> RawRead:
            nonlocal first
            if not first:  # a card that was read must be found and selected again
                self.counters["extra_reads"] += 1
                if not self._find(deadline, cancel):
                    raise DeviceReportedError("the card left the reader", Completion.USER_ERROR,
                                              SW3_NO_CARD)
                self._expect_ok(Command.SELECT_CARD, deadline, cancel)
            first = False
            return self._raw(Command.READ_BASE, deadline, cancel)

        record, reads = read_agreeing(base, lambda raw: parse_base_message(raw[1:]),
                                      always=always, doubt=self._doubt)
        address, _ = read_agreeing(lambda: self._raw(Command.READ_ADDRESS, deadline, cancel),
                                   self._address_from, always=always or reads > 1,
                                   doubt=self._doubt)
        return record.with_appended_address(address)

    def _raw(self, command: Command, deadline: Deadline, cancel: CancelToken) -> RawRead:
        """SW3 and data of one reply, and whether it came without resynchronisation."""
        reply = self._exchange(command, deadline, cancel)
        if not reply.ok and not (command is Command.READ_ADDRESS and reply.sw3 == SW3_NO_ITEM):
            raise reply.error(command)
        return RawRead(bytes([reply.sw3]) + reply.data, self._clean)

    @staticmethod
    def _address_from(raw: bytes) -> str | None:
        return None if raw[0] == SW3_NO_ITEM else parse_appended_address(raw[1:]) or None

    # -- Device ------------------------------------------------------------------------
    def status(self) -> DeviceStatus:
        """Common state plus media presence and the SAM id (when known)."""
        return DeviceStatus(self._state, {"media": self._media, "sam_id": self._sam_id},
                            self._message)

    def capabilities(self) -> Capabilities:
        """Reads text, WLT photo and the appended address; no fingerprint."""
        return Capabilities("idcard", "SAM reader (GA 467)", {
            "read_text": True, "read_photo": True, "photo_format": "wlt",
            "appended_address": True, "read_fingerprint": False,
        })

    def diagnostics(self) -> dict[str, Any]:
        """Line settings, state and counters (never card data)."""
        return {"url": self.url, "baudrate": self.baudrate, "timeout": self.timeout,
                "open": self.is_open, "state": self._state.value, "message": self._message,
                "sam_id": self._sam_id, **self.counters}

    def reset(self) -> CommandResult[None]:
        """Reopen the line and check the SAM."""
        with self._lock:
            self.close()
            return self.sam_status()

    # -- internals ---------------------------------------------------------------------
    def _limit(self, timeout: float | None) -> float:
        return self.timeout if timeout is None else timeout

    def _run(self, fn: Callable[[Deadline], T], timeout: float | None) -> CommandResult[T]:
        with self._lock:
            self.counters["commands"] += 1
            try:
                value = fn(Deadline(self._limit(timeout), self._clock))
            except DeviceError as exc:
                self.counters["failures"] += 1
                self._note_failure(exc)
                return CommandResult.failure(exc.completion, str(exc))
            self._set_state(DeviceState.ONLINE, "")
            return CommandResult.success(value)

    def _note_failure(self, exc: DeviceError) -> None:
        if isinstance(exc, DeviceOpenError):
            return  # open() has set the state
        if isinstance(exc, DeviceGone | DeviceTimeout | LineNoise):
            self._set_state(DeviceState.OFFLINE, str(exc))
        elif isinstance(exc, DeviceReportedError) and exc.code in _HARDWARE_CODES:
            self._set_state(DeviceState.HARDWARE_ERROR, str(exc))
        elif isinstance(exc, DeviceReportedError | ProtocolError):
            self._set_state(DeviceState.ONLINE, "")

    def _set_state(self, state: DeviceState, message: str) -> None:
        self._state, self._message = state, message

    def _just(self, command: Command, cancel: CancelToken | None) -> Callable[[Deadline], None]:
        def run(deadline: Deadline) -> None:
            self._expect_ok(command, deadline, cancel)
        return run

    def _find(self, deadline: Deadline, cancel: CancelToken | None) -> bool:
        reply = self._exchange(Command.FIND_CARD, deadline, cancel)
        if reply.sw3 == SW3_NO_CARD:
            self._media = "not_present"
            self._doubt = False  # the card left: the next one starts without doubt
            return False
        if not reply.ok:
            raise reply.error(Command.FIND_CARD)
        self._media = "present"
        return True

    def _read_base(self, deadline: Deadline, cancel: CancelToken | None) -> IdCardRecord:
        return parse_base_message(self._expect_ok(Command.READ_BASE, deadline, cancel).data)

    def _read_address(self, deadline: Deadline, cancel: CancelToken | None) -> str | None:
        reply = self._exchange(Command.READ_ADDRESS, deadline, cancel)
        if reply.sw3 == SW3_NO_ITEM:
            return None
        if not reply.ok:
            raise reply.error(Command.READ_ADDRESS)
        return parse_appended_address(reply.data) or None

    def _expect_ok(self, command: Command, deadline: Deadline,
                   cancel: CancelToken | None) -> Reply:
        reply = self._exchange(command, deadline, cancel)
        if not reply.ok:
            raise reply.error(command)
        return reply

    def _exchange(self, command: Command, deadline: Deadline,
                  cancel: CancelToken | None) -> Reply:
        """Send one request and return its reply; the line is reopened when needed."""
        if cancel is not None and cancel.cancelled:
            raise CommandCanceled(f"{command.name.lower()} canceled")
        if self._port is None:
            self.open()
        port = self._port
        frame = encode_frame(command.value)
        try:
            port.reset_input_buffer()
            port.write(frame)
            self.counters["bytes_out"] += len(frame)
            return Reply.parse(self._read_reply(port, command, deadline, cancel))
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise DeviceGone(f"line to the ID-card reader at {self.url} died ({exc})") from exc

    def _read_reply(self, port: Any, command: Command, deadline: Deadline,
                    cancel: CancelToken | None) -> bytes:
        """Read by length: the header, then exactly LEN bytes; resync on the preamble.

        Sets :attr:`_clean` to whether the frame came without resynchronisation."""
        decoder = FrameDecoder(_MAX_REPLY_LEN.get(command, _SHORT_REPLY_LEN))
        received = 0
        last_rx = self._clock()
        try:
            while True:
                if cancel is not None and cancel.cancelled:
                    raise CommandCanceled(f"{command.name.lower()} canceled")
                if deadline.expired:
                    raise self._no_reply(command, decoder, received)
                chunk = port.read(decoder.bytes_needed())
                if not chunk:
                    if received and self._clock() - last_rx > self.gap_s:
                        raise self._broken_off(command, decoder, received)
                    continue
                last_rx = self._clock()
                received += len(chunk)
                frames = decoder.feed(chunk)
                if frames:
                    self._clean = not (decoder.discarded_bytes or decoder.bad_checksums
                                       or decoder.bad_lengths)
                    return frames[0]
                if decoder.bad_checksums and not decoder.buffered:
                    raise ProtocolError(f"corrupt reply to {command.name.lower()} "
                                        "(checksum mismatch)")
        finally:
            self.counters["bytes_in"] += received
            self.counters["discarded_bytes"] += decoder.discarded_bytes
            self.counters["bad_checksums"] += decoder.bad_checksums

    def _broken_off(self, command: Command, decoder: FrameDecoder,
                    received: int) -> DeviceError:
        """Bytes came, then ``gap_s`` of silence before a whole frame: the reply is lost."""
        if decoder.buffered and not decoder.bad_checksums:
            return ProtocolError(f"reply to {command.name.lower()} broke off "
                                 f"({decoder.buffered} bytes, then silence)")
        return self._no_reply(command, decoder, received)

    def _no_reply(self, command: Command, decoder: FrameDecoder, received: int) -> DeviceError:
        name = command.name.lower()
        if decoder.bad_checksums:
            return ProtocolError(f"corrupt reply to {name} (checksum mismatch)")
        if received:
            return LineNoise(
                f"no valid reply to {name}: {received} bytes that are not SAM frames "
                f"(wrong baud rate? line set to {self.baudrate})")
        return DeviceTimeout(f"no reply to {name} from the ID-card reader at {self.url} "
                             "(reader off, unplugged or wrong port?)")
