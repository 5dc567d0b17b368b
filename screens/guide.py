"""Item guide: every guide element, readable and printable, then 开始办理."""

from __future__ import annotations

from typing import Any

from kivy.utils import escape_markup

from kiosk.flows.guide import guide_sections, guide_slip
from kiosk.flows.where import where_answer
from screens.widgets import EbtButton, EbtLabel, KioskScreen


class GuideScreen(KioskScreen):
    """Renders the journey's item guide."""

    prompt = "guide"

    def refresh(self) -> None:
        """Fill the sections from the current journey's item."""
        app = self.app
        box = self.ids.sections
        box.clear_widgets()
        journey = app.journey
        if journey is None:
            return
        self.ids.title_bar.title = journey.item.name
        term = app.terminal.config.terminal
        where = where_answer(journey.item, app.service_points, term.lat, term.lon).lines()
        for title, text in guide_sections(journey.item, [app.tr(line) for line in where]):
            box.add_widget(EbtLabel(text=f"[b]{escape_markup(app.tr(title))}[/b]\n"
                                         f"{escape_markup(text)}", markup=True))
        to_map = EbtButton(text=app.tr("在地图上查看可办理的服务点"), ebt_id="where_map",
                           size_hint_y=None, height=app.theme.target)
        to_map.bind(on_release=lambda _b: app.go("map"))
        box.add_widget(to_map)
        self.ids.start.text = app.tr("完成" if journey.item.flow == "guide" else "开始办理")

    def print_guide(self) -> None:
        """Print the guide on the receipt printer."""
        app = self.app
        journey = app.journey
        printer = app.terminal.ports.printer
        if journey is None or printer is None:
            self.notice = app.tr("打印机暂时无法打印。")
            return
        doc = guide_slip(journey.item, app.terminal.terminal_id, app.terminal.ports.now())

        def done(result: Any) -> None:
            ok = result is not None and result.ok
            self.notice = app.tr("指南已打印，请取走。") if ok else app.tr(
                "打印机暂时无法打印。请拍照保存本页，工作人员已收到通知。")
            if not ok:
                app.terminal.bus.publish("journey.print_failed", {"item": journey.item.code})

        app.run_async(lambda: printer.print_document(doc, timeout=30), done)

    def demo(self, **state: Any) -> None:
        """Open the guide of ``code`` (default: the provident-fund account query)."""
        self.app.open_demo_journey(str(state.get("code", "KM-HPF-002")))
        self.refresh()
