"""好差评: five-level evaluations, one per case, bad ones with a reason, signed QR to rate later.

Levels: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意; levels 1 and 2 are bad reviews
and need a reason (they are followed up). One evaluation per case ("一次一评"): the same
idempotency key again returns the stored one; another key is a conflict. What is rated is
a case or a registered service record (:mod:`simulator.platform.services`): queries,
certificates, guides, payments and appointments are rated too. A visit rates once: the
terminal sends its visit id and a second rating of the same visit is refused. Who may rate
is decided before this module is called (:mod:`simulator.platform.ownership`).
"""

from __future__ import annotations

from typing import Any

from simulator.platform import payloads
from simulator.platform.cases import CaseError, Cases
from simulator.platform.services import ServiceRecords

LEVELS = {5: ("非常满意", "Very satisfied"), 4: ("满意", "Satisfied"),
          3: ("基本满意", "Basically satisfied"), 2: ("不满意", "Dissatisfied"),
          1: ("非常不满意", "Very dissatisfied")}
QR_VALID_S = 7 * 86400


class Evaluations:
    """Records evaluations in the store next to the cases."""

    def __init__(self, cases: Cases, key: bytes, services: ServiceRecords | None = None
                 ) -> None:
        self.cases = cases
        self.key = key
        self.services = services or ServiceRecords(cases.store)

    def exists(self, number: str) -> bool:
        """A case or a service record has this number."""
        return self.cases.get(number) is not None or self.services.get(number) is not None

    def evaluate(self, case_no: str, level: int, reason: str, idem_key: str, channel: str,
                 now: float, terminal_id: str = "",
                 visit_id: str = "") -> tuple[dict[str, Any], bool]:
        """Record the evaluation; return (evaluation, duplicate)."""
        if level not in LEVELS:
            raise CaseError("bad_level", 422, "level must be 1..5")
        reason = reason.strip()
        if level <= 2 and not reason:
            raise CaseError("reason_required", 422, "a bad review needs a reason")
        if not self.exists(case_no):
            raise CaseError("case_not_found", 404, "no case with this number")
        with self.cases.store.transaction() as conn:
            row = conn.execute("SELECT * FROM evaluations WHERE case_no=?",
                               (case_no,)).fetchone()
            if row is not None:
                if row["idempotency_key"] != idem_key:
                    raise CaseError("already_evaluated", 409, "this case was already rated")
                return _shape(dict(row)), True
            ServiceRecords.claim_visit(conn, terminal_id, visit_id, case_no)
            conn.execute("INSERT INTO evaluations VALUES (?,?,?,?,?,?)",
                         (case_no, level, reason, idem_key, channel, now))
        return _shape({"case_no": case_no, "level": level, "reason": reason,
                       "channel": channel, "created_at": now}), False

    def qr(self, case_no: str, now: float) -> dict[str, Any]:
        """A signed payload to rate ``case_no`` later on a phone."""
        if not self.exists(case_no):
            raise CaseError("case_not_found", 404, "no case with this number")
        expiry = int(now + QR_VALID_S)
        return {"case_no": case_no, "payload": payloads.evaluation_payload(self.key, case_no,
                                                                           expiry),
                "expires_at": expiry}


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    level = int(row["level"])
    return {"case_no": row["case_no"], "level": level, "level_name": LEVELS[level][0],
            "level_name_en": LEVELS[level][1], "bad_review": level <= 2,
            "reason": row["reason"], "channel": row["channel"]}
