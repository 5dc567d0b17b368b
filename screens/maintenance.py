"""Maintenance (operator PIN): device self-test, paper state, last errors, catalog sync,
and the only way out of the kiosk to the desktop."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk import operator
from kiosk.i18n import N_
from screens.widgets import EbtLabel, KioskScreen


class MaintenanceScreen(KioskScreen):
    """Locked until the operator PIN is typed."""

    prompt = ""
    unlocked = BooleanProperty(False)
    pin = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        """The PIN keypad."""
        self.ids.keypad.keys = [*list("1234567890"), N_("退格"), N_("确定")]
        self.ids.keypad.target = self

    def on_key(self, key: str) -> None:
        """PIN digits; 确定 checks the PIN against its scrypt hash; wrong tries lock the
        keypad for longer and longer (:class:`kiosk.pin.PinGuard`, kept across restarts)."""
        if key == "退格":
            self.pin = self.pin[:-1]
        elif key == "确定":
            guard = self.app.terminal.pin_guard
            result = guard.check(self.pin) if guard is not None else None
            if result is not None and result.ok:
                self.unlocked, self.notice = True, ""
                self.app.terminal.bus.publish("maintenance.entered", None)
                self.refresh()
            elif result is not None and result.locked_for_s > 0:
                self.notice = self.app.tr("密码错误") + f" ({int(result.locked_for_s) + 1} s)"
            else:
                self.notice = self.app.tr("密码错误")
            self.pin = ""
        elif len(self.pin) < 12:
            self.pin += key

    def refresh(self) -> None:
        """Device states, paper and cover, catalog, queue and recent faults — in words
        (kiosk.operator), never raw driver values."""
        box = self.ids.report
        box.clear_widgets()
        if not self.unlocked:
            return
        app = self.app
        tr = app.tr
        terminal = app.terminal
        for line in operator.device_lines(terminal.device_states(), tr):
            box.add_widget(EbtLabel(text=line))
        printer = terminal.printer
        details = dict(printer.status().details) if printer else None
        box.add_widget(EbtLabel(text=operator.paper_line(details, tr), bold=True))
        box.add_widget(EbtLabel(text=operator.catalog_line(
            terminal.catalog.version, terminal.catalog_error, tr)))
        pending = terminal.outbox.counts().get("pending", 0)
        box.add_widget(EbtLabel(text=tr("待发送") + f"：{pending}"))
        box.add_widget(EbtTitle2(text=tr("最近错误")))
        history = terminal.fault_history.entries() if terminal.fault_history else []
        lines = [operator.fault_line(e.at, e.device, e.state, e.message, tr)
                 for e in history[-8:]]
        for line in lines or [tr("暂无")]:
            box.add_widget(EbtLabel(text=line, color=app.theme.muted))

    def self_test(self) -> None:
        """Reset every device and report."""
        devices = list(self.app.terminal.devices.values())
        self.app.run_async(lambda: [d.reset() for d in devices], lambda _r: self.refresh())

    def sync_catalog(self) -> None:
        """Sync the catalog from the platform now."""
        self.app.run_async(self.app.terminal.refresh_catalog, lambda _r: self.refresh())

    def on_leave(self, *_args: Any) -> None:
        """Lock again."""
        self.unlocked, self.pin, self.notice = False, "", ""

    def demo(self, **state: Any) -> None:
        """The unlocked report."""
        self.unlocked = bool(state.get("unlocked", True))
        self.refresh()


class EbtTitle2(EbtLabel):
    """A bold section label inside the report."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(bold=True, **kwargs)
