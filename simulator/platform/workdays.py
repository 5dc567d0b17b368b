"""The Chinese working-day calendar: weekends, statutory holidays and make-up working days
(调休), from the State Council's yearly notices as packaged by ``chinese-calendar``.

For a year the package does not know yet (the notice for next year comes out in
November), weekends are the only days off and ``known`` says so.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, the calendar for that year is known)."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:
        return day.weekday() < 5, False


def holiday_name(day: dt.date) -> str | None:
    """The statutory holiday on ``day`` (English name), if any."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return str(name) if on_holiday and name else None


def next_workdays(start: dt.date, count: int, limit_days: int = 60) -> list[dt.date]:
    """The first ``count`` working days from ``start`` (inclusive)."""
    days: list[dt.date] = []
    day = start
    while len(days) < count and (day - start).days < limit_days:
        if is_workday(day)[0]:
            days.append(day)
        day += dt.timedelta(days=1)
    return days
