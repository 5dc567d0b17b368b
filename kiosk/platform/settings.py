"""The ``[platform]`` configuration section and the objects built from it.

Keys: ``url``, ``terminal_id``, ``secret``, ``connect_timeout_s``, ``read_timeout_s``,
``retries``, ``cache_db``, ``outbox_db``, ``refused_expire_days`` (how long an entry the
platform refused stays in the outbox for an operator before its contents are wiped).
Defaults are the demo terminal (KM-DEMO-0001 / demo-secret) against a local simulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.platform.client import PlatformClient

DEFAULT_URL = "http://127.0.0.1:8700"


@dataclass(frozen=True)
class PlatformSettings:
    """Validated ``[platform]`` settings."""

    url: str = DEFAULT_URL
    terminal_id: str = "KM-DEMO-0001"
    secret: str = "demo-secret"
    connect_timeout_s: float = 3.05
    read_timeout_s: float = 10.0
    retries: int = 2
    cache_db: str = "var/platform/catalog.sqlite3"
    outbox_db: str = "var/platform/outbox.sqlite3"
    refused_expire_days: float = 30.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PlatformSettings:
        """Read the ``[platform]`` table of a loaded configuration (missing keys: defaults)."""
        section = config.get("platform", {}) or {}
        if not isinstance(section, Mapping):
            raise ValueError("[platform] must be a table")
        known = set(cls.__dataclass_fields__)
        unknown = set(section) - known
        if unknown:
            raise ValueError(f"[platform] has unknown key(s): {', '.join(sorted(unknown))}")
        values = dict(section)
        for key in ("connect_timeout_s", "read_timeout_s", "refused_expire_days"):
            if key in values:
                values[key] = float(values[key])
        if "retries" in values:
            values["retries"] = int(values["retries"])
        return cls(**values)

    def client(self, url: str | None = None) -> PlatformClient:
        """A client for these settings (``url`` overrides the configured one)."""
        return PlatformClient(url or self.url, self.terminal_id, self.secret,
                              timeout=(self.connect_timeout_s, self.read_timeout_s),
                              retries=self.retries)
