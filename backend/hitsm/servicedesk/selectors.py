"""Reads for the service desk: scoping, queues with counts, search."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from hitsm.accounts.models import User
from hitsm.accounts.roles import IT_STAFF, Role, has_role, user_roles
from hitsm.core.permissions import Policy
from hitsm.servicedesk.choices import OPEN_STATUSES, TicketStatus
from hitsm.servicedesk.models import AssignmentGroup, Ticket, TicketEvent
from hitsm.servicedesk.search import query_tokens

DESK_ROLES = (Role.AGENT, Role.MANAGER, Role.ADMIN)


def is_desk(user: Any) -> bool:
    return has_role(user, *DESK_ROLES)


def group_ids_of(user: Any) -> set[int]:
    cached = getattr(user, "_hitsm_group_ids", None)
    if cached is None:
        cached = set(AssignmentGroup.objects.filter(members=user).values_list("id", flat=True))
        user._hitsm_group_ids = cached
    return set(cached)


def is_requester_side(user: Any, ticket: Ticket) -> bool:
    return user.pk in (ticket.requester_id, ticket.submitted_by_id)


def is_worker(user: Any, ticket: Ticket) -> bool:
    """Assignee, or member of the ticket's group."""
    return ticket.assignee_id == user.pk or (
        ticket.assignment_group_id is not None and ticket.assignment_group_id in group_ids_of(user)
    )


def ticket_reveals_sensitive(user: Any, ticket: Ticket) -> bool:
    """Full phone numbers and sensitive form answers of a ticket: for the requester (or who
    submitted it), the desk, and the engineers handling it; masked for everyone else who may
    see the ticket, colleagues of the same department included (docs/admin/security.md)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_requester_side(user, ticket) or is_desk(user) or is_worker(user, ticket)


def ticket_hidden_attachment_ids(user: Any, ticket: Ticket) -> set[int]:
    """The attachments of the ticket's sensitive form fields (an ID-card scan), when this viewer
    sees the ticket's personal numbers masked: left out of the timeline and refused to download."""
    version = ticket.form_version
    if version is None or ticket_reveals_sensitive(user, ticket):
        return set()
    from hitsm.catalog.formschema import sensitive_attachment_ids

    return sensitive_attachment_ids(version.schema, ticket.form_data or {})


def ticket_visibility(user: Any) -> Q | None:
    """None = everything; otherwise the rows this user may see."""
    if is_desk(user):
        return None
    mine = Q(requester=user) | Q(submitted_by=user)
    if has_role(user, Role.ENGINEER, Role.SYSADMIN):
        mine |= Q(assignee=user) | Q(assignment_group__in=group_ids_of(user))
    department_id = getattr(user, "department_id", None)
    if department_id:
        mine |= Q(department_id=department_id)
    return mine


