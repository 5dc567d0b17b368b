"""Build the telemetry agent from the terminal's ``[fleet]`` configuration section.

    [fleet]
    server = "https://fleet.example.gov.cn"      # no server → no agent (returns None)
    credentials = "var/fleet-agent/credentials.json"  # written by `python -m kiosk agent enrol`
    buffer = "var/fleet-agent/buffer.db"
    interval = 30

The composition root calls :func:`agent_from_config` with its snapshot callable and command
handlers, then ``agent.start()``; see docs/fleet.md for the wiring.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.agent.agent import Handler, TelemetryAgent
from kiosk.agent.client import Credentials, FleetClient

DEFAULT_CREDENTIALS = "var/fleet-agent/credentials.json"
DEFAULT_BUFFER = "var/fleet-agent/buffer.db"


def agent_from_config(
    fleet: Mapping[str, Any],
    snapshot: Callable[[], dict[str, Any]],
    handlers: Mapping[str, Handler],
    app_version: str = "",
) -> TelemetryAgent | None:
    """The agent for ``fleet`` settings, or None when no server is configured.

    Raises ValueError when a server is configured but the terminal is not enrolled yet.
    """
    server = str(fleet.get("server") or "")
    if not server:
        return None
    credentials = Credentials.load(str(fleet.get("credentials") or DEFAULT_CREDENTIALS))
    interval = float(fleet.get("interval", 30.0))
    if interval <= 0:
        raise ValueError("[fleet] interval must be positive")
    return TelemetryAgent(FleetClient(server, credentials), snapshot, handlers,
                          str(fleet.get("buffer") or DEFAULT_BUFFER), interval=interval,
                          app_version=app_version)
