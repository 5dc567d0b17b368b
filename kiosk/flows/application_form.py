"""The application form's rules, without a screen: materials, e-licences, slots, validation.

:class:`ApplicationDraft` is what the citizen has entered so far — the contact phone, an
appointment slot, and each material provided by an e-licence QR (亮证扫码) or a photo. It
answers the questions the form screen used to decide itself: which materials are still
needed (:meth:`material_states`), which material an e-licence stands for
(:func:`material_for_licence`), which slots may be offered (:func:`appointment_slots`), and
whether the form may be submitted (:meth:`check`, a typed :class:`FormCheck`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kiosk.i18n import N_

ID_CARD = "居民身份证"
PHONE_DIGITS = 11
_PHONE = re.compile(r"1\d{10}")
HALF_DAYS = ("09:00-12:00", "14:00-17:00")


@dataclass(frozen=True)
class ProvidedMaterial:
    """A material the citizen provided: ``via`` is ``e_licence`` or ``photo``."""

    name: str
    via: str
    licence_type: str = ""

    def as_submission(self) -> dict[str, str]:
        """What the platform receives for it."""
        return {"name": self.name, "via": self.via}


@dataclass(frozen=True)
class MaterialState:
    """One line of the materials list: its name, a status message id, and whether the
    citizen still has to photograph it."""

    name: str
    status: str
    needs_photo: bool


@dataclass(frozen=True)
class FormCheck:
    """Whether the draft may be submitted; ``message`` (an id) says what is missing."""

    ok: bool
    message: str = ""
    code: str = ""


@dataclass
class ApplicationDraft:
    """The form being filled for one item: the phone, the fields of the platform's form
    (``entries``, typed on the keypad into the ``focus`` field or chosen), the materials."""

    phone: str = ""
    slot: str = ""
    provided: dict[str, ProvidedMaterial] = field(default_factory=dict)
    entries: dict[str, str] = field(default_factory=dict)
    focus: str = "phone"

    def type_key(self, key: str, kind: str = "phone") -> None:
        """A keypad key into the focused field: digits (the phone up to 11, a date up to 8),
        a decimal point for an amount, or 退格."""
        if self.focus == "phone":
            if key == "退格" or key.isdigit():
                self.phone = self.phone[:-1] if key == "退格" else (self.phone + key)[
                    :PHONE_DIGITS]
            return
        text = self.entries.get(self.focus, "")
        if key == "退格":
            text = text[:-1]
        elif key.isdigit() or (key == "." and kind == "amount" and "." not in text):
            text = (text + key)[:8 if kind == "date" else 12]
        self.entries[self.focus] = text

    def choose(self, name: str, option: str) -> None:
        """A choice field's option was touched."""
        self.entries[name] = option

    def material_states(self, item: Any, identified: bool) -> list[MaterialState]:
        """Each of the item's materials with its status."""
        states = []
        for material in item.raw.get("materials") or []:
            name = str(material.get("name", ""))
            got = self.provided.get(name)
            if got is not None:
                status = N_("已提供（电子证照）") if got.via == "e_licence" else N_("已拍照")
            elif name == ID_CARD and identified:
                status = N_("已核验")
            else:
                status = N_("可扫电子证照") if material.get("e_licence") else N_("请拍照")
            states.append(MaterialState(name, status, got is None and not (
                name == ID_CARD and identified)))
        return states

    def add_photo(self, name: str) -> None:
        """The material was photographed."""
        self.provided[name] = ProvidedMaterial(name, "photo")

    def check(self, item: Any, spec: Any = None, identified: bool = False) -> FormCheck:
        """May the draft be submitted? A valid mobile number; a slot for appointments; with
        the platform's form (``spec``, a :class:`~kiosk.flows.form_schema.FormSpec`) every
        field valid and every required material there unless it may follow (容缺)."""
        if not _PHONE.fullmatch(self.phone):
            return FormCheck(False, N_("请输入11位手机号码"), "phone")
        if item.flow == "appointment" and not self.slot:
            return FormCheck(False, N_("请选择预约时段"), "slot")
        if spec is not None:
            problems = spec.problems({**self.entries, "phone": self.phone})
            if problems:
                name, problem = next(iter(problems.items()))
                return FormCheck(False, problem.text(), f"field:{name}")
            missing = spec.missing_materials(set(self.provided), identified)
            if missing:
                return FormCheck(False, "请提供材料：" + "、".join(missing), "materials")
        return FormCheck(True)

    def form(self, spec: Any = None) -> dict[str, Any]:
        """The form fields sent with the application (typed by the platform's schema)."""
        values = spec.values(self.entries) if spec is not None else {}
        return {**values, "phone": self.phone, **({"slot": self.slot} if self.slot else {})}

    def materials(self) -> list[dict[str, str]]:
        """The materials sent with the application."""
        return [m.as_submission() for m in self.provided.values()]


@dataclass(frozen=True)
class LicenceMatch:
    """What an e-licence QR did for the form: the material it provides, or why not."""

    material: str | None
    message: str = ""


def material_for_licence(item: Any, check: Any) -> LicenceMatch:
    """The item's material that a verified licence (``LicenceCheck``) stands for."""
    if check is None or not check.valid:
        return LicenceMatch(None, N_("电子证照无效或已过期，请重新出示。"))
    licence_type = (check.licence or {}).get("type")
    for material in item.raw.get("materials") or []:
        if material.get("e_licence") and material.get("e_licence") == licence_type:
            return LicenceMatch(str(material.get("name")))
    return LicenceMatch(None, N_("本事项不需要这份电子证照。"))


def appointment_slots(today: date, days: int = 3) -> list[str]:
    """Half-day slots on the next ``days`` weekdays after ``today``."""
    chosen = [today + timedelta(days=n) for n in range(1, 15)
              if (today + timedelta(days=n)).weekday() < 5][:days]
    return [f"{day.isoformat()} {half}" for day in chosen for half in HALF_DAYS]
