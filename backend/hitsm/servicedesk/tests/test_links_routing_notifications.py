from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hitsm.accounts.roles import Role
from hitsm.accounts.tests.factories import UserFactory
from hitsm.notifications.models import Notification, NotificationPreference
from hitsm.notifications.services import dispatch_due
from hitsm.servicedesk.choices import GroupDistribution
from hitsm.servicedesk.models import RoutingRule, Ticket
from hitsm.servicedesk.services import (
    ticket_assign,
    ticket_resolve,
    ticket_set_parent,
    tickets_autoclose,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/"


def test_one_outage_many_reports_children_resolve_with_the_parent(
    agent_chen, engineer_wang, desktop_group, make_ticket, client_for
):
    parent = make_ticket(title="HIS 系统缓慢", kind="incident")
    children = [make_ticket(title=f"HIS 卡 {i}") for i in range(3)]
    desk = client_for(agent_chen)
    for child in children:
        response = desk.post(f"{URL}{child.pk}/set-parent/", {"ticket": parent.pk})
        assert response.status_code == 200, response.json()
    detail = desk.get(f"{URL}{parent.pk}/").json()
    assert len(detail["children"]) == 3
    ticket_assign(ticket=parent, actor=agent_chen, group=desktop_group, assignee=engineer_wang)
    ticket_resolve(
        ticket=Ticket.objects.get(pk=parent.pk),
        actor=engineer_wang,
        code="fixed",
        notes="数据库连接池已扩容",
    )
    statuses = set(Ticket.objects.filter(parent=parent).values_list("status", flat=True))
    assert statuses == {"resolved"}
    assert "随父工单" in Ticket.objects.filter(parent=parent).first().resolution_notes


def test_a_ticket_cannot_become_its_own_grandparent(agent_chen, make_ticket):
    from hitsm.core.errors import ValidationFailed

    a, b = make_ticket(), make_ticket()
    ticket_set_parent(ticket=b, actor=agent_chen, parent=a)
    with pytest.raises(ValidationFailed):
        ticket_set_parent(
            ticket=Ticket.objects.get(pk=a.pk), actor=agent_chen, parent=Ticket.objects.get(pk=b.pk)
        )


def test_merging_a_duplicate_closes_it_and_points_to_the_survivor(
    nurse_li, agent_chen, make_ticket, client_for
):
    survivor, duplicate = make_ticket(), make_ticket(title="打印机又卡纸")
    response = client_for(agent_chen).post(f"{URL}{duplicate.pk}/merge/", {"ticket": survivor.pk})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "closed" and body["merged_into"]["number"] == survivor.number
    assert body["resolution_code"] == "duplicate"
    assert Notification.objects.filter(
        recipient=nurse_li, ticket_id=duplicate.pk, kind="ticket.closed"
    ).exists()


def test_bulk_accept_reports_each_failure(agent_chen, make_ticket, client_for):
    a, b = make_ticket(), make_ticket()
    client = client_for(agent_chen)
    client.post(f"{URL}{b.pk}/accept/")
    result = client.post(
        f"{URL}bulk/", {"ids": [a.pk, b.pk, 999999], "action": "accept"}, format="json"
    ).json()
    assert result["done"] == [a.pk]
    assert {f["code"] for f in result["failed"]} == {"ticket.invalid_transition", "not_found"}


def test_routing_rules_pick_a_group_by_keyword_and_round_robin(
    nurse_li, desktop_group, make_ticket
):
    second = UserFactory(username="engineer_liang", roles=[Role.ENGINEER])
    desktop_group.members.add(second)
    desktop_group.distribution = GroupDistribution.ROUND_ROBIN
    desktop_group.save()
    RoutingRule.objects.create(
        name="打印机归桌面组",
        keywords="打印机,复印机",
        target_group=desktop_group,
        auto_assign=True,
    )
    first = make_ticket(title="打印机卡纸")
    then = make_ticket(title="复印机不出纸")
    other = make_ticket(title="HIS 登不上")
    assert (first.status, first.assignee.username) == ("assigned", "engineer_liang")
    assert then.assignee.username == "engineer_wang"
    assert other.assignment_group is None and other.status == "new"


def test_least_loaded_picks_the_member_with_fewest_open_tickets(
    desktop_group, make_ticket, engineer_wang
):
    second = UserFactory(username="engineer_a", roles=[Role.ENGINEER])
    desktop_group.members.add(second)
    desktop_group.distribution = GroupDistribution.LEAST_LOADED
    desktop_group.save()
    ticket_assign(ticket=make_ticket(), actor=None, group=desktop_group, assignee=engineer_wang)
    assigned = ticket_assign(ticket=make_ticket(), actor=None, group=desktop_group)
    assert assigned.assignee == second


def test_unconfirmed_resolutions_close_automatically_once(
    agent_chen, engineer_wang, desktop_group, make_ticket, settings
):
    ticket = make_ticket()
    ticket_assign(ticket=ticket, actor=agent_chen, group=desktop_group, assignee=engineer_wang)
    ticket_resolve(
        ticket=Ticket.objects.get(pk=ticket.pk), actor=engineer_wang, code="fixed", notes="ok"
    )
    assert tickets_autoclose() == 0
    later = timezone.now() + timedelta(days=settings.TICKET_AUTOCLOSE_DAYS, hours=1)
    assert tickets_autoclose(now=later) == 1
    assert tickets_autoclose(now=later) == 0
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"


def test_the_bell_counts_marks_and_pushes(
    nurse_li, agent_chen, make_ticket, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    from hitsm.core import realtime

    pushed = []
    monkeypatch.setattr(realtime, "_send", lambda *args: pushed.append(args))
    ticket = make_ticket()
    client_for(agent_chen).post(f"{URL}{ticket.pk}/accept/")
    nurse = client_for(nurse_li)
    assert nurse.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    titles = [n["title"] for n in nurse.get("/api/v1/notifications/").json()["results"]]
    assert any("已受理" in t for t in titles) and any("已提交" in t for t in titles)
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_due() >= 2
    assert any(p[1] == "notification" and p[0] == [f"user.{nurse_li.pk}"] for p in pushed)
    assert nurse.post("/api/v1/notifications/mark-read/", {}).json() == {"unread": 0}


def test_mentions_notify_colleagues_who_can_see_the_ticket(
    agent_chen, engineer_wang, outsider, desktop_group, make_ticket, client_for
):
    ticket = make_ticket()
    client_for(agent_chen).post(f"{URL}{ticket.pk}/assign/", {"group": desktop_group.pk})
    client_for(agent_chen).post(
        f"{URL}{ticket.pk}/reply/",
        {"body": "@engineer_wang 请看一下 @outsider", "internal": True},
        format="json",
    )
    assert Notification.objects.filter(recipient=engineer_wang, kind="ticket.mentioned").exists()
    assert not Notification.objects.filter(recipient=outsider, kind="ticket.mentioned").exists()


def test_preferences_cannot_silence_a_requesters_own_ticket(
    nurse_li, agent_chen, make_ticket, client_for
):
    response = client_for(nurse_li).put(
        "/api/v1/notification-preferences/",
        [
            {"kind": "ticket.accepted", "channel": "inapp", "enabled": False},
            {"kind": "ticket.mentioned", "channel": "inapp", "enabled": False},
        ],
        format="json",
    )
    assert response.status_code == 200
    rows = {(r["kind"], r["channel"]): r for r in response.json()}
    assert rows[("ticket.accepted", "inapp")]["locked"] is True
    ticket = make_ticket()
    client_for(agent_chen).post(f"{URL}{ticket.pk}/accept/")
    assert Notification.objects.filter(recipient=nurse_li, kind="ticket.accepted").exists()
    assert NotificationPreference.objects.filter(user=nurse_li, enabled=False).count() == 2


def test_a_failing_transport_retries_with_back_off_then_gives_up(
    nurse_li, make_ticket, monkeypatch
):
    from hitsm.notifications import services

    class Broken:
        def send(self, notification):
            raise ConnectionError("SMTP down")

    monkeypatch.setattr(services, "transport_for", lambda channel: Broken())
    make_ticket()
    notification = Notification.objects.get(recipient=nurse_li)
    now = timezone.now()
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        with time_machine.travel(now + timedelta(hours=3 * attempt)):
            dispatch_due()
        notification.refresh_from_db()
        assert notification.attempts == attempt
    assert notification.status == "failed" and "SMTP down" in notification.last_error
    with time_machine.travel(now + timedelta(days=2)):
        assert dispatch_due() == 0


def test_new_tickets_are_pushed_to_the_desk(make_ticket, monkeypatch):
    from hitsm.core import realtime

    pushed = []
    monkeypatch.setattr(realtime, "_send", lambda *args: pushed.append(args))
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        ticket = make_ticket()
    created = [p for p in pushed if p[1] == "ticket.created"]
    assert created and created[0][0] == ["role.agent", "role.manager"]
    assert created[0][2]["number"] == ticket.number
