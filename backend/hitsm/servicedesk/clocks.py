"""SLA clocks of tickets: stored per ticket and metric, recomputed from the timeline, scanned.

The numbers come from :func:`hitsm.sla.clocks.clock_compute` over the ticket's status history
(its timeline), the policy that covers the ticket now and that policy's calendar; this module
stores the result (``TicketClock``), keeps the ticket's deadline columns in step, and runs the
periodic scanner that fires warnings, breaches and escalation levels.

Exactly once: every warning, breach and escalation level is a ``SlaNotice`` row with a unique
(ticket, metric, kind, level); the scanner inserts the row before acting and acts only when its
insert succeeded. Scanners claim due clocks with ``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so two scanners (two workers, or beat mis-deployed twice) share the work instead of
doing it twice; SQLite has a single writer. Deadlines live in the database (``next_check_at``);
Celery countdowns/ETAs are never used.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hitsm.accounts.models import User
from hitsm.accounts.roles import Role
from hitsm.accounts.selectors import department_ancestor_ids
from hitsm.core.changelog import changelog_record, snapshot
from hitsm.notifications.models import NotificationKind
from hitsm.notifications.services import notify
from hitsm.servicedesk.choices import EventKind, TicketStatus
from hitsm.servicedesk.events import event_add
from hitsm.servicedesk.models import SlaNotice, Ticket, TicketClock
from hitsm.sla.calendar import business_add
from hitsm.sla.clocks import ClockState, clock_compute
from hitsm.sla.selectors import AppliedSla, calendar_spec, sla_for

logger = logging.getLogger(__name__)
METRICS = ("response", "resolution")
NOTICE_KINDS = {
    "warning": NotificationKind.SLA_WARNING,
    "breach": NotificationKind.SLA_BREACHED,
    "escalation": NotificationKind.SLA_ESCALATED,
}
# timeline events written before events carried the status they led to
STATUS_OF_EVENT: dict[str, str] = {
    EventKind.CREATED: TicketStatus.NEW,
    EventKind.ACCEPTED: TicketStatus.ACCEPTED,
    EventKind.ASSIGNED: TicketStatus.ASSIGNED,
    EventKind.STARTED: TicketStatus.IN_PROGRESS,
    EventKind.PENDING: TicketStatus.PENDING,
    EventKind.RESUMED: TicketStatus.IN_PROGRESS,
    EventKind.RESOLVED: TicketStatus.RESOLVED,
    EventKind.CONFIRMED: TicketStatus.CLOSED,
    EventKind.CLOSED: TicketStatus.CLOSED,
    EventKind.REOPENED: TicketStatus.IN_PROGRESS,
    EventKind.CANCELLED: TicketStatus.CANCELLED,
    EventKind.TRANSFERRED: TicketStatus.ACCEPTED,
}


def ticket_history(ticket: Ticket) -> list[tuple[dt.datetime, str]]:
    """(time, status entered) for each status change on the timeline, creation first."""
    history: list[tuple[dt.datetime, str]] = []
    events = ticket.events.filter(kind__in=[*STATUS_OF_EVENT, EventKind.ESCALATED])
    for created_at, kind, data in events.values_list("created_at", "kind", "data"):
        status = (data or {}).get("status") or STATUS_OF_EVENT.get(kind)
        if status and (not history or history[-1][1] != status):
            history.append((created_at, status))
    if not history or history[0][1] != TicketStatus.NEW:
        history.insert(0, (ticket.created_at, TicketStatus.NEW))
    return history


def applied_sla(ticket: Ticket) -> AppliedSla | None:
    return sla_for(
        kind=ticket.kind,
        priority=ticket.priority,
        department_id=ticket.department_id,
        department_ancestors=frozenset(department_ancestor_ids(ticket.department_id))
        if ticket.department_id
        else frozenset(),
        clinical_critical=ticket.configuration_items.filter(clinical_critical=True).exists()
        if ticket.pk
        else False,
    )


def _thresholds(applied: AppliedSla, metric: str) -> list[tuple[str, int, float]]:
    """(kind, level, business minutes after start) for every notice of a metric."""
    target = applied.target(metric)
    found = [("warning", p, target * p / 100) for p in applied.warn_percents if p < 100]
    found.append(("breach", 0, float(target)))
    found += [
        ("escalation", e.level, e.threshold_minutes(target))
        for e in applied.escalations
        if e.metric == metric
    ]
    return found


def _next_check(
    applied: AppliedSla,
    metric: str,
    state: ClockState,
    fired: set[tuple[str, int]],
    now: dt.datetime,
) -> dt.datetime | None:
    """When the scanner must look at this clock again: the next unfired threshold's instant."""
    if state.state not in ("running", "breached") or state.stopped_at is not None:
        return None
    spec = calendar_spec(applied.calendar_id)
    pending = [
        minutes
        for kind, level, minutes in _thresholds(applied, metric)
        if (kind, level) not in fired
    ]
    if not pending:
        return None
    earliest = min(pending)
    if earliest <= state.elapsed_minutes:
        return now
    return business_add(spec, now, earliest - state.elapsed_minutes)


