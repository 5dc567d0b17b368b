"""Typed results of the platform client (frozen dataclasses built from the API's JSON).

Builders raise :class:`~kiosk.platform.errors.DataError` when the answer lacks a field, so a
malformed answer never reaches the UI as a half-filled object. Items keep their full JSON
in ``raw`` (guide elements: legal basis, process, conditions, materials, forms, fees …).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kiosk.platform.errors import DataError

T = TypeVar("T")


def _need(data: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, dict) or key not in data or not isinstance(data[key], kind):
        raise DataError(f"platform answer lacks a valid '{key}'", code="malformed")
    return data[key]


def build(builder: Callable[[Any], T], data: Any) -> T:
    """Run ``builder`` turning any shape error into DataError."""
    try:
        return builder(data)
    except DataError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataError(f"platform answer malformed: {type(exc).__name__}",
                        code="malformed") from None


@dataclass(frozen=True)
class CatalogItem:
    """One item: the facts the UI needs plus the full guide in ``raw``."""

    code: str
    name: str
    name_en: str
    department: str
    department_en: str
    type: str
    flow: str
    identity_level: str
    outputs: tuple[str, ...]
    life_events: tuple[str, ...]
    life_event_names: tuple[str, ...]
    popularity: int
    pinyin: str
    pinyin_initials: str
    version: int
    raw: dict[str, Any] = field(repr=False, compare=False, hash=False)

    @classmethod
    def from_json(cls, data: Any) -> CatalogItem:
        """Build from the API's item JSON."""
        return cls(
            code=_need(data, "code", str), name=_need(data, "name", str),
            name_en=str(data.get("name_en", "")), department=_need(data, "department", str),
            department_en=str(data.get("department_en", "")), type=str(data.get("type", "")),
            flow=_need(data, "flow", str), identity_level=_need(data, "identity_level", str),
            outputs=tuple(_need(data, "outputs", list)),
            life_events=tuple(data.get("life_events") or ()),
            life_event_names=tuple(data.get("life_event_names") or ()),
            popularity=int(_need(data, "popularity", int)),
            pinyin=str(data.get("pinyin", "")), pinyin_initials=str(data.get("pinyin_initials",
                                                                             "")),
            version=int(data.get("version", 0)), raw=dict(data))


@dataclass(frozen=True)
class CatalogPage:
    """Items changed since a version (``full``: the whole catalog), removed codes."""

    version: int
    full: bool
    items: tuple[CatalogItem, ...]
    removed: tuple[str, ...]
    not_modified: bool = False

    @classmethod
    def from_json(cls, data: Any) -> CatalogPage:
        """Build from the API's catalog page."""
        return cls(int(_need(data, "version", int)), bool(_need(data, "full", bool)),
                   tuple(CatalogItem.from_json(i) for i in _need(data, "items", list)),
                   tuple(str(c) for c in _need(data, "removed", list)))


@dataclass(frozen=True)
class IdentitySession:
    """A verified session; only masked personal data."""

    token: str
    level: str
    access_expires_in: int
    name_masked: str
    id_masked: str

    @classmethod
    def from_json(cls, data: Any) -> IdentitySession:
        """Build from the identity answer."""
        return cls(_need(data, "session_token", str), _need(data, "level", str),
                   int(_need(data, "access_expires_in", int)), str(data.get("name_masked", "")),
                   _need(data, "id_masked", str))


@dataclass(frozen=True)
class QueryResult:
    """A query answer as a table: summary label/values, columns, rows."""

    item_code: str
    title: str
    summary: tuple[dict[str, str], ...]
    columns: tuple[dict[str, str], ...]
    rows: tuple[dict[str, Any], ...]
    generated_at: str

    @classmethod
    def from_json(cls, data: Any) -> QueryResult:
        """Build from the query answer."""
        return cls(_need(data, "item_code", str), _need(data, "title", str),
                   tuple(_need(data, "summary", list)), tuple(_need(data, "columns", list)),
                   tuple(_need(data, "rows", list)), str(data.get("generated_at", "")))


@dataclass(frozen=True)
class Certificate:
    """An issued certificate: PDF bytes, verification code and QR payload."""

    item_code: str
    title: str
    pdf: bytes = field(repr=False)
    verification_code: str
    qr_payload: str
    issued_at: str
    download_url: str = ""            # short-lived signed link to the sealed PDF
    download_expires_at: int = 0      # unix s


@dataclass(frozen=True)
class CrossProvince:
    """跨省通办: the application went on to the competent office of another province."""

    mode: str            # 异地代收代办 | 多地联办
    province: str
    office: str
    decided_by: str
    note: str

    @classmethod
    def from_json(cls, data: Any) -> CrossProvince | None:
        """Build from the answer's ``cross_province`` (None when absent: a local case)."""
        if not data:
            return None
        return cls(_need(data, "mode", str), _need(data, "province", str),
                   _need(data, "office", str), _need(data, "decided_by", str),
                   _need(data, "note", str))


@dataclass(frozen=True)
class ProxyRecord:
    """代办: who acted for whom (both masked), under which authorisation."""

    authorisation_no: str
    agent_masked: str
    principal_masked: str
    relation: str

    @classmethod
    def from_json(cls, data: Any) -> ProxyRecord | None:
        """Build from an answer's ``proxy`` (None: the citizen acted for themself)."""
        if not data:
            return None
        return cls(_need(data, "authorisation_no", str), _need(data, "agent_masked", str),
                   _need(data, "principal_masked", str), _need(data, "relation", str))


