"""Writes for the service desk: create, every lifecycle transition, replies, links, attachments.

Transitions are guarded twice: the lifecycle table says which statuses an action starts from, and
the UPDATE itself repeats that condition (``WHERE status IN (…)``), so of two agents clicking
"accept" at once exactly one row update succeeds; the other gets a clear conflict error.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from hitsm.accounts.models import Department, User
from hitsm.accounts.roles import IT_STAFF, Role, user_roles
from hitsm.catalog.choices import NUMBER_PREFIXES, SERVICE_KINDS
from hitsm.catalog.models import CatalogItem
from hitsm.catalog.services import submission_check, usage_record
from hitsm.cmdb.models import ConfigurationItem
from hitsm.core.changelog import changelog_record, snapshot
from hitsm.core.context import actor_of
from hitsm.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from hitsm.core.numbering import number_next
from hitsm.core.realtime import publish, role_group, user_group
from hitsm.core.refcache import cached
from hitsm.notifications.models import NotificationKind
from hitsm.notifications.services import notify
from hitsm.servicedesk import attachments as uploads
from hitsm.servicedesk.choices import (
    OPEN_STATUSES,
    Channel,
    EscalationKind,
    EventKind,
    GroupDistribution,
    PendingReason,
    ResolutionCode,
    TicketKind,
    TicketStatus,
)
from hitsm.servicedesk.events import event_add
from hitsm.servicedesk.models import (
    AssignmentGroup,
    Attachment,
    Category,
    RoutingRule,
    Ticket,
    TicketEvent,
)
from hitsm.servicedesk.search import tokens_text
from hitsm.servicedesk.selectors import group_ids_of, is_desk, is_requester_side, ticket_can
from hitsm.sla.selectors import priority_for, targets_for
from hitsm.workflow.services import (
    instance_start,
    process_for,
    subject_open_steps,
    subject_processes_cancel,
)

S = TicketStatus
# action → statuses it may start from
LIFECYCLE: dict[str, tuple[str, ...]] = {
    "accept": (S.NEW,),
    "assign": (S.NEW, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.PENDING),
    "start": (S.ASSIGNED,),
    "pend": (S.ASSIGNED, S.IN_PROGRESS),
    "resume": (S.PENDING,),
    "resolve": (S.ASSIGNED, S.IN_PROGRESS, S.PENDING),
    "confirm": (S.RESOLVED,),
    "close": (S.RESOLVED,),
    "reopen": (S.RESOLVED, S.CLOSED),
    "cancel": (S.NEW, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.PENDING),
    "escalate": (S.NEW, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.PENDING),
    "transfer": (S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.PENDING),
    # not offered to users: a child ticket resolves with its parent from any open status
    "resolve_with_parent": OPEN_STATUSES,
    # a process step resolves its ticket wherever the desk has got to
    "resolve_by_process": OPEN_STATUSES,
}
ACTION_LABELS = {
    "accept": _("受理"),
    "assign": _("派发"),
    "start": _("开始处理"),
    "pend": _("挂起"),
    "resume": _("恢复处理"),
    "resolve": _("解决"),
    "confirm": _("确认解决"),
    "close": _("关闭"),
    "reopen": _("重新打开"),
    "cancel": _("取消"),
    "escalate": _("升级"),
    "transfer": _("转组"),
    "resolve_with_parent": _("随父工单解决"),
}
MENTION = re.compile(r"@([A-Za-z0-9_.\-]{2,150})")


class IllegalTransition(Conflict):
    code = "ticket.invalid_transition"


def _last_actor(ticket: Ticket) -> str:
    last = ticket.events.exclude(
        kind__in=(
            EventKind.REPLY,
            EventKind.NOTE,
            EventKind.ATTACHMENT,
            EventKind.SURVEY_ANSWERED,
            EventKind.FOLLOW_UP_OPENED,
            EventKind.FOLLOW_UP_CLOSED,
        )
    ).last()
    if last is None:
        return ""
    return _("%(who)s %(what)s") % {"who": last.actor_label, "what": last.get_kind_display()}


def _label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _require(actor: User, action: str, ticket: Ticket) -> None:
    if not ticket_can(actor, action, ticket):
        raise Forbidden(_("您不能对此工单执行「%(a)s」") % {"a": _label(action)})


class ProcessRunning(Conflict):
    code = "ticket.process_running"


def _process_allows(ticket: Ticket) -> None:
    """A process that holds its ticket decides when it is resolved or closed."""
    steps = subject_open_steps("ticket", ticket.pk)
    if steps:
        raise ProcessRunning(
            _("工单的流程尚未完成，请先完成流程环节：%(s)s") % {"s": "；".join(steps)},
            extra={"steps": steps},
        )


def _ticket_link(ticket: Ticket) -> str:
    return f"/tickets/{ticket.pk}"


def _tell_requester(ticket: Ticket, kind: str, *, title: str, body: str, dedupe_key: str) -> None:
    """Queue a message about ``ticket`` to its requester (who cannot opt out of these)."""
    notify(
        recipients=[],
        requesters=[ticket.requester],
        kind=kind,
        title=title,
        body=body,
        link=_ticket_link(ticket),
        ticket_id=ticket.pk,
        dedupe_key=dedupe_key,
    )


def _summary(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "title": ticket.title,
        "status": ticket.status,
        "priority": ticket.priority,
        "kind": ticket.kind,
        "department": ticket.department.name if ticket.department_id and ticket.department else "",
        "channel": ticket.channel,
        "assignment_group_id": ticket.assignment_group_id,
        "assignee_id": ticket.assignee_id,
    }


def _broadcast(ticket: Ticket, event_type: str) -> None:
    """Tell desks and the people on the ticket that it changed (queues refresh live)."""
    publish(_audience(ticket), event_type, _summary(ticket))


def _audience(ticket: Ticket) -> list[str]:
    """Desk roles, the assignee, the group's members and the requester."""
    groups = [role_group(Role.AGENT), role_group(Role.MANAGER)]
    if ticket.assignee_id:
        groups.append(user_group(ticket.assignee_id))
    if ticket.assignment_group_id:
        members = AssignmentGroup.members.through.objects.filter(
            assignmentgroup_id=ticket.assignment_group_id
        ).values_list("user_id", flat=True)
        groups += [user_group(pk) for pk in members]
    groups.append(user_group(ticket.requester_id))
    return sorted(set(groups))


