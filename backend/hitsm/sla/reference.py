"""Reference data: the standard hospital calendars and China's public holiday schedule.

The schedule (holidays and make-up working days, 调休) comes from the ``chinesecalendar``
package, which follows the State Council's yearly announcement; the announcement for a year
comes out late in the year before, so after upgrading the package run
``manage.py sla_load_holidays`` to add the new year. Admins may also edit the days by hand.
Functions take the model classes so that data migrations can pass their historical models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

WEEKDAYS_5X8 = {str(day): "08:00-12:00,13:00-17:00" for day in range(5)}
OUTPATIENT = {
    **{str(day): "07:30-12:00,13:30-17:30" for day in range(5)},
    "5": "08:00-12:00",
    "6": "08:00-12:00",
}
CALENDARS = [
    # code, name, description, always open, observes public holidays, hours
    ("7x24", "7×24 全天候", "急诊、HIS 核心等不间断业务", True, False, {}),
    (
        "5x8",
        "5×8 工作日",
        "周一至周五 08:00–12:00、13:00–17:00，遵循法定节假日与调休",
        False,
        True,
        WEEKDAYS_5X8,
    ),
    (
        "outpatient",
        "门诊时段",
        "门诊开诊时间：工作日 07:30–12:00、13:30–17:30，周末上午",
        False,
        True,
        OUTPATIENT,
    ),
]


OFFICIAL = "chinesecalendar"  # the State Council's announcement, as packaged by chinesecalendar
STATUTORY = "statutory"  # estimated from the law until the year's schedule is announced
MANUAL = "manual"  # entered or edited by an administrator


def last_announced_year() -> int:
    """The last year whose official schedule the installed chinesecalendar knows."""
    from chinese_calendar import constants

    return max(constants.holidays).year


def official_days(first_year: int, last_year: int) -> list[tuple[dt.date, str, str]]:
    """(date, "holiday" | "workday", name) for every announced day in the years given.
    Ordinary weekends are not listed: only days that differ from the normal week."""
    from chinese_calendar import constants

    days: list[tuple[dt.date, str, str]] = []
    names = {h.value: h.chinese for h in constants.Holiday}  # "Spring Festival" → 春节
    for date, holiday in constants.holidays.items():
        if first_year <= date.year <= last_year and date.weekday() < 5:
            days.append((date, "holiday", names.get(holiday, str(holiday))))
    for date, holiday in constants.workdays.items():
        if first_year <= date.year <= last_year:
            days.append((date, "workday", names.get(holiday, str(holiday))))
    return sorted(days)


def statutory_days(year: int) -> list[tuple[dt.date, str, str]]:
    """The public holidays the law fixes for a year not yet announced (《全国年节及纪念日放假
    办法》: 元旦, 除夕 and 春节 1–3, 清明, 劳动节 ×2, 端午, 中秋, 国庆 ×3, with a weekday off for
    those that fall on a weekend), from the ``holidays`` package's lunar calendar. Weekdays
    only; the make-up working days (调休) are decided by each year's announcement and are not
    guessed."""
    import holidays

    found = holidays.country_holidays("CN", years=year, language="zh_CN")
    return sorted(
        (date, "holiday", str(name)[:40]) for date, name in found.items() if date.weekday() < 5
    )


def calendars_load(calendar_model: Any) -> None:
    for code, name, description, always_open, observes, hours in CALENDARS:
        calendar_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "always_open": always_open,
                "observes_public_holidays": observes,
                "hours": hours,
            },
        )


def holidays_load(holiday_model: Any, first_year: int, last_year: int) -> int:
    """Add the days of the years given that are missing: the announced schedule where
    chinesecalendar has it, else the statutory estimate (``source="statutory"``). An estimate
    gives way to the announced schedule once chinesecalendar knows the year; days entered or
    edited by an administrator (``source="manual"``) and announced days already there stay."""
    announced_until = last_announced_year()
    days = official_days(first_year, min(last_year, announced_until))
    for year in range(max(first_year, announced_until + 1), last_year + 1):
        days += [(date, kind, name) for date, kind, name in statutory_days(year)]
    announced = {date for date, _kind, _name in days if date.year <= announced_until}
    # estimates of a year now announced: removed one by one, so the change log records each
    stale = holiday_model.objects.filter(
        source=STATUTORY, date__year__gte=first_year, date__year__lte=announced_until
    )
    for row in stale:
        row.delete()
    existing = set(holiday_model.objects.values_list("date", flat=True))
    added = 0
    for date, kind, name in days:
        if date not in existing:  # one by one, so that the change log records each day
            source = OFFICIAL if date in announced else STATUTORY
            holiday_model.objects.create(date=date, kind=kind, name=name, source=source)
            added += 1
    return added


POLICIES = [
    # code, name, description, order, calendar, kind, priorities, pause, warn, targets
    (
        "incident-critical",
        "P1/P2 故障（7×24）",
        "影响临床的紧急、高优先级故障不分昼夜计时",
        10,
        "7x24",
        "incident",
        [1, 2],
        {1: (15, 240), 2: (30, 480)},
    ),
    (
        "standard",
        "标准服务（工作时间）",
        "其余故障与服务请求按 5×8 工作时间计时",
        100,
        "5x8",
        "",
        [],
        {1: (15, 240), 2: (30, 480), 3: (60, 960), 4: (240, 2400), 5: (480, 4800)},
    ),
]
# P1 incidents: 15 min → first responsible, 30 → second, 60 → IT manager, 120 → director
ESCALATIONS = [
    ("incident-critical", "resolution", 1, [1], None, 15, ["group_manager"], False),
    ("incident-critical", "resolution", 2, [1], None, 30, ["escalation_group"], False),
    ("incident-critical", "resolution", 3, [1], None, 60, ["it_managers"], False),
    ("incident-critical", "resolution", 4, [1], None, 120, ["admins"], False),
    ("incident-critical", "response", 1, [], 100, None, ["group", "group_manager"], False),
    ("standard", "response", 1, [], 100, None, ["group", "group_manager"], False),
    ("standard", "resolution", 1, [], 100, None, ["assignee", "group_manager"], False),
    ("standard", "resolution", 2, [], 150, None, ["it_managers"], False),
]


def policies_load(
    calendar_model: Any, policy_model: Any, target_model: Any, escalation_model: Any
) -> None:
    calendars = {c.code: c for c in calendar_model.objects.all()}
    policies = {}
    for code, name, description, order, calendar, kind, priorities, targets in POLICIES:
        policy, created = policy_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "order": order,
                "calendar": calendars[calendar],
                "kind": kind,
                "priorities": priorities,
                "pause_statuses": ["pending"],
                "warn_percents": [50, 75, 90],
            },
        )
        policies[code] = policy
        if created:
            for priority, (response, resolution) in targets.items():
                target_model.objects.create(
                    policy=policy,
                    priority=priority,
                    response_minutes=response,
                    resolution_minutes=resolution,
                )
    for code, metric, level, priorities, percent, minutes, notify, raise_ in ESCALATIONS:
        escalation_model.objects.get_or_create(
            policy=policies[code],
            metric=metric,
            level=level,
            defaults={
                "priorities": priorities,
                "at_percent": percent,
                "after_minutes": minutes,
                "notify": notify,
                "raise_priority": raise_,
            },
        )
