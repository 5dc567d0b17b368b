"""File modes of what the fleet server keeps on disk: owner-only (0600) files.

The SQLite store (and its ``-wal``/``-shm`` companions, which SQLite creates with the mode
of the database file) and the secret key file are created ``0600``; existing ones are
tightened on start. Nothing here widens a mode.
"""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY = 0o600


def create_private(path: str | Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists; then make sure it is 0600."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except FileExistsError:
        pass
    else:
        os.close(fd)
    tighten(path)


def tighten(path: str | Path) -> None:
    """Drop group and other permissions of an existing file."""
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, mode & 0o700)


def restrict_sqlite_files(path: str | Path) -> None:
    """The database file and its companions, owner-only."""
    create_private(path)
    for suffix in ("-wal", "-shm", "-journal"):
        tighten(f"{path}{suffix}")
