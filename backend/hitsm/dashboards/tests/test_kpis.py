"""Every KPI against a hand-counted month (November 2026) of five tickets.

T1 incident, CI linked: accepted after 10 min, resolved after 1 h by 王工     → on time
T2 request: accepted after 90 min (late), resolved 3 working days later by 张工 → both late
T3 incident from monitoring, no CI, never accepted                            → overdue
T4 incident, CI linked: accepted after 5 min, pended "waiting for a change"
T0 a request from October: outside the period
"""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from hitsm.accounts.models import AssignmentGroup
from hitsm.accounts.roles import Role
from hitsm.accounts.tests.factories import UserFactory
from hitsm.cmdb.models import CIClass, ConfigurationItem, ObashiLayer
from hitsm.dashboards.kpis import KPI_BY_CODE, KpiFilters, kpi_compute, kpi_drill, month_range
from hitsm.servicedesk.clocks import sla_scan
from hitsm.servicedesk.services import (
    ticket_accept,
    ticket_assign,
    ticket_create,
    ticket_pend,
    ticket_resolve,
)
from hitsm.sla.models import BusinessCalendar, EscalationRule, PublicHoliday, SlaPolicy, SlaTarget
from hitsm.sla.reference import calendars_load, holidays_load, policies_load

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(month, d, hh, mm=0) -> dt.datetime:
    return dt.datetime(2026, month, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def month(nurse_li, agent_chen):
    calendars_load(BusinessCalendar)
    holidays_load(PublicHoliday, 2025, 2030)
    policies_load(BusinessCalendar, SlaPolicy, SlaTarget, EscalationRule)
    wang = UserFactory(username="eng_wang2", display_name="王工", roles=[Role.ENGINEER])
    zhang = UserFactory(username="eng_zhang2", display_name="张工", roles=[Role.ENGINEER])
    group = AssignmentGroup.objects.create(name="桌面运维组", code="desk")
    group.members.add(wang, zhang)
    app_class, _ = CIClass.objects.get_or_create(
        code="application", defaults={"name": "应用系统", "layer": ObashiLayer.APPLICATION}
    )
    his = ConfigurationItem.objects.create(ci_class=app_class, name="HIS", code="HIS-K")

    def new(when, **values):
        with time_machine.travel(when, tick=False):
            return ticket_create(
                requester=nurse_li,
                submitted_by=nurse_li,
                title=values.pop("title", "打印机卡纸"),
                impact=2,
                urgency=2,  # P3
                **values,
            )

    def do(when, action, **kwargs):
        with time_machine.travel(when, tick=False):
            return action(**kwargs)

    t0 = new(at(10, 30, 9), kind="request")
    t1 = new(at(11, 23, 9), kind="incident", configuration_items=[his])
    t2 = new(at(11, 23, 9), kind="request")
    t3 = new(at(11, 23, 9), kind="incident", channel="monitoring", title="HIS 接口告警")
    t4 = new(at(11, 23, 9), kind="incident", configuration_items=[his])
    t1 = do(at(11, 23, 9, 10), ticket_accept, ticket=t1, actor=agent_chen)
    t1 = do(
        at(11, 23, 9, 11), ticket_assign, ticket=t1, actor=agent_chen, group=group, assignee=wang
    )
    do(at(11, 23, 10), ticket_resolve, ticket=t1, actor=wang, code="fixed", notes="换了硒鼓")
    t2 = do(at(11, 23, 10, 30), ticket_accept, ticket=t2, actor=agent_chen)
    t2 = do(
        at(11, 23, 10, 31), ticket_assign, ticket=t2, actor=agent_chen, group=group, assignee=zhang
    )
    do(at(11, 26, 9), ticket_resolve, ticket=t2, actor=zhang, code="fixed", notes="已处理")
    t4 = do(at(11, 23, 9, 5), ticket_accept, ticket=t4, actor=agent_chen)
    t4 = do(
        at(11, 23, 9, 6), ticket_assign, ticket=t4, actor=agent_chen, group=group, assignee=wang
    )
    do(at(11, 23, 9, 30), ticket_pend, ticket=t4, actor=wang, reason="change", note="需要走变更")
    with time_machine.travel(at(11, 27, 12), tick=False):
        sla_scan()  # clocks as the scanner keeps them
    start, end = month_range(2026, 11)
    return {
        "filters": KpiFilters(start=start, end=end),
        "t": (t0, t1, t2, t3, t4),
        "wang": wang,
        "zhang": zhang,
        "group": group,
    }


def value(code, filters):
    with time_machine.travel(at(11, 27, 12), tick=False):
        return kpi_compute(KPI_BY_CODE[code], filters)


def numbers(code, filters, part="numerator"):
    with time_machine.travel(at(11, 27, 12), tick=False):
        return sorted(kpi_drill(KPI_BY_CODE[code], filters, part).values_list("number", flat=True))


def test_attainment(month):
    f = month["filters"]
    _, t1, t2, _t3, _t4 = month["t"]
    response = value("sla_response_attainment", f)
    assert (response["value"], response["numerator"], response["denominator"]) == (66.7, 2, 3)
    assert numbers("sla_response_attainment", f, "missed") == [t2.number]
    resolution = value("sla_resolution_attainment", f)
    assert (resolution["value"], resolution["numerator"], resolution["denominator"]) == (50.0, 1, 2)
    assert numbers("sla_resolution_attainment", f) == [t1.number]
    assert numbers("sla_resolution_attainment", f, "denominator") == sorted([t1.number, t2.number])


def test_efficiency(month):
    f = month["filters"]
    _, _t1, t2, t3, _t4 = month["t"]
    # T2 took 3 working days against 960 minutes; T3 has waited since Monday
    assert value("overdue", f)["value"] == 2
    assert numbers("overdue", f) == sorted([t2.number, t3.number])
    # live, not limited to the period: October's T0 has waited even longer
    t0 = month["t"][0]
    assert value("overdue_now", f)["value"] == 2
    assert numbers("overdue_now", f) == sorted([t0.number, t3.number])
    assert value("unaccepted_30", f)["value"] == 2
    assert numbers("unaccepted_30", f) == sorted([t2.number, t3.number])
    # response business minutes: T1 10, T2 90, T4 5
    assert value("response_time_mean", f)["value"] == 35.0
    assert value("response_time_median", f)["value"] == 10.0
    # resolution: T1 60; T2 Mon 09:00 → Thu 09:00 = 3 × 480
    assert value("resolution_time_mean", f)["value"] == (60 + 1440) / 2
    assert value("resolution_time_median", f)["value"] == 750.0


def test_compliance_and_workload(month):
    f = month["filters"]
    _, _t1, _t2, t3, t4 = month["t"]
    compliance = value("incidents_without_ci", f)
    assert (compliance["value"], compliance["numerator"], compliance["denominator"]) == (33.3, 1, 3)
    assert numbers("incidents_without_ci", f) == [t3.number]
    assert numbers("escalated_to_change", f) == [t4.number]
    assert numbers("escalated_to_incident", f) == [t3.number]
    per = value("tickets_per_engineer", f)
    assert per["value"] == 1.0
    assert {r["name"]: r["count"] for r in per["breakdown"]} == {"王工": 1, "张工": 1}


def test_filters_narrow_every_kpi(month):
    f = month["filters"]
    wang_only = KpiFilters(start=f.start, end=f.end, engineer_id=month["wang"].pk)
    assert value("sla_resolution_attainment", wang_only)["value"] == 100.0
    incidents = KpiFilters(start=f.start, end=f.end, kind="incident")
    assert value("unaccepted_30", incidents)["value"] == 1
    october = KpiFilters(*month_range(2026, 10))
    assert value("sla_response_attainment", october)["denominator"] == 0
    assert value("sla_response_attainment", october)["value"] is None
    assert value("satisfaction_overall", f)["value"] is None  # surveys sent, none answered


def test_the_api_board_drill_down_trend_and_excel_agree(month, client_for, agent_chen, nurse_li):
    assert client_for(nurse_li).get("/api/v1/kpis/?period=2026-11").status_code == 403
    agent = client_for(agent_chen)
    with time_machine.travel(at(11, 27, 12), tick=False):
        board = agent.get("/api/v1/kpis/?period=2026-11").json()
        tile = agent.get("/api/v1/kpis/incidents_without_ci/?period=2026-11").json()
        drill = agent.get("/api/v1/kpis/overdue/tickets/?period=2026-11").json()
        trend = agent.get(
            "/api/v1/kpis/sla_response_attainment/trend/?period=2026-11&months=3"
        ).json()
        export = agent.get("/api/v1/kpis/export/?period=2026-11")
        again = agent.get("/api/v1/kpis/?period=2026-11").json()
    by_code = {k["code"]: k for k in board["kpis"]}
    assert set(by_code) == set(KPI_BY_CODE) and board["cached"] is False and again["cached"] is True
    assert by_code["incidents_without_ci"]["value"] == tile["value"] == 33.3
    assert drill["count"] == by_code["overdue"]["value"] == 2
    assert [p["period"] for p in trend] == ["2026-09", "2026-10", "2026-11"]
    assert trend[-1]["value"] == by_code["sla_response_attainment"]["value"]
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    excel = {row[1]: row[2] for row in rows[1:]}
    assert excel["未关联配置项的故障单占比"] == 33.3 and excel["超过时限的工单数"] == 2
    assert agent.get("/api/v1/kpis/nope/").status_code == 404
    assert agent.get("/api/v1/kpis/?period=2026-13").status_code == 400
    assert agent.get("/api/v1/kpis/overdue/tickets/?part=all").status_code == 400


def test_the_board_speaks_the_callers_language(month, client_for, agent_chen):
    agent = client_for(agent_chen)
    with time_machine.travel(at(11, 27, 12), tick=False):
        zh = agent.get("/api/v1/kpis/?period=2026-11", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
        en = agent.get("/api/v1/kpis/?period=2026-11", HTTP_ACCEPT_LANGUAGE="en").json()
    names = {k["code"]: k["name"] for k in en["kpis"]}
    assert (
        names["incidents_without_ci"]
        != {k["code"]: k["name"] for k in zh["kpis"]}["incidents_without_ci"]
    )
    assert "CI" in names["incidents_without_ci"]


def test_an_engineer_drilling_down_sees_other_groups_tickets_by_number_only(month, client_for):
    """Every counted ticket is listed (the list agrees with the number), but a ticket the
    engineer may not open shows no title: 王工 is in 桌面运维组, t3 (HIS 接口告警) is nobody's."""
    other = UserFactory(username="eng_net", display_name="网络组工程师", roles=[Role.ENGINEER])
    AssignmentGroup.objects.create(name="网络组", code="net").members.add(other)
    with time_machine.travel(at(11, 27, 12), tick=False):
        mine = client_for(month["wang"]).get(
            "/api/v1/kpis/tickets_per_engineer/tickets/?period=2026-11"
        )
        theirs = client_for(other).get("/api/v1/kpis/tickets_per_engineer/tickets/?period=2026-11")
    assert mine.status_code == theirs.status_code == 200
    seen = {row["number"]: row for row in mine.json()["results"]}
    assert seen and all(row["visible"] and row["title"] for row in seen.values())
    hidden = {row["number"]: row for row in theirs.json()["results"]}
    assert hidden.keys() == seen.keys() and theirs.json()["count"] == mine.json()["count"]
    assert all(not row["visible"] and row["title"] == "" for row in hidden.values())
    assert "打印机卡纸" not in theirs.content.decode()
