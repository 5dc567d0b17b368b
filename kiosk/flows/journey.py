"""One item's journey for one session: the flow engine the screens drive.

A :class:`Journey` walks the steps of its flow kind (see ``kiosk.flows.steps``). Screens
render :attr:`Journey.step`, :attr:`Journey.result` (typed, ``kiosk.flows.results``) and
:attr:`Journey.message` and call the intent methods; every platform call, outbox write and
print happens here, so the whole journey is testable without Kivy. Failures never raise
into the UI: they become a :class:`Notice` (a Chinese message id plus a code) and the
journey stays where it was, or
moves on with what it has (a receipt QR on screen when the printer cannot print, a queued
application when the platform is away).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from common.privacy import mask_id_number, mask_name, wipe_buffer
from kiosk.flows.booking_step import BookingFlow
from kiosk.flows.form_schema import FormSpec
from kiosk.flows.output import certificate_slip
from kiosk.flows.paying import PaymentFlow, payment_kind
from kiosk.flows.ports import FlowPorts
from kiosk.flows.rating import Rating
from kiosk.flows.results import JourneyResult, rows_of
from kiosk.flows.steps import Step, flow_key, steps_for
from kiosk.flows.submission import commitment_of, load_form, refusal_text
from kiosk.i18n import N_
from kiosk.platform import errors as perr
from kiosk.platform.models import ApplicationReceipt
from kiosk.platform.service_client import ServiceClient
from kiosk.receipts import money as money_receipts
from kiosk.receipts import templates
from kiosk.session import Session

log = logging.getLogger(__name__)


class CardNext(StrEnum):
    """What follows an ID card read, by the item's identity level."""

    FACE = "face"              # 人证核验: a live face photo before the platform check
    VERIFY = "verify"          # the card alone is enough: check it with the platform now
    NO_CAMERA = "no_camera"    # a face is needed but the camera is not there


@dataclass(frozen=True)
class Notice:
    """Something to tell the citizen: a message id (Chinese) and a machine code."""

    message: str
    code: str
    extra: dict[str, Any] = field(default_factory=dict)


A4_PRINTED = N_("证明已用A4纸打印，请在出纸口取走。")
PAYMENT_NOTICES = {
    "failed": N_("支付未成功，未扣款。可以重新支付，或返回。"),
    "expired": N_("支付已超时，订单已关闭，未扣款。可以重新支付。"),
    "cancelled": N_("已取消支付，订单已关闭。"),
    "unknown": N_("网络暂时不可用，暂时无法确认支付结果。如已付款，系统会自动核对，不会重复扣款，"
                  "未能办理的会原路退款。"),
}


