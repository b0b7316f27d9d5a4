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
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hitsm.accounts.models import AssignmentGroup, User
from hitsm.accounts.roles import Role
from hitsm.accounts.selectors import department_ancestor_ids
from hitsm.core.changelog import changelog_record, snapshot
from hitsm.core.realtime import board_changed
from hitsm.notifications.models import NotificationKind
from hitsm.notifications.services import notify
from hitsm.servicedesk.choices import EventKind, TicketStatus
from hitsm.servicedesk.events import event_add
from hitsm.servicedesk.models import SlaNotice, Ticket, TicketClock, TicketEvent
from hitsm.sla.calendar import business_add
from hitsm.sla.clocks import ClockState, clock_compute
from hitsm.sla.selectors import AppliedSla, Escalation, calendar_spec, sla_for

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


HISTORY_KINDS = [*STATUS_OF_EVENT, EventKind.ESCALATED]


def _history_from(
    created_at: dt.datetime, rows: list[tuple[dt.datetime, str, dict[str, Any] | None]]
) -> list[tuple[dt.datetime, str]]:
    history: list[tuple[dt.datetime, str]] = []
    for when, kind, data in rows:
        status = (data or {}).get("status") or STATUS_OF_EVENT.get(kind)
        if status and (not history or history[-1][1] != status):
            history.append((when, status))
    if not history or history[0][1] != TicketStatus.NEW:
        history.insert(0, (created_at, TicketStatus.NEW))
    return history


def ticket_history(ticket: Ticket) -> list[tuple[dt.datetime, str]]:
    """(time, status entered) for each status change on the timeline, creation first."""
    rows = ticket.events.filter(kind__in=HISTORY_KINDS).values_list("created_at", "kind", "data")
    return _history_from(ticket.created_at, list(rows))


def applied_sla(ticket: Ticket) -> AppliedSla | None:
    return sla_for(
        kind=ticket.kind,
        priority=ticket.priority,
        department_id=ticket.department_id,
        department_ancestors=frozenset(department_ancestor_ids(ticket.department_id))
        if ticket.department_id
        else frozenset(),
        clinical_critical=_clinical_critical(ticket),
        catalog_item_id=ticket.catalog_item_id,
    )


def _clinical_critical(ticket: Ticket) -> bool:
    """Whether a clinical-critical item is linked; from the linked items already loaded on the
    ticket when there are (a ticket being created carries them), else one query."""
    if not ticket.pk:
        return False
    known = getattr(ticket, "_prefetched_objects_cache", {}).get("configuration_items")
    if known is not None:
        return any(item.clinical_critical for item in known)
    return ticket.configuration_items.filter(clinical_critical=True).exists()


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


@dataclass
class _Computed:
    applied: AppliedSla
    states: dict[str, ClockState]
    fields: dict[str, dict[str, Any]]  # metric → TicketClock field values
    due: dict[str, dt.datetime | None]  # the ticket's deadline columns


def _compute(
    applied: AppliedSla,
    opened_at: dt.datetime,
    history: list[tuple[dt.datetime, str]],
    fired: set[tuple[str, str, int]],
    now: dt.datetime,
) -> _Computed:
    """Both clocks of one ticket from its history: pure, no queries (calendars are cached)."""
    spec = calendar_spec(applied.calendar_id)
    states: dict[str, ClockState] = {}
    fields: dict[str, dict[str, Any]] = {}
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
        fields[metric] = {
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
            "opened_at": opened_at,
        }
    due = {
        "response_due_at": _deadline(states["response"]),
        "resolution_due_at": _deadline(states["resolution"]),
    }
    return _Computed(applied, states, fields, due)


def clocks_preview(ticket: Ticket, *, now: dt.datetime) -> tuple[AppliedSla, dict[str, Any]] | None:
    """The ticket's clocks as of ``now``, computed without storing anything (for reads)."""
    applied = applied_sla(ticket)
    if applied is None:
        return None
    fired = set(SlaNotice.objects.filter(ticket=ticket).values_list("metric", "kind", "level"))
    computed = _compute(applied, ticket.created_at, ticket_history(ticket), fired, now)
    return applied, computed.fields


def clocks_refresh(ticket: Ticket, *, now: dt.datetime | None = None) -> dict[str, ClockState]:
    """Recompute the ticket's clocks from its timeline and store them (inside the caller's
    transaction). Returns the states by metric; no policy → no clocks."""
    now = now or timezone.now()
    applied = applied_sla(ticket)
    if applied is None:
        TicketClock.objects.filter(ticket=ticket).delete()
        return {}
    fired = set(SlaNotice.objects.filter(ticket=ticket).values_list("metric", "kind", "level"))
    computed = _compute(applied, ticket.created_at, ticket_history(ticket), fired, now)
    existing = {c.metric: c.pk for c in TicketClock.objects.filter(ticket=ticket).only("metric")}
    for metric, values in computed.fields.items():
        if metric in existing:
            TicketClock.objects.filter(pk=existing[metric]).update(**values)
        else:
            TicketClock.objects.create(ticket=ticket, metric=metric, **values)
    Ticket.objects.filter(pk=ticket.pk).update(**computed.due)
    ticket.response_due_at = computed.due["response_due_at"]
    ticket.resolution_due_at = computed.due["resolution_due_at"]
    return computed.states


