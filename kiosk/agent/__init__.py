"""The terminal's telemetry agent: heartbeats to the fleet server, remote commands, buffering.

It knows nothing about Kivy or drivers: the composition root hands it a snapshot callable
and command handlers (see docs/fleet.md). Runs on its own thread; never blocks the UI.
"""

from kiosk.agent.agent import TelemetryAgent
from kiosk.agent.buffer import DurableBuffer
from kiosk.agent.client import Credentials, FleetClient, FleetRejected, FleetUnavailable

__all__ = [
    "Credentials",
    "DurableBuffer",
    "FleetClient",
    "FleetRejected",
    "FleetUnavailable",
    "TelemetryAgent",
]