class Journey:
    """The state machine of one catalog item's flow."""

    def __init__(self, item: Any, session: Session, ports: FlowPorts) -> None:
        self.item = item
        self.session = session
        self.ports = ports
        kind = payment_kind(item)
        self.steps = steps_for(flow_key(item.flow, kind))
        self.step = self.steps[0]
        self.result = JourneyResult()
        self.payment = PaymentFlow(item, session, ports, kind) if kind else None
        self.booking = BookingFlow(item, session, ports) if item.flow == "appointment" else None
        if self.payment is not None:
            self.result.payment = self.payment.state
        self.message: Notice | None = None
        self.printed = False
        self.rating = Rating(item, session, ports, self.result)
        self.form_spec: FormSpec | None = None   # the item's form from the platform
        self.proxy_requested = False              # 代办: the agent acts for someone
        self.awaiting_principal = False           # the agent passed; the principal's card next
        self._case_entered = ("", "")            # progress: (case number, signed QR)

    # -- navigation --------------------------------------------------------------------
    @property
    def needs_identity(self) -> bool:
        """True when the item's identity level asks for the citizen to identify (for a
        progress look-up: when the number was typed, not scanned from a signed receipt)."""
        if self.item.flow == "progress":
            return not self._case_entered[1]
        return self.item.identity_level != "none" and Step.IDENTIFY in self.steps

    def advance(self) -> Step:
        """Go to the next step, skipping what is already done; run the step's action."""
        self.message = None
        index = self.steps.index(self.step) + 1
        while index < len(self.steps):
            candidate = self.steps[index]
            if candidate is Step.IDENTIFY and (self.session.identified
                                               or not self.needs_identity):
                index += 1
                continue
            if candidate is Step.EVALUATE and not self.rating.can_evaluate():
                index += 1
                continue
            self.step = candidate
            break
        else:
            self.step = Step.DONE
        if (self.step in (Step.COMMITMENT, Step.FORM) and self.item.flow == "application"
                and self.form_spec is None):
            self.form_spec = load_form(self.ports, self.item)
        if self.step is Step.RESULT and self.item.flow in ("query", "certificate"):
            self._run_action()
        if (self.step is Step.RESULT and self.item.flow == "progress"
                and self.result.progress is None and self._case_entered[0]):
            self._look_up(*self._case_entered)
        return self.step

    def back(self) -> Step:
        """Go one step back (never back past a submitted application or into identify)."""
        self.message = None
        index = self.steps.index(self.step)
        if self.step in (Step.RESULT, Step.EVALUATE, Step.DONE) or index == 0:
            return self.step
        if self.step is Step.PAY and self.payment is not None:
            if self.payment.state.paid:
                return self.step                 # never back past a payment
            self.payment.cancel()                # the waiting worker closes the order
        if self.step is Step.BOOK and self.booking is not None:
            release = self.abandon()             # the held place goes back, off this thread
            if release is not None:
                threading.Thread(target=release, name="release-hold", daemon=True).start()
        previous = self.steps[index - 1]
        if previous is Step.IDENTIFY and self.session.identified:
            previous = self.steps[max(0, index - 2)]
        self.step = previous
        return self.step

    # -- identify ----------------------------------------------------------------------
    def after_card_read(self, camera_available: bool) -> CardNext:
        """The identification sequence: card → face (when the item asks for it) → platform."""
        if self.awaiting_principal:
            return CardNext.VERIFY           # the principal's card alone (the agent's face)
        if self.item.identity_level != "idcard_face" and not self.proxy_requested:
            return CardNext.VERIFY
        if not camera_available:
            self.message = Notice(N_("摄像头不可用，请使用电子证照二维码，或联系工作人员。"),
                                  "no_camera")
            return CardNext.NO_CAMERA
        return CardNext.FACE

    def request_proxy(self) -> None:
        """代办: the citizen at the terminal acts for another; they identify first (card and
        face), then the principal's own card is read (:meth:`identify_card` routes it)."""
        if not self.session.identified:
            self.proxy_requested = True
            self.message = Notice(N_("代办：请代办人先刷本人身份证并进行人脸核验。"), "proxy_agent")

    def identify_card(self, record: Any, face_photo: bytes | None) -> bool:
        """人证核验 with the card just read and a live face photo; advance on success."""
        if self.awaiting_principal:
            return self._identify_principal(record)
        fields = {k: v for k, v in record.as_dict().items() if isinstance(v, str)}
        return self._identify(lambda: self.ports.platform.identify_idcard(fields, face_photo),
                              record)

    def identify_qr(self, payload: str) -> bool:
        """Identify with an electronic-ID QR code; advance on success."""
        return self._identify(lambda: self.ports.platform.identify_qr(payload), None)

    def _identify(self, call: Any, record: Any) -> bool:
        try:
            identity = call()
        except perr.IdentityRejected:
            self.message = Notice(N_("身份核验未通过，请正对摄像头重试，或使用电子证照二维码。"),
                                  "identity_rejected")
            return False
        except perr.PlatformError as exc:
            self.message = _platform_notice(exc)
            return False
        self.session.identity = record
        self.session.identity_token = identity.token
        self.session.identity_label = f"{identity.name_masked}  {identity.id_masked}"
        if self.proxy_requested:          # 代办: the agent passed; now the principal's card
            self.proxy_requested, self.awaiting_principal = False, True
            self.message = Notice(N_("代办人身份已核验。请放置被代办人（委托人）的身份证。"),
                                  "principal_needed")
            return False
        self.advance()
        return True

    def _identify_principal(self, record: Any) -> bool:
        """代办: the principal's card is read; the platform records the authorisation and
        the visit goes on as the principal's, naming both (masked)."""
        fields = {"id_number": str(getattr(record, "id_number", "")),
                  "name": str(getattr(record, "name", ""))}
        try:
            acting = ServiceClient(self.ports.platform).identify_proxy(
                self.session.identity_token or "", fields)
        except perr.PlatformError as exc:
            refused = Notice(N_("被代办人身份证无法使用，请核对后重试。"), "principal_rejected")
            self.message = (refused if isinstance(exc, perr.RequestRejected)
                            else _platform_notice(exc))
            return False
        agent_label = self.session.identity_label
        forget_record(self.session.identity)     # the agent's card record is not kept
        self.session.proxy = acting
        self.session.proxy_agent_label = agent_label
        self.session.identity = record
        self.session.identity_token = acting.token
        self.session.identity_label = f"{acting.name_masked}  {acting.id_masked}"
        self.awaiting_principal = False
        self.advance()
        return True

    # -- application -------------------------------------------------------------------
    def accept_commitment(self) -> Step:
        """The citizen accepted the notice-and-commitment (告知承诺)."""
        self.result.commitment_accepted = True
        return self.advance()

    def submit_form(self, form: dict[str, Any], materials: list[dict[str, Any]]) -> Step:
        """Write the application to the outbox durably, try to deliver it, go to the result.

        The citizen is told "submitted" only after the durable write; if the platform does
        not answer within ``delivery_wait_s`` the result says it will be sent later."""
        if self.step is not Step.FORM:
            raise RuntimeError("submit_form outside the form step")
        if self.result.idempotency_key is None:
            self.result.idempotency_key = uuid.uuid4().hex
        key = self.result.idempotency_key
        payload = {"item_code": self.item.code, "session_token": self.session.identity_token,
                   "form": form, "materials": materials,
                   "commitment": commitment_of(self.form_spec, self.result.commitment_accepted)}
        self.ports.outbox.put("application", payload, key)
        self.result.submitted = True
        receipt = self._wait_for_delivery(key)
        refused = None if receipt is not None else refusal_text(self.ports.outbox, key)
        if refused is not None:          # shown, never lost: the entry stays in the outbox
            self.result.submitted, self.result.idempotency_key = False, None
            self.message = Notice(refused, "refused")
            self.ports.bus.publish("journey.refused", {"item": self.item.code})
            return self.step
        notice = None
        if receipt is not None:
            self.result.case = receipt
            self.session.case_numbers.append(receipt.case_no)
            self.rating.from_case(receipt.case_no, receipt.evaluation_qr)
        else:
            notice = Notice(N_("网络暂时不可用，您的申请已保存，联网后会自动提交。"), "queued")
        self.ports.bus.publish("journey.submitted", {"item": self.item.code,
                                                     "delivered": receipt is not None})
        step = self.advance()
        if receipt is not None and receipt.failed:     # 一件事: say which part was not taken
            notice = Notice("以下事项未受理，其余已受理：" + "；".join(
                f"{f.item_name}（{f.reasons}）" for f in receipt.failed), "partly_refused")
        self.message = notice
        return step

    def _wait_for_delivery(self, key: str) -> ApplicationReceipt | None:
        """The case the platform created, if it answers within the wait promised."""
        answer = self.ports.outbox.deliver(key, self.ports.delivery_wait_s)
        return answer if isinstance(answer, ApplicationReceipt) else None

    # -- progress ----------------------------------------------------------------------
    def enter_case(self, case_no: str, proof: str = "") -> bool:
        """A case number typed, or scanned from a receipt (``proof``: its signed QR).

        Only the case's own citizen may read it: with a signed QR, or once identified, it
        is looked up now (advance on success); a typed number first asks the citizen to
        identify, and the look-up runs on the way to the result."""
        self._case_entered = (case_no, proof)
        if not proof and not self.session.identified:
            self.message = None
            self.advance()
            return True
        if not self._look_up(case_no, proof):
            return False
        self.advance()
        return True

    def _look_up(self, case_no: str, proof: str) -> bool:
        try:
            progress = self.rating._services.progress(
                case_no, token=self.session.identity_token, proof=proof)
        except perr.NotFound:
            self.message = Notice(N_("没有找到这个受理编号，请核对后重新输入。"), "not_found")
            return False
        except perr.PlatformError as exc:
            self.message = _platform_notice(exc)
            return False
        self.result.progress = progress
        if progress.case_no not in self.session.case_numbers:
            self.session.case_numbers.append(progress.case_no)
        self.rating.for_progress(progress.case_no, proof)
        return True

    # -- query and certificate ---------------------------------------------------------
    def _run_action(self) -> None:
        token = self.session.identity_token or ""
        pay = self.payment
        try:
            if self.item.flow == "query":
                self.result.query = self.ports.platform.query(self.item.code, token)
            elif self.ports.money is not None:       # sealed, with its download link
                order = pay.state.order if pay is not None and pay.state.paid else None
                self.result.certificate = self.ports.money.issue_certificate(
                    self.item.code, token, order.pay_code if order is not None else None)
                if order is not None:
                    self.ports.payments.delivered(order.pay_code)
            else:
                self.result.certificate = self.ports.platform.issue_certificate(
                    self.item.code, token)
        except perr.PlatformError as exc:
            self.message = _platform_notice(exc)
            if pay is not None and pay.state.paid and pay.refund("certificate not issued"):
                self.message = Notice(N_("证明未能开具，已为您办理退款，款项将原路退回。"),
                                      "refunded")
        if self.message is None:
            self.session.results[self.item.code] = self.result
            cert = self.result.certificate
            self.rating.register(self.item.flow, cert.verification_code if cert else "")

    # -- printing ----------------------------------------------------------------------
    def receipt_document(self) -> Any:
        """The receipt for the current result, as a printer document (or None)."""
        now, term = self.ports.now(), self.ports.terminal_id
        record = self.session.identity
        id_number = getattr(record, "id_number", None)
        name = getattr(record, "name", None)
        result = self.result
        if result.case is not None and self.item.flow != "progress":
            return templates.acceptance_receipt(
                item=self.item.name, case_number=result.case.case_no, accepted_at=now,
                terminal_id=term, id_number=id_number or "", applicant_name=name,
                department=self.item.department,
                promised=str(self.item.raw.get("time_limit_text", "")) or None,
                progress_qr=result.case.progress_qr or None,
                cross_province=result.case.cross_province, deferred=result.case.deferred,
                linked=result.case.linked, failed=result.case.failed, proxy=result.case.proxy)
        if result.booking is not None:
            return money_receipts.checkin_slip(result.booking, term, now)
        pay = result.payment
        if pay is not None and pay.order is not None and pay.refunded:
            return money_receipts.refund_slip(pay.order, "证明未能开具", term, now)
        if result.certificate is not None and result.certificate.download_url:
            return money_receipts.certificate_download_slip(
                result.certificate, self.item.name, term, now, a4_failed=result.a4_failed)
        if result.certificate is not None:
            return certificate_slip(result.certificate, self.item.name, term, now)
        if pay is not None and pay.paid and pay.order is not None and pay.fiscal is not None:
            return money_receipts.payment_receipt(pay.order, pay.fiscal, term, now)
        rows = self.result_rows()
        if not rows:
            return None
        return templates.query_result_slip(
            item=self.item.name, queried_at=now, terminal_id=term, rows=rows,
            id_number=id_number, applicant_name=name, case_number=result.case_no)

    def result_rows(self) -> list[tuple[str, str]]:
        """The result as (label, value) rows, for the screen and the slip."""
        return rows_of(self.result)

    def print_receipt(self) -> bool:
        """Print the result; on failure keep the receipt's QR on screen and tell operators."""
        doc = self.receipt_document()
        printer = self.ports.printer
        if doc is None:
            return False
        a4 = self.ports.certificate_output
        certificate = self.result.certificate
        if certificate is not None and self.ports.a4 is not None and not self.result.a4_failed:
            if self._print_a4(certificate):
                return True
            doc = self.receipt_document()          # the download slip says A4 failed
        if certificate is not None and self.ports.a4 is None and a4 is not None and a4.a4:
            result = a4.print_a4(certificate.pdf)
        else:
            result = printer.print_document(doc, timeout=30) if printer else None
        if certificate is not None and self.result.a4_failed and result is not None \
                and result.ok:
            self.printed = True
            self.message = Notice(N_("A4打印机暂时无法使用，已为您打印下载凭条：扫码即可下载带"
                                     "电子印章的证明。工作人员已收到通知。"), "a4_fallback")
            return True
        if result is not None and result.ok:
            self.printed = True
            self.ports.bus.publish("journey.printed", {"item": self.item.code})
            if isinstance(result.value, dict) and result.value.get("confirmed") is False:
                # a write-only printer: sent, but nobody knows whether paper came out — the
                # QR stays on screen (the screen keeps it) and the citizen is told why
                self.message = Notice(N_("已发送到打印机。如果没有出纸，请用手机拍下屏幕上的"
                                         "二维码和受理编号。"), "print_unconfirmed")
            return True
        self.result.print_failed = True
        has_qr = bool(self.result.progress_qr or certificate is not None)
        self.message = Notice(
            N_("打印机暂时无法打印。请用手机拍下屏幕上的二维码和受理编号，工作人员已收到通知。")
            if has_qr else N_("打印机暂时无法打印。请拍照保存本页，工作人员已收到通知。"),
            "print_failed", {"completion": result.completion.value if result else "no_printer"})
        self.ports.bus.publish("journey.print_failed", {
            "item": self.item.code, "completion": self.message.extra["completion"]})
        return False

    # -- payment and appointment -------------------------------------------------------
    def start_payment(self) -> bool:
        """Get the order and its QR for the chosen payment (a message when it fails)."""
        problem = self.payment.start() if self.payment is not None else N_("请先选择要缴纳的项目。")
        self.message = Notice(problem, "payment") if problem else None
        return problem is None

    def wait_payment(self) -> str:
        """Block (worker thread) until paid, failed, expired or cancelled; paid moves on to
        the result (a certificate with a fee is issued there)."""
        if self.payment is None:
            return ""
        outcome = self.payment.wait()
        if outcome == "paid":
            self.advance()
        elif outcome:
            self.message = Notice(PAYMENT_NOTICES.get(outcome, PAYMENT_NOTICES["failed"]),
                                  f"payment_{outcome}")
        return outcome

    @property
    def waiting_for_payment(self) -> bool:
        """The payment QR is up and the citizen is paying on a phone (no touches come)."""
        pay = self.payment
        return (self.step is Step.PAY and pay is not None and pay.state.order is not None
                and not pay.state.outcome)

    def confirm_booking(self) -> bool:
        """Book the held place and move on to the result (a message when it fails)."""
        if self.booking is None:
            return False
        problem = self.booking.confirm()
        if problem:
            self.message = Notice(problem, "booking")
            return False
        self.result.booking = self.booking.state.booking
        self.advance()
        return True

    def _print_a4(self, certificate: Any) -> bool:
        """A4 through CUPS, once per certificate; False: fall back to the download slip."""
        outcome = self.ports.a4.print_document(certificate.verification_code, certificate.pdf)
        if outcome.printed:
            self.printed = self.result.a4_printed = True
            self.ports.bus.publish("journey.printed", {"item": self.item.code, "a4": True})
            return True
        self.result.a4_failed = True
        self.ports.bus.publish("journey.print_failed", {
            "item": self.item.code, "completion": f"a4_{outcome.reason}"})
        return False

    def abandon(self) -> Callable[[], None] | None:
        """The visit ends mid-journey: stop waiting for a payment (at once) and return the
        platform call that gives back a held place, to run off the UI thread (or None)."""
        if self.payment is not None and not self.payment.state.outcome:
            self.payment.cancel()
        booking = self.booking
        if booking is None or booking.state.hold is None:
            return None
        hold, token, desk = booking.state.hold, self.session.identity_token or "", \
            self.ports.booking
        booking.state.hold = None
        return lambda: desk.release(hold, token)

    # -- evaluation --------------------------------------------------------------------
    def evaluate(self, level: int, reason: str = "") -> bool:
        """好差评: queue the rating durably (a bad one needs a reason), then finish."""
        if not self.rating.evaluate(level, reason):
            self.message = Notice(N_("请选择或填写不满意的原因。"), "reason_needed")
            return False
        self.advance()
        return True

    def skip_evaluation(self) -> None:
        """稍后评价: the offer was made and declined for now (one offer per visit)."""
        self.session.evaluated = True

    def evaluation_later(self) -> str | None:
        """The signed QR payload to rate later on a phone (None: nothing to rate)."""
        return self.rating.later()

    def masked_identity(self) -> str:
        """Masked name and ID of the identified citizen, for the screen."""
        record = self.session.identity
        if record is None:
            return self.session.identity_label
        return f"{mask_name(record.name)}  {mask_id_number(record.id_number)}"


def forget_record(record: Any) -> None:
    """Zero a card record's photo before the record is let go."""
    photo = getattr(record, "photo", None)
    if isinstance(photo, bytearray):
        wipe_buffer(photo)


def _platform_notice(exc: perr.PlatformError) -> Notice:
    log.warning("platform call failed: %s", type(exc).__name__)
    if isinstance(exc, perr.MaintenanceError):
        return Notice(N_("政务平台正在维护，请稍后再试。办事指南仍可查看。"), "maintenance")
    if isinstance(exc, perr.NetworkError | perr.PlatformServerError):
        return Notice(N_("网络暂时不可用，请稍后再试。办事指南仍可查看。"), "offline")
    return Notice(N_("抱歉，出现问题。请按提示重试，或联系工作人员。"), "error")
