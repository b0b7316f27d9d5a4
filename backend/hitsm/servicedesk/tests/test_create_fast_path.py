"""Creation's fast path keeps every guarantee: the 201 body agrees with the stored ticket,
reference data changes apply to the next ticket, routing is recorded, few queries are made."""

import pytest
from django.core.cache import cache
from django.test import TestCase

from hitsm.core import refcache
from hitsm.core.models import ChangeLog, NumberSequence
from hitsm.notifications.models import Notification
from hitsm.servicedesk.models import RoutingRule, Ticket, TicketEvent
from hitsm.sla.models import BusinessCalendar, PriorityMatrixCell, SlaPolicy, SlaTarget
from hitsm.sla.reference import calendars_load

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/"


def create(client, **fields):
    body = {"kind": "incident", "title": "门诊3楼打印机一直卡纸", **fields}
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert response["Location"] == f"{URL}{response.json()['id']}/"
    return response.json()


def agrees_with_detail(client, body):
    """The 201 body says what the ticket's detail says; returns the detail."""
    detail = client.get(f"{URL}{body['id']}/").json()
    group, assignee = detail["assignment_group"], detail["assignee"]
    assert body == {
        **{
            key: detail[key]
            for key in ("id", "number", "kind", "title", "status", "priority", "created_at")
        },
        **{key: detail[key] for key in ("response_due_at", "resolution_due_at")},
        "assignment_group_id": group["id"] if group else None,
        "assignee_id": assignee["id"] if assignee else None,
    }
    return detail


def test_the_201_body_agrees_with_the_tickets_detail(nurse_li, client_for):
    client = client_for(nurse_li)
    body = create(client, description="处方打不出来", location={"building": "门诊楼"})
    assert body["number"].startswith("INC-") and body["status"] == "new"
    detail = agrees_with_detail(client, body)
    assert detail["department"]["name"] == "门诊部" and detail["location"]["building"] == "门诊楼"


def test_category_items_and_a_routed_group_are_stored(
    agent_chen, nurse_li, printer_category, desktop_group, app_group, his, client_for
):
    printer_category.default_group = app_group
    printer_category.save()
    RoutingRule.objects.create(name="打印机归桌面组", keywords="打印机", target_group=desktop_group)
    client = client_for(agent_chen)
    body = create(
        client,
        requester=nurse_li.pk,
        category=printer_category.pk,
        configuration_items=[his.pk],
        impact=2,
        urgency=1,
    )
    assert body["assignment_group_id"] == desktop_group.pk and body["priority"] == 2
    detail = agrees_with_detail(client, body)
    assert [ci["name"] for ci in detail["configuration_items"]] == ["HIS"]
    assert (
        detail["requester"]["id"] == nurse_li.pk and detail["submitted_by"]["id"] == agent_chen.pk
    )
    # without a matching rule the category's default group applies
    other = create(client, title="HIS 登不上", category=printer_category.pk)
    assert other["assignment_group_id"] == app_group.pk
    agrees_with_detail(client, other)


def test_an_auto_assigned_ticket_answers_its_assignee(
    agent_chen, engineer_wang, desktop_group, client_for
):
    RoutingRule.objects.create(
        name="打印机归桌面组", keywords="打印机", target_group=desktop_group, auto_assign=True
    )
    client = client_for(agent_chen)
    body = create(client)
    assert body["status"] == "assigned" and body["assignee_id"] == engineer_wang.pk
    agrees_with_detail(client, body)


def test_a_routed_creation_is_one_change_log_entry_and_two_timeline_events(
    nurse_li, desktop_group, client_for
):
    RoutingRule.objects.create(name="打印机归桌面组", keywords="打印机", target_group=desktop_group)
    body = create(client_for(nurse_li))
    entries = ChangeLog.objects.filter(content_type__model="ticket", object_id=str(body["id"]))
    assert [(e.action, e.actor_label) for e in entries] == [("create", "nurse_li")]
    assert entries[0].after["assignment_group_id"] == desktop_group.pk
    kinds = list(TicketEvent.objects.filter(ticket_id=body["id"]).values_list("kind", "public"))
    assert kinds == [("created", True), ("field_changed", False)]


