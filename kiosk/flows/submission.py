"""What an application journey needs around its submission: the item's form from the
platform (JSON Schema, materials, commitment), the commitment acceptance that goes with the
submission, and the platform's refusal in words the citizen can act on."""

from __future__ import annotations

import logging
from typing import Any

from kiosk.flows.form_schema import FormSpec
from kiosk.platform import errors as perr
from kiosk.platform.service_client import ServiceClient

log = logging.getLogger(__name__)
REFUSED = "申请未被受理，请按提示补正后重新提交："


def load_form(ports: Any, item: Any) -> FormSpec | None:
    """The item's form from the platform (None when it cannot be had now: the form then asks
    for the contact phone only, and the platform judges the submission when it arrives)."""
    try:
        return FormSpec.from_document(ServiceClient(ports.platform).form_document(item.code))
    except perr.PlatformError as exc:
        log.info("application form not loaded (%s)", type(exc).__name__)
        return None


def commitment_of(spec: FormSpec | None, accepted: bool) -> dict[str, Any] | None:
    """The commitment acceptance sent with the submission (None: not accepted or unknown)."""
    if spec is None or not accepted or not spec.commitment_version:
        return None
    return spec.commitment_acceptance()


def refusal_text(outbox: Any, key: str) -> str | None:
    """The platform's reasons when it refused the entry ``key`` (None: not refused)."""
    refusal = outbox.refusal(key) if hasattr(outbox, "refusal") else None
    return None if refusal is None else REFUSED + refusal.message
