"""Application form: the applicant (masked, from the identity), a contact phone typed on
the keypad, and each material from an e-licence QR (亮证扫码) or a photo from the camera;
then submit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kiosk.flows.face import encode_jpeg
from kiosk.i18n import N_
from kiosk.payloads import ELicenceCode, Rejected
from screens.widgets import EbtButton, EbtLabel, KioskScreen


class FormScreen(KioskScreen):
    """Collects the form and materials, then asks the journey to submit."""

    prompt = "form"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.phone = ""
        self.slot = ""
        self.provided: dict[str, dict[str, Any]] = {}

    def on_kv_post(self, base_widget: Any) -> None:
        """The digit keypad."""
        self.ids.keypad.keys = [*list("1234567890"), N_("退格")]
        self.ids.keypad.target = self

    def on_key(self, key: str) -> None:
        """Digits of the contact phone."""
        self.phone = self.phone[:-1] if key == "退格" else (self.phone + key)[:11]
        self.ids.phone.text = self.phone or self.app.tr("请输入11位手机号码")

    def refresh(self) -> None:
        """Applicant, phone and the materials' state."""
        app = self.app
        journey = app.journey
        if journey is None:
            return
        self.ids.applicant.text = app.tr("申请人") + "：" + journey.masked_identity()
        self.ids.phone.text = self.phone or app.tr("请输入11位手机号码")
        box = self.ids.materials
        box.clear_widgets()
        if journey.item.flow == "appointment":
            self._slots(box)
        for material in journey.item.raw.get("materials") or []:
            name = str(material.get("name", ""))
            got = self.provided.get(name)
            if got is not None:
                state = app.tr("已提供（电子证照）") if got["via"] == "e_licence" else app.tr(
                    "已拍照")
            elif name == "居民身份证" and app.session.identified:
                state = app.tr("已核验")
            else:
                state = app.tr("可扫电子证照") if material.get("e_licence") else app.tr("请拍照")
            box.add_widget(EbtLabel(text=f"• {name}：{state}"))
            if got is None and not (name == "居民身份证" and app.session.identified):
                button = EbtButton(text=app.tr("拍照") + f"：{name}", ebt_id=f"photo_{name}",
                                   size_hint_y=None, height=app.theme.target)
                button.bind(on_release=lambda _b, n=name: self.photo(n))
                box.add_widget(button)

    def _slots(self, box: Any) -> None:
        """预约: the next working days' half-day slots."""
        app = self.app
        box.add_widget(EbtLabel(text=app.tr("请选择预约时段"), bold=True))
        today = app.terminal.ports.now().date()
        days = [today + timedelta(days=n) for n in range(1, 8)
                if (today + timedelta(days=n)).weekday() < 5][:3]
        for day in days:
            for half in ("09:00-12:00", "14:00-17:00"):
                slot = f"{day.isoformat()} {half}"
                button = EbtButton(text=slot, ebt_id=f"slot_{day.isoformat()}_{half[:2]}",
                                   selected=slot == self.slot, size_hint_y=None,
                                   height=app.theme.target)
                button.bind(on_release=lambda _b, v=slot: self._pick(v))
                box.add_widget(button)

    def _pick(self, slot: str) -> None:
        self.slot = slot
        self.refresh()

    def photo(self, name: str) -> None:
        """Take the material's photo from the camera's current frame."""
        camera = self.app.terminal.devices.get("camera")
        frame = camera.latest_frame() if camera is not None else None
        if frame is None:
            self.notice = self.app.tr("摄像头不可用，请扫描电子证照，或联系工作人员。")
            return
        self.provided[name] = {"name": name, "via": "photo", "bytes": len(encode_jpeg(
            frame.image))}
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
            if check is None or not check.valid:
                self.notice = self.app.tr("电子证照无效或已过期，请重新出示。")
                return
            licence = check.licence or {}
            wanted = [m for m in self.app.journey.item.raw.get("materials") or []
                      if m.get("e_licence") and m.get("e_licence") == licence.get("type")]
            if not wanted:
                self.notice = self.app.tr("本事项不需要这份电子证照。")
                return
            target = str(wanted[0].get("name"))
            self.provided[target] = {"name": target, "via": "e_licence",
                                     "licence_type": licence.get("type", "")}
            self.notice = ""
            self.refresh()

        self.app.run_async(lambda: platform.verify_licence(text), done)

    def submit(self) -> None:
        """Submit the application (durably queued first)."""
        app = self.app
        journey = app.journey
        if journey is None:
            return
        if len(self.phone) != 11:
            self.notice = app.tr("请输入11位手机号码")
            return
        if journey.item.flow == "appointment" and not self.slot:
            self.notice = app.tr("请选择预约时段")
            return
        form = {"phone": self.phone, **({"slot": self.slot} if self.slot else {})}
        materials = [{"name": m["name"], "via": m["via"]} for m in self.provided.values()]
        app.run_async(lambda: journey.submit_form(form, materials), lambda _s: self._done())

    def _done(self) -> None:
        self.phone, self.provided, self.slot = "", {}, ""
        self.app.show_step()

    def wipe(self) -> None:
        """The applicant, the phone typed and the materials go with the visit."""
        super().wipe()
        self.phone, self.provided, self.slot = "", {}, ""
        self.ids.applicant.text = ""
        self.ids.phone.text = ""
        self.ids.materials.clear_widgets()

    def on_leave(self, *_args: Any) -> None:
        """Forget what was typed when the visit ends."""
        if self.app.journey is None:
            self.phone, self.provided = "", {}

    def demo(self, **state: Any) -> None:
        """An application form with a phone typed in."""
        self.app.open_demo_journey(str(state.get("code", "KM-HPF-005")))
        self.phone = str(state.get("phone", "13800000000"))
        self.refresh()