def test_reference_data_changes_apply_to_the_next_ticket(nurse_li, desktop_group, client_for):
    client = client_for(nurse_li)
    assert create(client)["priority"] == 4  # default matrix: impact 3 × urgency 2
    PriorityMatrixCell.objects.update_or_create(impact=3, urgency=2, defaults={"priority": 5})
    # the SLA policy that covers the ticket decides its deadlines (7×24 here, to be exact)
    calendars_load(BusinessCalendar)
    policy = SlaPolicy.objects.create(
        code="fast", name="快速", order=1, calendar=BusinessCalendar.objects.get(code="7x24")
    )
    SlaTarget.objects.create(policy=policy, priority=5, response_minutes=7, resolution_minutes=70)
    body = create(client)
    assert body["priority"] == 5
    ticket = Ticket.objects.get(pk=body["id"])
    assert (ticket.response_due_at - ticket.created_at).total_seconds() == pytest.approx(420, abs=5)
    assert ticket.clocks.get(metric="resolution").policy_name == "快速"
    assert body["assignment_group_id"] is None
    rule = RoutingRule.objects.create(name="打印机", keywords="打印机", target_group=desktop_group)
    assert create(client)["assignment_group_id"] == desktop_group.pk
    rule.is_active = False
    rule.save()
    assert create(client)["assignment_group_id"] is None


def test_another_process_change_is_seen_through_the_shared_generation(monkeypatch):
    loads = []

    def load():
        loads.append(1)
        return len(loads)

    assert refcache.cached("test.value", load) == 1
    assert refcache.cached("test.value", load) == 1
    # another process committed a change: the shared generation moved, this process's
    # memory did not hear of it
    cache.add(refcache.GENERATION_KEY, 0, None)
    cache.incr(refcache.GENERATION_KEY)
    monkeypatch.setattr(refcache, "CHECK_SECONDS", 0.0)
    assert refcache.cached("test.value", load) == 2
    assert refcache.cached("test.value", load) == 2


def test_a_transaction_that_changes_reference_data_reads_them_uncached(desktop_group):
    refcache.forget()
    loads = []
    refcache.cached("test.value", lambda: loads.append(1))
    RoutingRule.objects.create(name="规则", keywords="x", target_group=desktop_group)
    refcache.cached("test.value", lambda: loads.append(1))
    refcache.cached("test.value", lambda: loads.append(1))
    assert len(loads) == 3  # the rule may still be rolled back: nothing of it is kept


def test_a_change_publishes_a_new_generation_when_it_commits(desktop_group):
    with TestCase.captureOnCommitCallbacks(execute=True):
        before = cache.get(refcache.GENERATION_KEY, 0)
        RoutingRule.objects.create(name="规则", keywords="x", target_group=desktop_group)
    assert cache.get(refcache.GENERATION_KEY) == before + 1


def test_a_creation_makes_few_queries(nurse_li, client_for, django_assert_max_num_queries):
    client = client_for(nurse_li)
    # The fixtures' departments are reference data changed in the test's (never committed)
    # transaction, which reads them uncached; as if they had been committed:
    refcache.forget()
    create(client)  # loads the reference data
    # number, ticket, change log, timeline event, notification; SLA clocks: the clock rows and
    # the ticket's deadlines; in a test the creation's transaction is a savepoint (two more)
    with django_assert_max_num_queries(9) as captured:
        body = create(client, description="处方打不出来")
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert "sla_" not in tables and "servicedesk_routingrule" not in tables
    assert Notification.objects.filter(ticket_id=body["id"], kind="ticket.submitted").count() == 1


def test_numbers_come_from_one_counter_row_per_prefix_and_day(nurse_li, client_for):
    client = client_for(nurse_li)
    first, second = create(client)["number"], create(client, kind="request")["number"]
    third = create(client)["number"]
    assert first.startswith("INC-") and second.startswith("SR-")
    assert int(third.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1
    assert NumberSequence.objects.count() == 2


def test_a_fresh_notification_is_one_insert_and_is_queued_by_id(
    nurse_li, django_capture_on_commit_callbacks, monkeypatch
):
    from hitsm.notifications import services as notifications
    from hitsm.notifications.tasks import deliver

    queued = []
    monkeypatch.setattr(deliver, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        created = notifications.notify(
            recipients=[],
            requesters=[nurse_li],
            kind="ticket.submitted",
            title="工单已提交",
            dedupe_key="t0:submitted",
            fresh=True,
        )
    assert [n.pk for n in created] == queued and all(queued)
    # the ordinary path still absorbs a duplicate of the same event
    again = notifications.notify(
        recipients=[],
        requesters=[nurse_li],
        kind="ticket.submitted",
        title="x",
        dedupe_key="t0:submitted",
    )
    assert again == [] and Notification.objects.filter(dedupe_key="t0:submitted").count() == 1
