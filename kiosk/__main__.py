"""The terminal's command line: ``python -m kiosk <command> …``.

Commands live in ``kiosk.cli_<name>`` modules with ``register(parser)`` that sets a
``handler`` (e.g. ``catalog``, ``demo``, ``run``, ``audit``).
"""

from __future__ import annotations

import sys

from common.cli import run_plugin_cli

CLI_MODULES = {
    "run": "kiosk.cli_run",
    "demo": "kiosk.cli_demo",
    "catalog": "kiosk.cli_catalog",
    "outbox": "kiosk.cli_outbox",
    "audit": "kiosk.cli_audit",
    "agent": "kiosk.cli_agent",
    "receipts": "kiosk.cli_receipts",
}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sub-command and return its exit code."""
    return run_plugin_cli("python -m kiosk", __doc__, CLI_MODULES, argv)


if __name__ == "__main__":
    sys.exit(main())
