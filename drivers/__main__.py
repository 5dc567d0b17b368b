"""Technicians' diagnostic CLI: ``python -m drivers <device> <command> --url URL [--json]``.

Each device kind has its own module ``drivers.cli_<kind>`` with ``register(parser)``;
commands return an exit code and print a one-line message (never a traceback) on failure.
"""

from __future__ import annotations

import sys

from common.cli import run_plugin_cli

CLI_MODULES = {
    "idcard": "drivers.cli_idcard",
    "scanner": "drivers.cli_scanner",
    "camera": "drivers.cli_camera",
    "printer": "drivers.cli_printer",
}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sub-command and return its exit code."""
    return run_plugin_cli("python -m drivers", __doc__, CLI_MODULES, argv)


if __name__ == "__main__":
    sys.exit(main())
