"""Property tests (hypothesis) for business time and SLA clocks: whatever the calendar and the
history, the arithmetic agrees with itself, clocks never run backwards, pauses never count."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hitsm.sla.calendar import (
    HORIZON_DAYS,
    CalendarClosed,
    CalendarSpec,
    DayException,
    business_add,
    business_minutes,
)
from hitsm.sla.clocks import clock_compute

TZ = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 1, 1, tzinfo=TZ)


@st.composite
def calendars(draw):
    if draw(st.booleans()) and draw(st.booleans()):
        return CalendarSpec(tz=TZ, always_open=True)
    hours = {}
    for day in range(7):
        cuts = sorted(draw(st.lists(st.integers(0, 24 * 60), max_size=4, unique=True)))
        spans = tuple((a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a)
        if spans:
            hours[day] = spans
    if not hours:
        hours[0] = ((8 * 60, 17 * 60),)
    exceptions = {
        START.date() + dt.timedelta(days=offset): DayException(open=draw(st.booleans()))
        for offset in draw(st.lists(st.integers(0, 120), max_size=10))
    }
    return CalendarSpec(tz=TZ, hours=hours, exceptions=exceptions)


instants = st.integers(0, 90 * 24 * 60).map(lambda m: START + dt.timedelta(minutes=m))


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, st.integers(0, 5000))
@example(CalendarSpec(tz=TZ, hours={6: ((74, 75),)}), START, 158)  # found by hypothesis
def test_adding_then_measuring_gives_back_the_minutes(spec, start, minutes):
    horizon = start + dt.timedelta(days=HORIZON_DAYS)
    if business_minutes(spec, start, horizon) < minutes:  # e.g. open one minute a week
        with pytest.raises(CalendarClosed):
            business_add(spec, start, minutes)
        return
    due = business_add(spec, start, minutes)
    assert due >= start
    assert abs(business_minutes(spec, start, due) - minutes) < 1e-6


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, instants, instants)
def test_business_time_is_additive_and_bounded_by_wall_time(spec, a, b, c):
    a, b, c = sorted((a, b, c))
    ab, bc, ac = (business_minutes(spec, x, y) for x, y in ((a, b), (b, c), (a, c)))
    assert abs(ab + bc - ac) < 1e-6
    assert 0 <= ac <= (c - a).total_seconds() / 60 + 1e-6


statuses = st.sampled_from(["accepted", "assigned", "in_progress", "pending", "resolved"])


@st.composite
def histories(draw):
    history = [(START, "new")]
    moment = START
    for status in draw(st.lists(statuses, max_size=8)):
        moment += dt.timedelta(minutes=draw(st.integers(1, 3000)))
        history.append((moment, status))
    return history


@settings(max_examples=150, deadline=None)
@given(calendars(), histories(), st.integers(1, 3000), st.integers(0, 20000), st.integers(1, 5000))
def test_clocks_never_run_backwards_and_pauses_never_count(spec, history, target, t1, step):
    earlier = START + dt.timedelta(minutes=t1)
    later = earlier + dt.timedelta(minutes=step)
    for metric in ("response", "resolution"):
        first = clock_compute(
            metric=metric, history=history, target_minutes=target, calendar=spec, now=earlier
        )
        second = clock_compute(
            metric=metric, history=history, target_minutes=target, calendar=spec, now=later
        )
        assert second.elapsed_minutes >= first.elapsed_minutes - 1e-6
        if first.breached:
            assert second.breached and second.breached_at == first.breached_at
        # the same clock ignoring pauses counts at least as much: pausing never adds time
        unpaused = clock_compute(
            metric=metric,
            history=history,
            target_minutes=target,
            calendar=spec,
            now=later,
            pause_statuses=(),
        )
        assert unpaused.elapsed_minutes >= second.elapsed_minutes - 1e-6
        if second.state == "running":
            assert second.due_at is not None and second.due_at >= later - dt.timedelta(seconds=1)


@settings(max_examples=100, deadline=None)
@given(calendars(), st.lists(st.tuples(st.integers(-400, 800), st.integers(0, 800)), max_size=6))
def test_the_running_totals_agree_with_counting_day_by_day(spec, spans):
    """Whole days come from a table of running totals that grows both ways as clocks ask."""
    for offset, length in spans:  # in any order: earlier days rebuild the table
        first = START.date() + dt.timedelta(days=offset)
        last = first + dt.timedelta(days=length)
        by_day = sum(spec.day_minutes(first + dt.timedelta(days=i)) for i in range(length))
        assert spec.minutes_between_days(first, last) == by_day
