"""What a journey has produced so far, as one typed record (never a free-form dict).

:class:`JourneyResult` is filled by :class:`~kiosk.flows.journey.Journey` as the steps run:
the query answer, the certificate, the case an application created, the progress looked
up, and the bookkeeping of the visit (the application's idempotency key, whether the
printer failed, the evaluation's outbox key). Screens read it; only the journey writes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.platform.models import ApplicationReceipt, Certificate, Progress, QueryResult


@dataclass
class JourneyResult:
    """The typed results of one journey (all empty at the start)."""

    query: QueryResult | None = None
    certificate: Certificate | None = None
    progress: Progress | None = None
    case: ApplicationReceipt | None = None
    commitment_accepted: bool = False
    idempotency_key: str | None = None
    submitted: bool = False
    print_failed: bool = False
    evaluation_key: str | None = None

    @property
    def case_no(self) -> str | None:
        """The case this journey is about: the one it created or the one looked up."""
        if self.case is not None:
            return self.case.case_no
        if self.progress is not None:
            return self.progress.case_no
        return None

    @property
    def progress_qr(self) -> str:
        """The QR on the acceptance receipt (empty when there is none)."""
        return self.case.progress_qr if self.case is not None else ""

    def is_empty(self) -> bool:
        """Nothing produced yet."""
        return (self.query, self.certificate, self.progress, self.case) == (None,) * 4
