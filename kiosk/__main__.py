"""The terminal's command line: ``python -m kiosk <command> …``.

Commands live in ``kiosk.cli_<name>`` modules with ``register(parser)`` that sets a
``handler`` (``catalog``, ``outbox``, ``agent``, ``receipts``). The commands that start the
Kivy UI (``run``, ``demo``, ``audit``) are ``python -m screens …``: the core never starts
the layer above it.
"""

from __future__ import annotations

import sys

from common.cli import run_plugin_cli

CLI_MODULES = {
    "catalog": "kiosk.cli_catalog",
    "outbox": "kiosk.cli_outbox",
    "agent": "kiosk.cli_agent",
    "receipts": "kiosk.cli_receipts",
    "update": "kiosk.cli_update",
    "pin": "kiosk.cli_pin",
}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sub-command and return its exit code."""
    return run_plugin_cli("python -m kiosk", __doc__, CLI_MODULES, argv)


if __name__ == "__main__":
    sys.exit(main())
