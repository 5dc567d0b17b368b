"""Request and response models of the platform API (they make the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

CASE_PATTERN = r"^530100\d{14}$"
KEY_FIELD = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")


class ErrorDetail(BaseModel):
    """Machine-readable code and a message without personal data."""

    code: str
    message: str


class ErrorResponse(BaseModel):
    """Every error the platform itself raises."""

    error: ErrorDetail


class Material(BaseModel):
    """One application material."""

    name: str
    name_en: str
    form: str
    copies: int
    required: bool
    e_licence: str | None = None
    deferrable: bool = Field(default=False, description="容缺: may be handed in later")


class Item(BaseModel):
    """A high-frequency item: the twelve guide elements plus the terminal's facts."""

    code: str
    name: str
    name_en: str
    department: str
    department_code: str
    department_en: str
    type: str
    type_en: str
    legal_basis: str
    scope: str
    legal_time_limit_days: int
    promised_time_limit_days: int
    time_limit_text: str
    process: list[str]
    conditions: list[str]
    materials: list[Material]
    forms: list[dict[str, str]]
    fees: str
    result: dict[str, str]
    flow: str = Field(description="guide | query | certificate | application | progress | "
                                  "appointment")
    identity_level: str = Field(description="none | idcard | idcard_face")
    outputs: list[str]
    topic: str | None = None
    life_events: list[str]
    life_event_names: list[str]
    popularity: int
    pinyin: str
    pinyin_initials: str
    cross_province: bool
    version: int
    where: dict[str, Any] | None = Field(
        default=None, description="全市通办 / 跨省通办: points (all | centres), citywide, "
                                  "cross_province (全程网办 | 异地代收代办 | 多地联办 | null), "
                                  "text")
    produces: list[str] = Field(default_factory=list, description="documents it issues")
    deferrable_days: int = Field(default=0, description="容缺: working days to hand in "
                                                        "deferred materials")
    bundle: list[str] = Field(default_factory=list, description="一件事一次办: member items")
    fee_fen: int = Field(default=0, description="fee in fen (0 = free)")
    payment: str | None = Field(default=None, description="paid at the terminal: fine | "
                                "contribution | fee")


class CatalogPage(BaseModel):
    """Items changed since a version (all items when ``full``) and removed codes."""

    version: int
    full: bool
    items: list[Item]
    removed: list[str]


class IdCardRequest(BaseModel):
    """ID-card chip data plus a live face photo (base64 JPEG/PNG) for 人证核验."""

    fields: dict[str, str] = Field(description="id_number and name are required")
    photo_b64: str | None = Field(default=None, description="live camera frame")


class QrIdentifyRequest(BaseModel):
    """An electronic-ID QR payload (EBT1:EID:…)."""

    payload: str = Field(max_length=2048)


class SessionResponse(BaseModel):
    """A verified session (personal data masked)."""

    session_token: str
    level: str
    access_expires_in: int
    name_masked: str
    id_masked: str


class KeyValue(BaseModel):
    """One labelled value."""

    label: str
    label_en: str
    value: str


class Column(BaseModel):
    """A table column."""

    key: str
    label: str
    label_en: str


class QueryResponse(BaseModel):
    """A query's answer as a table."""

    item_code: str
    title: str
    summary: list[KeyValue]
    columns: list[Column]
    rows: list[dict[str, Any]]
    generated_at: str


class CertificateResponse(BaseModel):
    """An issued certificate."""

    item_code: str
    title: str
    verification_code: str
    qr_payload: str
    issued_at: str
    pdf_b64: str
    download_url: str = Field(default="", description="short-lived signed link to the "
                              "sealed PDF (the slip's QR)")
    download_expires_at: int = 0


class CertificateCheck(BaseModel):
    """Whether a verification code belongs to a certificate the platform issued."""

    valid: bool
    item_name: str | None = None
    holder_masked: str | None = None
    issued_at: str | None = None


class CommitmentAcceptance(BaseModel):
    """告知承诺: the citizen accepted this version of the commitment text."""

    accepted: bool
    version: str = Field(max_length=40)
    text_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class ApplicationRequest(BaseModel):
    """An application with its idempotency key (the same key twice = one case). The form
    must validate against the item's schema (GET /v1/items/{code}/form), the required
    materials must be there unless deferrable (容缺), the commitment must be accepted."""

    form: dict[str, Any] = Field(default_factory=dict)
    materials: list[dict[str, Any]] = Field(default_factory=list)
    idempotency_key: str = KEY_FIELD
    commitment: CommitmentAcceptance | None = None


class ProxyRecord(BaseModel):
    """代办: who acted for whom (both masked), under which authorisation."""

    authorisation_no: str
    agent_masked: str
    principal_masked: str
    relation: str


