"""The service boards (requirement 3.1.5): the desk board, the wallboard and each role's home.

Reads only, a bounded number of queries each, whatever the size of the desk. Every number reuses
a definition that already exists, so two screens never disagree:

- the queue counts are ``servicedesk.selectors.queue_counts`` (the queue sidebar's numbers);
- response / resolution times and attainment are the SLA clocks read as the KPI engine reads
  them (``kpis.clocks_finished``), for the clocks that stopped today;
- satisfaction is the survey score columns, as the satisfaction KPIs and the monthly summary.

docs/boards.md explains each number and who sees it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from hitsm.accounts.models import AssignmentGroup, User
from hitsm.accounts.roles import IT_STAFF, Role, user_roles
from hitsm.catalog.choices import SERVICE_KINDS
from hitsm.dashboards.jobs import kpi_set_cached
from hitsm.dashboards.kpis import (
    KpiFilters,
    clocks_finished,
    month_range,
    satisfied_q,
    surveys_sent,
    with_fixed_sum,
)
from hitsm.servicedesk.choices import OPEN_STATUSES, Channel, PendingReason, TicketStatus
from hitsm.servicedesk.models import Ticket, TicketClock
from hitsm.servicedesk.selectors import TicketPolicy, group_ids_of, queue_counts, queue_filter
from hitsm.surveys.models import FollowUp, FollowUpStatus, Survey, SurveyStatus

LIST_LIMIT = 10  # unaccepted and overdue on the desk board
DUE_SOON = dt.timedelta(hours=4)
DUE_SOON_LIMIT = 20
# the wallboard's headline tiles, this month (codes of docs/kpis.md)
WALL_KPIS = (
    "sla_response_attainment",
    "sla_resolution_attainment",
    "overdue_now",
    "unaccepted_30",
    "response_time_mean",
    "satisfaction_overall",
)
ENGINEER_ROLES = frozenset({Role.ENGINEER, Role.SYSADMIN})
MANAGER_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


def day_range(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The local day (settings.TIME_ZONE) around ``now``: [00:00, next 00:00)."""
    tz = timezone.get_current_timezone()
    day = timezone.localtime(now, tz).date()
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)