@dataclass(frozen=True)
class LinkedCase:
    """一件事一次办: one member's case under the combined service's number."""

    case_no: str
    item_code: str
    item_name: str
    state: str
    state_name: str

    @classmethod
    def many(cls, data: Any) -> tuple[LinkedCase, ...]:
        """Build the list from an answer's ``linked``."""
        return tuple(cls(_need(d, "case_no", str), _need(d, "item_code", str),
                         _need(d, "item_name", str), _need(d, "state", str),
                         _need(d, "state_name", str)) for d in data or ())


@dataclass(frozen=True)
class FailedPart:
    """一件事一次办: a member the platform did not accept, and why."""

    item_code: str
    item_name: str
    reasons: str


@dataclass(frozen=True)
class DeferredMaterial:
    """容缺受理: a material accepted as owed, to be handed in by ``due_by`` (YYYY-MM-DD)."""

    name: str
    due_by: str


@dataclass(frozen=True)
class ApplicationReceipt:
    """The case an application created (``duplicate``: the key had been used before)."""

    case_no: str
    duplicate: bool
    state: str
    state_name: str
    progress_qr: str
    submitted_at: str
    evaluation_qr: str = ""           # signed payload to rate the case (好差评)
    cross_province: CrossProvince | None = None
    deferred: tuple[DeferredMaterial, ...] = ()   # 容缺受理: owed, and by when
    linked: tuple[LinkedCase, ...] = ()           # 一件事一次办: the members' cases
    failed: tuple[FailedPart, ...] = ()           # members not accepted
    proxy: ProxyRecord | None = None              # 代办: the authorisation

    @classmethod
    def from_json(cls, data: Any) -> ApplicationReceipt:
        """Build from the application answer."""
        return cls(_need(data, "case_no", str), bool(_need(data, "duplicate", bool)),
                   _need(data, "state", str), _need(data, "state_name", str),
                   _need(data, "progress_qr", str), str(data.get("submitted_at", "")),
                   str(data.get("evaluation_qr", "")),
                   CrossProvince.from_json(data.get("cross_province")),
                   tuple(DeferredMaterial(_need(d, "name", str), _need(d, "due_by", str))
                         for d in data.get("deferred") or ()),
                   LinkedCase.many(data.get("linked")),
                   tuple(FailedPart(_need(d, "item_code", str), _need(d, "item_name", str),
                                    _need(d, "reasons", str)) for d in data.get("failed") or ()),
                   ProxyRecord.from_json(data.get("proxy")))


@dataclass(frozen=True)
class Progress:
    """Where a case is and the states it passed."""

    case_no: str
    item_code: str
    item_name: str
    state: str
    state_name: str
    state_name_en: str
    completed: bool
    promised_by: str
    history: tuple[dict[str, str], ...]
    cross_province: CrossProvince | None = None
    linked: tuple[LinkedCase, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> Progress:
        """Build from the progress answer."""
        return cls(_need(data, "case_no", str), _need(data, "item_code", str),
                   _need(data, "item_name", str), _need(data, "state", str),
                   _need(data, "state_name", str), str(data.get("state_name_en", "")),
                   bool(_need(data, "completed", bool)), str(data.get("promised_by", "")),
                   tuple(_need(data, "history", list)),
                   CrossProvince.from_json(data.get("cross_province")),
                   LinkedCase.many(data.get("linked")))


@dataclass(frozen=True)
class Evaluation:
    """A recorded evaluation."""

    case_no: str
    level: int
    level_name: str
    bad_review: bool
    duplicate: bool

    @classmethod
    def from_json(cls, data: Any) -> Evaluation:
        """Build from the evaluation answer."""
        return cls(_need(data, "case_no", str), int(_need(data, "level", int)),
                   _need(data, "level_name", str), bool(_need(data, "bad_review", bool)),
                   bool(_need(data, "duplicate", bool)))


@dataclass(frozen=True)
class EvaluationQr:
    """Signed payload to rate a case later."""

    case_no: str
    payload: str
    expires_at: int

    @classmethod
    def from_json(cls, data: Any) -> EvaluationQr:
        """Build from the evaluation-QR answer."""
        return cls(_need(data, "case_no", str), _need(data, "payload", str),
                   int(_need(data, "expires_at", int)))


@dataclass(frozen=True)
class ServicePoint:
    """A 24-hour self-service point."""

    id: str
    name: str
    district: str
    address: str
    lat: float
    lon: float
    hours: str
    items: tuple[str, ...]

    @classmethod
    def from_json(cls, data: Any) -> ServicePoint:
        """Build from one service-point JSON."""
        return cls(_need(data, "id", str), _need(data, "name", str),
                   _need(data, "district", str), str(data.get("address", "")),
                   float(_need(data, "lat", (int, float))), float(_need(data, "lon", (int, float))),
                   _need(data, "hours", str), tuple(_need(data, "items", list)))


@dataclass(frozen=True)
class LicenceCheck:
    """Result of verifying an e-licence QR; ``licence`` holds the data when valid."""

    valid: bool
    reason: str | None
    licence: dict[str, Any] | None

    @classmethod
    def from_json(cls, data: Any) -> LicenceCheck:
        """Build from the verification answer."""
        return cls(bool(_need(data, "valid", bool)), data.get("reason"), data.get("licence"))
