from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Max, QuerySet

from hitsm.accounts.roles import IT_STAFF, Role, has_role
from hitsm.accounts.selectors import department_ancestor_ids
from hitsm.catalog.choices import SERVICE_KINDS
from hitsm.core.permissions import Policy
from hitsm.core.refcache import cached
from hitsm.sla.calendar import CalendarClosed, CalendarSpec, DayException, business_add, parse_hours
from hitsm.sla.models import (
    BusinessCalendar,
    DayKind,
    Priority,
    PriorityMatrixCell,
    PriorityTarget,
    PublicHoliday,
)

# ServiceNow's default 3×3 matrix, used when a cell has not been configured.
DEFAULT_MATRIX = {
    (1, 1): 1,
    (1, 2): 2,
    (1, 3): 3,
    (2, 1): 2,
    (2, 2): 3,
    (2, 3): 4,
    (3, 1): 3,
    (3, 2): 4,
    (3, 3): 5,
}
DEFAULT_TARGETS = {
    1: (15, 4 * 60),
    2: (30, 8 * 60),
    3: (60, 24 * 60),
    4: (4 * 60, 72 * 60),
    5: (8 * 60, 168 * 60),
}


def _matrix() -> dict[tuple[int, int], int]:
    """The configured cells (cached per process, see hitsm.core.refcache)."""
    return cached(
        "sla.matrix",
        lambda: {
            (impact, urgency): int(priority)
            for impact, urgency, priority in PriorityMatrixCell.objects.values_list(
                "impact", "urgency", "priority"
            )
        },
    )


def _targets() -> dict[int, tuple[int, int]]:
    """The configured (response, resolution) minutes per priority (cached per process)."""
    return cached(
        "sla.targets",
        lambda: {
            int(priority): (response, resolution)
            for priority, response, resolution in PriorityTarget.objects.values_list(
                "priority", "response_minutes", "resolution_minutes"
            )
        },
    )


def priority_for(*, impact: int, urgency: int) -> int:
    configured = _matrix().get((impact, urgency))
    if configured is not None:
        return configured
    return DEFAULT_MATRIX.get((impact, urgency), int(Priority.P3))


@dataclass(frozen=True)
class MatrixCell:
    """One cell of the priority matrix as ``priority_for`` answers it, beside the default."""

    impact: int
    urgency: int
    priority: int
    default_priority: int

    @property
    def is_default(self) -> bool:
        return self.priority == self.default_priority


def priority_matrix() -> list[MatrixCell]:
    """Every impact × urgency cell (impact first, then urgency), cached like ``priority_for``."""
    return [
        MatrixCell(
            impact=impact,
            urgency=urgency,
            priority=priority_for(impact=impact, urgency=urgency),
            default_priority=DEFAULT_MATRIX[(impact, urgency)],
        )
        for impact, urgency in sorted(DEFAULT_MATRIX)
    ]


def priority_matrix_updated_at() -> dt.datetime | None:
    """When a cell was last changed (None when no cell is stored)."""
    return PriorityMatrixCell.objects.aggregate(last=Max("updated_at"))["last"]


def priority_matrix_can_read(user: Any) -> bool:
    return has_role(user, *IT_STAFF)


def priority_matrix_can_change(user: Any) -> bool:
    """Only platform admins: the matrix sets the priority of every new ticket. IT staff read it
    (the IT manager too, as with the service desk configuration)."""
    return has_role(user, Role.ADMIN)


def targets_for(priority: int) -> tuple[timedelta, timedelta]:
    """(response, resolution) wall-clock targets for a priority."""
    response, resolution = _targets().get(
        priority, DEFAULT_TARGETS.get(priority, DEFAULT_TARGETS[3])
    )
    return timedelta(minutes=response), timedelta(minutes=resolution)