def _transition(
    ticket: Ticket,
    *,
    actor: User | None,
    action: str,
    to_status: str | None,
    changes: dict[str, Any] | None = None,
    event_kind: str,
    public: bool = True,
    body: str = "",
    data: dict[str, Any] | None = None,
) -> Ticket:
    """Conditional UPDATE from the allowed statuses; event + change log; fresh ticket back."""
    allowed = LIFECYCLE[action]
    if ticket.status not in allowed:
        raise IllegalTransition(
            _("工单当前状态为「%(s)s」（%(who)s），不能执行「%(a)s」")
            % {"s": ticket.get_status_display(), "a": _label(action), "who": _last_actor(ticket)},
            extra={"status": ticket.status},
        )
    before = snapshot(ticket)
    values: dict[str, Any] = dict(changes or {})
    if to_status is not None:
        values["status"] = to_status
    values["version"] = F("version") + 1
    values["updated_at"] = timezone.now()
    updated = Ticket.objects.filter(pk=ticket.pk, status__in=allowed).update(**values)
    if not updated:
        current = Ticket.objects.get(pk=ticket.pk)
        raise Conflict(
            _("该工单刚被%(who)s处理（当前状态：%(s)s），请刷新后再试")
            % {"who": _last_actor(current), "s": current.get_status_display()},
            extra={"status": current.status},
        )
    ticket.refresh_from_db()
    changelog_record(
        ticket, action="update", before=before, after=snapshot(ticket), actor=actor_of(actor)
    )
    event_add(ticket, event_kind, actor=actor, public=public, body=body, data=data or {})
    _broadcast(ticket, "ticket.updated")
    return ticket


# --- creation ---------------------------------------------------------------------------------


def _deadlines(priority: int, start: datetime) -> dict[str, datetime]:
    response, resolution = targets_for(priority)
    return {"response_due_at": start + response, "resolution_due_at": start + resolution}


def _active_rules() -> list[tuple[RoutingRule, tuple[str, ...]]]:
    """Active routing rules in order, each with its lower-cased keywords (cached per process,
    see hitsm.core.refcache; callers get copies, never the cached instances)."""

    def load() -> list[tuple[RoutingRule, tuple[str, ...]]]:
        rules = RoutingRule.objects.filter(is_active=True).select_related("target_group")
        return [
            (
                rule,
                tuple(w.strip().lower() for w in re.split(r"[,，、]", rule.keywords) if w.strip()),
            )
            for rule in rules
        ]

    return cached("servicedesk.routing_rules", load)


def _category_parents() -> dict[int, int | None]:
    return cached(
        "servicedesk.category_parents",
        lambda: dict(Category.objects.values_list("id", "parent_id")),
    )


def _department_parents() -> dict[int, int | None]:
    return cached(
        "accounts.department_parents",
        lambda: dict(Department.objects.values_list("id", "parent_id")),
    )


def _route(ticket: Ticket, ci_ids: set[int]) -> RoutingRule | None:
    """The first active rule that matches the (not yet saved) ticket; ``ci_ids`` are the
    configuration items it will be linked to."""
    text = f"{ticket.title}\n{ticket.description}".lower()
    for rule, words in _active_rules():
        if rule.kind and rule.kind != ticket.kind:
            continue
        if rule.category_id and not _within(
            _category_parents(), ticket.category_id, rule.category_id
        ):
            continue
        if rule.department_id and not _within(
            _department_parents(), ticket.department_id, rule.department_id
        ):
            continue
        if rule.configuration_item_id and rule.configuration_item_id not in ci_ids:
            continue
        if words and not any(w in text for w in words):
            continue
        return copy.deepcopy(rule)
    return None


def _within(parents: dict[int, int | None], node_id: int | None, ancestor_id: int) -> bool:
    """Whether ``node_id`` is ``ancestor_id`` or below it in a tree given as id → parent id."""
    depth = 0
    while node_id is not None and depth < 20:
        if node_id == ancestor_id:
            return True
        node_id = parents.get(node_id)
        depth += 1
    return False


def pick_assignee(group: AssignmentGroup) -> User | None:
    """Within a group: round-robin (after the last one picked) or least-loaded."""
    members = list(group.members.filter(is_active=True).order_by("username"))
    if not members:
        return None
    if group.distribution == GroupDistribution.LEAST_LOADED:
        load = dict(
            Ticket.objects.filter(assignee__in=members, status__in=OPEN_STATUSES)
            .values_list("assignee")
            .annotate(n=Count("id"))
            .values_list("assignee", "n")
        )
        return min(members, key=lambda m: (load.get(m.pk, 0), m.username))
    locked = AssignmentGroup.objects.select_for_update().get(pk=group.pk)
    ids = [m.pk for m in members]
    index = (
        (ids.index(locked.last_assigned_id) + 1) % len(ids) if locked.last_assigned_id in ids else 0
    )
    AssignmentGroup.objects.filter(pk=group.pk).update(last_assigned=members[index])
    return members[index]


