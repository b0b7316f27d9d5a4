"""The monthly summary, counted by hand on October 2026, and its Excel and PDF exports.

October's surveys (Asia/Shanghai):
  S1 10-03 李护士 (门诊部) 打印机故障 王工/桌面组  5 4 5  "很好"
  S2 10-15 李护士 (门诊部) HIS 故障  张工/应用组   2 3 4  "等了两天才修好"  系统性能 2
  S3 10-31 23:30 检验科技师 (检验科) — 王工/桌面组  4 4 3  (answered 11-02, no comment)
  S4 10-20 检验科技师 (检验科) 打印机故障 王工/桌面组  not answered
Outside October: S0 09-10 李护士 打印机 3 3 3 (the trend); S5 11-01 00:10 (November's).
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from hitsm.core.errors import ValidationFailed
from hitsm.servicedesk.services import (
    ticket_accept,
    ticket_assign,
    ticket_create,
    ticket_resolve,
)
from hitsm.surveys.models import MonthlySummary, Survey, SurveyConfig
from hitsm.surveys.services import summaries_generate_due, summary_generate, survey_answer
from hitsm.surveys.summaries import survey_summary

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def october(
    nurse_li, outsider, agent_chen, engineer_wang, desktop_group, app_group, printer_item, his_item
):
    SurveyConfig.objects.create(
        catalog_item=his_item, questions=[{"key": "performance", "label": "系统性能满意度"}]
    )
    zhang = app_group.members.get()

    def survey(when, requester, item, group, engineer, scores=None, comment="", answered=None):
        with time_machine.travel(when, tick=False):
            ticket = ticket_create(
                requester=requester,
                submitted_by=requester,
                kind="incident",
                title=f"{requester.name} 的报修",
                catalog_item=item,
            )
            ticket = ticket_accept(ticket=ticket, actor=agent_chen)
            ticket = ticket_assign(ticket=ticket, actor=agent_chen, group=group, assignee=engineer)
            ticket = ticket_resolve(ticket=ticket, actor=engineer, code="fixed", notes="已处理")
        row = Survey.objects.get(ticket=ticket)
        if scores:
            with time_machine.travel(answered or when + dt.timedelta(hours=2), tick=False):
                survey_answer(
                    survey=row, actor=requester, scores=scores, comment=comment, channel="web"
                )
        return row

    five_four_five = {"technical": 5, "response": 4, "attitude": 5}
    return {
        "S0": survey(
            at(9, 10),
            nurse_li,
            printer_item,
            desktop_group,
            engineer_wang,
            {"technical": 3, "response": 3, "attitude": 3},
            "一般",
        ),
        "S1": survey(
            at(10, 3), nurse_li, printer_item, desktop_group, engineer_wang, five_four_five, "很好"
        ),
        "S2": survey(
            at(10, 15),
            nurse_li,
            his_item,
            app_group,
            zhang,
            {"technical": 2, "response": 3, "attitude": 4, "performance": 2},
            "等了两天才修好",
        ),
        "S3": survey(
            at(10, 31, 23, 30),
            outsider,
            None,
            desktop_group,
            engineer_wang,
            {"technical": 4, "response": 4, "attitude": 3},
            answered=at(11, 2),
        ),
        "S4": survey(at(10, 20), outsider, printer_item, desktop_group, engineer_wang),
        "S5": survey(
            at(11, 1, 0, 10), outsider, printer_item, desktop_group, engineer_wang, five_four_five
        ),
    }


def by_name(rows):
    return {row["name"]: row for row in rows}


def test_octobers_numbers_by_hand(october):
    summary = survey_summary("2026-10")
    assert [q["key"] for q in summary["questions"]] == [
        "technical",
        "response",
        "attitude",
        "performance",
    ]
    overall = summary["overall"]
    assert (overall["sent"], overall["answered"], overall["response_rate"]) == (4, 3, 0.75)
    # technical 5+2+4=11, response 4+3+4=11, attitude 5+4+3=12 over 3 answers; performance 2/1
    assert overall["averages"] == {
        "technical": 3.67,
        "response": 3.67,
        "attitude": 4.0,
        "performance": 2.0,
    }
    assert overall["average"] == 3.78  # (11 + 11 + 12) / 9
    assert overall["satisfied_rate"] == 0.3333  # only S1 averages ≥ 4 (4.67; S2 3.0, S3 3.67)
    assert overall["distribution"] == {
        "technical": [0, 1, 0, 1, 1],
        "response": [0, 0, 1, 2, 0],
        "attitude": [0, 0, 1, 1, 1],
        "performance": [0, 1, 0, 0, 0],
    }
    assert overall["trend"] == [
        {"month": "2026-07", "sent": 0, "answered": 0, "response_rate": None, "average": None},
        {"month": "2026-08", "sent": 0, "answered": 0, "response_rate": None, "average": None},
        {"month": "2026-09", "sent": 1, "answered": 1, "response_rate": 1.0, "average": 3.0},
    ]
    assert (overall["previous_average"], overall["change"]) == (3.0, 0.78)
    worst = overall["worst_comments"]
    assert [c["comment"] for c in worst] == ["等了两天才修好", "很好"]  # S3 left no comment
    assert worst[0]["average"] == 3.0 and worst[0]["department"] == "门诊部"
    assert worst[0]["engineer"] == "张工" and worst[0]["scores"]["performance"] == 2

    departments = by_name(summary["by_department"])
    outpatient, lab = departments["门诊部"], departments["检验科"]
    assert (outpatient["sent"], outpatient["answered"], outpatient["average"]) == (2, 2, 3.83)
    assert (outpatient["previous_average"], outpatient["change"]) == (3.0, 0.83)
    assert (lab["sent"], lab["answered"], lab["response_rate"], lab["average"]) == (2, 1, 0.5, 3.67)
    assert (lab["previous_average"], lab["change"]) == (None, None)

    engineers = by_name(summary["by_engineer"])
    assert (engineers["王工"]["sent"], engineers["王工"]["average"]) == (3, 4.17)  # 25 / 6
    assert (engineers["张工"]["sent"], engineers["张工"]["average"]) == (1, 3.0)
    assert [g["name"] for g in summary["by_engineer"]] == ["王工", "张工"]  # most surveys first

    groups = by_name(summary["by_group"])
    assert (groups["桌面运维组"]["sent"], groups["桌面运维组"]["answered"]) == (3, 2)
    assert groups["应用组"]["averages"]["performance"] == 2.0

    items = by_name(summary["by_item"])
    assert (items["打印机故障"]["sent"], items["打印机故障"]["average"]) == (2, 4.67)
    assert items["HIS 故障"]["average"] == 3.0
    assert (items["（未选服务项）"]["id"], items["（未选服务项）"]["average"]) == (None, 3.67)


def test_the_summary_is_stored_at_month_start_and_again_when_final(october):
    with time_machine.travel(at(11, 1, 1), tick=False):
        assert summaries_generate_due() == ["2026-10"]
        assert summaries_generate_due() == []
    stored = MonthlySummary.objects.get(month="2026-10")
    assert not stored.final and stored.data["overall"]["sent"] == 4
    # last survey sent 10-31, 7 days to answer, then 24 hours to change: final from 11-09 00:00
    with time_machine.travel(at(11, 8, 23, 59), tick=False):
        assert summaries_generate_due() == []
    with time_machine.travel(at(11, 9, 0, 1), tick=False):
        assert summaries_generate_due() == ["2026-10"]
        assert summaries_generate_due() == []
    assert MonthlySummary.objects.get(month="2026-10").final


def test_a_month_that_has_not_begun_is_refused(october):
    with time_machine.travel(at(11, 5), tick=False):
        summary_generate(month="2026-11")
        with pytest.raises(ValidationFailed) as refused:
            summary_generate(month="2026-12")
    assert refused.value.code == "survey.month_not_started"


# --- over the API -------------------------------------------------------------------------------

URL = "/api/v1/surveys/summaries/"


def test_the_desk_reads_the_live_summary_until_one_is_stored(
    october, client_for, agent_chen, manager_zhao
):
    live = client_for(agent_chen).get(URL, {"month": "2026-10"})
    assert live.status_code == 200, live.json()
    assert live.json()["stored"] is False and live.json()["overall"]["average"] == 3.78
    with time_machine.travel(at(11, 20), tick=False):
        made = client_for(manager_zhao).post(f"{URL}generate/", {"month": "2026-10"}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["stored"] is True and made.json()["final"] is True
    stored = client_for(agent_chen).get(URL, {"month": "2026-10"}).json()
    assert stored["stored"] is True and stored["by_department"] == live.json()["by_department"]


def test_who_reads_and_generates_summaries(
    october, client_for, nurse_li, engineer_wang, agent_chen, api
):
    assert api.get(URL).status_code in (401, 403)
    for person in (nurse_li, engineer_wang):
        assert client_for(person).get(URL, {"month": "2026-10"}).status_code == 403
        assert client_for(person).get(f"{URL}export/").status_code == 403
    made = client_for(agent_chen).post(f"{URL}generate/", {"month": "2026-10"}, format="json")
    assert made.status_code == 403
    assert not MonthlySummary.objects.exists()


@pytest.mark.parametrize("month", ["2026-13", "10-2026", "2026-1", "abc"])
def test_a_bad_month_is_a_clear_error(october, client_for, manager_zhao, month):
    answer = client_for(manager_zhao).get(URL, {"month": month})
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["month"]
    made = client_for(manager_zhao).post(f"{URL}generate/", {"month": month}, format="json")
    assert made.status_code == 400


def test_the_excel_export_opens_with_a_sheet_per_breakdown(october, client_for, manager_zhao):
    answer = client_for(manager_zhao).get(f"{URL}export/", {"month": "2026-10", "format": "xlsx"})
    assert answer.status_code == 200
    assert "satisfaction-2026-10.xlsx" in answer["Content-Disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["概览", "按科室", "按支持组", "按工程师", "按服务项", "差评意见"]
    overview = [list(r) for r in book["概览"].iter_rows(values_only=True)]
    assert overview[0][0] == "满意度月报 2026-10"
    assert overview[2][:6] == ["全院", 4, 3, "75.0%", "3.78", "33.3%"]
    departments = {r[0]: r for r in book["按科室"].iter_rows(min_row=2, values_only=True)}
    assert departments["门诊部"][1:5] == (2, 2, "100.0%", "3.83")
    worst = list(book["差评意见"].iter_rows(min_row=2, values_only=True))
    assert worst[0][5] == "等了两天才修好"


def test_the_pdf_export_is_a_pdf_of_the_month(october, client_for, agent_chen):
    answer = client_for(agent_chen).get(f"{URL}export/", {"month": "2026-10", "format": "pdf"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert b"2026-10" in answer.content
    assert "satisfaction-2026-10.pdf" in answer["Content-Disposition"]


def test_an_unknown_export_format_is_refused(october, client_for, agent_chen):
    answer = client_for(agent_chen).get(f"{URL}export/", {"month": "2026-10", "format": "csv"})
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["format"]
