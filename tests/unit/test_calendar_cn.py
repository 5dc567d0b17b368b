"""Working days on the Chinese public-holiday calendar, local date formats, and the
platform simulator's promised date (承诺办结) that never lands on a day off."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.calendar_cn import (
    WorkingCalendar,
    format_date,
    format_datetime,
    format_iso,
    format_time,
)
from simulator.platform.cases import Cases
from simulator.platform.store import Store

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def test_weekends_holidays_and_make_up_days(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(D(2026, 11, 27))          # Friday
    assert not cal.is_working_day(D(2026, 11, 29))      # Sunday
    assert not cal.is_working_day(D(2026, 10, 1))       # 国庆节
    assert not cal.is_working_day(D(2026, 2, 18))       # 春节, a Wednesday
    assert cal.is_working_day(D(2026, 10, 10))          # 调休: a Saturday at work
    assert cal.is_working_day(dt.datetime(2026, 1, 4, 9, 30))   # a make-up Sunday


def test_seven_working_days_from_a_sunday(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(D(2026, 11, 29), 7) == D(2026, 12, 8)
    assert cal.add_working_days(dt.datetime(2026, 11, 29, 15, 50), 7) == D(2026, 12, 8)


def test_counting_across_national_day_and_spring_festival(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)  # make-up Saturday
    assert cal.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert cal.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)


def test_zero_days_is_today_or_the_next_working_day(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(D(2026, 11, 27), 0) == D(2026, 11, 27)
    assert cal.add_working_days(D(2026, 11, 28), 0) == D(2026, 11, 30)


def test_no_result_is_ever_a_day_off(cal: WorkingCalendar) -> None:
    start = D(2026, 1, 1)
    for offset in range(0, 365, 3):
        day = start + dt.timedelta(days=offset)
        for n in (1, 5, 7, 20):
            due = cal.add_working_days(day, n)
            assert cal.is_working_day(due)
            assert cal.working_days_between(day, due) == n


def test_a_year_not_yet_published_falls_back_to_weekends_and_fixed_holidays(
        cal: WorkingCalendar) -> None:
    assert cal.known(D(2026, 6, 1))
    assert not cal.known(D(2031, 6, 1))
    assert not cal.is_working_day(D(2031, 1, 1))        # 元旦, a Wednesday
    assert not cal.is_working_day(D(2031, 10, 3))
    assert cal.is_working_day(D(2031, 10, 6))
    assert cal.add_working_days(D(2030, 12, 30), 2) == D(2031, 1, 2)


def test_the_lookup_is_injected() -> None:
    def every_day_but_the_13th(day: dt.date) -> bool:
        if day.year > 2000:
            raise NotImplementedError
        return day.day != 13

    cal = WorkingCalendar(every_day_but_the_13th)
    assert cal.add_working_days(D(1999, 1, 12), 1) == D(1999, 1, 14)
    assert not cal.known(D(2001, 1, 1))


def test_local_formats_never_iso() -> None:
    assert format_date(D(2026, 11, 29)) == "2026年11月29日"
    assert format_date(D(2026, 11, 29), weekday=True) == "2026年11月29日（星期日）"
    assert format_time(dt.time(9, 5)) == "09:05"
    assert format_datetime(dt.datetime(2026, 11, 29, 15, 50, 12)) == "2026年11月29日 15:50"
    beijing = dt.timezone(dt.timedelta(hours=8))
    utc = dt.datetime(2026, 11, 29, 7, 50, tzinfo=dt.UTC)
    assert format_datetime(utc, beijing) == "2026年11月29日 15:50"
    assert format_iso("2026-12-08") == "2026年12月8日"
    assert format_iso("2026-11-29T15:50:00+08:00", beijing) == "2026年11月29日 15:50"
    assert format_iso("明天") == "明天"


def test_simulator_promises_a_working_day() -> None:
    cases = Cases(Store(), step_s=60)
    sunday_afternoon = dt.datetime(2026, 11, 29, 15, 50).timestamp()
    case_no, _ = cases.submit({"code": "X1", "name": "测试事项", "flow": "application"},
                              "h", "T1", "k1", {}, [], sunday_afternoon)
    progress = cases.progress(case_no, sunday_afternoon + 10, promised_days=7)
    assert progress["promised_by"] == "2026-12-08"
    eve = dt.datetime(2026, 9, 30, 10, 0).timestamp()
    case_no, _ = cases.submit({"code": "X1", "name": "测试事项", "flow": "application"},
                              "h", "T1", "k2", {}, [], eve)
    assert cases.progress(case_no, eve, promised_days=1)["promised_by"] == "2026-10-08"