class LinkedCase(BaseModel):
    """一件事一次办: one member's case, linked under the bundle's number."""

    case_no: str
    item_code: str
    item_name: str
    state: str
    state_name: str


class FailedMember(BaseModel):
    """一件事一次办: a member that was not accepted, and why (in Chinese)."""

    item_code: str
    item_name: str
    reasons: str


class DeferredMaterial(BaseModel):
    """容缺受理: a material the citizen still owes, and by when."""

    name: str
    due_by: str


class FormResponse(BaseModel):
    """An item's application form: JSON Schema, materials, 容缺 days, commitment."""

    item_code: str
    form_schema: dict[str, Any] = Field(alias="schema")
    materials: list[Material]
    deferrable_days: int
    commitment: dict[str, str]


class CrossProvince(BaseModel):
    """跨省通办: the application went on to the competent office of another province."""

    mode: str = Field(description="异地代收代办 | 多地联办")
    province: str
    office: str
    decided_by: str
    note: str


class ApplicationResponse(BaseModel):
    """The case created (or found again for a repeated key)."""

    case_no: str
    duplicate: bool
    state: str
    state_name: str
    progress_qr: str
    submitted_at: str
    evaluation_qr: str = ""
    cross_province: CrossProvince | None = None
    deferred: list[DeferredMaterial] = Field(default_factory=list)
    linked: list[LinkedCase] = Field(default_factory=list, description="一件事一次办: the "
                                     "members' cases under this (the bundle's) number")
    failed: list[FailedMember] = Field(default_factory=list, description="members not "
                                       "accepted, with the reasons")
    proxy: ProxyRecord | None = Field(default=None, description="代办: the authorisation "
                                      "the application was made under")


class ProgressStep(BaseModel):
    """One state the case reached."""

    state: str
    state_name: str
    state_name_en: str
    at: str


class ProgressResponse(BaseModel):
    """Where a case is."""

    case_no: str
    item_code: str
    item_name: str
    state: str
    state_name: str
    state_name_en: str
    completed: bool
    submitted_at: str
    promised_by: str
    history: list[ProgressStep]
    cross_province: CrossProvince | None = None
    linked: list[LinkedCase] = Field(default_factory=list)


class EvaluationRequest(BaseModel):
    """A rating of a case: level 5 (非常满意) … 1 (非常不满意); 1-2 need a reason."""

    case_no: str = Field(pattern=CASE_PATTERN)
    level: int = Field(ge=1, le=5)
    reason: str = Field(default="", max_length=500)
    idempotency_key: str = KEY_FIELD
    channel: str = Field(default="terminal", max_length=20)
    proof: str = Field(default="", max_length=200,
                       description="the receipt's signed EBT1:EVAL or EBT1:CASE payload "
                                   "(or send the citizen's X-EBT-Session)")
    visit_id: str = Field(default="", max_length=64,
                          description="the terminal's visit: one rating per visit")


class ServiceRequest(BaseModel):
    """A service the terminal completed (好差评 办件信息), so it can be rated."""

    item_code: str = Field(max_length=64)
    kind: str = Field(pattern=r"^(query|certificate|guide|payment|appointment|progress)$")
    reference: str = Field(default="", max_length=64,
                           description="certificate verification code, pay code, booking …")
    visit_id: str = Field(default="", max_length=64)
    idempotency_key: str = KEY_FIELD


class ServiceResponse(BaseModel):
    """The registered service and the signed payload to rate it."""

    service_no: str
    kind: str
    item_code: str
    item_name: str
    duplicate: bool
    evaluation_qr: str


class QrEvaluationRequest(BaseModel):
    """A rating made later with the signed QR payload (EBT1:EVAL:…)."""

    payload: str = Field(max_length=200)
    level: int = Field(ge=1, le=5)
    reason: str = Field(default="", max_length=500)
    idempotency_key: str = KEY_FIELD


class EvaluationResponse(BaseModel):
    """The recorded evaluation."""

    case_no: str
    level: int
    level_name: str
    level_name_en: str
    bad_review: bool
    reason: str
    channel: str
    duplicate: bool


class EvaluationQrResponse(BaseModel):
    """Signed payload to rate a case later."""

    case_no: str
    payload: str
    expires_at: int


class ServicePoint(BaseModel):
    """A 24-hour self-service point."""

    id: str
    name: str
    district: str
    address: str
    lat: float
    lon: float
    hours: str
    open_24h: bool
    terminals: int
    items: list[str]


class LicenceRequest(BaseModel):
    """An e-licence QR payload (EBT1:LIC:…)."""

    payload: str = Field(max_length=4096)


class LicenceResponse(BaseModel):
    """Verification result; ``licence`` only when valid."""

    valid: bool
    reason: str | None = None
    licence: dict[str, Any] | None = None
