"""The private CUPS server of the A4 tests (see simulator/cups.py)."""

from __future__ import annotations

from simulator.cups import PrivateCups, available

Cups = PrivateCups

__all__ = ["Cups", "available"]
