"""Clocks from status histories on fixed calendars (rules in hitsm/sla/clocks.py)."""

import datetime as dt
from zoneinfo import ZoneInfo

from hitsm.sla.calendar import CalendarSpec, parse_hours
from hitsm.sla.clocks import clock_compute

TZ = ZoneInfo("Asia/Shanghai")
OFFICE = CalendarSpec(tz=TZ, hours={d: parse_hours("08:00-12:00,13:00-17:00") for d in range(5)})
ALWAYS = CalendarSpec(tz=TZ, always_open=True)


def at(d, hh, mm=0) -> dt.datetime:
    return dt.datetime(2026, 11, d, hh, mm, tzinfo=TZ)  # 23 Nov 2026 is a Monday


def test_a_running_clock_projects_its_deadline():
    clock = clock_compute(
        metric="resolution",
        history=[(at(20, 16, 50), "new")],  # Friday 16:50
        target_minutes=240,
        calendar=OFFICE,
        now=at(23, 9, 0),  # Monday 09:00: 10 min Friday + 60 min Monday
    )
    assert clock.state == "running"
    assert clock.elapsed_minutes == 70 and clock.remaining_minutes == 170
    assert clock.due_at == at(23, 11, 50) and clock.percent == 29.2
    assert not clock.breached


def test_pending_pauses_the_clock_and_resuming_continues_it():
    history = [
        (at(23, 9, 0), "new"),
        (at(23, 9, 10), "accepted"),
        (at(23, 9, 20), "in_progress"),
        (at(23, 10, 0), "pending"),  # waiting for the nurse
        (at(24, 10, 0), "in_progress"),  # she answered the next day
    ]
    paused = clock_compute(
        metric="resolution",
        history=history[:4],
        target_minutes=240,
        calendar=OFFICE,
        now=at(23, 16, 0),
    )
    assert paused.state == "paused" and paused.pause_reason == "pending"
    assert paused.elapsed_minutes == 60 and paused.due_at is None
    resumed = clock_compute(
        metric="resolution",
        history=history,
        target_minutes=240,
        calendar=OFFICE,
        now=at(24, 10, 30),
    )
    assert resumed.state == "running" and resumed.elapsed_minutes == 90
    assert resumed.due_at == at(24, 14, 0)  # 150 min left: 90 before lunch, 60 after
    response = clock_compute(
        metric="response", history=history, target_minutes=15, calendar=OFFICE, now=at(24, 11)
    )
    assert response.state == "met" and response.elapsed_minutes == 10
    assert response.stopped_at == at(23, 9, 10)


def test_a_breach_is_dated_when_the_target_was_crossed():
    history = [(at(23, 9, 0), "new"), (at(23, 9, 40), "accepted")]
    response = clock_compute(
        metric="response", history=history, target_minutes=15, calendar=ALWAYS, now=at(23, 10)
    )
    assert response.state == "breached" and response.breached_at == at(23, 9, 15)
    running = clock_compute(
        metric="resolution", history=history, target_minutes=30, calendar=ALWAYS, now=at(23, 10)
    )
    assert running.state == "breached" and running.breached_at == at(23, 9, 30)
    assert running.percent == 200.0


def test_exactly_at_the_target_is_not_yet_a_breach():
    clock = clock_compute(
        metric="resolution",
        history=[(at(23, 9), "new")],
        target_minutes=60,
        calendar=ALWAYS,
        now=at(23, 10),
    )
    assert clock.state == "running" and clock.due_at == at(23, 10)


def test_a_reopened_ticket_continues_its_resolution_clock():
    history = [
        (at(23, 9), "new"),
        (at(23, 9, 5), "in_progress"),
        (at(23, 10), "resolved"),
        (at(23, 15), "in_progress"),  # reopened: the printer jams again
    ]
    clock = clock_compute(
        metric="resolution",
        history=history,
        target_minutes=240,
        calendar=OFFICE,
        now=at(23, 16),
    )
    assert clock.state == "running" and clock.elapsed_minutes == 120
    done = clock_compute(
        metric="resolution",
        history=[*history, (at(23, 16), "resolved")],
        target_minutes=240,
        calendar=OFFICE,
        now=at(24, 9),
    )
    assert done.state == "met" and done.stopped_at == at(23, 16)


def test_a_priority_change_applies_the_new_target_from_the_start():
    history = [(at(23, 9), "new"), (at(23, 9, 5), "in_progress")]
    as_p3 = clock_compute(
        metric="resolution", history=history, target_minutes=480, calendar=OFFICE, now=at(23, 11)
    )
    as_p1 = clock_compute(
        metric="resolution", history=history, target_minutes=60, calendar=OFFICE, now=at(23, 11)
    )
    assert as_p3.state == "running"
    assert as_p1.state == "breached" and as_p1.breached_at == at(23, 10)


def test_the_same_history_gives_the_same_numbers_and_cancel_is_not_a_breach():
    history = [(at(23, 9), "new"), (at(23, 12), "cancelled")]
    first = clock_compute(
        metric="resolution", history=history, target_minutes=60, calendar=OFFICE, now=at(24, 9)
    )
    again = clock_compute(
        metric="resolution", history=history, target_minutes=60, calendar=OFFICE, now=at(25, 9)
    )
    assert first == again and first.state == "cancelled"
    response = clock_compute(
        metric="response", history=history, target_minutes=15, calendar=OFFICE, now=at(24, 9)
    )
    assert response.state == "cancelled"
