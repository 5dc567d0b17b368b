"""Home categories ranked by real use, and the outcome's key answer and next step (no Kivy)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from common.events import EventBus
from kiosk.calendar_cn import WorkingCalendar
from kiosk.flows.categories import BY_KEY, CATEGORIES, CategoryUsage, category_of, ranked
from kiosk.flows.outcome import group_digits, outcome_of
from kiosk.flows.results import JourneyResult
from kiosk.platform.models import ApplicationReceipt


def _item(code: str, department: str, flow: str = "query", popularity: int = 1,
          promised: int = 0) -> Any:
    return SimpleNamespace(code=code, name=code, department=department, flow=flow,
                           popularity=popularity, raw={"promised_time_limit_days": promised})


ITEMS = [_item("fund-1", "昆明住房公积金管理中心", popularity=90),
         _item("tax-1", "国家税务总局昆明市税务局", popularity=50),
         _item("cert-1", "昆明市民政局", flow="certificate", popularity=10)]


class Catalog:
    def get(self, code: str) -> Any:
        return next((i for i in ITEMS if i.code == code), None)


def test_every_category_the_issue_names_is_there() -> None:
    names = [c.name for c in CATEGORIES]
    assert names == ["社保", "医保", "公积金", "户政", "出入境", "交管", "税务", "不动产",
                     "办件查询", "证照打印", "预约"]
    assert category_of(ITEMS[0]) is BY_KEY["fund"]
    assert category_of(ITEMS[2]) is BY_KEY["certificates"]


def test_own_use_outranks_the_platforms_popularity_and_survives_a_restart(
        tmp_path: Path) -> None:
    assert [c.key for c in ranked(ITEMS, {})][:2] == ["fund", "progress"]
    bus = EventBus()
    usage = CategoryUsage(tmp_path / "usage.json", bus, Catalog())
    for _ in range(3):
        bus.publish("journey.started", {"item": "tax-1", "flow": "query"})
    bus.publish("journey.started", {"item": "", "flow": "progress"})
    assert usage.counts() == {"tax": 3, "progress": 1}
    assert ranked(ITEMS, usage.counts())[0].key == "tax"
    again = CategoryUsage(tmp_path / "usage.json", EventBus(), Catalog())
    assert again.counts() == {"tax": 3, "progress": 1}
    assert (tmp_path / "usage.json").stat().st_mode & 0o077 == 0


def _journey(flow: str, result: JourneyResult, promised: int = 0) -> Any:
    return SimpleNamespace(item=_item("x", "d", flow=flow, promised=promised), result=result,
                           message=None, printed=False, masked_identity=lambda: "",
                           result_rows=lambda: [], receipt_document=lambda: object())


def test_an_accepted_application_says_its_number_and_a_working_day_date() -> None:
    receipt = ApplicationReceipt("53010020261127000001", False, "accepted", "已受理",
                                 "EBT1:CASE:53010020261127000001", "2026-11-27T16:00:00")
    journey = _journey("application", JourneyResult(case=receipt, submitted=True), promised=2)
    # Friday 27 November 2026 + 2 working days = Tuesday 1 December, never a weekend day
    outcome = outcome_of(journey, dt.date(2026, 11, 27), WorkingCalendar())
    assert outcome.ok and outcome.key_label == "受理编号"
    assert outcome.key_value == "5301 0020 2611 2700 0001"
    assert outcome.next_values == {"days": "2", "date": "2026年12月1日"}


def test_an_unsent_application_is_a_warning() -> None:
    journey = _journey("application", JourneyResult(submitted=True))
    outcome = outcome_of(journey, dt.date(2026, 11, 27), WorkingCalendar())
    assert not outcome.ok and outcome.key_label == "申请已保存"


def test_grouping_digits() -> None:
    assert group_digits("530100202611270001") == "5301 0020 2611 2700 01"
