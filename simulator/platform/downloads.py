"""Short-lived signed download links for issued certificates.

A link is ``<public_url>/d/<token>`` with ``token = base64url(code:expiry) "." sig`` where
``sig`` is 32 hex chars of HMAC-SHA256 under the platform key. The signed PDF is kept in
the store. ``resolve`` answers why a token is refused: ``link_invalid`` (altered or not
ours, 403), ``link_expired`` (410) or ``not_found`` (404).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from simulator.platform.cases import CaseError
from simulator.platform.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS certificate_files (
    code TEXT PRIMARY KEY, title TEXT NOT NULL, pdf BLOB NOT NULL, issued_at REAL NOT NULL);
"""
DEFAULT_TTL_S = 24 * 3600


class Downloads:
    """Keeps signed certificate PDFs and makes and checks their download tokens."""

    def __init__(self, store: Store, key: bytes, ttl_s: float = DEFAULT_TTL_S) -> None:
        self.store = store
        self.key = key
        self.ttl_s = ttl_s
        store.ensure(SCHEMA)

    def keep(self, code: str, title: str, pdf: bytes, now: float) -> None:
        """Store an issued certificate's signed PDF."""
        with self.store.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO certificate_files VALUES (?,?,?,?)",
                         (code, title, pdf, now))

    def _sig(self, text: str) -> str:
        return hmac.new(self.key, f"DL:{text}".encode(), hashlib.sha256).hexdigest()[:32]

    def token(self, code: str, now: float) -> tuple[str, int]:
        """A token for ``code`` and its expiry (unix s)."""
        expiry = int(now + self.ttl_s)
        text = base64.urlsafe_b64encode(f"{code}:{expiry}".encode()).decode().rstrip("=")
        return f"{text}.{self._sig(text)}", expiry

    def resolve(self, token: str, now: float) -> tuple[str, bytes]:
        """(title, PDF) for a valid token; CaseError with a 4xx otherwise."""
        text, _, sig = token.partition(".")
        if not hmac.compare_digest(self._sig(text), sig):
            raise CaseError("link_invalid", 403, "this download link is not valid")
        try:
            code, _, expiry = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)
                                                       ).decode().rpartition(":")
            expires = int(expiry)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise CaseError("link_invalid", 403, "this download link is not valid") from None
        if now >= expires:
            raise CaseError("link_expired", 410, "this download link has expired; "
                            "print or download the certificate again at a terminal")
        rows = self.store.query("SELECT title, pdf FROM certificate_files WHERE code=?",
                                (code,))
        if not rows:
            raise CaseError("not_found", 404, "no such certificate")
        return str(rows[0]["title"]), bytes(rows[0]["pdf"])
