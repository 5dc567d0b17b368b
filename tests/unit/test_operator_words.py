"""The maintenance screen's words (kiosk/operator.py) and the hidden way in."""

from __future__ import annotations

import re

from kiosk.operator import (
    SECRET_TAPS,
    SecretTaps,
    catalog_line,
    device_lines,
    fault_line,
    paper_line,
)


def tr(text: str) -> str:
    return text


RAW = re.compile(r"[A-Za-z_]+=|\bok\b|no printer|online|offline|unknown|None|True|False")


def test_device_states_are_said_in_chinese() -> None:
    states = {
        "idcard": {"state": "online", "message": "", "media": "not_present", "sam_id": "x"},
        "printer": {"state": "offline", "message": "printer cover is open", "paper": "out",
                    "cover_open": True, "error": False, "answered": True},
        "scanner": {"state": "online", "message": "", "scanner": "off", "mode": "command"},
        "camera": {"state": "no_device", "message": "DEVICE camera NOT AVAILABLE: /dev/video0"},
    }
    lines = device_lines(states, tr)
    assert lines == [
        "身份证读卡器：正常；读卡区无卡",
        "凭条打印机：离线；缺纸；纸仓盖打开",
        "扫码器：正常；扫码未开启",
        "摄像头：未连接；原因见运维日志",
    ]
    assert not any(RAW.search(line) for line in lines)
    offline = {"printer": {"state": "offline", "message": "printer does not answer (offline "
                           "or powered off)", "paper": "unknown", "answered": False}}
    assert device_lines(offline, tr) == ["凭条打印机：离线；无应答"]
    assert device_lines({"printer": {"state": "offline", "message": "printer is offline"}},
                        tr) == ["凭条打印机：离线"]


def test_paper_and_cover_in_words() -> None:
    assert paper_line({"paper": "ok", "cover_open": False}, tr) == "纸张：纸张充足；纸仓盖已关好"
    assert paper_line({"paper": "low", "cover_open": None}, tr) == "纸张：纸将用完"
    assert paper_line({"paper": "unknown", "cover_open": None}, tr) == "纸张：纸张状态未知"
    assert paper_line(None, tr) == "纸张：未配置凭条打印机"


def test_catalog_and_faults_in_words() -> None:
    assert catalog_line(12, "", tr) == "事项目录：版本 12；同步正常"
    assert (catalog_line(12, "PlatformUnavailable", tr)
            == "事项目录：版本 12；同步失败，正在使用本机缓存")
    line = fault_line(0.0, "printer", "print_failed", "device_not_ready", tr)
    assert line.endswith(" 凭条打印机 打印失败：设备未就绪")
    assert fault_line(0.0, "idcard", "online", "", tr).endswith(" 身份证读卡器 正常")
    assert not RAW.search(fault_line(0.0, "printer", "offline", "connection refused", tr))


def test_five_taps_within_the_window_open_it_once() -> None:
    taps = SecretTaps()
    assert SECRET_TAPS == 5
    assert [taps.tap(at=t) for t in (0.0, 0.5, 1.0, 1.5)] == [False] * 4
    assert taps.tap(at=2.0) is True
    assert taps.tap(at=2.1) is False                  # it starts again from zero


def test_slow_or_interrupted_taps_do_not_open_it() -> None:
    taps = SecretTaps(window_s=6.0)
    assert not any(taps.tap(at=t * 2.0) for t in range(5))     # 5 taps over 8 s
    taps = SecretTaps()
    for t in (0.0, 0.2, 0.4, 0.6):
        taps.tap(at=t)
    taps.reset()
    assert taps.tap(at=0.8) is False
