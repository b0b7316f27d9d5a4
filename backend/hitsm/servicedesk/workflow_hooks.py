"""What the process engine needs from the desk: a ticket as a process subject (its form and
fields for gateway conditions, its people for RACI) and the desk's service-task actions."""

from __future__ import annotations

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
