"""Receipt printer simulator: ESC/POS over TCP 9100 and a pty, rendered to PNG + transcript.

:class:`~simulator.printer.server.PrinterSimulator` is the programmatic API (used by tests,
the demo and ``python -m simulator printer``).
"""

from simulator.printer.server import PrinterSimulator

__all__ = ["PrinterSimulator"]
