"""What the process engine needs from the desk: a ticket as a process subject (its form and
fields for gateway conditions, its people for RACI) and the desk's service-task actions."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from hitsm.accounts.models import AssignmentGroup, User
from hitsm.accounts.roles import Role
from hitsm.servicedesk.choices import EventKind
from hitsm.servicedesk.events import event_add
from hitsm.servicedesk.models import Ticket
from hitsm.workflow.actions import ActionContext, action_register
from hitsm.workflow.services import (
    Subject,
    subject_label_register,
    subject_register,
    subject_related_register,
    subject_visibility_register,
)


def ticket_subject(ticket_id: int) -> Subject:
    ticket = Ticket.objects.select_related("department", "catalog_item", "form_version").get(
        pk=ticket_id
    )
    form_people: dict[str, list[int]] = {}
    if ticket.form_version is not None:
        for field in ticket.form_version.schema.get("fields", []):
            value = (ticket.form_data or {}).get(field["key"])
            if field["type"] == "user" and value:
                form_people[field["key"]] = value if isinstance(value, list) else [value]
    department = ticket.department
    return Subject(
        data={
            "form": dict(ticket.form_data or {}),
            "ticket": {
                "kind": ticket.kind,
                "priority": ticket.priority,
                "impact": ticket.impact,
                "urgency": ticket.urgency,
                "channel": ticket.channel,
                "department": department.code if department else "",
                "catalog_item": ticket.catalog_item.code if ticket.catalog_item else "",
            },
            "process": {},
        },
        people={
            "requester": ticket.requester_id,
            "assignee": ticket.assignee_id,
            "dept_head": department.head_id if department else None,
        },
        form_people=form_people,
    )


def _ticket(context: ActionContext) -> Ticket:
    return Ticket.objects.get(pk=context.instance.subject_id)


@action_register("ticket_note", "工单内部备注", params=("text",), subject_type="ticket")
def _note(context: ActionContext) -> None:
    event_add(
        _ticket(context),
        EventKind.NOTE,
        public=False,
        body=str(context.params.get("text") or _("流程节点 %(n)s") % {"n": context.node_id}),
        data={"process_node": context.node_id},
    )


@action_register("ticket_assign_group", "派发到支持组", params=("group",), subject_type="ticket")
def _assign_group(context: ActionContext) -> None:
    from hitsm.servicedesk.services import ticket_assign

    group = AssignmentGroup.objects.filter(code=context.params.get("group"), is_active=True).first()
    ticket = _ticket(context)
    if group is None or ticket.assignment_group_id == group.pk or not ticket.is_open:
        return
    ticket_assign(ticket=ticket, actor=None, group=group, assignee=None)


@action_register(
    "create_linked_ticket",
    "创建关联记录（问题/变更/改进）",
    params=("kind", "title", "group"),
    subject_type="ticket",
)
def _create_linked(context: ActionContext) -> None:
    """Hand over to another practice: a problem (or change, improvement) record that starts from
    this ticket, linked both ways; its number is kept as ``process.linked_<kind>``."""
    from hitsm.catalog.choices import SERVICE_KINDS, TicketKind
    from hitsm.servicedesk.services import ticket_create, ticket_link

    kind = str(context.params.get("kind") or TicketKind.PROBLEM)
    if kind not in TicketKind.values or kind in SERVICE_KINDS:
        raise ValueError(f"create_linked_ticket: kind {kind!r}")
    source = _ticket(context)
    done = (context.data.get("process") or {}).get(f"linked_{kind}")
    if done:  # a loop back through this step does not hand over twice
        return
    owner = source.assignee or source.accepted_by
    if owner is None:
        owner = (
            User.objects.filter(is_active=True, groups__name=Role.MANAGER).order_by("pk").first()
        )
    if owner is None:
        raise ValueError("create_linked_ticket: nobody to own the record")
    prefix = str(context.params.get("title") or TicketKind(kind).label)
    record = ticket_create(
        requester=owner,
        submitted_by=owner,
        kind=kind,
        title=f"{prefix}：{source.title}"[:200],
        description=_("由 %(n)s 移交：%(d)s")
        % {"n": source.number, "d": source.description[:2000]},
        department=None,
        category=source.category,
        impact=source.impact,
        urgency=source.urgency,
        configuration_items=list(source.configuration_items.all()),
    )
    group = AssignmentGroup.objects.filter(code=context.params.get("group"), is_active=True).first()
    if group is not None:
        from hitsm.servicedesk.services import ticket_assign

        ticket_assign(ticket=record, actor=None, group=group, assignee=None)
    ticket_link(ticket=source, actor=owner, other=record)
    context.data.setdefault("process", {})[f"linked_{kind}"] = record.number


STATUS_STEPS = ("in_progress", "pending", "resumed", "resolved", "closed")
FIELD_STEPS = ("impact", "urgency")


def _status_check(params: Mapping[str, str]) -> list[str]:
    from hitsm.servicedesk.choices import PendingReason, ResolutionCode

    problems = []
    status = str(params.get("status") or "")
    if status not in STATUS_STEPS:
        problems.append(_("目标状态须为：%(s)s") % {"s": "、".join(STATUS_STEPS)})
    if status == "pending" and (params.get("reason") or "other") not in PendingReason.values:
        problems.append(_("挂起原因无效：%(r)s") % {"r": params.get("reason")})
    if status == "resolved" and (params.get("code") or "fixed") not in ResolutionCode.values:
        problems.append(_("解决方式无效：%(c)s") % {"c": params.get("code")})
    return problems


@action_register(
    "ticket_set_status",
    "设置工单状态",
    params=("status", "note", "reason", "code"),
    subject_type="ticket",
    check=_status_check,
)
def _set_status(context: ActionContext) -> None:
    """A step moves the ticket along its lifecycle (e.g. resolved when the account is opened).
    A ticket that cannot move that way now (already resolved …) keeps its status; the timeline
    says why."""
    from hitsm.servicedesk import services

    ticket = _ticket(context)
    status = str(context.params.get("status") or "")
    note = str(context.params.get("note") or "") or _("流程环节 %(n)s") % {"n": context.node_id}
    try:
        if status == "in_progress":
            services.ticket_start(ticket=ticket, actor=None)
        elif status == "pending":
            reason = str(context.params.get("reason") or "other")
            services.ticket_pend(ticket=ticket, actor=None, reason=reason, note=note)
        elif status == "resumed":
            services.ticket_resume(ticket=ticket, actor=None, note=note)
        elif status == "resolved":
            code = str(context.params.get("code") or "fixed")
            services.ticket_resolve(ticket=ticket, actor=None, code=code, notes=note)
        elif status == "closed":
            services.ticket_close(ticket=ticket, actor=None, note=note)
    except services.IllegalTransition:
        event_add(
            ticket,
            EventKind.NOTE,
            public=False,
            body=_("流程环节 %(n)s 未能将工单设为「%(s)s」：工单当前为「%(c)s」")
            % {"n": context.node_id, "s": status, "c": ticket.get_status_display()},
            data={"process_node": context.node_id},
        )


def _field_check(params: Mapping[str, str]) -> list[str]:
    from hitsm.catalog.choices import Impact, Urgency

    field = str(params.get("field") or "")
    choices = {"impact": Impact, "urgency": Urgency}.get(field)
    if choices is None:
        return [_("可设置的字段：%(f)s") % {"f": "、".join(FIELD_STEPS)}]
    try:
        valid = int(params.get("value") or 0) in choices.values
    except ValueError:
        valid = False
    return [] if valid else [_("字段值无效：%(v)s") % {"v": params.get("value")}]


@action_register(
    "ticket_set_field",
    "设置工单字段（影响度/紧急度）",
    params=("field", "value"),
    subject_type="ticket",
    check=_field_check,
)
def _set_field(context: ActionContext) -> None:
    """E.g. a major-incident process raises the impact; the priority and SLA follow."""
    from hitsm.servicedesk.services import ticket_update

    ticket = _ticket(context)
    if not ticket.is_open:
        return
    field = str(context.params.get("field") or "")
    ticket_update(ticket=ticket, actor=None, changes={field: int(context.params.get("value") or 0)})


def _related_tickets(ticket_id: int) -> list[int]:
    """A message thrown for a ticket reaches the processes of its linked, parent and child
    tickets (e.g. a problem's 问题已解决 reaches the incidents linked to it)."""
    ticket = Ticket.objects.filter(pk=ticket_id).only("pk", "parent_id").first()
    if ticket is None:
        return []
    ids = set(ticket.related.values_list("pk", flat=True))
    ids.update(Ticket.objects.filter(parent_id=ticket_id).values_list("pk", flat=True))
    if ticket.parent_id:
        ids.add(ticket.parent_id)
    return sorted(ids)


def _ticket_visible(user: object, ticket_id: int) -> bool:
    from hitsm.servicedesk.selectors import TicketPolicy

    return TicketPolicy().scope(user, Ticket.objects.all()).filter(pk=ticket_id).exists()


def _ticket_label(ticket_id: int) -> str:
    row = Ticket.objects.filter(pk=ticket_id).values_list("number", "title").first()
    return f"{row[0]} {row[1]}" if row else f"#{ticket_id}"


def connect() -> None:
    subject_register("ticket", ticket_subject)
    subject_visibility_register("ticket", _ticket_visible)
    subject_label_register("ticket", _ticket_label)
    subject_related_register("ticket", _related_tickets)