def _linked_items_known(ticket: Ticket, items: list[ConfigurationItem]) -> None:
    """Record on a new ticket the items it was just linked to, the way ``prefetch_related``
    does, so that what follows (its SLA clocks, the API's answer) need not read them back."""
    known = ConfigurationItem.objects.all()
    known._result_cache = list(items)
    known._prefetch_done = True  # type: ignore[attr-defined]
    ticket.__dict__.setdefault("_prefetched_objects_cache", {})["configuration_items"] = known


def _form_uploads(
    files: Mapping[str, list[Any]], schema: Mapping[str, Any]
) -> dict[str, list[uploads.CheckedUpload]]:
    """Check the files of a form's file fields by content; an image field takes images only."""
    checked: dict[str, list[uploads.CheckedUpload]] = {}
    errors: dict[str, list[str]] = {}
    images = {f["key"] for f in schema.get("fields", []) if f["type"] == "image"}
    for key, uploaded in files.items():
        checked[key] = []
        for upload in uploaded:
            try:
                item = uploads.check_upload(upload)
            except ValidationFailed as refused:
                errors.setdefault(f"form_data.{key}", []).append(str(refused.message))
                continue
            if key in images and item.kind != "image":
                errors.setdefault(f"form_data.{key}", []).append(_("这里只能上传图片"))
                continue
            checked[key].append(item)
    if errors:
        raise ValidationFailed(fields=errors)
    return checked


def ticket_create(
    *,
    requester: User,
    submitted_by: User,
    kind: str,
    title: str,
    description: str = "",
    channel: str = Channel.WEB,
    department: Department | None = None,
    category: Category | None = None,
    impact: int | None = None,
    urgency: int | None = None,
    configuration_items: Sequence[ConfigurationItem] = (),
    contact_phone: str = "",
    location: dict[str, str] | None = None,
    form_data: dict[str, Any] | None = None,
    files: Sequence[UploadedFile] = (),
    parent: Ticket | None = None,
    catalog_item: CatalogItem | None = None,
    form_files: Mapping[str, Sequence[UploadedFile]] | None = None,
) -> Ticket:
    """Create a ticket. From a catalog item, the item decides the kind and the defaults
    (category, impact, urgency, support group) and ``form_data`` (with ``form_files``, the files
    of the form's file fields) is validated against the item's published form."""
    submission = None
    if catalog_item is not None:
        submission = submission_check(
            item=catalog_item,
            requester=requester,
            form_data=form_data,
            files={k: list(v) for k, v in (form_files or {}).items()},
        )
        kind = catalog_item.kind
        category = category or catalog_item.ticket_category
        impact = impact or catalog_item.default_impact
        urgency = urgency or catalog_item.default_urgency
        title = (title or "").strip() or catalog_item.name
        form_data = submission.data
    elif form_files:
        raise ValidationFailed(fields={"form_files": [_("只有服务项的表单可以上传表单附件")]})
    title = (title or "").strip()
    if not title:
        title = (description or "").strip().splitlines()[0][:60] if description.strip() else ""
    if not title:
        raise ValidationFailed(fields={"title": [_("请填写问题描述")]})
    if kind not in TicketKind.values:
        raise ValidationFailed(fields={"kind": [_("工单类型无效")]})
    if requester.pk != submitted_by.pk and not (user_roles(submitted_by) & IT_STAFF):
        raise Forbidden(_("只有信息管理处人员可以代他人提交工单"))
    if kind not in SERVICE_KINDS and not (user_roles(submitted_by) & IT_STAFF):
        raise Forbidden(_("问题、变更和改进记录由信息管理处人员创建"))
    checked = [uploads.check_upload(f) for f in files]  # refuse before writing anything
    checked_form = (
        _form_uploads(submission.files, submission.version.schema)
        if submission and submission.version
        else {}
    )
    now = timezone.now()
    impact = impact or 3
    urgency = urgency or 2
    priority = priority_for(impact=impact, urgency=urgency)
    location = location or {}
    # The number is taken before the transaction, by one statement that commits by itself: the
    # per-day counter row stays locked while the database runs it, not for the whole creation,
    # so concurrent intake does not queue behind it. A creation that fails afterwards leaves a
    # gap in the day's numbers.
    number = number_next(prefix=NUMBER_PREFIXES.get(kind, "SR"))
    configuration_items = list(configuration_items)
    with transaction.atomic():
        ticket = Ticket(
            kind=kind,
            title=title[:200],
            description=description,
            channel=channel,
            number=number,
            requester=requester,
            submitted_by=submitted_by,
            department=department or requester.department,
            category=category,
            impact=impact,
            urgency=urgency,
            priority=priority,
            contact_phone=contact_phone,
            location_campus=location.get("campus", ""),
            location_building=location.get("building", ""),
            location_floor=location.get("floor", ""),
            location_room=location.get("room", ""),
            location_bed=location.get("bed", ""),
            form_data=form_data or {},
            parent=parent,
            catalog_item=catalog_item,
            form_version=submission.version if submission else None,
            **_deadlines(priority, now),
        )
        # Routed before the INSERT: the ticket is created in its group (one row write and one
        # change log entry, not an insert followed by an update); the timeline says which rule.
        rule = _route(ticket, {ci.pk for ci in configuration_items})
        if rule is not None:
            ticket.assignment_group = rule.target_group
        elif catalog_item is not None and catalog_item.assignment_group_id:
            ticket.assignment_group = catalog_item.assignment_group
        elif category is not None and category.default_group_id:
            ticket.assignment_group = category.default_group
        ticket.search_tokens = tokens_text(ticket.number, title, description, requester.name)
        ticket.save()
        if configuration_items:
            ticket.configuration_items.add(*configuration_items)
        _linked_items_known(ticket, configuration_items)
        created = event_add(
            ticket,
            EventKind.CREATED,
            actor=submitted_by,
            body=description,
            data={"channel": channel, "priority": priority},
        )
        for item in checked:
            _store_attachment(ticket, item, uploaded_by=submitted_by, event=created, public=True)
        if checked_form:
            for key, uploaded in checked_form.items():
                ticket.form_data[key] = [
                    _store_attachment(
                        ticket, item, uploaded_by=submitted_by, event=created, public=True
                    ).pk
                    for item in uploaded
                ]
            Ticket.objects.filter(pk=ticket.pk).update(form_data=ticket.form_data)
        if catalog_item is not None:
            usage_record(user=requester, item=catalog_item)
        process = process_for(catalog_item_id=catalog_item.pk if catalog_item else None, kind=kind)
        if process is not None:
            instance_start(
                version=process, subject_type="ticket", subject_id=ticket.pk, actor=submitted_by
            )
        if rule is not None:
            event_add(
                ticket,
                EventKind.FIELD_CHANGED,
                public=False,
                body=_("按派发规则「%(r)s」建议支持组：%(g)s")
                % {"r": rule.name, "g": rule.target_group.name},
                data={"rule": rule.pk, "group": rule.target_group_id},
            )
        publish(
            [role_group(Role.AGENT), role_group(Role.MANAGER)], "ticket.created", _summary(ticket)
        )
        notify(
            recipients=[],
            requesters=[requester],
            kind=NotificationKind.TICKET_SUBMITTED,
            title=_("工单 %(n)s 已提交") % {"n": ticket.number},
            body=ticket.title,
            link=_ticket_link(ticket),
            ticket_id=ticket.pk,
            dedupe_key=f"t{ticket.pk}:submitted",
            fresh=True,
        )
        if rule is not None and rule.auto_assign:
            assignee = pick_assignee(rule.target_group)
            ticket = ticket_assign(
                ticket=ticket, actor=None, group=rule.target_group, assignee=assignee
            )
        return ticket


