"""Business-time arithmetic on fixed calendars (see the rules in hitsm/sla/calendar.py)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hitsm.sla.calendar import (
    CalendarClosed,
    CalendarSpec,
    DayException,
    business_add,
    business_minutes,
    parse_hours,
)

TZ = ZoneInfo("Asia/Shanghai")
OFFICE = parse_hours("08:00-12:00,13:00-17:00")
FIVE_BY_EIGHT = CalendarSpec(tz=TZ, hours=dict.fromkeys(range(5), OFFICE))
ALWAYS = CalendarSpec(tz=TZ, always_open=True)
# Spring Festival 2026 as announced: 15–23 Feb off, Saturday 14 Feb and 28 Feb worked (调休)
SPRING_2026 = CalendarSpec(
    tz=TZ,
    hours=dict.fromkeys(range(5), OFFICE),
    exceptions={
        **{
            dt.date(2026, 2, d): DayException(open=False, name="春节")
            for d in (16, 17, 18, 19, 20, 23)
        },
        dt.date(2026, 2, 14): DayException(open=True, as_weekday=0, name="春节"),
        dt.date(2026, 2, 28): DayException(open=True, as_weekday=0, name="春节"),
    },
)


def at(y, m, d, hh, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def test_friday_1650_with_four_business_hours_is_due_monday_1150():
    friday = at(2026, 11, 20, 16, 50)
    assert friday.weekday() == 4
    assert business_add(FIVE_BY_EIGHT, friday, 240) == at(2026, 11, 23, 11, 50)
    assert business_minutes(FIVE_BY_EIGHT, friday, at(2026, 11, 23, 11, 50)) == 240


def test_the_lunch_break_and_the_night_do_not_count():
    assert business_add(FIVE_BY_EIGHT, at(2026, 11, 23, 11, 30), 60) == at(2026, 11, 23, 13, 30)
    assert business_add(FIVE_BY_EIGHT, at(2026, 11, 23, 20, 0), 30) == at(2026, 11, 24, 8, 30)
    assert business_minutes(FIVE_BY_EIGHT, at(2026, 11, 23, 7, 0), at(2026, 11, 23, 18, 0)) == 480


def test_a_deadline_on_closing_time_stays_there():
    assert business_add(FIVE_BY_EIGHT, at(2026, 11, 23, 16, 0), 60) == at(2026, 11, 23, 17, 0)


def test_the_spring_festival_holiday_and_its_make_up_saturday():
    # Friday 13 Feb 16:00 + 8 h: 1 h on Friday, 7 h on the make-up Saturday
    assert business_add(SPRING_2026, at(2026, 2, 13, 16), 480) == at(2026, 2, 14, 16)
    # Saturday 14 Feb 16:00 + 4 h: 1 h on Saturday, then nothing until Tuesday 24 Feb
    assert business_add(SPRING_2026, at(2026, 2, 14, 16), 240) == at(2026, 2, 24, 11)
    # the festival itself counts for nothing
    assert business_minutes(SPRING_2026, at(2026, 2, 15, 0), at(2026, 2, 24, 0)) == 0
    # an ordinary Saturday does not count, the make-up one does
    assert business_minutes(SPRING_2026, at(2026, 2, 7, 0), at(2026, 2, 8, 0)) == 0
    assert business_minutes(SPRING_2026, at(2026, 2, 28, 0), at(2026, 3, 1, 0)) == 480


def test_seven_by_twenty_four_counts_everything_including_holidays():
    start = at(2026, 2, 16, 23, 30)
    assert business_add(ALWAYS, start, 90) == at(2026, 2, 17, 1, 0)
    assert business_minutes(ALWAYS, start, at(2026, 2, 17, 1, 0)) == 90


def test_times_in_another_zone_are_converted():
    utc_friday = dt.datetime(2026, 11, 20, 8, 50, tzinfo=dt.UTC)  # 16:50 in Shanghai
    assert business_add(FIVE_BY_EIGHT, utc_friday, 240) == at(2026, 11, 23, 11, 50)


def test_a_calendar_without_working_hours_is_an_error_not_a_hang():
    with pytest.raises(CalendarClosed):
        business_add(CalendarSpec(tz=TZ), at(2026, 1, 1, 9), 1)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("08:00-12:00,13:00-17:00", True),
        ("08:00-12:00，13:00-17:00", True),
        ("", True),
        ("00:00-24:00", True),
        ("12:00-08:00", False),
        ("08:00-13:00,12:00-17:00", False),
        ("8点-12点", False),
        ("08:00-25:00", False),
    ],
)
def test_parse_hours(text, ok):
    if ok:
        parse_hours(text)
    else:
        with pytest.raises(ValueError):
            parse_hours(text)


@pytest.mark.django_db
def test_the_seeded_schedule_is_the_announced_one():
    from hitsm.sla.models import BusinessCalendar, PublicHoliday
    from hitsm.sla.reference import calendars_load, holidays_load
    from hitsm.sla.selectors import calendar_spec

    # what the migration loads (transactional tests elsewhere may have flushed it)
    calendars_load(BusinessCalendar)
    holidays_load(PublicHoliday, 2025, 2030)
    calendar = BusinessCalendar.objects.get(code="5x8")
    spec = calendar_spec(calendar.pk)
    assert PublicHoliday.objects.get(date=dt.date(2026, 2, 17)).name == "春节"
    assert PublicHoliday.objects.get(date=dt.date(2026, 2, 14)).kind == "workday"
    assert PublicHoliday.objects.filter(date__year=2025).exists()
    assert business_add(spec, at(2026, 2, 14, 16), 240) == at(2026, 2, 24, 11)
    assert business_add(spec, at(2026, 9, 30, 16), 120) == at(2026, 10, 8, 9)  # National Day
    # 2027, not announced yet: the statutory Spring Festival (除夕 Fri 5 Feb to Wed 10 Feb with
    # the days off for the weekend) is estimated, so a Thursday-afternoon ticket waits a week
    assert PublicHoliday.objects.get(date=dt.date(2027, 2, 10)).source == "statutory"
    assert business_add(spec, at(2027, 2, 4, 16), 240) == at(2027, 2, 11, 11)
