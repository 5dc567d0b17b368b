"""The terminal's logs: structured records to the journal, scrubbed of personal data.

:func:`setup_logging` sends every record to journald when the process runs under systemd
(``JOURNAL_STREAM`` or ``INVOCATION_ID`` set) through cysystemd's ``JournaldLogHandler``,
which keeps the record's fields (``LOGGER``, ``CODE_FILE``, ``CODE_LINE``, ``PRIORITY``,
``TERMINAL_ID``) searchable with ``journalctl -u ebantong-kiosk -o json``; otherwise to
stderr. journald rotates and caps the logs (deploy/journald/ebantong.conf). Every record
passes :class:`ScrubFilter` first, so even a message that carries an ID number, a mobile
number or a session token by mistake reaches the disk masked; :func:`personal_data_in` is
the same scan for tests (logs, state files, reports).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping

from common.privacy import mask_id_number

#: 18-digit resident ID numbers (region, birth date, sequence, check character)
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])"
                       r"(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
#: mainland mobile numbers
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
#: platform session tokens and bearer-like secrets in key=value or JSON form
TOKEN = re.compile(r"(?i)((?:session_token|identity_token|token|secret|x-ebt-session)"
                   r"[\"']?\s*[:=]\s*[\"']?)([A-Za-z0-9._~+/-]{8,})")
PATTERNS = {"id_number": ID_NUMBER, "phone": PHONE, "token": TOKEN}


def scrub(text: str) -> str:
    """``text`` with ID numbers, mobile numbers and tokens masked."""
    text = ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = PHONE.sub(lambda m: m.group(0)[:3] + "****" + m.group(0)[-4:], text)
    return TOKEN.sub(lambda m: m.group(1) + "***", text)


def personal_data_in(text: str, known: tuple[str, ...] = ()) -> list[str]:
    """What looks personal in ``text``: pattern names, and any of ``known`` (names, numbers
    a test used) that appears verbatim."""
    found = [name for name, pattern in PATTERNS.items() if pattern.search(text)]
    return found + [f"known:{k}" for k in known if k and k in text]


class ScrubFilter(logging.Filter):
    """Masks personal data in a record's message (and drops the arguments it came from)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string still gets logged, scrubbed
            message = str(record.msg)
        cleaned = scrub(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info:   # the journal handler formats exc_info itself: hand it text
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


def under_systemd(env: Mapping[str, str] | None = None) -> bool:
    """True when stdout/stderr go to the journal (a systemd service)."""
    env = os.environ if env is None else env
    return bool(env.get("JOURNAL_STREAM") or env.get("INVOCATION_ID"))


def setup_logging(level: int = logging.INFO, *, terminal_id: str = "",
                  journal: bool | None = None) -> logging.Handler:
    """Configure the root logger once for the process; return the handler."""
    root = logging.getLogger()
    handler: logging.Handler
    if journal if journal is not None else under_systemd():
        from cysystemd.journal import JournaldLogHandler

        handler = JournaldLogHandler(identifier="ebantong")
    else:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(ScrubFilter())
    if terminal_id:
        handler.addFilter(_TerminalId(terminal_id))
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


class _TerminalId(logging.Filter):
    def __init__(self, terminal_id: str) -> None:
        super().__init__()
        self.terminal_id = terminal_id

    def filter(self, record: logging.LogRecord) -> bool:
        record.terminal_id = self.terminal_id
        return True
