"""Screenshots from terminals: only in answer to a command, size-capped, pruned on arrival.

A terminal may upload a screenshot only while a ``screenshot`` command of its own is
outstanding (handed out, no result yet, not expired) — one upload per such command.
Anything else is refused (403), so a terminal (or a stolen terminal secret) cannot fill the
store with unsolicited images. Uploads are PNG only and at most ``MAX_PNG`` bytes (the body
limit stops larger ones while they stream in); each terminal keeps its ``KEEP_LAST``
newest screenshots, older ones are deleted with every new one. Screenshots are served to
operators with ``nosniff`` and a ``default-src 'none'`` policy (fleet/headers.py).
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, func, select

from fleet.commands import EXPIRE_AFTER_S
from fleet.db import commands, screenshots

MAX_PNG = 5 * 1024 * 1024
KEEP_LAST = 3
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class ScreenshotRefused(Exception):
    """An upload that is not accepted; ``status`` is the HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def store(engine: Engine, terminal_id: str, png: bytes, now: float | None = None) -> int:
    """Store an answered screenshot and prune; return its id (ScreenshotRefused if not)."""
    if len(png) > MAX_PNG:
        raise ScreenshotRefused(413, f"screenshot larger than {MAX_PNG} bytes")
    if not png.startswith(PNG_MAGIC):
        raise ScreenshotRefused(400, "body must be a PNG image")
    now = time.time() if now is None else now
    with engine.begin() as conn:
        asked = conn.execute(
            select(commands.c.sent_at).where(
                commands.c.terminal_id == terminal_id, commands.c.kind == "screenshot",
                commands.c.status == "sent", commands.c.sent_at >= now - EXPIRE_AFTER_S)
            .order_by(commands.c.sent_at)).scalars().all()
        if not asked:
            raise ScreenshotRefused(403, "no screenshot was asked of this terminal")
        given = conn.execute(
            select(func.count()).select_from(screenshots).where(
                screenshots.c.terminal_id == terminal_id, screenshots.c.ts >= asked[0])).scalar()
        if int(given or 0) >= len(asked):
            raise ScreenshotRefused(403, "the screenshot asked for was already uploaded")
        result = conn.execute(screenshots.insert().values(
            terminal_id=terminal_id, ts=now, png=png))
        key = result.inserted_primary_key
        assert key is not None
        keep = select(screenshots.c.id).where(screenshots.c.terminal_id == terminal_id) \
            .order_by(screenshots.c.id.desc()).limit(KEEP_LAST).scalar_subquery()
        conn.execute(screenshots.delete().where(screenshots.c.terminal_id == terminal_id,
                                                screenshots.c.id.not_in(keep)))
        return int(key[0])
