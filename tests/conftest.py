"""Shared pytest options: point contract tests at real hardware instead of simulators.

``--idcard-url``, ``--scanner-url`` and ``--printer-url`` run the contract suites against a
device at that URL; without them the suites start the simulator themselves.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("devices", "run contract tests against real devices")
    group.addoption("--idcard-url", default=None, help="ID-card reader URL (default: simulator)")
    group.addoption("--scanner-url", default=None, help="QR scanner URL (default: simulator)")
    group.addoption("--printer-url", default=None, help="receipt printer URL (default: simulator)")
    group.addoption("--device-baud", type=int, default=115200, help="baud rate for serial devices")