# --- lifecycle --------------------------------------------------------------------------------


@transaction.atomic
def ticket_accept(*, ticket: Ticket, actor: User) -> Ticket:
    _require(actor, "accept", ticket)
    ticket = _transition(
        ticket,
        actor=actor,
        action="accept",
        to_status=S.ACCEPTED,
        changes={"accepted_at": timezone.now(), "accepted_by": actor},
        event_kind=EventKind.ACCEPTED,
    )
    _tell_requester(
        ticket,
        NotificationKind.TICKET_ACCEPTED,
        title=_("工单 %(n)s 已受理") % {"n": ticket.number},
        body=_("服务台 %(who)s 已受理您的工单") % {"who": actor.name},
        dedupe_key=f"t{ticket.pk}:accepted",
    )
    return ticket


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    actor: User | None,
    group: AssignmentGroup | None = None,
    assignee: User | None = None,
    note: str = "",
) -> Ticket:
    """Dispatch (派发) to a group and/or person. ``actor`` None = routing rule."""
    if actor is not None:
        _require(actor, "assign", ticket)
        if not is_desk(actor):  # engineers hand over within their own group only
            target_group = group or ticket.assignment_group
            if target_group is None or target_group.pk not in group_ids_of(actor):
                raise Forbidden(_("只能在本组内分配；跨组请使用「转组」"))
    group = group or ticket.assignment_group
    if group is None and assignee is None:
        raise ValidationFailed(fields={"assignment_group": [_("请选择支持组或处理人")]})
    if group is None and assignee is not None:
        group = (
            AssignmentGroup.objects.filter(members=assignee, is_active=True)
            .order_by("name")
            .first()
        )
    if (
        assignee is not None
        and group is not None
        and not group.members.filter(pk=assignee.pk).exists()
    ):
        raise ValidationFailed(
            fields={
                "assignee": [_("%(u)s 不是「%(g)s」的成员") % {"u": assignee.name, "g": group.name}]
            }
        )
    if assignee is None and group is not None and group.distribution != GroupDistribution.MANUAL:
        assignee = pick_assignee(group)
    now = timezone.now()
    changes: dict[str, Any] = {
        "assignment_group": group,
        "assignee": assignee,
        "assigned_at": now if assignee else None,
    }
    if ticket.accepted_at is None:
        changes.update(accepted_at=now, accepted_by=actor)
    to_status = S.ASSIGNED if assignee else S.ACCEPTED
    ticket = _transition(
        ticket,
        actor=actor,
        action="assign",
        to_status=to_status,
        changes=changes,
        event_kind=EventKind.ASSIGNED,
        body=note,
        data={
            "group": group.pk if group else None,
            "group_name": group.name if group else "",
            "assignee": assignee.pk if assignee else None,
            "assignee_name": assignee.name if assignee else "",
            # to a group's queue with nobody named, the ticket is 已受理, not 已派发: the
            # timeline must replay to the status the SLA clocks are computed from
            "status": to_status,
        },
    )
    if assignee is not None:
        notify(
            recipients=[assignee],
            kind=NotificationKind.TICKET_ASSIGNED,
            title=_("工单 %(n)s 派发给您") % {"n": ticket.number},
            body=ticket.title,
            link=_ticket_link(ticket),
            ticket_id=ticket.pk,
            dedupe_key=f"t{ticket.pk}:assigned:{ticket.version}",
        )
    return ticket


@transaction.atomic
def ticket_start(*, ticket: Ticket, actor: User | None) -> Ticket:
    if actor is not None:
        _require(actor, "start", ticket)
    return _transition(
        ticket, actor=actor, action="start", to_status=S.IN_PROGRESS, event_kind=EventKind.STARTED
    )


