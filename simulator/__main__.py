"""Run a simulator standalone: ``python -m simulator <kind> [options]``.

Each kind has its module ``simulator.cli_<kind>`` with ``register(parser)`` that sets a
``handler``; the handler runs until interrupted and returns an exit code.
"""

from __future__ import annotations

import sys

from common.cli import run_plugin_cli

CLI_MODULES = {
    "idcard": "simulator.cli_idcard",
    "scanner": "simulator.cli_scanner",
    "camera": "simulator.cli_camera",
    "printer": "simulator.cli_printer",
    "platform": "simulator.cli_platform",
    "fleet": "simulator.cli_fleet",
    "all": "simulator.cli_all",
    "control": "simulator.cli_control",
}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sub-command and return its exit code."""
    return run_plugin_cli("python -m simulator", __doc__, CLI_MODULES, argv)


if __name__ == "__main__":
    sys.exit(main())