def _deadline(state: ClockState) -> dt.datetime | None:
    """The deadline shown on the ticket: projected while running; while paused none (the
    clock is not moving); once stopped, the deadline it was measured against is moot."""
    if state.due_at is not None:
        return state.due_at
    return state.breached_at if state.state == "breached" else None


def initial_deadlines(
    *,
    kind: str,
    priority: int,
    department_id: int | None,
    start: dt.datetime,
    catalog_item_id: int | None = None,
) -> dict[str, dt.datetime | None]:
    """Deadlines of a ticket being created (no timeline yet): both clocks start now."""
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


def _passed(
    applied: AppliedSla, metric: str, state: ClockState, known: set[tuple[str, str, int]]
) -> list[tuple[str, int]]:
    """(kind, level) of the thresholds the clock has passed that had not fired when the batch
    was loaded, in the order they were passed. Those known to have fired cost no query; the
    rest are still claimed by their unique insert (another scanner may have just fired them)."""
    return [
        (kind, level)
        for kind, level, minutes in sorted(_thresholds(applied, metric), key=lambda item: item[2])
        if state.elapsed_minutes >= minutes
        and (kind != "breach" or state.breached)
        and (metric, kind, level) not in known
    ]


def _fire(
    ticket: Ticket,
    metric: str,
    applied: AppliedSla,
    state: ClockState,
    passed: list[tuple[str, int]],
) -> list[SlaNotice]:
    """Insert the notices of ``passed`` thresholds; act on those inserted here."""
    metric_label = (
        pgettext("SLA metric", "响应") if metric == "response" else pgettext("SLA metric", "解决")
    )
    fired: list[SlaNotice] = []
    for kind, level in passed:
        try:
            with transaction.atomic():
                notice = SlaNotice.objects.create(
                    ticket=ticket,
                    metric=metric,
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
            rule = next(e for e in applied.escalations if e.metric == metric and e.level == level)
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
            if rule.reassign:
                moved_to = _reassign(ticket, rule, title)
                recipients = list({u.pk: u for u in [*recipients, *moved_to]}.values())
        notify(
            recipients=recipients,
            kind=NOTICE_KINDS[kind],
            title=title,
            body=ticket.title,
            link=f"/tickets/{ticket.pk}",
            ticket_id=ticket.pk,
            dedupe_key=f"sla:{ticket.pk}:{metric}:{kind}:{level}",
        )
    return fired


def _reassign(ticket: Ticket, rule: Escalation, reason: str) -> list[User]:
    """An escalation level moves the ticket to the second line (its group's escalation group) or
    a named group; the new group's members hear of it with the escalation. Nothing happens when
    the ticket is already there or no such group is set."""
    from hitsm.servicedesk.services import ticket_assign, ticket_transfer

    ticket.refresh_from_db()
    current = ticket.assignment_group
    if rule.reassign == "escalation_group":
        target = current.escalation_group if current is not None else None
    elif rule.reassign_group_id is not None:
        target = AssignmentGroup.objects.filter(pk=rule.reassign_group_id).first()
    else:
        target = None
    if target is None or not target.is_active or target.pk == ticket.assignment_group_id:
        return []
    if ticket.status == TicketStatus.NEW:
        ticket_assign(ticket=ticket, actor=None, group=target, note=reason)
    else:
        ticket_transfer(ticket=ticket, actor=None, group=target, reason=reason)
    return list(target.members.filter(is_active=True))


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


CLOCK_FIELDS = [
    "policy",
    "policy_name",
    "calendar",
    "target_minutes",
    "elapsed_minutes",
    "state",
    "due_at",
    "breached_at",
    "stopped_at",
    "pause_reason",
    "next_check_at",
    "computed_at",
    "opened_at",
]
# the same, as keys of ``_Computed.fields``
CLOCK_VALUES = [f"{name}_id" if name in ("policy", "calendar") else name for name in CLOCK_FIELDS]


def _write(model: Any, fields: list[str], rows: list[tuple[int, list[Any]]]) -> None:
    """One parameterised UPDATE per row — (primary key, values in the order of ``fields``) —
    sent together with ``executemany``. Django's ``bulk_update`` builds a CASE expression per
    field and row, which costs more in Python than the database spends on the writes.

    On PostgreSQL the rows go through a server-binding cursor on the same connection (and
    transaction): one prepared statement, parameters in binary, pipelined. Django's cursors
    bind client-side, which for 20,000 rows costs more than the writes (measured: an
    ``UPDATE … FROM unnest(arrays)`` was slower still, its arrays dumped in Python).
    Elsewhere date-times are adapted by the backend (SQLite stores them as UTC text)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [model._meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(c.column)} = %s" for c in columns)
    sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608 (names from metadata)
    if connection.vendor == "postgresql":
        import psycopg

        with connection.cursor() as cursor, psycopg.Cursor(cursor.connection) as server:
            server.executemany(sql, [[*values, pk] for pk, values in rows])
        return
    adapt = connection.ops.adapt_datetimefield_value
    stamps = [i for i, c in enumerate(columns) if c.get_internal_type() == "DateTimeField"]
    params = []
    for pk, values in rows:
        row = list(values)
        for i in stamps:
            row[i] = adapt(row[i])
        row.append(pk)
        params.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def sla_scan(*, now: dt.datetime | None = None, batch: int = 1000) -> int:
    """Look at every clock whose next check is due; returns how many notices fired.

    Work is claimed per *ticket*: the tickets behind the due clocks are locked with
    ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (in id order), so two scanners never
    touch the same ticket's clocks and never wait on each other; a status change through the
    API locks the ticket row first too, so both paths take their locks in the same order.
    A batch of tickets is then recomputed with a handful of queries; only the notices that fire
    are written one by one (each its own insert, the unique row that makes it happen once)."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            due = list(
                TicketClock.objects.filter(next_check_at__lte=now)
                .order_by("next_check_at")
                .values_list("ticket_id", flat=True)[:batch]
            )
            if not due:
                return total
            tickets = Ticket.objects.filter(pk__in=sorted(set(due))).order_by("pk").only("pk")
            if connection.vendor == "postgresql":
                tickets = tickets.select_for_update(skip_locked=True, of=("self",))
            mine = [ticket.pk for ticket in tickets]
            if not mine:
                return total  # another scanner holds them all
            total += _scan_batch(mine, now)
        if len(due) < batch:
            return total


