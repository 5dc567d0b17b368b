"""Accessibility audit core (pure Python): element records in, violations out.

``screens.audit_probe`` walks the live Kivy widget tree into :class:`Element` records;
:func:`check_view` applies the mode's size rules and the scheme's contrast rule;
``python -m screens audit --json`` (kiosk/cli_audit.py) runs it over every screen, mode,
scheme and language.
"""

from kiosk.audit.checks import (
    check_controls,
    check_elderly_scale,
    check_tokens,
    check_view,
)
from kiosk.audit.model import AuditReport, Element, View, Violation

__all__ = [
    "AuditReport",
    "Element",
    "View",
    "Violation",
    "check_controls",
    "check_elderly_scale",
    "check_tokens",
    "check_view",
]
