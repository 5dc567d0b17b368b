"""Terminal secrets at rest: AES-256-GCM with a key that is *not* in the database.

The store keeps each terminal's HMAC secret only as ``enc1:<key id>:<base64url(nonce ‖
ciphertext ‖ tag)>``, bound to its row by the associated data (``terminal:<id>``), so a copy
of the database (a backup, a replica, a read-only SQL bug) yields no usable secret and a
ciphertext moved to another terminal's row does not decrypt. docs/security.md argues this
choice against per-terminal Ed25519 keys.

Where the key comes from (first that is set):

1. ``FleetConfig.key_file`` / ``python -m fleet --key-file PATH``
2. ``$FLEET_SECRET_KEY`` (64 hex characters, e.g. from a secrets manager)
3. ``$FLEET_KEY_FILE``
4. ``$CREDENTIALS_DIRECTORY/fleet.key`` (systemd ``LoadCredential=fleet.key:…``)
5. the development default: ``fleet.key`` beside the SQLite file (``var/fleet/fleet.key``
   for other databases), created 0600 on first use.

A key file holds one key per line (64 hex characters); the first encrypts, all decrypt, so
a key is rotated by putting a new first line and running ``python -m fleet secrets reseal``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import threading
import weakref
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, select, update

from fleet.storage_perms import create_private, tighten

PREFIX = "enc1"
KEY_ENV = "FLEET_SECRET_KEY"
KEY_FILE_ENV = "FLEET_KEY_FILE"
KEY_NAME = "fleet.key"
HEX64 = re.compile(r"[0-9a-f]{64}")


class SecretKeyError(ValueError):
    """No usable key, or a sealed value that does not open with the keys at hand."""


def key_id(key: bytes) -> str:
    """A short public identifier of a key (names the key in sealed values)."""
    return hashlib.sha256(b"fleet-secretbox-key-id\0" + key).hexdigest()[:8]


class SecretBox:
    """Seals and opens short secrets; ``keys[0]`` seals, every key opens."""

    def __init__(self, keys: list[bytes], source: str = "") -> None:
        if not keys or any(len(k) != 32 for k in keys):
            raise SecretKeyError("a fleet key is 32 bytes (64 hex characters)")
        self._keys = {key_id(k): AESGCM(k) for k in keys}
        self.current = key_id(keys[0])
        self.source = source

    def seal(self, plaintext: str, context: str) -> str:
        """The sealed form of ``plaintext``, bound to ``context``.

        A 64-hex-digit secret (what enrolment makes) is sealed as its 32 bytes, so the
        result (99 characters) fits the store's ``terminals.secret`` column.
        """
        if HEX64.fullmatch(plaintext):
            data = b"\x01" + bytes.fromhex(plaintext)
        else:
            data = b"\x00" + plaintext.encode()
        nonce = secrets.token_bytes(12)
        ct = self._keys[self.current].encrypt(nonce, data, context.encode())
        blob = base64.urlsafe_b64encode(nonce + ct).decode().rstrip("=")
        return f"{PREFIX}:{self.current}:{blob}"

    def open(self, sealed: str, context: str) -> str:
        """The plaintext of a value made by :meth:`seal` with the same ``context``."""
        try:
            prefix, kid, blob = sealed.split(":", 2)
            raw = base64.urlsafe_b64decode(blob.encode() + b"=" * (-len(blob) % 4))
        except ValueError as exc:
            raise SecretKeyError("not a sealed value") from exc
        if prefix != PREFIX or kid not in self._keys or len(raw) < 12 + 16:
            raise SecretKeyError(f"sealed with an unknown key ({kid})")
        try:
            data = self._keys[kid].decrypt(raw[:12], raw[12:], context.encode())
        except InvalidTag as exc:
            raise SecretKeyError("sealed value does not open (wrong key or row)") from exc
        return data[1:].hex() if data[:1] == b"\x01" else data[1:].decode()

    def needs_reseal(self, sealed: str) -> bool:
        """True for values in clear or sealed with an older key."""
        return not sealed.startswith(f"{PREFIX}:{self.current}:")


def is_sealed(value: str) -> bool:
    """True for a value produced by :meth:`SecretBox.seal`."""
    return value.startswith(PREFIX + ":")


def _parse_keys(text: str, source: str) -> list[bytes]:
    keys = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            keys.append(bytes.fromhex(line))
        except ValueError as exc:
            raise SecretKeyError(f"{source}: a key line must be 64 hex characters") from exc
    if not keys:
        raise SecretKeyError(f"{source}: no key")
    return keys


def default_key_path(db_url: str | None) -> Path:
    """The development default: beside the SQLite file, else ``var/fleet/fleet.key``."""
    if db_url and db_url.startswith("sqlite") and "///" in db_url:
        db = db_url.split("///", 1)[1].split("?", 1)[0]
        if db and db != ":memory:":
            return Path(db).with_name(KEY_NAME)
    return Path("var/fleet") / KEY_NAME


def load_box(key_file: str | Path | None = None, db_url: str | None = None,
             create: bool = True) -> SecretBox:
    """The box for the first configured key source (see module docstring)."""
    if key_file:
        path = Path(key_file)
    elif os.environ.get(KEY_ENV):
        return SecretBox(_parse_keys(os.environ[KEY_ENV], f"${KEY_ENV}"), f"${KEY_ENV}")
    elif os.environ.get(KEY_FILE_ENV):
        path = Path(os.environ[KEY_FILE_ENV])
    elif os.environ.get("CREDENTIALS_DIRECTORY") and (
            Path(os.environ["CREDENTIALS_DIRECTORY"]) / KEY_NAME).exists():
        path = Path(os.environ["CREDENTIALS_DIRECTORY"]) / KEY_NAME
    else:
        path = default_key_path(db_url)
    if not path.exists():
        if not create:
            raise SecretKeyError(f"no fleet key at {path}")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        create_private(path)
        with open(path, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
    else:
        tighten(path)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretKeyError(f"cannot read the fleet key {path}: {exc}") from exc
    return SecretBox(_parse_keys(text, str(path)), str(path))


_boxes: weakref.WeakKeyDictionary[Engine, SecretBox] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def bind(engine: Engine, box: SecretBox) -> None:
    """Use ``box`` for every secret read or written through ``engine``."""
    with _lock:
        _boxes[engine] = box


def for_engine(engine: Engine) -> SecretBox:
    """The box bound to ``engine``, else the default key source for its URL."""
    with _lock:
        box = _boxes.get(engine)
        if box is None:
            box = _boxes[engine] = load_box(
                db_url=engine.url.render_as_string(hide_password=True))
        return box


def terminal_context(terminal_id: str) -> str:
    """Associated data of a terminal's sealed secret."""
    return f"terminal:{terminal_id}"


def reseal_terminal_secrets(engine: Engine, box: SecretBox | None = None) -> int:
    """Seal secrets still in clear (stores from before issue 17) or under an older key."""
    from fleet.db import terminals

    box = box or for_engine(engine)
    done = 0
    with engine.begin() as conn:
        rows = conn.execute(select(terminals.c.id, terminals.c.secret)).all()
        for tid, value in rows:
            if not value or not box.needs_reseal(value):
                continue
            plain = box.open(value, terminal_context(tid)) if is_sealed(value) else value
            conn.execute(update(terminals).where(terminals.c.id == tid)
                         .values(secret=box.seal(plain, terminal_context(tid))))
            done += 1
    return done