def _spec_for(calendar: BusinessCalendar) -> CalendarSpec:
    hours = {int(day): parse_hours(text) for day, text in (calendar.hours or {}).items()}
    # a make-up working day (调休) follows the hours of the first weekday that has any
    workday_hours_of = next((day for day in range(5) if hours.get(day)), 0)
    exceptions: dict[dt.date, DayException] = {}
    if calendar.observes_public_holidays:
        for date, kind, name in PublicHoliday.objects.values_list("date", "kind", "name"):
            exceptions[date] = DayException(
                open=kind == DayKind.WORKDAY, as_weekday=workday_hours_of, name=name
            )
    for date, kind, name in calendar.days.values_list("date", "kind", "name"):
        exceptions[date] = DayException(
            open=kind == DayKind.WORKDAY, as_weekday=workday_hours_of, name=name
        )
    return CalendarSpec(
        tz=ZoneInfo(calendar.timezone),
        always_open=calendar.always_open,
        hours=hours,
        exceptions=exceptions,
    )


def calendar_spec(calendar_id: int) -> CalendarSpec:
    """The calendar ready for business-time arithmetic (cached per process, see refcache)."""

    def load() -> CalendarSpec:
        return _spec_for(BusinessCalendar.objects.get(pk=calendar_id))

    return cached(f"sla.calendar.{calendar_id}", load)


@dataclass(frozen=True)
class Escalation:
    metric: str
    level: int
    priorities: tuple[int, ...]
    at_percent: int | None
    after_minutes: int | None
    notify: tuple[str, ...]
    raise_priority: bool
    reassign: str = ""  # "", escalation_group, group
    reassign_group_id: int | None = None

    def threshold_minutes(self, target_minutes: int) -> float:
        """Business minutes after the start at which this level fires (the earlier of the two
        thresholds when both are set)."""
        candidates = []
        if self.at_percent is not None:
            candidates.append(target_minutes * self.at_percent / 100)
        if self.after_minutes is not None:
            candidates.append(float(self.after_minutes))
        return min(candidates)


@dataclass(frozen=True)
class AppliedSla:
    policy_id: int
    policy_name: str
    calendar_id: int
    priority: int
    response_minutes: int
    resolution_minutes: int
    pause_statuses: frozenset[str]
    warn_percents: tuple[int, ...]
    escalations: tuple[Escalation, ...]

    def target(self, metric: str) -> int:
        return self.response_minutes if metric == "response" else self.resolution_minutes


@dataclass(frozen=True)
class _Policy:
    pk: int
    name: str
    calendar_id: int
    kind: str
    priorities: frozenset[int]
    departments: frozenset[int]
    catalog_items: frozenset[int]
    clinical_critical_only: bool
    pause_statuses: frozenset[str]
    warn_percents: tuple[int, ...]
    targets: dict[int, tuple[int, int]]
    escalations: tuple[Escalation, ...]


def _policies() -> list[_Policy]:
    def load() -> list[_Policy]:
        from hitsm.sla.models import SlaPolicy

        rows = []
        for policy in SlaPolicy.objects.filter(is_active=True).prefetch_related(
            "targets", "escalations", "departments", "catalog_items"
        ):
            rows.append(
                _Policy(
                    pk=policy.pk,
                    name=policy.name,
                    calendar_id=policy.calendar_id,
                    kind=policy.kind,
                    priorities=frozenset(int(p) for p in policy.priorities),
                    departments=frozenset(d.pk for d in policy.departments.all()),
                    catalog_items=frozenset(i.pk for i in policy.catalog_items.all()),
                    clinical_critical_only=policy.clinical_critical_only,
                    pause_statuses=frozenset(policy.pause_statuses),
                    warn_percents=tuple(sorted(int(p) for p in policy.warn_percents)),
                    targets={
                        t.priority: (t.response_minutes, t.resolution_minutes)
                        for t in policy.targets.all()
                    },
                    escalations=tuple(
                        Escalation(
                            metric=e.metric,
                            level=e.level,
                            priorities=tuple(int(p) for p in e.priorities),
                            at_percent=e.at_percent,
                            after_minutes=e.after_minutes,
                            notify=tuple(e.notify),
                            raise_priority=e.raise_priority,
                            reassign=e.reassign,
                            reassign_group_id=e.reassign_group_id,
                        )
                        for e in policy.escalations.all()
                    ),
                )
            )
        return rows

    return cached("sla.policies", load)