@transaction.atomic
def ticket_pend(*, ticket: Ticket, actor: User | None, reason: str, note: str) -> Ticket:
    if actor is not None:
        _require(actor, "pend", ticket)
    if reason not in PendingReason.values:
        raise ValidationFailed(fields={"reason": [_("请选择挂起原因")]})
    if not note.strip():
        raise ValidationFailed(fields={"note": [_("请说明挂起原因，报修人会看到这段话")]})
    ticket = _transition(
        ticket,
        actor=actor,
        action="pend",
        to_status=S.PENDING,
        changes={"pending_reason": reason},
        event_kind=EventKind.PENDING,
        body=note,
        data={"reason": reason},
    )
    if reason == PendingReason.REQUESTER:
        _tell_requester(
            ticket,
            NotificationKind.TICKET_PENDING,
            title=_("工单 %(n)s 需要您回复") % {"n": ticket.number},
            body=note,
            dedupe_key=f"t{ticket.pk}:pending:{ticket.version}",
        )
    return ticket


@transaction.atomic
def ticket_resume(*, ticket: Ticket, actor: User | None, note: str = "") -> Ticket:
    if actor is not None:
        _require(actor, "resume", ticket)
    return _transition(
        ticket,
        actor=actor,
        action="resume",
        to_status=S.IN_PROGRESS,
        changes={"pending_reason": ""},
        event_kind=EventKind.RESUMED,
        body=note,
    )


@transaction.atomic
def ticket_resolve(
    *, ticket: Ticket, actor: User | None, code: str, notes: str, cascade: bool = True
) -> Ticket:
    """Resolve; ``actor`` None is the ticket's process doing it (a service-task step)."""
    if actor is not None:
        _require(actor, "resolve", ticket)
        _process_allows(ticket)
    if code not in ResolutionCode.values:
        raise ValidationFailed(fields={"code": [_("请选择解决方式")]})
    if not notes.strip():
        raise ValidationFailed(fields={"notes": [_("请填写解决说明")]})
    ticket = _transition(
        ticket,
        actor=actor,
        action="resolve" if actor is not None else "resolve_by_process",
        to_status=S.RESOLVED,
        changes={
            "resolution_code": code,
            "resolution_notes": notes,
            "resolved_at": timezone.now(),
            "pending_reason": "",
        },
        event_kind=EventKind.RESOLVED,
        body=notes,
        data={"code": code},
    )
    _tell_requester(
        ticket,
        NotificationKind.TICKET_RESOLVED,
        title=_("工单 %(n)s 已解决，请确认") % {"n": ticket.number},
        body=notes,
        dedupe_key=f"t{ticket.pk}:resolved:{ticket.version}",
    )
    if cascade:  # one HIS outage → its 50 child reports resolve with it
        for child in ticket.children.filter(status__in=OPEN_STATUSES):
            _transition(
                child,
                actor=actor,
                action="resolve_with_parent",
                to_status=S.RESOLVED,
                changes={
                    "resolution_code": code,
                    "resolved_at": timezone.now(),
                    "resolution_notes": _("随父工单 %(n)s 一并解决：%(t)s")
                    % {"n": ticket.number, "t": notes},
                },
                event_kind=EventKind.RESOLVED,
                body=notes,
                data={"code": code, "parent": ticket.pk},
            )
            _tell_requester(
                child,
                NotificationKind.TICKET_RESOLVED,
                title=_("工单 %(n)s 已解决，请确认") % {"n": child.number},
                body=notes,
                dedupe_key=f"t{child.pk}:resolved:parent{ticket.pk}",
            )
    return ticket


@transaction.atomic
def ticket_confirm(*, ticket: Ticket, actor: User, comment: str = "") -> Ticket:
    """The requester confirms the fix: the ticket closes."""
    _require(actor, "confirm", ticket)
    ticket = _transition(
        ticket,
        actor=actor,
        action="confirm",
        to_status=S.CLOSED,
        changes={"closed_at": timezone.now()},
        event_kind=EventKind.CONFIRMED,
        body=comment,
    )
    _notify_closed(ticket)
    return ticket


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor: User | None, note: str = "") -> Ticket:
    if actor is not None:
        _require(actor, "close", ticket)
        _process_allows(ticket)
    ticket = _transition(
        ticket,
        actor=actor,
        action="close",
        to_status=S.CLOSED,
        changes={"closed_at": timezone.now()},
        event_kind=EventKind.CLOSED,
        body=note,
    )
    _notify_closed(ticket)
    return ticket


def _notify_closed(ticket: Ticket) -> None:
    notify(
        recipients=[ticket.assignee] if ticket.assignee else [],
        requesters=[ticket.requester],
        kind=NotificationKind.TICKET_CLOSED,
        title=_("工单 %(n)s 已关闭") % {"n": ticket.number},
        body=ticket.title,
        link=_ticket_link(ticket),
        ticket_id=ticket.pk,
        dedupe_key=f"t{ticket.pk}:closed:{ticket.version}",
    )


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor: User, reason: str) -> Ticket:
    _require(actor, "reopen", ticket)
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("请说明为什么问题没有解决")]})
    if ticket.status == S.CLOSED:
        limit = settings.TICKET_REOPEN_DAYS
        if not ticket.closed_at or timezone.now() - ticket.closed_at > timedelta(days=limit):
            raise IllegalTransition(
                _("工单关闭已超过 %(d)d 天，不能重新打开，请提交新工单") % {"d": limit}
            )
    to_status = S.IN_PROGRESS if ticket.assignee_id else S.ACCEPTED
    ticket = _transition(
        ticket,
        actor=actor,
        action="reopen",
        to_status=to_status,
        changes={
            "reopen_count": F("reopen_count") + 1,
            "resolved_at": None,
            "closed_at": None,
            "resolution_code": "",
        },
        event_kind=EventKind.REOPENED,
        body=reason,
    )
    notify(
        recipients=[ticket.assignee] if ticket.assignee else [],
        kind=NotificationKind.TICKET_REOPENED,
        title=_("工单 %(n)s 被重新打开") % {"n": ticket.number},
        body=reason,
        link=_ticket_link(ticket),
        ticket_id=ticket.pk,
        dedupe_key=f"t{ticket.pk}:reopened:{ticket.version}",
    )
    return ticket


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, actor: User, reason: str) -> Ticket:
    _require(actor, "cancel", ticket)
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("请填写取消原因")]})
    ticket = _transition(
        ticket,
        actor=actor,
        action="cancel",
        to_status=S.CANCELLED,
        changes={"closed_at": timezone.now()},
        event_kind=EventKind.CANCELLED,
        body=reason,
    )
    subject_processes_cancel("ticket", ticket.pk)
    return ticket


