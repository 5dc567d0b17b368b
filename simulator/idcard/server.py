"""The ID-card reader simulator: the SAM protocol, byte for byte, over a pty and TCP.

:class:`IdCardSimulator` is a :class:`~simulator.link.LinkDevice`: it parses request frames,
keeps the reader's card state (a card must be found, then selected, before it is read) and
answers with reply frames paced at the baud rate by its :class:`~simulator.link.SerialLink`.
Control methods put a sample card on the reader, take it away and inject faults:

``no_card``            find-card answers "no card" although one is there
``remove_mid_read``    the card leaves during read-base (SW3 0x41, card gone)
``bad_checksum``       replies carry a wrong checksum
``garbage``            noise before each reply (``nbytes``); ``only=True`` loses the reply
``split_chunks``       replies arrive in random chunks (``max_chunk``) with delays (``max_delay``)
``sam_selftest_fail``  every command answers SW3 0x60
``unplug``             every line closes (``replug()`` or ``clear_faults()`` brings it back)

Every fault takes ``times=N`` to fire only N times. A driver that set the pty to another baud
rate than the simulator's gets noise back, as on a real line.
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import termios
import threading
import time
from pathlib import Path
from typing import Any

from simulator.idcard.cards import SampleCard, load_cards
from simulator.idcard.frames import next_request, reply_frame
from simulator.link import SerialLink

FAULTS = ("no_card", "remove_mid_read", "bad_checksum", "garbage", "split_chunks",
          "sam_selftest_fail", "unplug")
#: the SAM id "05.01-20240315-0001234567-3141592653" in the reader's byte layout
SAM_ID = (
    (5).to_bytes(2, "little") + (1).to_bytes(2, "little") + (20240315).to_bytes(4, "little")
    + (1234567).to_bytes(4, "little") + (3141592653).to_bytes(4, "little"))


class IdCardSimulator:
    """A simulated SAM reader with sample cards and fault injection."""

    def __init__(self, cards_dir: Path | None = None, baudrate: int = 115200,
                 seed: int = 0) -> None:
        self.cards: dict[str, SampleCard] = load_cards(cards_dir)
        self.baudrate = baudrate
        #: the TCP line; the pty has its own link so the simulator knows where bytes came from
        self.link = SerialLink(self, baudrate=baudrate, name="idcard")
        self.pty_link = SerialLink(self, baudrate=baudrate, name="idcard-pty")
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._inboxes: dict[int, bytearray] = {}
        self._card: SampleCard | None = None
        self._found = False
        self._selected = False
        self._base_read = False
        self._faults: dict[str, dict[str, Any]] = {}
        self.requests = 0
        self._tcp_url: str | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self, tcp_port: int = 0, pty: bool = True, host: str = "127.0.0.1") -> dict[str, str]:
        """Open the endpoints; return {"tcp": socket:// URL, "pty": path (when asked)}."""
        urls = {"tcp": self.link.serve_tcp(host, tcp_port)}
        self._tcp_url = urls["tcp"]
        if pty:
            urls["pty"] = self.pty_link.open_pty()
            self._set_pty_speed()
        return urls

    def urls(self) -> dict[str, str]:
        """The current endpoints (the pty path changes after an unplug)."""
        urls = {"tcp": self._tcp_url} if self.link.plugged and self._tcp_url else {}
        if self.pty_link.pty_path:
            urls["pty"] = self.pty_link.pty_path
        return urls

    def stop(self) -> None:
        """Close every endpoint and thread."""
        self.unplug()  # wakes the TCP acceptor so close() does not wait for it
        self.link.close()
        self.pty_link.close()

    # -- control -----------------------------------------------------------------------
    def card_names(self) -> list[str]:
        """Names of the sample cards."""
        return sorted(self.cards)

    def insert_card(self, name: str) -> None:
        """Put sample card ``name`` on the reader."""
        if name not in self.cards:
            raise KeyError(f"no sample card {name!r}; known: {', '.join(self.card_names())}")
        with self._lock:
            self._card = self.cards[name]
            self._found = self._selected = False

    def remove_card(self) -> None:
        """Take the card away."""
        with self._lock:
            self._card = None
            self._found = self._selected = False

    @property
    def current_card(self) -> str | None:
        """Name of the card on the reader, if any."""
        return self._card.key if self._card else None

    def set_fault(self, name: str, **opts: Any) -> None:
        """Switch a fault on (see the module docstring); ``unplug`` acts at once."""
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")
        if name == "unplug":
            self.unplug()
            return
        with self._lock:
            self._faults[name] = dict(opts)

    def clear_faults(self) -> None:
        """Switch every fault off and plug the line back in."""
        with self._lock:
            self._faults.clear()
        if not self.link.plugged:
            self.replug()

    def faults(self) -> dict[str, dict[str, Any]]:
        """Active faults and their options."""
        with self._lock:
            return {k: dict(v) for k, v in self._faults.items()}

    def unplug(self) -> None:
        """Pull the cable: every line closes."""
        self.link.unplug()
        self.pty_link.unplug()
        self._wake_acceptor()

    def replug(self) -> None:
        """Plug the cable back in (a new pty path, the same TCP port)."""
        for attempt in range(40):  # the old listening socket may take a moment to go
            try:
                self.link.replug()
                break
            except OSError:
                if attempt == 39:
                    raise
                time.sleep(0.05)
        self.pty_link.replug()
        self._set_pty_speed()

    def _wake_acceptor(self) -> None:
        """Connect once so a thread blocked in accept() sees the unplug and lets the port go.

        (Closing a listening socket does not wake a blocked accept() on Linux.)
        """
        if not self._tcp_url:
            return
        host, _, port = self._tcp_url.removeprefix("socket://").rpartition(":")
        with contextlib.suppress(OSError), socket.create_connection((host, int(port)), 0.5):
            pass

    # -- protocol ----------------------------------------------------------------------
    def on_data(self, data: bytes, link: SerialLink) -> None:
        """Bytes from the driver: answer every complete request frame."""
        if self._wrong_baud(link):
            link.send(self._noise(len(data) // 2 + 3))
            return
        inbox = self._inboxes.setdefault(id(link), bytearray())
        inbox += data
        while (request := next_request(inbox)) is not None:
            # the request itself takes wire time on a real line (the link paces replies only)
            time.sleep((len(request) + 8) * link.byte_time())
            reply = self._answer(request)
            if reply is not None:
                self._send(reply, link)

    def _answer(self, request: bytes) -> bytes | None:
        self.requests += 1
        if not request:
            return reply_frame(0x10)
        if len(request) < 2:
            return reply_frame(0x11)
        if self._take("sam_selftest_fail") is not None:
            return reply_frame(0x60)
        cmd = request[:2]
        with self._lock:
            card = self._card
            if cmd == b"\x11\xff":
                return reply_frame(0x90)
            if cmd == b"\x12\xff":
                return reply_frame(0x90, SAM_ID)
            if cmd == b"\x20\x01":
                self._selected = self._base_read = False
                self._found = card is not None
                if card is None or self._take("no_card") is not None:
                    self._found = False
                    return reply_frame(0x80)
                return reply_frame(0x9F, bytes(4))
            if cmd == b"\x20\x02":
                self._selected = self._found and card is not None
                return reply_frame(0x90, bytes(8)) if self._selected else reply_frame(0x81)
            if cmd == b"\x30\x01":
                return self._read_base(card)
            if cmd == b"\x30\x03":
                if card is None or not self._selected:
                    return reply_frame(0x41)
                if card.appended_address is None:
                    return reply_frame(0x91)
                return reply_frame(0x90, card.address_block())
        return reply_frame(0x21)

    def _read_base(self, card: SampleCard | None) -> bytes:
        if card is None or not self._selected or self._base_read:
            return reply_frame(0x41)  # a card that was read must be found again
        if self._take("remove_mid_read") is not None:
            self._card = None
            self._found = self._selected = False
            return reply_frame(0x41)
        text, photo = card.text_block(), card.photo()
        lengths = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
        self._base_read = True
        return reply_frame(0x90, lengths + text + photo)

    def _take(self, fault: str) -> dict[str, Any] | None:
        """The options of ``fault`` if it is active (counting down ``times``)."""
        with self._lock:
            opts = self._faults.get(fault)
            if opts is None:
                return None
            if "times" in opts:
                opts["times"] = int(opts["times"]) - 1
                if opts["times"] <= 0:
                    del self._faults[fault]
            return dict(opts)

    def _send(self, reply: bytes, link: SerialLink) -> None:
        if self._take("bad_checksum") is not None:
            reply = reply[:-1] + bytes([reply[-1] ^ 0x5A])
        garbage = self._take("garbage")
        if garbage is not None:
            noise = self._noise(int(garbage.get("nbytes", 24)))
            reply = noise if garbage.get("only") else noise + reply
        split = self._take("split_chunks")
        if split is None:
            link.send(reply)
            return
        max_chunk = max(1, int(split.get("max_chunk", 64)))
        max_delay = float(split.get("max_delay", 0.02))
        offset = 0
        while offset < len(reply):
            size = self._rng.randint(1, max_chunk)
            link.send(reply[offset:offset + size])
            offset += size
            time.sleep(self._rng.uniform(0, max_delay))

    def _noise(self, count: int) -> bytes:
        """Random bytes that never form a preamble (no 0xAA)."""
        return bytes(self._rng.choice(range(0x00, 0xAA)) for _ in range(count))

    # -- baud rate on the pty ----------------------------------------------------------
    def _set_pty_speed(self) -> None:
        """Give a fresh pty the simulator's speed, so only a driver's change shows."""
        path = self.pty_link.pty_path
        speed = getattr(termios, f"B{self.baudrate}", None)
        if path is None or speed is None:
            return
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        try:
            attrs = termios.tcgetattr(fd)
            attrs[4] = attrs[5] = speed
            termios.tcsetattr(fd, termios.TCSANOW, attrs)
        finally:
            os.close(fd)

    def _wrong_baud(self, link: SerialLink) -> bool:
        if link is not self.pty_link:
            return False
        configured = link.pty_baudrate()
        return configured is not None and configured != self.baudrate
