"""What the process engine needs from the desk: a ticket as a process subject (its form and
fields for gateway conditions, its people for RACI) and the desk's service-task actions."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hitsm.accounts.models import AssignmentGroup
from hitsm.servicedesk.choices import EventKind
from hitsm.servicedesk.events import event_add
from hitsm.servicedesk.models import Ticket
from hitsm.workflow.actions import ActionContext, action_register
from hitsm.workflow.services import Subject, subject_register, subject_visibility_register


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


def _ticket_visible(user: object, ticket_id: int) -> bool:
    from hitsm.servicedesk.selectors import TicketPolicy

    return TicketPolicy().scope(user, Ticket.objects.all()).filter(pk=ticket_id).exists()


def connect() -> None:
    subject_register("ticket", ticket_subject)
    subject_visibility_register("ticket", _ticket_visible)