def clocks_refresh(ticket: Ticket, *, now: dt.datetime | None = None) -> dict[str, ClockState]:
    """Recompute the ticket's clocks from its timeline and store them (inside the caller's
    transaction). Returns the states by metric; no policy → no clocks."""
    now = now or timezone.now()
    applied = applied_sla(ticket)
    if applied is None:
        TicketClock.objects.filter(ticket=ticket).delete()
        return {}
    spec = calendar_spec(applied.calendar_id)
    history = ticket_history(ticket)
    fired = {
        (metric, kind, level)
        for metric, kind, level in SlaNotice.objects.filter(ticket=ticket).values_list(
            "metric", "kind", "level"
        )
    }
    states: dict[str, ClockState] = {}
    for metric in METRICS:
        state = clock_compute(
            metric=metric,  # type: ignore[arg-type]
            history=history,
            target_minutes=applied.target(metric),
            calendar=spec,
            now=now,
            pause_statuses=applied.pause_statuses,
        )
        states[metric] = state
        mine = {(k, lv) for m, k, lv in fired if m == metric}
        TicketClock.objects.update_or_create(
            ticket=ticket,
            metric=metric,
            defaults={
                "policy_id": applied.policy_id,
                "policy_name": applied.policy_name,
                "calendar_id": applied.calendar_id,
                "target_minutes": state.target_minutes,
                "elapsed_minutes": state.elapsed_minutes,
                "state": state.state,
                "due_at": state.due_at,
                "breached_at": state.breached_at,
                "stopped_at": state.stopped_at,
                "pause_reason": state.pause_reason,
                "next_check_at": _next_check(applied, metric, state, mine, now),
                "computed_at": now,
            },
        )
    due = {
        "response_due_at": _deadline(states["response"]),
        "resolution_due_at": _deadline(states["resolution"]),
    }
    Ticket.objects.filter(pk=ticket.pk).update(**due)
    ticket.response_due_at, ticket.resolution_due_at = due.values()
    return states


def _deadline(state: ClockState) -> dt.datetime | None:
    """The deadline shown on the ticket: projected while running; while paused none (the
    clock is not moving); once stopped, the deadline it was measured against is moot."""
    if state.due_at is not None:
        return state.due_at
    return state.breached_at if state.state == "breached" else None


def initial_deadlines(
    *, kind: str, priority: int, department_id: int | None, start: dt.datetime
) -> dict[str, dt.datetime | None]:
    """Deadlines of a ticket being created (no timeline yet): both clocks start now."""
    applied = sla_for(
        kind=kind,
        priority=priority,
        department_id=department_id,
        department_ancestors=frozenset(department_ancestor_ids(department_id))
        if department_id
        else frozenset(),
    )
    if applied is None:
        return {"response_due_at": None, "resolution_due_at": None}
    spec = calendar_spec(applied.calendar_id)
    return {
        "response_due_at": business_add(spec, start, applied.response_minutes),
        "resolution_due_at": business_add(spec, start, applied.resolution_minutes),
    }


# --- the scanner --------------------------------------------------------------------------------


def _audience(ticket: Ticket, notify_kinds: tuple[str, ...]) -> list[User]:
    people: dict[int, User] = {}

    def add(users: Any) -> None:
        for user in users:
            if user is not None and user.is_active:
                people[user.pk] = user

    group = ticket.assignment_group
    for kind in notify_kinds:
        if kind == "assignee" and ticket.assignee_id:
            add([ticket.assignee])
        elif kind == "group" and group is not None:
            add(group.members.all())
        elif kind == "group_manager" and group is not None and group.manager_id:
            add([group.manager])
        elif kind == "escalation_group" and group is not None and group.escalation_group_id:
            escalation = group.escalation_group
            if escalation is not None:
                add([escalation.manager] if escalation.manager_id else escalation.members.all())
        elif kind == "it_managers":
            add(User.objects.filter(groups__name=Role.MANAGER))
        elif kind == "admins":
            add(User.objects.filter(groups__name=Role.ADMIN))
    return list(people.values())