# What the scanner reads of a ticket to choose its policy and recompute its clocks; a ticket
# whose notices fire is then loaded whole.
SCAN_TICKET_FIELDS = (
    "kind",
    "priority",
    "department_id",
    "catalog_item_id",
    "created_at",
    "response_due_at",
    "resolution_due_at",
)


def _scan_batch(ids: list[int], now: dt.datetime) -> int:
    """Recompute the clocks of a batch of locked tickets and fire what their due clocks passed."""
    claimed_keys = set(
        TicketClock.objects.filter(ticket_id__in=ids, next_check_at__lte=now).values_list(
            "ticket_id", "metric"
        )
    )
    ids = sorted({ticket_id for ticket_id, _metric in claimed_keys})
    tickets = {
        row[0]: row[1:]
        for row in Ticket.objects.filter(pk__in=ids).values_list("pk", *SCAN_TICKET_FIELDS)
    }
    rows: dict[int, list[tuple[dt.datetime, str, dict[str, Any] | None]]] = {pk: [] for pk in ids}
    events = (
        TicketEvent.objects.filter(ticket_id__in=ids, kind__in=HISTORY_KINDS)
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "created_at", "kind", "data")
    )
    for ticket_id, when, kind, data in events:
        rows[ticket_id].append((when, kind, data))
    fired: dict[int, set[tuple[str, str, int]]] = {pk: set() for pk in ids}
    for ticket_id, metric, kind, level in SlaNotice.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "metric", "kind", "level"
    ):
        fired[ticket_id].add((metric, kind, level))
    critical = set(
        Ticket.configuration_items.through.objects.filter(
            ticket_id__in=ids, configurationitem__clinical_critical=True
        ).values_list("ticket_id", flat=True)
    )
    existing = {
        (ticket_id, metric): pk
        for pk, ticket_id, metric in TicketClock.objects.filter(ticket_id__in=ids).values_list(
            "pk", "ticket_id", "metric"
        )
    }
    clock_rows: list[tuple[int, list[Any]]] = []
    ticket_rows: list[tuple[int, list[Any]]] = []
    firing: list[tuple[int, str, AppliedSla, ClockState, list[tuple[str, int]]]] = []
    for ticket_id in ids:
        if ticket_id not in tickets:
            continue
        kind, priority, department_id, item_id, created_at, response_due, resolution_due = tickets[
            ticket_id
        ]
        applied = sla_for(
            kind=kind,
            priority=priority,
            department_id=department_id,
            department_ancestors=frozenset(department_ancestor_ids(department_id))
            if department_id
            else frozenset(),
            clinical_critical=ticket_id in critical,
            catalog_item_id=item_id,
        )
        if applied is None:
            TicketClock.objects.filter(ticket_id=ticket_id).update(next_check_at=None)
            continue
        history = _history_from(created_at, rows[ticket_id])
        computed = _compute(applied, created_at, history, fired[ticket_id], now)
        for metric, values in computed.fields.items():
            pk = existing.get((ticket_id, metric))
            if pk is None:
                TicketClock.objects.create(ticket_id=ticket_id, metric=metric, **values)
                continue
            clock_rows.append((pk, [values[name] for name in CLOCK_VALUES]))
            state = computed.states[metric]
            if (ticket_id, metric) in claimed_keys:
                passed = _passed(applied, metric, state, fired[ticket_id])
                if passed:
                    firing.append((ticket_id, metric, applied, state, passed))
        due = (computed.due["response_due_at"], computed.due["resolution_due_at"])
        if (response_due, resolution_due) != due:
            ticket_rows.append((ticket_id, list(due)))
    _write(TicketClock, CLOCK_FIELDS, clock_rows)
    _write(Ticket, ["response_due_at", "resolution_due_at"], ticket_rows)
    if not firing:
        return 0
    whole = {
        t.pk: t
        for t in Ticket.objects.filter(pk__in={f[0] for f in firing}).select_related(
            "assignment_group", "assignee"
        )
    }
    notices = 0
    refreshed: set[int] = set()
    for ticket_id, metric, applied, state, passed in firing:
        new = _fire(whole[ticket_id], metric, applied, state, passed)
        notices += len(new)
        if new:
            refreshed.add(ticket_id)
    for ticket_id in sorted(refreshed):  # next_check_at moves past what just fired
        clocks_refresh(whole[ticket_id], now=now)
        _broadcast_change(whole[ticket_id])
    if refreshed:  # one frame for the whole batch: the boards' overdue and breach counts
        board_changed("sla", sorted(refreshed))
    return notices


