"""Every transition through the API, the illegal ones, and who may do what."""

import pytest

from hitsm.core.models import ChangeLog
from hitsm.servicedesk.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/"


def post(client, ticket, action, data=None):
    return client.post(f"{URL}{ticket.pk}/{action}/", data or {}, format="json")


def test_a_nurse_submits_and_the_desk_sees_it_in_the_intake_queue(nurse_li, agent_chen, client_for):
    created = client_for(nurse_li).post(
        URL,
        {
            "title": "门诊3楼打印机一直卡纸",
            "description": "处方打不出来",
            "kind": "incident",
            "location": {"building": "门诊楼", "floor": "3"},
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created["Location"] == f"{URL}{created.json()['id']}/"
    body = client_for(nurse_li).get(created["Location"]).json()
    assert body["number"] == created.json()["number"] and body["number"].startswith("INC-")
    assert body["status"] == created.json()["status"] == "new"
    assert body["department"]["name"] == "门诊部" and body["priority"] == 4
    assert body["location"]["floor"] == "3"
    queue = client_for(agent_chen).get(URL, {"queue": "intake"}).json()
    assert [t["number"] for t in queue["results"]] == [body["number"]]
    counts = client_for(agent_chen).get(f"{URL}queues/").json()
    assert counts["intake"] == 1 and counts["dispatch"] == 0


def test_the_whole_happy_path(
    nurse_li, agent_chen, engineer_wang, desktop_group, make_ticket, client_for
):
    ticket = make_ticket()
    desk, engineer, nurse = client_for(agent_chen), client_for(engineer_wang), client_for(nurse_li)
    assert post(desk, ticket, "accept").json()["status"] == "accepted"
    assigned = post(
        desk, ticket, "assign", {"group": desktop_group.pk, "assignee": engineer_wang.pk}
    )
    assert assigned.json()["status"] == "assigned", assigned.json()
    assert post(engineer, ticket, "start").json()["status"] == "in_progress"
    pended = post(engineer, ticket, "pend", {"reason": "requester", "note": "请问是哪台打印机？"})
    assert pended.json()["status"] == "pending"
    reply = nurse.post(f"{URL}{ticket.pk}/reply/", {"body": "护士站左边那台"}, format="json")
    assert reply.status_code == 201
    assert nurse.get(f"{URL}{ticket.pk}/").json()["status"] == "in_progress"  # auto-resumed
    resolved = post(engineer, ticket, "resolve", {"code": "fixed", "notes": "清理卡纸，更换搓纸轮"})
    assert resolved.json()["status"] == "resolved"
    assert post(nurse, ticket, "confirm").json()["status"] == "closed"
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == [
        "created",
        "accepted",
        "assigned",
        "started",
        "pending",
        "reply",
        "resumed",
        "resolved",
        "confirmed",
    ]
    timeline = nurse.get(f"{URL}{ticket.pk}/events/").json()
    assert all(e["actor_label"] for e in timeline)
    assert ChangeLog.objects.filter(object_id=str(ticket.pk), action="update").count() >= 7


@pytest.mark.parametrize(
    ("setup", "action", "data"),
    [
        ([], "start", {}),
        ([], "resolve", {"code": "fixed", "notes": "x"}),
        ([], "confirm", {}),
        (["accept"], "accept", {}),
        (["cancel"], "accept", {}),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_error(
    agent_chen, make_ticket, client_for, setup, action, data
):
    ticket = make_ticket()
    desk = client_for(agent_chen)
    for step in setup:
        post(desk, ticket, step, {"reason": "重复报修"} if step == "cancel" else {})
    response = post(desk, ticket, action, data)
    assert response.status_code == 409, response.json()
    error = response.json()["error"]
    assert error["code"] == "ticket.invalid_transition"
    assert "不能执行" in error["message"]


def test_pending_needs_a_reason_and_resolving_needs_notes(
    agent_chen, engineer_wang, desktop_group, make_ticket, client_for
):
    ticket = make_ticket()
    post(
        client_for(agent_chen),
        ticket,
        "assign",
        {"group": desktop_group.pk, "assignee": engineer_wang.pk},
    )
    engineer = client_for(engineer_wang)
    bad = post(engineer, ticket, "pend", {"reason": "requester", "note": ""})
    assert bad.status_code == 400 and "note" in bad.json()["error"]["fields"]
    bad = post(engineer, ticket, "resolve", {"code": "magic", "notes": ""})
    assert set(bad.json()["error"]["fields"]) == {"code", "notes"}
    assert Ticket.objects.get(pk=ticket.pk).status == "assigned"


def test_a_nurse_cannot_see_another_departments_ticket(outsider, make_ticket, client_for):
    ticket = make_ticket()
    client = client_for(outsider)
    assert client.get(f"{URL}{ticket.pk}/").status_code == 404
    assert client.get(f"{URL}{ticket.pk}/events/").status_code == 404
    assert post(client, ticket, "confirm").status_code == 404
    assert client.get(URL).json()["count"] == 0


def test_colleagues_in_the_same_department_see_each_others_tickets(
    nurse_li, make_ticket, client_for
):
    from hitsm.accounts.tests.factories import UserFactory

    colleague = UserFactory(
        username="nurse_wu", department=nurse_li.department, roles=["requester"]
    )
    ticket = make_ticket()
    assert client_for(colleague).get(f"{URL}{ticket.pk}/").status_code == 200


def test_an_engineer_cannot_close_a_ticket_outside_their_group(
    agent_chen, engineer_wang, app_group, make_ticket, client_for
):
    from hitsm.accounts.models import User

    zhang = User.objects.get(username="engineer_zhang")
    ticket = make_ticket()
    post(client_for(agent_chen), ticket, "assign", {"group": app_group.pk, "assignee": zhang.pk})
    post(client_for(zhang), ticket, "resolve", {"code": "fixed", "notes": "ok"})
    response = post(client_for(engineer_wang), ticket, "close")
    assert response.status_code == 404  # not even visible to another group's engineer
    response = post(client_for(zhang), ticket, "close")
    assert response.status_code == 200 and response.json()["status"] == "closed"


def test_requesters_cannot_act_like_the_desk(nurse_li, make_ticket, client_for):
    ticket = make_ticket()
    response = post(client_for(nurse_li), ticket, "accept")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    note = client_for(nurse_li).post(
        f"{URL}{ticket.pk}/reply/", {"body": "x", "internal": True}, format="json"
    )
    assert note.status_code == 403


def test_requesters_never_see_internal_notes(nurse_li, agent_chen, make_ticket, client_for):
    ticket = make_ticket()
    client_for(agent_chen).post(
        f"{URL}{ticket.pk}/reply/", {"body": "疑似硒鼓问题", "internal": True}, format="json"
    )
    kinds = [e["kind"] for e in client_for(nurse_li).get(f"{URL}{ticket.pk}/events/").json()]
    assert "note" not in kinds
    kinds = [e["kind"] for e in client_for(agent_chen).get(f"{URL}{ticket.pk}/events/").json()]
    assert "note" in kinds


def test_a_requester_may_cancel_only_before_work_starts(
    nurse_li, agent_chen, engineer_wang, desktop_group, make_ticket, client_for
):
    early, late = make_ticket(), make_ticket(title="电脑蓝屏")
    assert post(client_for(nurse_li), early, "cancel", {"reason": "已自行解决"}).status_code == 200
    post(
        client_for(agent_chen),
        late,
        "assign",
        {"group": desktop_group.pk, "assignee": engineer_wang.pk},
    )
    assert post(client_for(nurse_li), late, "cancel", {"reason": "x"}).status_code == 403


def test_reopen_after_resolution_and_within_the_window(
    nurse_li, agent_chen, engineer_wang, desktop_group, make_ticket, client_for, settings
):
    import time_machine
    from django.utils import timezone

    ticket = make_ticket()
    post(
        client_for(agent_chen),
        ticket,
        "assign",
        {"group": desktop_group.pk, "assignee": engineer_wang.pk},
    )
    post(client_for(engineer_wang), ticket, "resolve", {"code": "fixed", "notes": "ok"})
    nurse = client_for(nurse_li)
    missing = post(nurse, ticket, "reopen", {"reason": ""})
    assert missing.status_code == 400
    reopened = post(nurse, ticket, "reopen", {"reason": "还是卡纸"})
    assert reopened.json()["status"] == "in_progress" and reopened.json()["reopen_count"] == 1
    post(client_for(engineer_wang), ticket, "resolve", {"code": "replaced", "notes": "换打印机"})
    post(nurse, ticket, "confirm")
    with time_machine.travel(
        timezone.now() + timezone.timedelta(days=settings.TICKET_REOPEN_DAYS + 1)
    ):
        late = post(nurse, ticket, "reopen", {"reason": "又坏了"})
    assert late.status_code == 409 and "不能重新打开" in late.json()["error"]["message"]


def test_transfer_and_tier_escalation(
    agent_chen, engineer_wang, desktop_group, app_group, make_ticket, client_for, manager_zhao
):
    from hitsm.notifications.models import Notification

    desktop_group.escalation_group = app_group
    desktop_group.save()
    ticket = make_ticket()
    desk = client_for(agent_chen)
    post(desk, ticket, "assign", {"group": desktop_group.pk, "assignee": engineer_wang.pk})
    escalated = post(
        client_for(engineer_wang),
        ticket,
        "escalate",
        {"kind": "tier", "reason": "HIS 客户端问题，需要应用组"},
    )
    body = escalated.json()
    assert body["assignment_group"]["name"] == "应用组" and body["status"] == "accepted"
    assert body["escalation_level"] == 1
    assert Notification.objects.filter(recipient=manager_zhao, kind="ticket.escalated").exists()
    transferred = post(desk, ticket, "transfer", {"group": desktop_group.pk, "reason": "误判"})
    assert transferred.json()["assignment_group"]["name"] == "桌面运维组"
    assert transferred.json()["assignee"] is None


def test_engineers_assign_only_inside_their_group(
    engineer_wang, desktop_group, app_group, agent_chen, make_ticket, client_for
):
    ticket = make_ticket()
    post(client_for(agent_chen), ticket, "assign", {"group": desktop_group.pk})
    response = post(client_for(engineer_wang), ticket, "assign", {"group": app_group.pk})
    assert response.status_code == 403
    mine = post(client_for(engineer_wang), ticket, "assign", {"assignee": engineer_wang.pk})
    assert mine.json()["assignee"]["username"] == "engineer_wang"


def test_assigning_someone_outside_the_group_is_refused(
    agent_chen, desktop_group, nurse_li, make_ticket, client_for
):
    ticket = make_ticket()
    response = post(
        client_for(agent_chen),
        ticket,
        "assign",
        {"group": desktop_group.pk, "assignee": nurse_li.pk},
    )
    assert response.status_code == 400
    assert "不是「桌面运维组」的成员" in response.json()["error"]["fields"]["assignee"][0]


def test_allowed_actions_follow_status_and_role(nurse_li, agent_chen, make_ticket, client_for):
    ticket = make_ticket()
    desk = client_for(agent_chen).get(f"{URL}{ticket.pk}/").json()["allowed_actions"]
    assert "accept" in desk and "assign" in desk and "resolve" not in desk
    nurse = client_for(nurse_li).get(f"{URL}{ticket.pk}/").json()["allowed_actions"]
    assert "accept" not in nurse and "cancel" in nurse and "reply" in nurse


def test_impact_and_urgency_decide_the_priority(agent_chen, make_ticket, client_for):
    ticket = make_ticket()
    response = client_for(agent_chen).patch(
        f"{URL}{ticket.pk}/", {"impact": 1, "urgency": 1}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["priority"] == 1
    stale = client_for(agent_chen).patch(
        f"{URL}{ticket.pk}/", {"impact": 2, "version": 1}, format="json"
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