class TicketPolicy(Policy):
    """Who sees which tickets and who may do what to them (docs/servicedesk.md)."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        rule = ticket_visibility(user)
        return queryset if rule is None else queryset.filter(rule)

    def can_list(self, user: Any) -> bool:
        return bool(user.is_authenticated)

    def can_create(self, user: Any) -> bool:
        return bool(user.is_authenticated)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return ticket_can(user, action, obj)


def ticket_can(user: Any, action: str, ticket: Ticket) -> bool:
    desk = is_desk(user)
    worker = is_worker(user, ticket)
    requester = is_requester_side(user, ticket)
    it_staff = bool(user_roles(user) & IT_STAFF)
    if action in ("retrieve", "events", "attachments", "reply", "attach"):
        return True  # the row is already in the user's scope
    if action == "accept":
        return desk
    if action in (
        "assign",
        "start",
        "pend",
        "resume",
        "resolve",
        "close",
        "escalate",
        "transfer",
        "update",
        "partial_update",
        "link",
        "merge",
        "set_parent",
    ):
        return desk or worker
    if action in ("confirm", "reopen"):
        return requester or desk or worker
    if action == "cancel":
        return (
            desk
            or worker
            or (requester and ticket.status in (TicketStatus.NEW, TicketStatus.ACCEPTED))
        )
    if action == "note":
        return it_staff
    return False


def ticket_list() -> QuerySet[Ticket]:
    return Ticket.objects.select_related(
        "requester", "department", "assignment_group", "assignee", "category"
    )


def ticket_detail() -> QuerySet[Ticket]:
    """Same joins as the list: measured on PostgreSQL, joining submitter, acceptor, parent and
    merge target too cost ~8 ms of planning per request (10 joins) against ~1 ms for the few
    simple look-ups the serializer makes when those are set."""
    return ticket_list()


def ticket_events(*, ticket: Ticket, user: Any) -> QuerySet[TicketEvent]:
    events = ticket.events.select_related("actor").prefetch_related("attachments")
    if not (user_roles(user) & IT_STAFF):
        events = events.filter(public=True)
    return events


def unaccepted_cutoff() -> Any:
    return timezone.now() - timedelta(minutes=settings.TICKET_UNACCEPTED_MINUTES)


QUEUES = ("intake", "dispatch", "overdue", "unaccepted", "mine", "my_groups", "open", "all")


def queue_filter(name: str, user: Any) -> Q:
    now = timezone.now()
    if name == "intake":  # 受理队列
        return Q(status=TicketStatus.NEW)
    if name == "dispatch":  # 派发队列
        return Q(status=TicketStatus.ACCEPTED)
    if name == "overdue":  # 处理超时队列
        return Q(status__in=OPEN_STATUSES, resolution_due_at__lt=now)
    if name == "unaccepted":  # 无人受理工作队列
        return Q(status=TicketStatus.NEW, created_at__lt=unaccepted_cutoff())
    if name == "mine":
        return Q(assignee=user, status__in=OPEN_STATUSES)
    if name == "my_groups":
        return Q(assignment_group__in=group_ids_of(user), status__in=OPEN_STATUSES)
    if name == "open":
        return Q(status__in=OPEN_STATUSES)
    if name == "all":
        return Q()
    raise ValueError(name)


def queue_counts(*, user: Any) -> dict[str, int]:
    """Every queue's count in one query, within what the user may see. All queues are subsets
    of the open tickets, so the scan stays on the (small) open set however old the desk is."""
    base = TicketPolicy().scope(user, Ticket.objects.filter(status__in=OPEN_STATUSES))
    aggregates = {
        name: Count("id", filter=queue_filter(name, user)) for name in QUEUES if name != "all"
    }
    return {name: int(value) for name, value in base.aggregate(**aggregates).items()}


def ticket_search(queryset: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """Number, or Chinese full text over title, description, number and requester."""
    text = text.strip()
    if not text:
        return queryset
    upper = text.upper()
    if upper.startswith(("SR-", "INC-")) and len(upper) >= 8:
        return queryset.filter(number__startswith=upper)
    words = query_tokens(text)
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        # Stored, GIN-indexed tsvector (migration 0003); every word must match.
        match = RawSQL(
            "servicedesk_ticket.search_vector @@ plainto_tsquery('simple', %s)",
            [" ".join(words)],
            output_field=BooleanField(),
        )
        return queryset.filter(match)
    for word in words:
        queryset = queryset.filter(search_tokens__contains=word)
    return queryset


def members_of(group: AssignmentGroup) -> QuerySet[User]:
    return group.members.filter(is_active=True).order_by("username")


# --- the catalog's information assistant and OBASHI statistics -----------------------------


# The knowledge base (above the desk) registers how to find an item's articles.
_ITEM_KNOWLEDGE: list[Callable[[int, Any], list[dict[str, Any]]]] = []


def item_knowledge_register(finder: Callable[[int, Any], list[dict[str, Any]]]) -> None:
    _ITEM_KNOWLEDGE[:] = [finder]


def catalog_assistant(
    *, item_id: int, detailed: bool, now: Any = None, user: Any = None
) -> dict[str, Any]:
    """信息助手: how often tickets of this item were handled, how long they took, by whom and
    with what experience (the resolution notes). ``detailed`` (IT staff) adds names and notes;
    requesters get the counts and the typical time only."""
    now = now or timezone.now()
    tickets = Ticket.objects.filter(catalog_item_id=item_id)
    resolved = tickets.filter(resolved_at__isnull=False)
    recent_times = list(
        resolved.order_by("-resolved_at").values_list("created_at", "resolved_at")[:500]
    )
    minutes = sorted(
        (done - opened).total_seconds() / 60 for opened, done in recent_times if done is not None
    )
    answer: dict[str, Any] = {
        "total": tickets.count(),
        "last_90_days": tickets.filter(created_at__gte=now - timedelta(days=90)).count(),
        "resolved": resolved.count(),
        "median_resolution_minutes": round(minutes[len(minutes) // 2]) if minutes else None,
        "handlers": [],
        "recent_resolutions": [],
        "knowledge": _ITEM_KNOWLEDGE[0](item_id, user) if _ITEM_KNOWLEDGE else [],
    }
    if not detailed:
        return answer
    handlers = (
        resolved.filter(assignee__isnull=False)
        .values("assignee", "assignee__display_name", "assignee__username")
        .annotate(count=Count("id"))
        .order_by("-count", "assignee")[:5]
    )
    answer["handlers"] = [
        {
            "user_id": row["assignee"],
            "name": row["assignee__display_name"] or row["assignee__username"],
            "count": row["count"],
        }
        for row in handlers
    ]
    answer["recent_resolutions"] = recent_resolutions(resolved)
    return answer


def recent_resolutions(resolved: QuerySet[Ticket], limit: int = 5) -> list[dict[str, Any]]:
    """The latest resolutions with notes among ``resolved`` tickets: what the 信息助手 shows."""
    rows = resolved.exclude(resolution_notes="").select_related("assignee").order_by("-resolved_at")
    return [
        {
            "ticket_id": t.pk,
            "number": t.number,
            "title": t.title,
            "resolution_code": t.resolution_code,
            "resolution_notes": t.resolution_notes[:500],
            "resolved_by": t.assignee.name if t.assignee else "",
            "resolved_at": t.resolved_at,
        }
        for t in rows[:limit]
    ]


OBASHI_STAT_LAYERS = ("business", "data", "application")


def catalog_obashi_stats(
    *, start: Any, end: Any, tickets: QuerySet[Ticket] | None = None
) -> dict[str, Any]:
    """Tickets per business activity, business data set and application, per month.

    A ticket counts once for a CI when the CI is linked to the ticket's catalog item or to the
    ticket itself. Months are calendar months in the hospital's time zone; ``end`` is exclusive.
    """
    from django.db.models.functions import TruncMonth

    from hitsm.cmdb.models import ConfigurationItem

    base = (tickets if tickets is not None else Ticket.objects.all()).filter(
        created_at__gte=start, created_at__lt=end
    )
    month = TruncMonth("created_at", tzinfo=timezone.get_current_timezone())
    via_item = (
        base.filter(catalog_item__configuration_items__ci_class__layer__in=OBASHI_STAT_LAYERS)
        .annotate(month=month)
        .values_list("id", "month", "catalog_item__configuration_items")
    )
    direct = (
        base.filter(configuration_items__ci_class__layer__in=OBASHI_STAT_LAYERS)
        .annotate(month=month)
        .values_list("id", "month", "configuration_items")
    )
    pairs = {(ticket_id, m.date().isoformat()[:7], ci) for ticket_id, m, ci in via_item}
    pairs |= {(ticket_id, m.date().isoformat()[:7], ci) for ticket_id, m, ci in direct}
    counts: dict[int, dict[str, int]] = {}
    for _ticket, month_key, ci_id in pairs:
        per_month = counts.setdefault(ci_id, {})
        per_month[month_key] = per_month.get(month_key, 0) + 1
    months = []
    cursor = timezone.localtime(start).replace(day=1)
    last = timezone.localtime(end - timedelta(seconds=1))
    while (cursor.year, cursor.month) <= (last.year, last.month):
        months.append(f"{cursor.year:04d}-{cursor.month:02d}")
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    cis = {
        c.pk: c for c in ConfigurationItem.objects.filter(pk__in=counts).select_related("ci_class")
    }
    layers: dict[str, list[dict[str, Any]]] = {layer: [] for layer in OBASHI_STAT_LAYERS}
    for ci_id, per_month in counts.items():
        ci = cis[ci_id]
        layers[ci.ci_class.layer].append(
            {
                "ci_id": ci_id,
                "name": ci.name,
                "code": ci.code,
                "class_name": ci.ci_class.name,
                "total": sum(per_month.values()),
                "by_month": [per_month.get(m, 0) for m in months],
            }
        )
    for rows in layers.values():
        rows.sort(key=lambda row: (-row["total"], row["name"]))
    return {"months": months, "layers": layers}