def _broadcast_change(ticket: Ticket) -> None:
    """Open ticket pages and desks refresh when a warning, breach or escalation fired."""
    from hitsm.servicedesk.services import _broadcast

    ticket.refresh_from_db()
    _broadcast(ticket, "ticket.updated")


def clocks_backfill(ticket_ids: list[int], *, now: dt.datetime | None = None) -> int:
    """Compute the clocks of existing tickets (go-live, tickets imported from an old system)
    and record the thresholds they passed long ago as fired, silently: nobody is paged about a
    ticket that breached last year. Returns the number of notices recorded."""
    now = now or timezone.now()
    recorded = 0
    for offset in range(0, len(ticket_ids), 500):
        with transaction.atomic():
            for ticket in Ticket.objects.filter(pk__in=ticket_ids[offset : offset + 500]):
                applied = applied_sla(ticket)
                states = clocks_refresh(ticket, now=now)
                if applied is None:
                    continue
                passed = [
                    SlaNotice(
                        ticket=ticket,
                        metric=metric,
                        kind=kind,
                        level=level,
                        elapsed_minutes=state.elapsed_minutes,
                    )
                    for metric, state in states.items()
                    for kind, level, minutes in _thresholds(applied, metric)
                    if state.elapsed_minutes >= minutes and (kind != "breach" or state.breached)
                ]
                SlaNotice.objects.bulk_create(passed, ignore_conflicts=True)
                recorded += len(passed)
                if passed:
                    clocks_refresh(ticket, now=now)
    return recorded


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
                opened_at=ticket.created_at or now,
            )
        )
    TicketClock.objects.bulk_create(rows)
    Ticket.objects.filter(pk=ticket.pk).update(**due)
    ticket.response_due_at, ticket.resolution_due_at = (
        due["response_due_at"],
        due["resolution_due_at"],
    )


def clocks_recheck_all() -> int:
    """Ask the scanner to recompute every clock that is still running or paused (within its
    next pass): a calendar, holiday, policy or target changed, so their deadlines may move."""
    return TicketClock.objects.filter(stopped_at__isnull=True).update(next_check_at=timezone.now())


def _on_sla_config(sender: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        transaction.on_commit(clocks_recheck_all)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from hitsm.servicedesk.models import TicketEvent
    from hitsm.sla import models as sla

    post_save.connect(_on_event, sender=TicketEvent, dispatch_uid="servicedesk-sla-clocks")
    for model in (
        sla.BusinessCalendar,
        sla.CalendarDay,
        sla.PublicHoliday,
        sla.SlaPolicy,
        sla.SlaTarget,
        sla.EscalationRule,
    ):
        uid = f"servicedesk-sla-recheck-{model.__name__}"
        post_save.connect(_on_sla_config, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_sla_config, sender=model, dispatch_uid=f"{uid}-delete")