@transaction.atomic
def ticket_transfer(
    *, ticket: Ticket, actor: User | None, group: AssignmentGroup, reason: str
) -> Ticket:
    """Move the ticket to another group's queue; ``actor`` None is an SLA escalation."""
    if actor is not None:
        _require(actor, "transfer", ticket)
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("请填写转组原因")]})
    if group.pk == ticket.assignment_group_id:
        raise ValidationFailed(fields={"group": [_("工单已在该支持组")]})
    return _transition(
        ticket,
        actor=actor,
        action="transfer",
        to_status=S.ACCEPTED,
        changes={"assignment_group": group, "assignee": None, "assigned_at": None},
        event_kind=EventKind.TRANSFERRED,
        public=False,
        body=reason,
        data={"from": ticket.assignment_group_id, "to": group.pk, "group_name": group.name},
    )


@transaction.atomic
def ticket_escalate(*, ticket: Ticket, actor: User, kind: str, reason: str) -> Ticket:
    """Tier escalation moves the ticket to the group's escalation group; management
    escalation raises the level and tells the IT managers."""
    _require(actor, "escalate", ticket)
    if kind not in EscalationKind.values:
        raise ValidationFailed(fields={"kind": [_("请选择升级方式")]})
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("请填写升级原因")]})
    changes: dict[str, Any] = {"escalation_level": F("escalation_level") + 1}
    to_status: str | None = None
    if kind == EscalationKind.TIER:
        target = ticket.assignment_group.escalation_group if ticket.assignment_group else None
        if target is None:
            raise ValidationFailed(fields={"kind": [_("当前支持组没有设置上一级支持组")]})
        changes.update(assignment_group=target, assignee=None, assigned_at=None)
        to_status = S.ACCEPTED
    ticket = _transition(
        ticket,
        actor=actor,
        action="escalate",
        to_status=to_status,
        changes=changes,
        event_kind=EventKind.ESCALATED,
        public=False,
        body=reason,
        data={"kind": kind},
    )
    managers = User.objects.filter(groups__name=Role.MANAGER, is_active=True)
    notify(
        recipients=managers,
        kind=NotificationKind.TICKET_ESCALATED,
        title=_("工单 %(n)s 已升级（第 %(l)d 级）")
        % {"n": ticket.number, "l": ticket.escalation_level},
        body=reason,
        link=_ticket_link(ticket),
        ticket_id=ticket.pk,
        dedupe_key=f"t{ticket.pk}:escalated:{ticket.escalation_level}",
    )
    return ticket


# --- conversation -----------------------------------------------------------------------------


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    internal: bool = False,
    files: Sequence[UploadedFile] = (),
) -> TicketEvent:
    """A public reply (everyone on the ticket sees it) or an internal note (IT staff only)."""
    _require(actor, "note" if internal else "reply", ticket)
    body = (body or "").strip()
    if not body and not files:
        raise ValidationFailed(fields={"body": [_("请填写回复内容")]})
    checked = [uploads.check_upload(f) for f in files]
    event = event_add(
        ticket,
        EventKind.NOTE if internal else EventKind.REPLY,
        actor=actor,
        public=not internal,
        body=body,
    )
    for item in checked:
        _store_attachment(ticket, item, uploaded_by=actor, event=event, public=not internal)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    from_requester = is_requester_side(actor, ticket)
    if (
        from_requester
        and ticket.status == S.PENDING
        and ticket.pending_reason == PendingReason.REQUESTER
    ):
        _transition(
            ticket,
            actor=actor,
            action="resume",
            to_status=S.IN_PROGRESS,
            changes={"pending_reason": ""},
            event_kind=EventKind.RESUMED,
            body=_("报修人已回复，工单恢复处理"),
        )
    if not internal:
        people = [ticket.requester] if not from_requester else []
        workers = [ticket.assignee] if ticket.assignee and ticket.assignee_id != actor.pk else []
        notify(
            recipients=workers,
            requesters=people,
            kind=NotificationKind.TICKET_REPLY,
            title=_("工单 %(n)s 有新回复") % {"n": ticket.number},
            body=body[:500],
            link=_ticket_link(ticket),
            ticket_id=ticket.pk,
            dedupe_key=f"e{event.pk}:reply",
        )
    _notify_mentions(ticket, event, actor, internal=internal)
    audience = _audience(ticket)
    if internal:  # requesters never hear of internal notes
        audience = [g for g in audience if g != user_group(ticket.requester_id)]
    publish(audience, "ticket.event", {"ticket": ticket.pk, "event": event.pk})
    return event


def _notify_mentions(ticket: Ticket, event: TicketEvent, actor: User, *, internal: bool) -> None:
    names = set(MENTION.findall(event.body))
    if not names:
        return
    people = [
        u
        for u in User.objects.filter(username__in=names, is_active=True)
        if u.pk != actor.pk
        and ticket_can(u, "note" if internal else "reply", ticket)
        and _can_see(u, ticket)
    ]
    notify(
        recipients=people,
        kind=NotificationKind.TICKET_MENTIONED,
        title=_("%(who)s 在工单 %(n)s 中提到了您") % {"who": actor.name, "n": ticket.number},
        body=event.body[:500],
        link=_ticket_link(ticket),
        ticket_id=ticket.pk,
        dedupe_key=f"e{event.pk}:mention",
    )