def sla_for(
    *,
    kind: str,
    priority: int,
    department_id: int | None,
    department_ancestors: frozenset[int] = frozenset(),
    clinical_critical: bool = False,
    catalog_item_id: int | None = None,
) -> AppliedSla | None:
    """The first active policy that covers the ticket and has a target for its priority.
    A policy's departments cover their sub-departments (``department_ancestors``)."""
    for policy in _policies():
        if policy.kind and policy.kind != kind:
            continue
        # A policy for every kind covers what requesters submit; problems, changes and
        # improvements get clocks only from a policy that names their kind.
        if not policy.kind and kind not in SERVICE_KINDS:
            continue
        if policy.catalog_items and catalog_item_id not in policy.catalog_items:
            continue
        if policy.priorities and priority not in policy.priorities:
            continue
        if policy.departments and not (
            ({department_id} | department_ancestors) & policy.departments
        ):
            continue
        if policy.clinical_critical_only and not clinical_critical:
            continue
        if priority not in policy.targets:
            continue
        response, resolution = policy.targets[priority]
        return AppliedSla(
            policy_id=policy.pk,
            policy_name=policy.name,
            calendar_id=policy.calendar_id,
            priority=priority,
            response_minutes=response,
            resolution_minutes=resolution,
            pause_statuses=policy.pause_statuses,
            warn_percents=policy.warn_percents,
            escalations=tuple(
                e for e in policy.escalations if not e.priorities or priority in e.priorities
            ),
        )
    return None


class SlaConfigPolicy(Policy):
    """IT staff read the SLA configuration; the IT manager and admins change it."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if has_role(user, *IT_STAFF) else queryset.none()

    def can_list(self, user: Any) -> bool:
        return has_role(user, *IT_STAFF)

    def can_create(self, user: Any) -> bool:
        return has_role(user, Role.ADMIN, Role.MANAGER)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action in ("retrieve", "preview"):
            return has_role(user, *IT_STAFF)
        return has_role(user, Role.ADMIN, Role.MANAGER)


@dataclass(frozen=True)
class ExpectedTimes:
    priority: int
    policy_name: str
    calendar_name: str
    response_minutes: int | None
    resolution_minutes: int | None
    response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None


def expected_times(
    *,
    kind: str,
    catalog_item_id: int | None,
    impact: int,
    urgency: int,
    department_id: int | None,
    now: dt.datetime,
) -> ExpectedTimes:
    """What a requester is promised before submitting: the priority the matrix gives, the
    policy that will apply and the deadlines if the ticket were submitted ``now``. Without a
    matching policy, the matrix's wall-clock targets apply (as they do for a ticket)."""
    priority = priority_for(impact=impact, urgency=urgency)
    applied = sla_for(
        kind=kind,
        priority=priority,
        department_id=department_id,
        department_ancestors=frozenset(department_ancestor_ids(department_id))
        if department_id
        else frozenset(),
        catalog_item_id=catalog_item_id,
    )
    if applied is None:
        response, resolution = targets_for(priority)
        return ExpectedTimes(
            priority=priority,
            policy_name="",
            calendar_name="",
            response_minutes=int(response.total_seconds() // 60),
            resolution_minutes=int(resolution.total_seconds() // 60),
            response_due_at=now + response,
            resolution_due_at=now + resolution,
        )
    spec = calendar_spec(applied.calendar_id)
    response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    try:
        response_due = business_add(spec, now, applied.response_minutes)
        resolution_due = business_add(spec, now, applied.resolution_minutes)
    except CalendarClosed:
        response_due = resolution_due = None
    return ExpectedTimes(
        priority=priority,
        policy_name=applied.policy_name,
        calendar_name=BusinessCalendar.objects.filter(pk=applied.calendar_id)
        .values_list("name", flat=True)
        .first()
        or "",
        response_minutes=applied.response_minutes,
        resolution_minutes=applied.resolution_minutes,
        response_due_at=response_due,
        resolution_due_at=resolution_due,
    )
