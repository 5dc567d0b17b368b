"""Application form: the applicant (masked, from the identity), a contact phone typed on
the keypad, and each material from an e-licence QR (亮证扫码) or a photo from the camera;
then submit. The rules (what is needed, what a licence stands for, whether the form may be
sent) are the core's :class:`~kiosk.flows.application_form.ApplicationDraft`."""

from __future__ import annotations

from typing import Any

from kiosk.flows.application_form import (
    ApplicationDraft,
    ProvidedMaterial,
    appointment_slots,
    material_for_licence,
)
from kiosk.i18n import N_
from kiosk.payloads import ELicenceCode, Rejected
from screens.widgets import EbtButton, EbtLabel, KioskScreen


class FormScreen(KioskScreen):
    """Renders an :class:`ApplicationDraft` and asks the journey to submit it."""

    prompt = "form"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.draft = ApplicationDraft()

    def on_kv_post(self, base_widget: Any) -> None:
        """The digit keypad."""
        self.ids.keypad.keys = [*list("123456789"), ".", "0", N_("退格")]
        self.ids.keypad.target = self

    def on_key(self, key: str) -> None:
        """A key into the focused field: the contact phone, or an amount or date field."""
        spec = self._spec()
        focused = spec.field(self.draft.focus) if spec is not None else None
        self.draft.type_key(key, focused.kind if focused is not None else "phone")
        if self.draft.focus == "phone":
            self.ids.phone.text = self.draft.phone or self.app.tr("请输入11位手机号码")
        else:
            self.refresh()

    def _spec(self) -> Any:
        journey = self.app.journey
        return getattr(journey, "form_spec", None) if journey is not None else None

    def _focus(self, name: str) -> None:
        self.draft.focus = name
        self.refresh()

    def _choose(self, name: str, option: str) -> None:
        self.draft.choose(name, option)
        self.refresh()

    def _fields(self, box: Any, spec: Any) -> None:
        """The platform's form fields: options as buttons; amounts and dates typed on the
        keypad once the field is touched (the phone above is the first field)."""
        app = self.app
        for f in spec.fields:
            if f.kind == "text" and not f.required:
                continue
            value = self.draft.phone if f.kind == "phone" else self.draft.entries.get(f.name, "")
            star = "*" if f.required else ""
            if f.kind == "choice":
                box.add_widget(EbtLabel(text=f"{star}{f.title}", bold=True))
                for n, option in enumerate(f.options):
                    button = EbtButton(text=option, ebt_id=f"field_{f.name}_{n}",
                                       selected=option == value, size_hint_y=None,
                                       height=app.theme.target)
                    button.bind(on_release=lambda _b, k=f.name, o=option: self._choose(k, o))
                    box.add_widget(button)
                continue
            hint = {"amount": app.tr("元"), "date": app.tr("年月日8位数字")}.get(f.kind, "")
            shown = value or app.tr("点此后用数字键输入")
            button = EbtButton(text=f"{star}{f.title}：{shown} {hint}".strip(),
                               ebt_id=f"field_{f.name}", selected=self.draft.focus == f.name,
                               size_hint_y=None, height=app.theme.target)
            button.bind(on_release=lambda _b, k=f.name: self._focus(
                "phone" if k == "phone" else k))
            box.add_widget(button)

    def refresh(self) -> None:
        """Applicant, phone and the materials' state."""
        app = self.app
        journey = app.journey
        if journey is None:
            return
        self.ids.applicant.text = app.tr("申请人") + "：" + journey.masked_identity()
        self.ids.phone.text = self.draft.phone or app.tr("请输入11位手机号码")
        box = self.ids.materials
        box.clear_widgets()
        if journey.item.flow == "appointment":
            self._slots(box)
        spec = self._spec()
        if spec is not None:
            self._fields(box, spec)
        for state in self.draft.material_states(journey.item, app.session.identified):
            box.add_widget(EbtLabel(text=f"• {state.name}：{app.tr(state.status)}"))
            if state.needs_photo:
                button = EbtButton(text=app.tr("拍照") + f"：{state.name}",
                                   ebt_id=f"photo_{state.name}", size_hint_y=None,
                                   height=app.theme.target)
                button.bind(on_release=lambda _b, n=state.name: self.photo(n))
                box.add_widget(button)

    def _slots(self, box: Any) -> None:
        """预约: the next working days' half-day slots."""
        app = self.app
        box.add_widget(EbtLabel(text=app.tr("请选择预约时段"), bold=True))
        for slot in appointment_slots(app.terminal.ports.now().date()):
            day, half = slot.split(" ")
            button = EbtButton(text=slot, ebt_id=f"slot_{day}_{half[:2]}",
                               selected=slot == self.draft.slot, size_hint_y=None,
                               height=app.theme.target)
            button.bind(on_release=lambda _b, v=slot: self._pick(v))
            box.add_widget(button)

    def _pick(self, slot: str) -> None:
        self.draft.slot = slot
        self.refresh()

    def photo(self, name: str) -> None:
        """Take the material's photo from the camera's current frame."""
        camera = self.app.terminal.camera
        frame = camera.latest_frame() if camera is not None else None
        if frame is None:
            self.notice = self.app.tr("摄像头不可用，请扫描电子证照，或联系工作人员。")
            return
        self.draft.add_photo(name)
        self.refresh()

    def on_code(self, payload: Any, text: str) -> None:
        """An e-licence QR: verify it with the platform and mark the matching material."""
        if isinstance(payload, Rejected):
            self.notice = payload.message_zh if self.app.lang == "zh_CN" else payload.message_en
            return
        if not isinstance(payload, ELicenceCode):
            return
        platform = self.app.terminal.platform

        def done(check: Any) -> None:
            journey = self.app.journey
            if journey is None:
                return
            match = material_for_licence(journey.item, check)
            if match.material is None:
                self.notice = self.app.tr(match.message)
                return
            licence_type = str((check.licence or {}).get("type", ""))
            self.draft.provided[match.material] = ProvidedMaterial(
                match.material, "e_licence", licence_type)
            self.notice = ""
            self.refresh()

        self.app.run_async(lambda: platform.verify_licence(text), done)

    def submit(self) -> None:
        """Submit the application (durably queued first)."""
        app = self.app
        journey = app.journey
        if journey is None:
            return
        spec = self._spec()
        check = self.draft.check(journey.item, spec, app.session.identified)
        if not check.ok:
            self.notice = app.tr(check.message)
            return
        form, materials = self.draft.form(spec), self.draft.materials()
        app.run_async(lambda: journey.submit_form(form, materials), lambda _s: self._done())

    def _done(self) -> None:
        journey = self.app.journey
        if journey is not None and journey.message is not None \
                and journey.message.code == "refused":       # the platform said what is wrong
            self.notice = self.app.tr(journey.message.message)
            return
        self.draft = ApplicationDraft()
        self.app.show_step()

    def wipe(self) -> None:
        """The applicant, the phone typed and the materials go with the visit."""
        super().wipe()
        self.draft = ApplicationDraft()
        self.ids.applicant.text = ""
        self.ids.phone.text = ""
        self.ids.materials.clear_widgets()

    def on_leave(self, *_args: Any) -> None:
        """Forget what was typed when the visit ends."""
        if self.app.journey is None:
            self.draft = ApplicationDraft()

    def demo(self, **state: Any) -> None:
        """An application form with a phone typed in."""
        self.app.open_demo_journey(str(state.get("code", "KM-HPF-005")))
        self.draft.phone = str(state.get("phone", "13800000000"))
        self.refresh()
