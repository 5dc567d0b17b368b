"""The operator's side of the terminal, in plain Chinese (no Kivy).

- :class:`SecretTaps`: the hidden way to the maintenance screen — five taps in the
  attract screen's top-left corner within a few seconds (then the operator PIN). There is
  no visible 运维 button for a citizen to wander into.
- :func:`device_lines`, :func:`paper_line`, :func:`fault_line`, :func:`catalog_line`: what
  the maintenance screen says about devices, paper, cover, catalog and recent faults, as
  message ids (Chinese) to translate — never a raw ``no printer``, ``ok`` or
  ``cover_open=False``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from kiosk.i18n import N_

Translate = Callable[[str], str]

#: taps in the corner, and the seconds they must fall within
SECRET_TAPS = 5
SECRET_WINDOW_S = 6.0


class SecretTaps:
    """Counts taps; :meth:`tap` is True on the ``taps``-th tap within ``window_s``."""

    def __init__(self, taps: int = SECRET_TAPS, window_s: float = SECRET_WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.taps, self.window_s, self._clock = taps, window_s, clock
        self._times: list[float] = []

    def tap(self, at: float | None = None) -> bool:
        """One tap (now, or at ``at``); True when it completes the sequence (which then
        starts again from zero)."""
        now = self._clock() if at is None else at
        self._times = [t for t in self._times if now - t <= self.window_s] + [now]
        if len(self._times) >= self.taps:
            self._times = []
            return True
        return False

    def reset(self) -> None:
        """Forget the taps so far (the screen was left)."""
        self._times = []


DEVICE_NAMES = {
    "idcard": N_("身份证读卡器"), "printer": N_("凭条打印机"), "scanner": N_("扫码器"),
    "camera": N_("摄像头"), "a4": N_("A4打印机"), "cash": N_("收款设备"),
}
STATES = {
    "online": N_("正常"), "offline": N_("离线"), "power_off": N_("未通电"),
    "no_device": N_("未连接"), "hardware_error": N_("硬件故障"), "user_error": N_("操作有误"),
    "busy": N_("忙"), "starting": N_("正在启动"), "print_failed": N_("打印失败"),
}
PAPER = {"ok": N_("纸张充足"), "low": N_("纸将用完"), "out": N_("缺纸"),
         "unknown": N_("纸张状态未知")}
MEDIA = {"present": N_("读卡区有卡"), "not_present": N_("读卡区无卡")}
SCANNING = {"on": N_("扫码已开启"), "off": N_("扫码未开启"), "inoperative": N_("扫码不可用")}
#: driver messages an operator may meet, in Chinese; anything else is not shown raw
MESSAGES = {
    "ready": N_("就绪"),
    "paper is low": N_("纸将用完"),
    "printer does not answer (offline or powered off)": N_("打印机无应答（离线或未通电）"),
    "printer reports an error": N_("打印机报告故障"),
    "printer cover is open": N_("打印机纸仓盖打开"),
    "printer is out of paper": N_("打印机缺纸"),
    "printer is offline": N_("打印机离线"),
}
#: completion codes (a print that failed) in words
COMPLETIONS = {"device_not_ready": N_("设备未就绪"), "hardware_error": N_("硬件故障"),
               "timeout": N_("超时"), "canceled": N_("已取消"),
               "invalid_data": N_("内容无法打印"), "unsupported": N_("设备不支持")}
UNKNOWN_MESSAGE = N_("原因见运维日志")
NO_PRINTER = N_("未配置凭条打印机")
SEP = "；"


def device_name(name: str, tr: Translate) -> str:
    """The device's Chinese name (its configured name when unknown)."""
    return tr(DEVICE_NAMES[name]) if name in DEVICE_NAMES else name


def message_text(message: str, tr: Translate) -> str:
    """A driver message in words (known ones), else a pointer to the log ("" if none)."""
    message = (message or "").strip()
    if not message:
        return ""
    if message in COMPLETIONS:
        return tr(COMPLETIONS[message])
    for known, words in MESSAGES.items():
        if message.lower().startswith(known):
            return tr(words)
    return tr(UNKNOWN_MESSAGE)


def device_line(name: str, state: Mapping[str, Any], tr: Translate) -> str:
    """``凭条打印机：离线；缺纸；纸仓盖打开`` — state, then the details that matter."""
    parts = [tr(STATES.get(str(state.get("state")), N_("状态未知")))]
    paper = state.get("paper")
    if paper in PAPER and paper != "unknown":
        parts.append(tr(PAPER[paper]))
    if state.get("cover_open") is True:
        parts.append(tr(N_("纸仓盖打开")))
    if state.get("error") is True:
        parts.append(tr(N_("打印机报告故障")))
    if state.get("answered") is False:
        parts.append(tr(N_("无应答")))
    if state.get("media") in MEDIA:
        parts.append(tr(MEDIA[state["media"]]))
    if state.get("scanner") in SCANNING:
        parts.append(tr(SCANNING[state["scanner"]]))
    words = message_text(str(state.get("message") or ""), tr)
    if words and len(parts) == 1 and parts[0] not in words and state.get("state") != "online":
        parts.append(words)          # the driver's reason, when no detail above says it
    return f"{device_name(name, tr)}：{SEP.join(parts)}"


def device_lines(states: Mapping[str, Mapping[str, Any]], tr: Translate) -> list[str]:
    """One line per device, in the order configured."""
    return [device_line(name, state, tr) for name, state in states.items()]


def paper_line(details: Mapping[str, Any] | None, tr: Translate) -> str:
    """``纸张：缺纸；纸仓盖打开`` from the printer's status details, or that there is no
    receipt printer configured."""
    if details is None:
        return f"{tr(N_('纸张'))}：{tr(NO_PRINTER)}"
    parts = [tr(PAPER.get(str(details.get("paper")), PAPER["unknown"]))]
    cover = details.get("cover_open")
    if cover is True:
        parts.append(tr(N_("纸仓盖打开")))
    elif cover is False:
        parts.append(tr(N_("纸仓盖已关好")))
    return f"{tr(N_('纸张'))}：{SEP.join(parts)}"


def catalog_line(version: Any, error: str, tr: Translate) -> str:
    """``事项目录：版本 12；同步正常`` (or that the last sync failed and the cache is used)."""
    status = tr(N_("同步正常")) if not error else tr(N_("同步失败，正在使用本机缓存"))
    return f"{tr(N_('事项目录'))}：{tr(N_('版本'))} {version}{SEP}{status}"


def fault_line(at: float, device: str, state: str, message: str, tr: Translate) -> str:
    """``14:02:11 凭条打印机 离线：打印机缺纸`` for the recent-faults list."""
    stamp = time.strftime("%H:%M:%S", time.localtime(at))
    words = message_text(message, tr)
    tail = f"：{words}" if words else ""
    return f"{stamp} {device_name(device, tr)} {tr(STATES.get(state, N_('状态未知')))}{tail}"
