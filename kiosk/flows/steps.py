"""Steps of every flow kind, and the 好差评 evaluation levels.

Every kind ends with the evaluation offer ("凡办必评"); the journey skips it when the visit
has already rated something or there is nothing to rate (see ``kiosk.flows.rating``)."""

from __future__ import annotations

from enum import StrEnum


class Step(StrEnum):
    """A step of a journey; each has a screen of the same name."""

    GUIDE = "guide"
    IDENTIFY = "identify"
    COMMITMENT = "commitment"
    FORM = "form"
    CASE_ENTRY = "case_entry"
    PAY_SETUP = "pay_setup"        # what to pay: a decision number, a contribution grade
    PAY = "pay"                    # the payment QR with its countdown
    BOOK = "book"                  # venue, day and slot; hold and confirm
    RESULT = "result"
    EVALUATE = "evaluate"
    DONE = "done"


FLOW_STEPS: dict[str, tuple[Step, ...]] = {
    "guide": (Step.GUIDE, Step.EVALUATE, Step.DONE),
    "query": (Step.GUIDE, Step.IDENTIFY, Step.RESULT, Step.EVALUATE, Step.DONE),
    "certificate": (Step.GUIDE, Step.IDENTIFY, Step.RESULT, Step.EVALUATE, Step.DONE),
    "application": (Step.GUIDE, Step.IDENTIFY, Step.COMMITMENT, Step.FORM, Step.RESULT,
                    Step.EVALUATE, Step.DONE),
    "appointment": (Step.GUIDE, Step.IDENTIFY, Step.BOOK, Step.RESULT, Step.EVALUATE,
                    Step.DONE),
    # paid at the terminal (item.raw["payment"]); a fee is paid before its certificate
    "payment_fine": (Step.GUIDE, Step.PAY_SETUP, Step.PAY, Step.RESULT, Step.EVALUATE,
                     Step.DONE),
    "payment_contribution": (Step.GUIDE, Step.IDENTIFY, Step.PAY_SETUP, Step.PAY, Step.RESULT,
                             Step.EVALUATE, Step.DONE),
    "certificate_fee": (Step.GUIDE, Step.IDENTIFY, Step.PAY, Step.RESULT, Step.EVALUATE,
                        Step.DONE),
    # a typed number needs the citizen identified; a receipt's signed QR is proof enough
    "progress": (Step.CASE_ENTRY, Step.IDENTIFY, Step.RESULT, Step.EVALUATE, Step.DONE),
}

#: level -> (Chinese, English); 1 and 2 are bad reviews and need a reason
EVALUATION_LEVELS: dict[int, tuple[str, str]] = {
    5: ("非常满意", "Very satisfied"),
    4: ("满意", "Satisfied"),
    3: ("基本满意", "Basically satisfied"),
    2: ("不满意", "Dissatisfied"),
    1: ("非常不满意", "Very dissatisfied"),
}
BAD_REVIEW_LEVELS = frozenset({1, 2})


def steps_for(flow: str) -> tuple[Step, ...]:
    """The steps of a flow kind; an unknown kind falls back to reading the guide only."""
    return FLOW_STEPS.get(flow, FLOW_STEPS["guide"])


def flow_key(flow: str, payment: str | None) -> str:
    """The steps an item walks: its flow kind, or a payment flow when it is paid here."""
    if payment in ("fine", "contribution"):
        return f"payment_{payment}"
    if payment == "fee" and flow == "certificate":
        return "certificate_fee"
    return flow