def week_range(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The local week (Monday 00:00 to the next Monday) around ``now``."""
    tz = timezone.get_current_timezone()
    day = timezone.localtime(now, tz).date()
    monday = day - dt.timedelta(days=day.weekday())
    start = dt.datetime.combine(monday, dt.time(), tzinfo=tz)
    return start, dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), tzinfo=tz)


def this_month(now: dt.datetime) -> tuple[str, dt.datetime, dt.datetime]:
    local = timezone.localtime(now)
    start, end = month_range(local.year, local.month)
    return f"{local.year:04d}-{local.month:02d}", start, end


def _person(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "display_name": user.name}


# --- the desk board ------------------------------------------------------------------------


def desk_today(now: dt.datetime) -> dict[str, Any]:
    """Today's figures (local day): three queries."""
    start, end = day_range(now)
    # The KPI cohort of the day (service kinds), counted per kind and channel and the kinds
    # kept here: filtering on kind in SQL makes SQLite walk the kind index instead of the day's
    # slice of the creation-time index.
    created = (
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("kind", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_channel: dict[str, int] = {}
    for r in created:
        if r["kind"] in SERVICE_KINDS:
            per_channel[r["channel"]] = per_channel.get(r["channel"], 0) + r["n"]
    labels = dict(Channel.choices)
    by_channel = [
        {"channel": channel, "label": str(labels.get(channel, channel)), "count": n}
        for channel, n in sorted(per_channel.items(), key=lambda item: (-item[1], item[0]))
    ]
    resolved = sum(
        r["n"]
        for r in Ticket.objects.filter(resolved_at__gte=start, resolved_at__lt=end)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
        if r["kind"] in SERVICE_KINDS
    )
    clocks = clocks_finished(start, end)
    return {
        "new": sum(r["count"] for r in by_channel),
        "resolved": resolved,
        "avg_response_minutes": clocks["response"]["mean_minutes"],
        "avg_resolution_minutes": clocks["resolution"]["mean_minutes"],
        "response_attainment": clocks["response"]["attainment"],
        "resolution_attainment": clocks["resolution"]["attainment"],
        "by_channel": by_channel,
    }


def desk_board(*, user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    from django.conf import settings

    now = now or timezone.now()
    visible = TicketPolicy().scope(user, Ticket.objects.all())
    unaccepted = (
        visible.filter(queue_filter("unaccepted", user))
        .select_related("department")
        .order_by("created_at", "id")[:LIST_LIMIT]
    )
    overdue = (
        visible.filter(queue_filter("overdue", user))
        .select_related("assignee")
        .order_by("resolution_due_at", "id")[:LIST_LIMIT]
    )
    return {
        "generated_at": now,
        "queues": {
            **queue_counts(user=user),
            "unaccepted_minutes": settings.TICKET_UNACCEPTED_MINUTES,
        },
        "today": desk_today(now),
        "unaccepted": [
            {
                "id": t.pk,
                "number": t.number,
                "title": t.title,
                "priority": t.priority,
                "department": t.department.name if t.department else None,
                "created_at": t.created_at,
                "waiting_minutes": int((now - t.created_at).total_seconds() // 60),
            }
            for t in unaccepted
        ],
        "overdue": [
            {
                "id": t.pk,
                "number": t.number,
                "title": t.title,
                "priority": t.priority,
                "assignee": _person(t.assignee),
                "resolution_due_at": t.resolution_due_at,
            }
            for t in overdue
        ],
    }


# --- satisfaction ----------------------------------------------------------------------------


def satisfaction_month(
    *, start: dt.datetime, end: dt.datetime, group_ids: list[int] | None = None
) -> dict[str, Any]:
    """Surveys sent in [start, end) (the month a survey belongs to, as in docs/surveys.md), their
    answers' averages per fixed question and the satisfied share: one query."""
    surveys: QuerySet[Survey] = surveys_sent(KpiFilters(start=start, end=end))
    if group_ids is not None:
        surveys = surveys.filter(ticket__assignment_group_id__in=group_ids)
    answered = Q(answered_at__isnull=False)
    row = with_fixed_sum(surveys).aggregate(
        sent=Count("id"),
        answered=Count("id", filter=answered),
        satisfied=Count("id", filter=answered & satisfied_q()),
        technical=Avg("score_technical", filter=answered),
        response=Avg("score_response", filter=answered),
        attitude=Avg("score_attitude", filter=answered),
    )
    n = row["answered"]

    def mean(key: str) -> float | None:
        return round(float(row[key]), 2) if n and row[key] is not None else None

    scores = [mean("technical"), mean("response"), mean("attitude")]
    return {
        "sent": row["sent"],
        "answered": n,
        "response_rate": round(n / row["sent"], 4) if row["sent"] else None,
        "technical": scores[0],
        "response": scores[1],
        "attitude": scores[2],
        "average": round(sum(s for s in scores if s is not None) / 3, 2) if n else None,
        "satisfied_rate": round(row["satisfied"] / n, 4) if n else None,
    }


# --- the wallboard ---------------------------------------------------------------------------


def wallboard(*, user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """The desk board, this month's headline KPI tiles (the engine's cached set) and the
    month's satisfaction."""
    now = now or timezone.now()
    period, start, end = this_month(now)
    kpis = {k["code"]: k for k in kpi_set_cached(KpiFilters(start=start, end=end))["kpis"]}
    return {
        **desk_board(user=user, now=now),
        "period": period,
        "kpis": [kpis[code] for code in WALL_KPIS],
        "satisfaction": satisfaction_month(start=start, end=end),
    }


# --- the role homes --------------------------------------------------------------------------


def engineer_home(*, user: Any, now: dt.datetime) -> dict[str, Any]:
    start, end = day_range(now)
    row = Ticket.objects.filter(assignee=user).aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        resolved_today=Count("id", filter=Q(resolved_at__gte=start, resolved_at__lt=end)),
    )
    mine_or_unassigned = Q(assignee=user) | Q(
        assignee__isnull=True, assignment_group__in=group_ids_of(user)
    )
    due = (
        Ticket.objects.filter(
            mine_or_unassigned, status__in=OPEN_STATUSES, resolution_due_at__lt=now + DUE_SOON
        )
        .order_by("resolution_due_at", "id")
        .values("id", "number", "title", "priority", "status", "assignee_id", "resolution_due_at")
    )
    return {
        "my_open": row["open"],
        "my_due_soon": [
            {**t, "breached": t["resolution_due_at"] is not None and t["resolution_due_at"] < now}
            for t in due[:DUE_SOON_LIMIT]
        ],
        "my_resolved_today": row["resolved_today"],
    }


def manager_home(*, user: Any, now: dt.datetime, everything: bool) -> dict[str, Any]:
    """The manager's groups (``AssignmentGroup.manager``); an admin's are all groups."""
    week_start, week_end = week_range(now)
    _period, month_start, month_end = this_month(now)
    groups = (
        AssignmentGroup.objects.all()
        if everything
        else AssignmentGroup.objects.filter(manager=user)
    )
    group_ids = list(groups.values_list("id", flat=True))
    members = list(
        User.objects.filter(assignment_groups__in=group_ids, is_active=True)
        .distinct()
        .order_by("display_name", "username")
    )
    this_week = Q(resolved_at__gte=week_start, resolved_at__lt=week_end)
    is_open = Q(status__in=OPEN_STATUSES)
    counts = {
        r["assignee_id"]: r
        for r in Ticket.objects.filter(assignee__in=[m.pk for m in members])
        .filter(is_open | this_week)
        .values("assignee_id")
        .annotate(
            open=Count("id", filter=is_open),
            overdue=Count("id", filter=is_open & Q(resolution_due_at__lt=now)),
            resolved=Count("id", filter=this_week),
        )
        .order_by()
    }
    team = [
        {
            "user": _person(m),
            "open": counts.get(m.pk, {}).get("open", 0),
            "overdue": counts.get(m.pk, {}).get("overdue", 0),
            "resolved_this_week": counts.get(m.pk, {}).get("resolved", 0),
        }
        for m in members
    ]
    breaches = TicketClock.objects.filter(breached_at__gte=week_start, breached_at__lt=week_end)
    if not everything:
        breaches = breaches.filter(ticket__assignment_group_id__in=group_ids)
    return {
        "groups": [{"id": g.pk, "name": g.name} for g in groups.order_by("name")],
        "team": team,
        "breaches_this_week": breaches.count(),
        "satisfaction_this_month": satisfaction_month(
            start=month_start, end=month_end, group_ids=None if everything else group_ids
        ),
        "open_follow_ups": FollowUp.objects.filter(status=FollowUpStatus.OPEN).count(),
    }


def requester_home(*, user: Any, now: dt.datetime) -> dict[str, Any]:
    own = Q(requester=user) | Q(submitted_by=user)
    row = Ticket.objects.filter(own).aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        waiting=Count(
            "id",
            filter=Q(status=TicketStatus.PENDING, pending_reason=PendingReason.REQUESTER),
        ),
    )
    # the surveys they can answer now (docs/surveys.md): pending, not expired, ticket not reopened
    surveys = (
        Survey.objects.filter(Q(requester=user) | Q(ticket__submitted_by=user))
        .filter(status=SurveyStatus.PENDING, expires_at__gt=now)
        .exclude(ticket__status__in=OPEN_STATUSES)
        .count()
    )
    return {"my_open": row["open"], "waiting_for_me": row["waiting"], "surveys_to_answer": surveys}


def role_home(*, user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """The parts of the home page the caller's roles give: engineers and system administrators
    the engineer part, IT managers and admins the manager part, everyone outside IT the requester
    part (a part the caller does not get is null)."""
    now = now or timezone.now()
    roles = user_roles(user)
    return {
        "generated_at": now,
        "roles": sorted(roles),
        "engineer": engineer_home(user=user, now=now) if roles & ENGINEER_ROLES else None,
        "manager": (
            manager_home(user=user, now=now, everything=Role.ADMIN in roles)
            if roles & MANAGER_ROLES
            else None
        ),
        "requester": None if roles & IT_STAFF else requester_home(user=user, now=now),
    }
