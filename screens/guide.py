"""Item guide: four things first (what to bring, cost, how long, where), the full twelve
elements one tap away, printable, and the item's real next step (开始办理 here, or where and
when at a window)."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty
from kivy.utils import escape_markup

from kiosk.flows.geo import offering_nearest
from kiosk.flows.guide import guide_sections, guide_slip
from kiosk.flows.guide_summary import guide_summary, next_action
from kiosk.flows.where import where_answer
from kiosk.i18n import N_
from screens.widgets import EbtButton, EbtLabel, KioskScreen


class GuideScreen(KioskScreen):
    """Renders the journey's item guide."""

    prompt = "guide"
    full = BooleanProperty(False)          # the full twelve elements instead of the summary
    place = StringProperty("")             # where and when, for an item done at a window

    def toggle_full(self) -> None:
        """完整指南 / 返回摘要."""
        self.full = not self.full
        self.refresh()

    def on_leave(self, *_args: Any) -> None:
        """The summary first next time."""
        self.full = False

    def refresh(self) -> None:
        """The summary (or the full guide), where it can be done, and the next step."""
        app = self.app
        box = self.ids.sections
        box.clear_widgets()
        journey = app.journey
        if journey is None:
            return
        item = journey.item
        self.ids.title_bar.title = item.name
        term = app.terminal.config.terminal
        answer = where_answer(item, app.service_points, term.lat, term.lon)
        where = [app.tr(line) for line in answer.lines()]
        sections = (guide_sections(item, where) if self.full
                    else [*guide_summary(item)[:3], (N_("在哪办"), "\n".join(
                        [app.tr(guide_summary(item)[3][1]), *where[1:]]))])
        for title, text in sections:
            box.add_widget(EbtLabel(text=f"[b]{escape_markup(app.tr(title))}[/b]\n"
                                         f"{escape_markup(app.tr(text))}", markup=True))
        to_map = EbtButton(text=app.tr("在地图上查看可办理的服务点"), ebt_id="where_map",
                           size_hint_y=None, height=app.theme.target)
        to_map.bind(on_release=lambda _b: app.go("map"))
        box.add_widget(to_map)
        self._next = next_action(item, list(answer.nearest))
        self._place_shown = False
        self.place = ""
        self.ids.start.text = app.tr(self._next.label)
        self.ids.more.text = app.tr("返回摘要") if self.full else app.tr("完整指南")

    def spoken_content(self) -> str:
        """The four things to know, in plain sentences."""
        journey = self.app.journey
        if journey is None:
            return ""
        return "。".join(f"{self.app.tr(t)}：{self.app.tr(v)}"
                        for t, v in guide_summary(journey.item))

    def start(self) -> None:
        """开始办理 here, or say where and when the item is done at a window."""
        action = getattr(self, "_next", None)
        if action is None or action.kind == "start" or self._place_shown:
            self.app.advance()
            return
        self.place = (self.app.tr("请到以下地点办理：") + "\n" + action.place if action.place
                      else self.app.tr("请到政务服务中心窗口办理，可拨打12345咨询。"))
        self.app.speak(self.place)
        self._place_shown = True                # the citizen knows where: now 完成
        self.ids.start.text = self.app.tr("完成")

    def print_guide(self) -> None:
        """Print the guide on the receipt printer."""
        app = self.app
        journey = app.journey
        printer = app.terminal.ports.printer
        if journey is None or printer is None:
            self.notice = app.tr("打印机暂时无法打印。")
            return
        term = app.terminal.config.terminal      # the slip gives the nearest addresses
        doc = guide_slip(journey.item, app.terminal.terminal_id, app.terminal.ports.now(),
                         offering_nearest(app.service_points, journey.item.code,
                                          term.lat, term.lon))

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