def _can_see(user: User, ticket: Ticket) -> bool:
    from hitsm.servicedesk.selectors import TicketPolicy

    return TicketPolicy().scope(user, Ticket.objects.filter(pk=ticket.pk)).exists()


def _store_attachment(
    ticket: Ticket,
    item: uploads.CheckedUpload,
    *,
    uploaded_by: User | None,
    event: TicketEvent | None,
    public: bool,
) -> Attachment:
    attachment = Attachment(
        ticket=ticket,
        event=event,
        original_name=item.original_name,
        content_type=item.content_type,
        kind=item.kind,
        size=len(item.content),
        sha256=item.sha256,
        public=public,
        uploaded_by=uploaded_by,
    )
    attachment.file.save(item.storage_name, ContentFile(item.content), save=False)
    if item.kind == "image":
        thumb = uploads.thumbnail_for(item.content)
        if thumb is not None:
            attachment.thumbnail.save(f"t-{item.storage_name}.jpg", thumb, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # no file without its row
        if attachment.thumbnail:
            attachment.thumbnail.delete(save=False)
        raise
    # Files are written before their row, so a row never points at a missing file. A
    # transaction that rolls back afterwards leaves an orphan file, which
    # attachments_sweep_orphans() removes later.
    return attachment


def attachments_sweep_orphans(*, older_than_hours: int = 6) -> int:
    """Delete stored files that no attachment row points at (left by rolled-back uploads)."""
    from django.core.files.storage import default_storage

    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    known = set(Attachment.objects.values_list("file", flat=True)) | set(
        Attachment.objects.exclude(thumbnail="").values_list("thumbnail", flat=True)
    )
    removed = 0
    for top in ("attachments", "thumbnails"):
        removed += _sweep(default_storage, top, known, cutoff)
    return removed


def _sweep(storage: Any, path: str, known: set[str], cutoff: datetime) -> int:
    try:
        folders, files = storage.listdir(path)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in files:
        full = f"{path}/{name}"
        if full not in known and storage.get_modified_time(full) < cutoff:
            storage.delete(full)
            removed += 1
    for folder in folders:
        removed += _sweep(storage, f"{path}/{folder}", known, cutoff)
    return removed


@transaction.atomic
def ticket_attach(
    *, ticket: Ticket, actor: User, files: Sequence[UploadedFile], internal: bool = False
) -> list[Attachment]:
    _require(actor, "note" if internal else "attach", ticket)
    if not files:
        raise ValidationFailed(fields={"file": [_("请选择文件")]})
    checked = [uploads.check_upload(f) for f in files]
    event = event_add(
        ticket,
        EventKind.ATTACHMENT,
        actor=actor,
        public=not internal,
        body=", ".join(c.original_name for c in checked),
    )
    return [
        _store_attachment(ticket, c, uploaded_by=actor, event=event, public=not internal)
        for c in checked
    ]


# --- fields and links -------------------------------------------------------------------------

EDITABLE = (
    "title",
    "description",
    "category",
    "impact",
    "urgency",
    "contact_phone",
    "location_campus",
    "location_building",
    "location_floor",
    "location_room",
    "location_bed",
    "kind",
)


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    actor: User | None,
    changes: dict[str, Any],
    configuration_items: Iterable[ConfigurationItem] | None = None,
    expected_version: int | None = None,
) -> Ticket:
    if actor is not None:  # None: the ticket's process (a service-task step)
        _require(actor, "update", ticket)
    if not ticket.is_open:
        raise IllegalTransition(_("已解决、已关闭或已取消的工单不能修改"))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and expected_version != ticket.version:
        raise Conflict()
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(fields={k: [_("该字段不能在这里修改")] for k in unknown})
    diff = {k: v for k, v in changes.items() if getattr(ticket, k) != v}
    for key, value in diff.items():
        setattr(ticket, key, value)
    if {"impact", "urgency"} & set(diff):
        priority = priority_for(impact=ticket.impact, urgency=ticket.urgency)
        if priority != ticket.priority:
            diff["priority"] = priority
            ticket.priority = priority
            ticket.response_due_at, ticket.resolution_due_at = _deadlines(
                priority, ticket.created_at
            ).values()
    if {"title", "description"} & set(diff):
        ticket.search_tokens = tokens_text(
            ticket.number, ticket.title, ticket.description, ticket.requester.name
        )
    ci_change = None
    if configuration_items is not None:
        new_ids = sorted(ci.pk for ci in configuration_items)
        old_ids = sorted(ticket.configuration_items.values_list("id", flat=True))
        if new_ids != old_ids:
            ticket.configuration_items.set(new_ids)
            ci_change = {"before": old_ids, "after": new_ids}
    if not diff and ci_change is None:
        return ticket
    ticket.version += 1
    ticket.save()
    data: dict[str, Any] = {k: str(getattr(ticket, k)) for k in diff}
    if ci_change:
        data["configuration_items"] = ci_change
    event_add(
        ticket,
        EventKind.FIELD_CHANGED,
        actor=actor,
        public=False,
        data=data,
        body=", ".join(str(getattr(Ticket._meta.get_field(k), "verbose_name", k)) for k in diff)
        + (_("，配置项") if ci_change else ""),
    )
    _broadcast(ticket, "ticket.updated")
    return ticket


@transaction.atomic
def ticket_link(*, ticket: Ticket, actor: User, other: Ticket) -> Ticket:
    _require(actor, "link", ticket)
    if other.pk == ticket.pk:
        raise ValidationFailed(fields={"ticket": [_("不能关联自己")]})
    ticket.related.add(other)
    event_add(
        ticket,
        EventKind.LINKED,
        actor=actor,
        public=False,
        body=other.number,
        data={"related": other.pk},
    )
    event_add(
        other,
        EventKind.LINKED,
        actor=actor,
        public=False,
        body=ticket.number,
        data={"related": ticket.pk},
    )
    return ticket


