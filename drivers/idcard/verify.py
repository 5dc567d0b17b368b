"""Reading a card until two reads agree — the guarantee the XOR checksum cannot give.

A reply's one-byte XOR checksum lets two flipped bits in the same bit position pass, and a
flip that turns one ideograph into another passes every semantic check too. Two reads that
agree byte for byte are the only defence: :func:`read_agreeing` repeats a read until two
agree, when the read is in doubt (the frame needed resynchronisation, or an earlier attempt
failed) or always (``double_read = "always"``). A read that fails its checks (checksum,
length, semantics) counts as a failed attempt and puts the rest in doubt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from drivers.errors import ProtocolError

T = TypeVar("T")

#: values of the ``double_read`` config key
DOUBLE_READ_MODES = ("always", "on_doubt")
#: reads of one item before giving up (one damaged read plus two agreeing ones fit twice)
MAX_READS = 4


@dataclass(frozen=True)
class RawRead:
    """One reply's data, and whether it arrived without resynchronisation."""

    data: bytes
    clean: bool


def read_agreeing(read_once: Callable[[], RawRead], parse: Callable[[bytes], T], *,
                  always: bool, doubt: bool, max_reads: int = MAX_READS) -> tuple[T, int]:
    """Read and parse until the result can be trusted; return it and the reads it took.

    Trusted: a clean first read when neither ``always`` nor ``doubt``; otherwise a read
    whose data equals an earlier successful read's. Only :class:`ProtocolError` (a damaged
    reply) is retried; anything else (no card, a dead line) is raised at once.
    """
    seen: list[bytes] = []
    error: ProtocolError | None = None
    for attempt in range(1, max_reads + 1):
        try:
            raw = read_once()
            value = parse(raw.data)
        except ProtocolError as exc:
            doubt, error = True, exc
            continue
        doubt = doubt or not raw.clean
        if (not always and not doubt) or raw.data in seen:
            return value, attempt
        seen.append(raw.data)
    if error is not None and len(seen) < 2:
        raise ProtocolError(f"{error} (and no two of {max_reads} reads agreed)") from error
    raise ProtocolError(f"no two of {max_reads} reads of the card agreed (line noise?)")
