"""Where a certificate goes: A4 through CUPS ``lp`` when a queue is configured, otherwise
a receipt slip carrying the certificate's verification QR code.

:class:`CertificateOutput` is built by the composition root from ``[certificate]
lp_queue``. The PDF is written to a private temporary file only for ``lp`` and removed
straight after; nothing personal is logged.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drivers.base import CommandResult, Completion
from drivers.printer.document import Document
from kiosk.receipts.templates import BRAND, BRAND_EN

log = logging.getLogger(__name__)


def certificate_slip(cert: Any, item_name: str, terminal_id: str, now: datetime) -> Document:
    """The slip printed instead of A4: title, verification code and the verification QR."""
    doc = Document("certificate_slip")
    doc.text(BRAND, align="center", bold=True).text(BRAND_EN, align="center").feed(1)
    doc.text("证明验证凭条", align="center", bold=True, size=2)
    doc.text("Certificate verification slip", align="center").rule("=")
    doc.kv("事项", item_name, en="Item")
    doc.kv("证明", cert.title, en="Certificate")
    doc.kv("验证码", cert.verification_code, bold_value=True, en="Verification code")
    doc.kv("出具时间", cert.issued_at, en="Issued")
    doc.kv("打印终端", terminal_id, en="Terminal")
    doc.rule("-")
    doc.qr(cert.qr_payload, caption=("扫码查看并验证证明原件", "Scan to view and verify"))
    doc.text("本终端未连接A4打印机，请扫码下载电子证明。")
    doc.text("No A4 printer here: scan to download the certificate.")
    return doc.feed(2).cut()


@dataclass
class CertificateOutput:
    """Prints a certificate on A4 via ``lp -d <queue>`` or as a slip on the receipt printer."""

    lp_queue: str = ""
    lp_command: str = "lp"

    @property
    def a4(self) -> bool:
        """True when an A4 queue is configured."""
        return bool(self.lp_queue)

    def print_a4(self, pdf: bytes, timeout: float = 60) -> CommandResult[None]:
        """Send the PDF to the CUPS queue; a failure is a result, never an exception."""
        fd, path = tempfile.mkstemp(suffix=".pdf")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pdf)
            done = subprocess.run([self.lp_command, "-d", self.lp_queue, path],
                                  capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.error("A4 printing failed: %s", type(exc).__name__)
            return CommandResult.failure(Completion.DEVICE_NOT_READY, "A4 printer unavailable")
        finally:
            if os.path.exists(path):
                os.unlink(path)
        if done.returncode != 0:
            log.error("lp exited with %d", done.returncode)
            return CommandResult.failure(Completion.HARDWARE_ERROR, "A4 printer refused the job")
        return CommandResult.success()
