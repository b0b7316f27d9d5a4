"""Business-time arithmetic on a working calendar.

A calendar is a set of open intervals per weekday (a lunch break is the gap between two
intervals), plus dated exceptions: a public holiday closes the day; a make-up working day
(调休) opens a weekend day with the hours of an ordinary weekday. A 7×24 calendar is open all
the time and ignores exceptions.

The rules, stated once and tested:
- time counts only inside open intervals, in the calendar's time zone;
- a target of N business minutes starting at t ends at the instant where N open minutes have
  passed since t; a start outside working hours starts counting at the next opening, so a ticket
  opened on Friday 16:50 on a 5×8 calendar (08:00–12:00, 13:00–17:00) with a 4-hour target
  has 10 minutes on Friday and is due on Monday at 11:50;
- a deadline that lands exactly on a closing time stays there (17:00, not the next 08:00).

Days are counted as 24-hour local days, which is exact for China (no daylight saving time).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
HORIZON_DAYS = 3 * 366  # no calendar keeps a ticket waiting longer; beyond that is a bad calendar


class CalendarClosed(ValueError):
    """The calendar has no open time within the horizon (e.g. no working hours at all)."""


@dataclass(frozen=True)
class DayException:
    open: bool  # False: holiday; True: make-up working day
    as_weekday: int = 0  # which weekday's hours a make-up working day follows (0 = Monday)
    name: str = ""


@dataclass(frozen=True)
class CalendarSpec:
    tz: ZoneInfo
    always_open: bool = False
    # weekday (0 = Monday) → sorted, non-overlapping (start minute, end minute) within the day
    hours: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    exceptions: dict[dt.date, DayException] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_day_minutes", {})  # date → open minutes that day
        # (first day, running totals): totals[i] = open minutes of the days before first + i;
        # replaced whole when it grows, so a reader in another thread sees one or the other
        object.__setattr__(self, "_table", (None, ()))

    def day_minutes(self, day: dt.date) -> int:
        cache: dict[dt.date, int] = self._day_minutes  # type: ignore[attr-defined]
        total = cache.get(day)
        if total is None:
            total = cache[day] = sum(end - begin for begin, end in self.day_hours(day))
        return total

    def minutes_between_days(self, first: dt.date, last: dt.date) -> int:
        """Open minutes of the whole days from ``first`` up to but not including ``last``: two
        lookups in a table of running totals, however many months apart they are."""
        if last <= first:
            return 0
        start, totals = self._table  # type: ignore[attr-defined]
        if start is None or first < start or (last - start).days >= len(totals):
            start = first if start is None else min(first, start)
            end = last + dt.timedelta(days=366)  # room for the clocks still running
            built = [0]
            day = start
            while day < end:
                built.append(built[-1] + self.day_minutes(day))
                day += dt.timedelta(days=1)
            totals = tuple(built)
            object.__setattr__(self, "_table", (start, totals))
        return int(totals[(last - start).days] - totals[(first - start).days])

    def day_hours(self, day: dt.date) -> tuple[tuple[int, int], ...]:
        if self.always_open:
            return ((0, MINUTES_PER_DAY),)
        exception = self.exceptions.get(day)
        if exception is not None:
            return self.hours.get(exception.as_weekday, ()) if exception.open else ()
        return self.hours.get(day.weekday(), ())

    def intervals(self, start: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Open intervals in time order, from the one containing or following ``start``."""
        local = start.astimezone(self.tz)
        day = local.date()
        for _ in range(HORIZON_DAYS):
            midnight = dt.datetime.combine(day, dt.time(), tzinfo=self.tz)
            for begin, end in self.day_hours(day):
                opens = midnight + dt.timedelta(minutes=begin)
                closes = midnight + dt.timedelta(minutes=end)
                if closes > local:
                    yield max(opens, local), closes
            day += dt.timedelta(days=1)


def business_add(spec: CalendarSpec, start: dt.datetime, minutes: float) -> dt.datetime:
    """The instant ``minutes`` business minutes after ``start``."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    remaining = dt.timedelta(minutes=minutes)
    last = start
    for opens, closes in spec.intervals(start):
        span = closes - opens
        if remaining <= span:
            return opens + remaining
        remaining -= span
        last = closes
    if remaining == dt.timedelta(0):
        return last
    raise CalendarClosed("calendar has no open time within the horizon")


def _minute_of_day(moment: dt.datetime) -> float:
    return moment.hour * 60 + moment.minute + moment.second / 60 + moment.microsecond / 60e6


def _open_between(spec: CalendarSpec, day: dt.date, begin: float, end: float) -> float:
    """Open minutes of ``day`` between two minutes-of-day."""
    return sum(
        max(0.0, min(end, close) - max(begin, open_)) for open_, close in spec.day_hours(day)
    )


def business_minutes(spec: CalendarSpec, start: dt.datetime, end: dt.datetime) -> float:
    """Open minutes between two instants (0 when ``end`` is not after ``start``).

    Whole days in between come from a per-calendar table of running totals, so a clock that
    has been running for months costs two lookups."""
    if end <= start:
        return 0.0
    if spec.always_open:
        return (end - start).total_seconds() / 60
    first, last = start.astimezone(spec.tz), end.astimezone(spec.tz)
    if first.date() == last.date():
        return _open_between(spec, first.date(), _minute_of_day(first), _minute_of_day(last))
    total = _open_between(spec, first.date(), _minute_of_day(first), MINUTES_PER_DAY)
    total += spec.minutes_between_days(first.date() + dt.timedelta(days=1), last.date())
    return total + _open_between(spec, last.date(), 0.0, _minute_of_day(last))


def parse_hours(text: str) -> tuple[tuple[int, int], ...]:
    """``"08:00-12:00,13:00-17:00"`` → ((480, 720), (780, 1020)); ``""`` → closed.

    Raises ``ValueError`` with a Chinese message on bad input (overlaps, end before start)."""
    spans: list[tuple[int, int]] = []
    for part in filter(None, (p.strip() for p in text.replace("，", ",").split(","))):
        try:
            first, last = (p.strip() for p in part.replace("－", "-").replace("~", "-").split("-"))
            spans.append((_minute(first), _minute(last)))
        except ValueError:
            raise ValueError(f"时间段“{part}”格式应为 08:00-12:00") from None
    spans.sort()
    for begin, end in spans:
        if end <= begin:
            raise ValueError(f"时间段 {format_minute(begin)}-{format_minute(end)} 结束早于开始")
    for (_b1, e1), (b2, _e2) in itertools.pairwise(spans):
        if b2 < e1:
            raise ValueError("时间段不能重叠")
    return tuple(spans)


def _minute(text: str) -> int:
    hours, minutes = text.split(":")
    value = int(hours) * 60 + int(minutes)
    if not 0 <= value <= MINUTES_PER_DAY or not 0 <= int(minutes) < 60:
        raise ValueError(text)
    return value


def format_minute(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def format_hours(spans: tuple[tuple[int, int], ...]) -> str:
    return ",".join(f"{format_minute(b)}-{format_minute(e)}" for b, e in spans)
