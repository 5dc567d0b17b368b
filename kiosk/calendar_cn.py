"""Working days of the Chinese public-holiday calendar, and dates as citizens read them.

Time limits on a receipt (承诺7个工作日) count working days: no weekend, no statutory
holiday, but the make-up working days (调休上班) that the State Council moves onto a
Saturday or Sunday do count. The yearly arrangement comes from the ``chinese-calendar``
package (the State Council's notices, updated each November for the next year). For a year
it does not know yet, :class:`WorkingCalendar` falls back to weekends plus the holidays
fixed on the solar calendar (元旦 1.1, 劳动节 5.1–5.2, 国庆节 10.1–10.3, as in the
national holiday rules in force since 2025) and :meth:`WorkingCalendar.known` says False;
the lunar holidays (春节, 清明, 端午, 中秋) cannot be known before the notice.

Dates and times on screen and paper are written ``2026年11月29日 15:50``, never ISO.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import chinese_calendar

WEEKDAYS = "一二三四五六日"
# Statutory days off fixed on the solar calendar (month, day).
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})

Lookup = Callable[[dt.date], bool]


def _package_lookup(day: dt.date) -> bool:
    """chinese-calendar's answer; NotImplementedError for a year it does not know."""
    return bool(chinese_calendar.is_workday(day))


class WorkingCalendar:
    """Is a day a working day, and which day is n working days later.

    ``lookup`` answers "working day?" for the years it knows and raises
    NotImplementedError for the others (the default is the chinese-calendar package).
    """

    def __init__(self, lookup: Lookup = _package_lookup) -> None:
        self._lookup = lookup

    def known(self, day: dt.date) -> bool:
        """True when the holiday arrangement of ``day``'s year is published and packaged."""
        try:
            self._lookup(day)
        except NotImplementedError:
            return False
        return True

    def is_working_day(self, day: dt.date | dt.datetime) -> bool:
        """A day on which offices are open (make-up Saturdays included)."""
        day = _as_date(day)
        try:
            return self._lookup(day)
        except NotImplementedError:
            return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS

    def add_working_days(self, day: dt.date | dt.datetime, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``day`` itself never counts, as a time
        limit runs from the day after acceptance). ``n == 0``: ``day`` if it is a working
        day, else the next one. Negative ``n`` counts back."""
        current = _as_date(day)
        if n == 0:
            while not self.is_working_day(current):
                current += dt.timedelta(days=1)
            return current
        step = dt.timedelta(days=1 if n > 0 else -1)
        left = abs(n)
        while left:
            current += step
            if self.is_working_day(current):
                left -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        count, current = 0, start
        while current < end:
            current += dt.timedelta(days=1)
            count += self.is_working_day(current)
        return count


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def format_date(value: dt.date | dt.datetime, weekday: bool = False) -> str:
    """``2026年11月29日`` (with ``weekday``: ``2026年11月29日（星期日）``)."""
    day = _as_date(value)
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}（星期{WEEKDAYS[day.weekday()]}）" if weekday else text


def format_time(value: dt.datetime | dt.time) -> str:
    """``15:50`` (24-hour, minutes)."""
    return f"{value.hour:02d}:{value.minute:02d}"


def format_clock(value: dt.datetime) -> str:
    """``11月29日 15:50``: the date and time on the terminal's permanent bar."""
    return f"{value.month}月{value.day}日 {format_time(value)}"


def format_datetime(value: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """``2026年11月29日 15:50``; an aware time is first converted to ``tz`` (default: the
    terminal's local zone)."""
    if value.tzinfo is not None:
        value = value.astimezone(tz)
    return f"{format_date(value)} {format_time(value)}"


def format_iso(text: str, tz: dt.tzinfo | None = None) -> str:
    """A platform ISO date (``2026-12-08``) or timestamp (``2026-11-29T15:50:00+08:00``)
    as the citizen reads it; text that is not ISO comes back unchanged."""
    try:
        if len(text) == 10:
            return format_date(dt.date.fromisoformat(text))
        return format_datetime(dt.datetime.fromisoformat(text), tz)
    except ValueError:
        return text