def _fire(
    ticket: Ticket, clock: TicketClock, applied: AppliedSla, state: ClockState, now: dt.datetime
) -> list[SlaNotice]:
    """Insert the notices whose thresholds the clock has passed; act on those inserted here."""
    metric_label = _("响应") if clock.metric == "response" else _("解决")
    fired: list[SlaNotice] = []
    for kind, level, minutes in sorted(
        _thresholds(applied, clock.metric), key=lambda item: item[2]
    ):
        if state.elapsed_minutes < minutes or (kind == "breach" and not state.breached):
            continue
        try:
            with transaction.atomic():
                notice = SlaNotice.objects.create(
                    ticket=ticket,
                    metric=clock.metric,
                    kind=kind,
                    level=level,
                    elapsed_minutes=state.elapsed_minutes,
                )
        except IntegrityError:
            continue  # fired before (or by the other scanner just now)
        fired.append(notice)
        if kind == "warning":
            recipients = _audience(ticket, ("assignee",) if ticket.assignee_id else ("group",))
            title = _("%(no)s %(metric)s时限已用 %(p)d%%") % {
                "no": ticket.number,
                "metric": metric_label,
                "p": level,
            }
        elif kind == "breach":
            recipients = _audience(ticket, ("assignee", "group_manager"))
            title = _("%(no)s 已超过%(metric)s时限") % {"no": ticket.number, "metric": metric_label}
        else:
            rule = next(
                e for e in applied.escalations if e.metric == clock.metric and e.level == level
            )
            recipients = _audience(ticket, rule.notify)
            title = _("%(no)s %(metric)s超时升级至第 %(level)d 级") % {
                "no": ticket.number,
                "metric": metric_label,
                "level": level,
            }
            if level > ticket.escalation_level:
                Ticket.objects.filter(pk=ticket.pk).update(escalation_level=level)
            if rule.raise_priority and ticket.priority > 1:
                _raise_priority(ticket, title)
        notify(
            recipients=recipients,
            kind=NOTICE_KINDS[kind],
            title=title,
            body=ticket.title,
            link=f"/tickets/{ticket.pk}",
            ticket_id=ticket.pk,
            dedupe_key=f"sla:{ticket.pk}:{clock.metric}:{kind}:{level}",
        )
    return fired


def _raise_priority(ticket: Ticket, reason: str) -> None:
    """An escalation level may raise the ticket one priority step (P3 → P2), on the record."""
    before = snapshot(ticket)
    Ticket.objects.filter(pk=ticket.pk).update(
        priority=F("priority") - 1, version=F("version") + 1, updated_at=timezone.now()
    )
    ticket.refresh_from_db()
    changelog_record(ticket, action="update", before=before, after=snapshot(ticket))
    event_add(
        ticket,
        EventKind.FIELD_CHANGED,
        actor=None,
        public=False,
        body=reason,
        data={"priority": str(ticket.priority)},
    )


def sla_scan(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """Look at every clock whose next check is due; returns how many notices fired."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            due = TicketClock.objects.filter(next_check_at__lte=now).order_by("next_check_at")
            if connection.vendor == "postgresql":
                due = due.select_for_update(skip_locked=True, of=("self",))
            claimed = list(due.select_related("ticket")[:batch])
            if not claimed:
                return total
            for clock in claimed:
                total += len(_scan_one(clock, now))
        if len(claimed) < batch:
            return total


def _scan_one(clock: TicketClock, now: dt.datetime) -> list[SlaNotice]:
    ticket = Ticket.objects.select_related("assignment_group", "assignee").get(pk=clock.ticket_id)
    applied = applied_sla(ticket)
    if applied is None:
        TicketClock.objects.filter(pk=clock.pk).update(next_check_at=None)
        return []
    states = clocks_refresh(ticket, now=now)
    clock.refresh_from_db()
    fired = _fire(ticket, clock, applied, states[clock.metric], now)
    if fired:
        clocks_refresh(ticket, now=now)  # next_check_at moves past what just fired
    return fired


# --- keeping clocks current ---------------------------------------------------------------------

REFRESHING_KINDS = frozenset({*STATUS_OF_EVENT, EventKind.ESCALATED})


def _on_event(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Every status change, and a priority change, recomputes the ticket's clocks in the same
    transaction, so deadlines and queues are right the moment the change commits."""
    if raw or not created:
        return
    priority_changed = instance.kind == EventKind.FIELD_CHANGED and "priority" in (
        instance.data or {}
    )
    if instance.kind == EventKind.CREATED:
        clocks_start(instance.ticket, now=instance.created_at)
    elif instance.kind in REFRESHING_KINDS or priority_changed:
        clocks_refresh(instance.ticket, now=instance.created_at)


def clocks_start(ticket: Ticket, *, now: dt.datetime) -> None:
    """The clocks of a ticket just created: no history, no notices yet; three queries."""
    applied = applied_sla(ticket)
    if applied is None:
        return
    spec = calendar_spec(applied.calendar_id)
    rows = []
    due: dict[str, dt.datetime] = {}
    for metric in METRICS:
        target = applied.target(metric)
        due_at = business_add(spec, now, target)
        state = ClockState(metric, target, 0.0, "running", due_at, None, None)  # type: ignore[arg-type]
        due[f"{metric}_due_at"] = due_at
        rows.append(
            TicketClock(
                ticket=ticket,
                metric=metric,
                policy_id=applied.policy_id,
                policy_name=applied.policy_name,
                calendar_id=applied.calendar_id,
                target_minutes=target,
                elapsed_minutes=0.0,
                state="running",
                due_at=due_at,
                next_check_at=_next_check(applied, metric, state, set(), now),
                computed_at=now,
            )
        )
    TicketClock.objects.bulk_create(rows)
    Ticket.objects.filter(pk=ticket.pk).update(**due)
    ticket.response_due_at, ticket.resolution_due_at = (
        due["response_due_at"],
        due["resolution_due_at"],
    )


def connect_signals() -> None:
    from django.db.models.signals import post_save

    from hitsm.servicedesk.models import TicketEvent

    post_save.connect(_on_event, sender=TicketEvent, dispatch_uid="servicedesk-sla-clocks")