@transaction.atomic
def ticket_set_parent(*, ticket: Ticket, actor: User, parent: Ticket | None) -> Ticket:
    """Make ``ticket`` a child of ``parent`` (e.g. 40 "HIS 卡" reports under one incident)."""
    _require(actor, "set_parent", ticket)
    if parent is not None:
        node: Ticket | None = parent
        while node is not None:
            if node.pk == ticket.pk:
                raise ValidationFailed(fields={"parent": [_("父工单不能是自己或自己的下级")]})
            node = node.parent
        if not parent.is_open:
            raise ValidationFailed(fields={"parent": [_("父工单已解决或关闭")]})
    before = ticket.parent_id
    ticket.parent = parent
    ticket.version += 1
    ticket.save(update_fields=["parent", "version", "updated_at"])
    event_add(
        ticket,
        EventKind.LINKED,
        actor=actor,
        public=False,
        body=(_("设为 %(n)s 的子工单") % {"n": parent.number}) if parent else _("解除父工单"),
        data={"parent": parent.pk if parent else None, "before": before},
    )
    if parent is not None:
        event_add(
            parent,
            EventKind.LINKED,
            actor=actor,
            public=False,
            body=_("新增子工单 %(n)s") % {"n": ticket.number},
            data={"child": ticket.pk},
        )
    return ticket


@transaction.atomic
def ticket_merge(*, ticket: Ticket, actor: User, into: Ticket) -> Ticket:
    """Merge a duplicate into another ticket: the duplicate closes, pointing at the survivor."""
    _require(actor, "merge", ticket)
    _require(actor, "merge", into)
    if into.pk == ticket.pk or into.merged_into_id == ticket.pk:
        raise ValidationFailed(fields={"into": [_("不能合并到自己")]})
    if not ticket.is_open:
        raise IllegalTransition(_("只能合并未完成的工单"))
    if not into.is_open:
        raise ValidationFailed(fields={"into": [_("目标工单已解决或关闭")]})
    before = snapshot(ticket)
    updated = Ticket.objects.filter(pk=ticket.pk, status__in=OPEN_STATUSES).update(
        status=S.CLOSED,
        merged_into=into,
        resolution_code=ResolutionCode.DUPLICATE,
        resolution_notes=_("已合并到 %(n)s") % {"n": into.number},
        closed_at=timezone.now(),
        resolved_at=timezone.now(),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        raise Conflict()
    ticket.refresh_from_db()
    subject_processes_cancel("ticket", ticket.pk)
    changelog_record(
        ticket, action="update", before=before, after=snapshot(ticket), actor=actor_of(actor)
    )
    event_add(
        ticket,
        EventKind.MERGED,
        actor=actor,
        body=_("已合并到 %(n)s，后续请关注该工单") % {"n": into.number},
        data={"into": into.pk},
    )
    event_add(
        into,
        EventKind.MERGED,
        actor=actor,
        public=False,
        body=_("合并了 %(n)s") % {"n": ticket.number},
        data={"from": ticket.pk},
    )
    notify(
        recipients=[],
        requesters=[ticket.requester],
        kind=NotificationKind.TICKET_CLOSED,
        title=_("工单 %(n)s 已合并到 %(m)s") % {"n": ticket.number, "m": into.number},
        body=into.title,
        link=_ticket_link(into),
        ticket_id=ticket.pk,
        dedupe_key=f"t{ticket.pk}:merged",
    )
    _broadcast(ticket, "ticket.updated")
    return ticket


# --- scanners ---------------------------------------------------------------------------------


def tickets_autoclose(*, now: datetime | None = None) -> int:
    """Close tickets resolved more than N days ago that nobody confirmed or reopened.
    Safe with several workers: each close is a conditional UPDATE on status."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TICKET_AUTOCLOSE_DAYS)
    closed = 0
    for pk in Ticket.objects.filter(status=S.RESOLVED, resolved_at__lt=cutoff).values_list(
        "pk", flat=True
    )[:1000]:
        with transaction.atomic():
            ticket = Ticket.objects.get(pk=pk)
            try:
                ticket_close(
                    ticket=ticket,
                    actor=None,
                    note=_("超过 %(d)d 天未确认，系统自动关闭")
                    % {"d": settings.TICKET_AUTOCLOSE_DAYS},
                )
            except (Conflict, IllegalTransition):
                continue
            closed += 1
    return closed


def bulk_apply(*, ids: list[int], actor: User, action: str, **params: Any) -> dict[str, Any]:
    """Apply one action to many tickets; each in its own transaction, failures reported."""
    from hitsm.servicedesk.selectors import TicketPolicy

    functions: dict[str, Callable[..., Any]] = {
        "accept": ticket_accept,
        "assign": ticket_assign,
        "close": ticket_close,
        "merge": ticket_merge,
    }
    if action not in functions:
        raise ValidationFailed(fields={"action": [_("不支持的批量操作")]})
    visible = TicketPolicy().scope(actor, Ticket.objects.filter(pk__in=ids))
    found = {t.pk: t for t in visible}
    done, failed = [], []
    for pk in ids:
        ticket = found.get(pk)
        if ticket is None:
            failed.append({"id": pk, "code": "not_found", "message": str(_("找不到该工单"))})
            continue
        try:
            functions[action](ticket=ticket, actor=actor, **params)
            done.append(pk)
        except DomainError as exc:
            failed.append(
                {"id": pk, "number": ticket.number, "code": exc.code, "message": str(exc.message)}
            )
    return {"done": done, "failed": failed}
