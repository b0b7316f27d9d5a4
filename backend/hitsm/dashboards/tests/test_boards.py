"""The service boards against a hand-counted week (Thursday 26 November 2026, 15:00 local).

P3 tickets on the standard calendar (480 working minutes a day, from 09:00):
T0 web, created Wed 25 09:00, accepted 09:05, assigned 王工, resolved Thu 11:00 (600 min, met)
T1 web, created Thu 09:00, accepted 09:10 (10 min, met), assigned 王工, resolved 10:00 (60, met)
T2 wecom, created Thu 09:00, accepted 10:30 (90 min, late), assigned 王工, pended on the requester
T3 h5, created Thu 09:00, never accepted                                 → unaccepted
T4 web, created Mon 23 09:00, accepted 09:05, assigned 王工, still open    → overdue since Tue

Today: new 3 (h5, web, wecom: 1 each); resolved 2 (T0, T1); response clocks that stopped today
T1 10 (met) and T2 90 (late): mean 50, 50%; resolution clocks T1 60 and T0 600: mean 330, 100%.
Surveys (sent on resolution): T1 answered 5/4/5 (satisfied), T0 2/3/3 (not; a follow-up opens).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hitsm.core import realtime
from hitsm.dashboards.boards import day_range, week_range
from hitsm.dashboards.kpis import KPI_BY_CODE, KpiFilters, kpi_compute, kpi_drill, month_range
from hitsm.servicedesk.clocks import sla_scan
from hitsm.servicedesk.services import (
    ticket_accept,
    ticket_assign,
    ticket_create,
    ticket_pend,
    ticket_resolve,
)
from hitsm.servicedesk.tests import conftest as desk
from hitsm.sla.models import BusinessCalendar, EscalationRule, PublicHoliday, SlaPolicy, SlaTarget
from hitsm.sla.reference import calendars_load, holidays_load, policies_load
from hitsm.surveys.models import Survey
from hitsm.surveys.services import survey_answer

desktop_group = desk.desktop_group  # the service desk's fixtures, shared
make_ticket = desk.make_ticket

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=TZ)
pytestmark = pytest.mark.django_db


def at(d, hh, mm=0) -> dt.datetime:
    return dt.datetime(2026, 11, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def week(nurse_li, agent_chen, engineer_wang, manager_zhao, desktop_group):
    calendars_load(BusinessCalendar)
    holidays_load(PublicHoliday, 2025, 2030)
    policies_load(BusinessCalendar, SlaPolicy, SlaTarget, EscalationRule)
    desktop_group.manager = manager_zhao
    desktop_group.save(update_fields=["manager"])

    def do(when, action, **kwargs):
        with time_machine.travel(when, tick=False):
            return action(**kwargs)

    def new(when, channel="web"):
        return do(
            when,
            ticket_create,
            requester=nurse_li,
            submitted_by=nurse_li,
            kind="incident",
            title="打印机卡纸",
            impact=2,
            urgency=2,  # P3
            channel=channel,
        )

    def work(ticket, accepted, assigned):
        ticket = do(accepted, ticket_accept, ticket=ticket, actor=agent_chen)
        return do(
            assigned,
            ticket_assign,
            ticket=ticket,
            actor=agent_chen,
            group=desktop_group,
            assignee=engineer_wang,
        )

    def resolve(when, ticket):
        return do(
            when, ticket_resolve, ticket=ticket, actor=engineer_wang, code="fixed", notes="好"
        )

    t4 = work(new(at(23, 9)), at(23, 9, 5), at(23, 9, 6))
    t0 = work(new(at(25, 9)), at(25, 9, 5), at(25, 9, 6))
    t1 = new(at(26, 9))
    t2 = new(at(26, 9), channel="wecom")
    t3 = new(at(26, 9), channel="h5")
    t1 = resolve(at(26, 10), work(t1, at(26, 9, 10), at(26, 9, 11)))
    t2 = work(t2, at(26, 10, 30), at(26, 10, 31))
    do(at(26, 14), ticket_pend, ticket=t2, actor=engineer_wang, reason="requester", note="请回复")
    t0 = resolve(at(26, 11), t0)
    with time_machine.travel(at(26, 14, 30), tick=False):
        sla_scan()
    return {"t": (t0, t1, t2, t3, t4), "group": desktop_group}


def answer_surveys(week, nurse_li):
    t0, t1 = week["t"][:2]
    with time_machine.travel(NOW, tick=False):
        survey_answer(
            survey=Survey.objects.get(ticket=t1),
            actor=nurse_li,
            scores={"technical": 5, "response": 4, "attitude": 5},
            comment="",
            channel="web",
        )
        survey_answer(
            survey=Survey.objects.get(ticket=t0),
            actor=nurse_li,
            scores={"technical": 2, "response": 3, "attitude": 3},
            comment="太慢了",
            channel="web",
        )


def get(client, url):
    with time_machine.travel(NOW, tick=False):
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_local_day_and_week():
    start, end = day_range(dt.datetime(2026, 11, 25, 16, 30, tzinfo=dt.UTC))  # 00:30 on the 26th
    assert (start, end) == (at(26, 0), at(27, 0))
    assert week_range(NOW) == (at(23, 0), at(30, 0))


def test_the_desk_board_counts_today_by_hand(week, client_for, agent_chen):
    t3, t4 = week["t"][3:]
    board = get(client_for(agent_chen), "/api/v1/boards/desk/")
    assert board["today"] == {
        "new": 3,
        "resolved": 2,
        "avg_response_minutes": 50.0,
        "avg_resolution_minutes": 330.0,
        "response_attainment": 50.0,
        "resolution_attainment": 100.0,
        "by_channel": [
            {"channel": "h5", "label": "移动端", "count": 1},
            {"channel": "web", "label": "网页", "count": 1},
            {"channel": "wecom", "label": "企业微信", "count": 1},
        ],
    }
    assert [(t["number"], t["waiting_minutes"]) for t in board["unaccepted"]] == [(t3.number, 360)]
    assert board["unaccepted"][0]["department"] == t3.department.name
    assert [t["number"] for t in board["overdue"]] == [t4.number]
    assert board["overdue"][0]["assignee"]["display_name"] == "王工"


def test_the_desk_board_queues_are_the_queue_sidebars_numbers(week, client_for, agent_chen):
    client = client_for(agent_chen)
    board = get(client, "/api/v1/boards/desk/")
    assert board["queues"] == get(client, "/api/v1/tickets/queues/")
    assert board["queues"]["open"] == 3 and board["queues"]["unaccepted"] == 1


def test_the_desk_board_is_for_the_desk(week, client_for, nurse_li, engineer_wang, manager_zhao):
    for user in (nurse_li, engineer_wang):
        with time_machine.travel(NOW, tick=False):
            assert client_for(user).get("/api/v1/boards/desk/").status_code == 403
            assert client_for(user).get("/api/v1/boards/wall/").status_code == 403
    assert get(client_for(manager_zhao), "/api/v1/boards/desk/")["today"]["new"] == 3


def test_the_desk_board_takes_a_bounded_number_of_queries(
    week, client_for, agent_chen, make_ticket, django_assert_max_num_queries
):
    client = client_for(agent_chen)
    get(client, "/api/v1/boards/desk/")  # session and roles warm
    with django_assert_max_num_queries(12):
        get(client, "/api/v1/boards/desk/")
    with time_machine.travel(at(26, 9, 1), tick=False):
        for _ in range(15):
            make_ticket()
    with django_assert_max_num_queries(12):
        board = get(client, "/api/v1/boards/desk/")
    assert board["today"]["new"] == 18 and len(board["unaccepted"]) == 10


def test_the_wallboard_adds_this_months_kpis_and_satisfaction(
    week, client_for, agent_chen, nurse_li
):
    answer_surveys(week, nurse_li)
    wall = get(client_for(agent_chen), "/api/v1/boards/wall/")
    assert wall["period"] == "2026-11" and wall["today"]["new"] == 3
    tiles = {k["code"]: k for k in wall["kpis"]}
    assert list(tiles) == [
        "sla_response_attainment",
        "sla_resolution_attainment",
        "overdue_now",
        "unaccepted_30",
        "response_time_mean",
        "satisfaction_overall",
    ]
    assert tiles["overdue_now"]["value"] == 1  # T4
    assert tiles["satisfaction_overall"]["value"] == 50.0
    assert wall["satisfaction"] == {
        "sent": 2,
        "answered": 2,
        "response_rate": 1.0,
        "technical": 3.5,
        "response": 3.5,
        "attitude": 4.0,
        "average": 3.67,
        "satisfied_rate": 0.5,
    }


def test_the_engineers_home(week, client_for, engineer_wang):
    t4 = week["t"][4]
    home = get(client_for(engineer_wang), "/api/v1/boards/home/")
    assert home["manager"] is None and home["requester"] is None
    mine = home["engineer"]
    assert (mine["my_open"], mine["my_resolved_today"]) == (2, 2)  # T2, T4 · T0, T1
    assert [(t["number"], t["breached"]) for t in mine["my_due_soon"]] == [(t4.number, True)]


def test_the_managers_home_covers_their_groups(
    week, client_for, manager_zhao, admin_user, nurse_li, engineer_wang
):
    answer_surveys(week, nurse_li)
    home = get(client_for(manager_zhao), "/api/v1/boards/home/")
    assert home["engineer"] is None and home["requester"] is None
    manager = home["manager"]
    assert manager["groups"] == [{"id": week["group"].pk, "name": "桌面运维组"}]
    assert manager["team"] == [
        {
            "user": {"id": engineer_wang.pk, "display_name": "王工"},
            "open": 2,
            "overdue": 1,
            "resolved_this_week": 2,
        }
    ]
    # T4's resolution (Tue) and T2's response (Thu); T3's response has no group
    assert manager["breaches_this_week"] == 2
    assert manager["satisfaction_this_month"]["answered"] == 2
    assert manager["satisfaction_this_month"]["technical"] == 3.5
    assert manager["open_follow_ups"] == 1
    admin = get(client_for(admin_user), "/api/v1/boards/home/")["manager"]
    assert admin["breaches_this_week"] == 3


def test_a_manager_without_groups_sees_an_empty_team(week, client_for, manager_zhao):
    week["group"].manager = None
    week["group"].save(update_fields=["manager"])
    manager = get(client_for(manager_zhao), "/api/v1/boards/home/")["manager"]
    assert manager["team"] == [] and manager["breaches_this_week"] == 0
    assert manager["satisfaction_this_month"]["answered"] == 0
    assert manager["satisfaction_this_month"]["technical"] is None


def test_the_requesters_home(week, client_for, nurse_li):
    with time_machine.travel(at(26, 14, 45), tick=False):
        before = client_for(nurse_li).get("/api/v1/boards/home/").json()["requester"]
    assert before == {"my_open": 3, "waiting_for_me": 1, "surveys_to_answer": 2}
    answer_surveys(week, nurse_li)
    home = get(client_for(nurse_li), "/api/v1/boards/home/")
    assert home["engineer"] is None and home["manager"] is None
    assert home["requester"]["surveys_to_answer"] == 0


def test_satisfaction_kpis_count_the_months_answers(week, nurse_li):
    answer_surveys(week, nurse_li)
    t0, t1 = week["t"][:2]
    november = KpiFilters(*month_range(2026, 11))
    with time_machine.travel(NOW, tick=False):
        values = {
            code: kpi_compute(KPI_BY_CODE[code], november)
            for code in (
                "satisfaction_reliability",
                "satisfaction_performance",
                "satisfaction_attitude",
                "satisfaction_overall",
            )
        }

        def drill(part):
            tickets = kpi_drill(KPI_BY_CODE["satisfaction_overall"], november, part)
            return sorted(tickets.values_list("number", flat=True))

        assert drill("numerator") == [t1.number]
        assert drill("missed") == [t0.number]
        assert drill("denominator") == sorted([t0.number, t1.number])
        reliability = kpi_drill(KPI_BY_CODE["satisfaction_reliability"], november, "numerator")
        assert reliability.count() == 2
        october = KpiFilters(*month_range(2026, 10))
        assert kpi_compute(KPI_BY_CODE["satisfaction_overall"], october)["value"] is None
    assert [(v["value"], v["denominator"]) for v in values.values()] == [
        (3.5, 2),  # technical (5 + 2) / 2
        (3.5, 2),  # response (4 + 3) / 2
        (4.0, 2),  # attitude (5 + 3) / 2
        (50.0, 2),  # satisfied: T1's 14 ≥ 12, T0's 8 is not
    ]
    assert values["satisfaction_overall"]["numerator"] == 1
    assert all(v["available"] for v in values.values())


# --- frames ---------------------------------------------------------------------------------


@pytest.fixture
def frames(monkeypatch):
    pushed = []
    monkeypatch.setattr(realtime, "_send", lambda *args: pushed.append(args))
    return pushed


DESK_GROUPS = ["role.agent", "role.manager", "role.admin"]


def test_a_breach_found_by_the_scanner_is_one_board_frame(
    week, frames, make_ticket, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(26, 9), tick=False):
        late = [make_ticket(impact=2, urgency=2) for _ in range(3)]
    frames.clear()
    with (
        time_machine.travel(at(27, 9), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sla_scan()
    board = [f for f in frames if f[1] == "board.changed"]
    assert len(board) == 1
    groups, _type, payload = board[0]
    assert groups == DESK_GROUPS and payload["kind"] == "sla"
    assert {t.pk for t in late} <= set(payload["tickets"]) and payload["count"] >= 3


def test_a_survey_answer_moves_the_boards(
    week, frames, nurse_li, django_capture_on_commit_callbacks
):
    frames.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer_surveys(week, nurse_li)
    board = [f for f in frames if f[1] == "board.changed"]
    assert [f[2]["kind"] for f in board] == ["survey_answered", "survey_answered"]
    assert board[0][0] == DESK_GROUPS and board[0][2]["tickets"] == [week["t"][1].pk]


def test_every_ticket_change_reaches_the_desk(
    frames,
    make_ticket,
    agent_chen,
    engineer_wang,
    desktop_group,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket()
        ticket = ticket_accept(ticket=ticket, actor=agent_chen)
        ticket = ticket_assign(
            ticket=ticket, actor=agent_chen, group=desktop_group, assignee=engineer_wang
        )
        ticket_resolve(ticket=ticket, actor=engineer_wang, code="fixed", notes="好")
    desk = [f[1] for f in frames if "role.agent" in f[0] and f[1].startswith("ticket.")]
    assert desk == ["ticket.created", "ticket.updated", "ticket.updated", "ticket.updated"]
