"""Who may read a case's progress or rate a service: its own citizen, and nobody else.

A request names a case or service number and proves it belongs to the asker in one of two
ways: the identity session of the citizen who made it (``X-EBT-Session``: the holder's hash
must match), or a signed payload from the receipt — the progress QR ``EBT1:CASE:…:<sig>``
or the evaluation QR ``EBT1:EVAL:…``. Anything else gets the same 404 as a number that does
not exist, so a guessed number tells the guesser nothing.
"""

from __future__ import annotations

from typing import Any

from simulator.platform import idnumber, payloads
from simulator.platform.state import ApiError, PlatformState

NOT_FOUND = ("case_not_found", "no case with this number")


def holder_of(state: PlatformState, number: str) -> str | None:
    """The holder hash behind ``number`` ('' for an anonymous service), None if unknown."""
    case = state.cases.get(number)
    if case is not None:
        return str(case["holder_hash"])
    record = state.evaluations.services.get(number)
    return record.holder_hash if record is not None else None


def proof_names(state: PlatformState, proof: str) -> str | None:
    """The number a signed receipt payload vouches for (None: not a genuine one)."""
    proof = proof.strip()
    try:
        if proof.startswith("EBT1:EVAL:"):
            return payloads.verify_evaluation(state.key, proof, state.clock())
        if proof.startswith("EBT1:CASE:"):
            return payloads.verify_case_qr(state.key, proof)
    except payloads.PayloadError:
        return None
    return None


def authorise(state: PlatformState, number: str, token: str | None, proof: str | None,
              *, reading: bool = False) -> None:
    """Pass when the asker is the number's own citizen; ApiError 404 otherwise.

    ``reading``: data access (progress) needs a session still within its access window;
    a rating may come later (the outbox), within the session's submission window."""
    holder = holder_of(state, number)
    if holder is None:
        raise ApiError(404, *NOT_FOUND)
    if proof and proof_names(state, proof) == number:
        return
    if token and holder:
        session = state.sessions.get(token)
        now = state.clock()
        if session is not None and (session.can_access(now) if reading
                                    else session.can_submit(now)) \
                and idnumber.digest(session.id_number) == holder:
            return
    raise ApiError(404, *NOT_FOUND)


def session_holder(state: PlatformState, token: str | None) -> tuple[str, Any]:
    """(holder hash, session) of a live session token, ('', None) without one."""
    if not token:
        return "", None
    session = state.sessions.get(token)
    if session is None or not session.can_submit(state.clock()):
        raise ApiError(403, "session_invalid", "identity session missing or expired")
    return idnumber.digest(session.id_number), session
