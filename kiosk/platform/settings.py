"""The ``[platform]`` configuration section and the objects built from it.

Keys: ``url``, ``terminal_id``, ``secret``, ``connect_timeout_s``, ``read_timeout_s``,
``retries``, ``cache_db``, ``outbox_db``, ``refused_expire_days`` (how long an entry the
platform refused stays in the outbox for an operator before its contents are wiped) and
``deadline_s`` (the most one platform call may take, retries included).
Defaults are the demo terminal (KM-DEMO-0001 / demo-secret) against a local simulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.config_schema import spec
from kiosk.platform.client import PlatformClient

DEFAULT_URL = "http://127.0.0.1:8700"


@dataclass(frozen=True)
class PlatformSettings:
    """Validated ``[platform]`` settings."""

    url: str = spec(DEFAULT_URL, pattern=(r"https?://\S+", "an http:// or https:// address"))
    terminal_id: str = "KM-DEMO-0001"
    secret: str = "demo-secret"
    connect_timeout_s: float = spec(3.05, range=(0.1, 60))
    read_timeout_s: float = spec(10.0, range=(0.1, 300))
    retries: int = spec(2, range=(0, 10))
    cache_db: str = "var/platform/catalog.sqlite3"
    outbox_db: str = "var/platform/outbox.sqlite3"
    refused_expire_days: float = spec(30.0, range=(1, 3650))
    deadline_s: float = spec(15.0, range=(1, 600))

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
        for key in ("connect_timeout_s", "read_timeout_s", "refused_expire_days",
                    "deadline_s"):
            if key in values:
                values[key] = float(values[key])
        if "retries" in values:
            values["retries"] = int(values["retries"])
        return cls(**values)

    def client(self, url: str | None = None) -> PlatformClient:
        """A client for these settings (``url`` overrides the configured one)."""
        return PlatformClient(url or self.url, self.terminal_id, self.secret,
                              timeout=(self.connect_timeout_s, self.read_timeout_s),
                              retries=self.retries, deadline_s=self.deadline_s)
