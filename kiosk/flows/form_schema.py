"""An item's application form as the platform serves it (JSON Schema), for the terminal.

:class:`FormSpec` is built from ``GET /v1/items/{code}/form``: the fields (each with a
Chinese title and a kind the screen knows how to ask for — ``text``, ``date``, ``choice``,
``phone``, ``amount``), which are required, the materials (required, 容缺 ``deferrable``)
and the notice-and-commitment text with its version. It checks what the citizen entered and
answers in Chinese before anything is sent (:meth:`FormSpec.problems`), turns entries into
the values the schema wants (:meth:`FormSpec.values`), says which materials are still
missing and which may follow later, and builds the commitment acceptance that goes with the
submission. The platform checks the same again; this is so the citizen hears it first.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kiosk.i18n import N_

KINDS = ("text", "date", "choice", "phone", "amount")
_AMOUNT = re.compile(r"\d{1,9}(\.\d{1,2})?")


@dataclass(frozen=True)
class Problem:
    """What is wrong with one entry: a message id with ``{placeholders}`` and their values."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, tr: Callable[[str], str] | None = None) -> str:
        """The message in the UI's language (``tr``), filled in; Chinese without ``tr``."""
        return (tr(self.message) if tr else self.message).format(**self.params)


@dataclass(frozen=True)
class FormField:
    """One field of the form."""

    name: str
    title: str
    kind: str
    required: bool
    options: tuple[str, ...] = ()
    maximum: float | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class FormSpec:
    """An item's form, materials and commitment (see the module docstring)."""

    item_code: str
    fields: tuple[FormField, ...]
    materials: tuple[dict[str, Any], ...] = ()
    deferrable_days: int = 0
    commitment_version: str = ""
    commitment_text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> FormSpec:
        """Build from the platform's form document (unknown kinds are asked as text)."""
        schema = doc.get("schema") or {}
        required = set(schema.get("required") or [])
        fields = []
        for name, prop in (schema.get("properties") or {}).items():
            kind = prop.get("x-kind") if prop.get("x-kind") in KINDS else "text"
            fields.append(FormField(
                name, str(prop.get("title", name)), kind, name in required,
                tuple(str(o) for o in prop.get("enum") or ()), prop.get("maximum"),
                prop.get("maxLength")))
        commitment = doc.get("commitment") or {}
        return cls(str(doc.get("item_code", "")), tuple(fields),
                   tuple(doc.get("materials") or ()), int(doc.get("deferrable_days", 0)),
                   str(commitment.get("version", "")), str(commitment.get("text", "")))

    def field(self, name: str) -> FormField | None:
        """The field called ``name``."""
        return next((f for f in self.fields if f.name == name), None)

    def problems(self, entries: dict[str, str]) -> dict[str, Problem]:
        """field name -> what is wrong with it (empty: the form is complete)."""
        out: dict[str, Problem] = {}
        for f in self.fields:
            raw = entries.get(f.name, "").strip()
            if not raw:
                if f.required:
                    out[f.name] = Problem(N_("请选择{title}") if f.kind == "choice"
                                          else N_("请填写{title}"), {"title": f.title})
                continue
            message = _check(f, raw)
            if message:
                out[f.name] = message
        return out

    def values(self, entries: dict[str, str]) -> dict[str, Any]:
        """The entries as the schema wants them (amounts as numbers, dates as YYYY-MM-DD)."""
        out: dict[str, Any] = {}
        for f in self.fields:
            raw = entries.get(f.name, "").strip()
            if not raw:
                continue
            if f.kind == "amount":
                out[f.name] = float(raw)
            elif f.kind == "date":
                out[f.name] = as_date(raw)
            else:
                out[f.name] = raw
        return out

    def missing_materials(self, provided: set[str], identified: bool) -> list[str]:
        """Required materials not yet provided that may not be deferred (the ID card is the
        identification, the application form is this form)."""
        return [m["name"] for m in self._open(provided, identified) if not m.get("deferrable")]

    def deferrable_missing(self, provided: set[str], identified: bool) -> list[str]:
        """Required materials not provided that 容缺受理 lets the citizen bring later."""
        return [m["name"] for m in self._open(provided, identified) if m.get("deferrable")]

    def _open(self, provided: set[str], identified: bool) -> list[dict[str, Any]]:
        return [m for m in self.materials
                if m.get("required", True) and m["name"] not in provided
                and not (m["name"] == "居民身份证" and identified)
                and not str(m["name"]).startswith("《")]

    def commitment_acceptance(self) -> dict[str, Any]:
        """What the submission says about the commitment the citizen accepted."""
        return {"accepted": True, "version": self.commitment_version,
                "text_sha256": hashlib.sha256(self.commitment_text.encode()).hexdigest()}


def as_date(raw: str) -> str:
    """'20240315' or '2024-03-15' → '2024-03-15' (ValueError when not a real date)."""
    digits = raw.replace("-", "")
    if len(digits) != 8 or not digits.isdigit():
        raise ValueError(raw)
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).isoformat()


def _check(f: FormField, raw: str) -> Problem | None:
    title = {"title": f.title}
    if f.kind == "phone" and not re.fullmatch(r"1\d{10}", raw):
        return Problem(N_("请输入11位手机号码"))
    if f.kind == "amount":
        if not _AMOUNT.fullmatch(raw) or float(raw) <= 0:
            return Problem(N_("{title}须为大于0的金额，最多两位小数"), title)
        if f.maximum is not None and float(raw) > f.maximum:
            return Problem(N_("{title}不能超过{maximum}元"),
                           {**title, "maximum": f"{f.maximum:,.2f}".rstrip("0").rstrip(".")})
    if f.kind == "date":
        try:
            as_date(raw)
        except ValueError:
            return Problem(N_("{title}请按 年-月-日 填写，例如 2024-03-15"), title)
    if f.kind == "choice" and f.options and raw not in f.options:
        return Problem(N_("请从选项中选择{title}"), title)
    if f.max_length is not None and len(raw) > f.max_length:
        return Problem(N_("{title}不能超过{n}个字"), {**title, "n": f.max_length})
    return None
