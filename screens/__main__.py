"""The terminal's UI command line: ``python -m screens run|demo|audit …``.

``run`` is the terminal on its configured devices, ``demo`` the terminal against every
simulator (scripted under Xvfb, or driven by a person), ``audit`` the accessibility audit
of every screen. They live here, above the core, because they start the Kivy UI; the core's
own commands (catalog, outbox, agent, receipts) are ``python -m kiosk …``.
"""

from __future__ import annotations

import sys

from common.cli import run_plugin_cli

CLI_MODULES = {
    "run": "screens.cli_run",
    "demo": "screens.cli_demo",
    "audit": "screens.cli_audit",
    "out-of-service": "screens.out_of_service",
}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sub-command and return its exit code."""
    return run_plugin_cli("python -m screens", __doc__, CLI_MODULES, argv)


if __name__ == "__main__":
    sys.exit(main())
