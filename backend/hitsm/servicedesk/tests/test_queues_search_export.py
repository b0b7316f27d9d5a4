import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from hitsm.servicedesk.search import tokens

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/"


def test_segmentation_understands_hospital_words():
    words = tokens("门诊3楼打印机无法打印，HIS登不上")
    assert "打印机" in words and "无法打印" in words and "his" in words


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("打印机", True),
        ("打印", True),
        ("HIS", False),
        ("卡纸", True),
        ("打印机 卡纸", True),
        ("打印机 蓝屏", False),
    ],
)
def test_keyword_search_finds_chinese_words(agent_chen, make_ticket, client_for, query, found):
    ticket = make_ticket(title="打印机无法打印", description="一直卡纸")
    make_ticket(title="电脑蓝屏", description="开机就蓝屏")
    numbers = [t["number"] for t in client_for(agent_chen).get(URL, {"q": query}).json()["results"]]
    assert (ticket.number in numbers) is found


def test_search_by_number_and_requester_name(agent_chen, make_ticket, client_for):
    ticket = make_ticket()
    make_ticket(title="别的")
    client = client_for(agent_chen)
    assert [t["id"] for t in client.get(URL, {"q": ticket.number}).json()["results"]] == [ticket.pk]
    assert ticket.pk in [t["id"] for t in client.get(URL, {"q": "李护士"}).json()["results"]]


def test_search_stays_inside_what_the_user_may_see(outsider, make_ticket, client_for):
    make_ticket(title="打印机无法打印")
    assert client_for(outsider).get(URL, {"q": "打印机"}).json()["count"] == 0


def test_the_four_desk_queues(
    agent_chen, engineer_wang, desktop_group, make_ticket, client_for, settings
):
    client = client_for(agent_chen)
    with time_machine.travel(timezone.now() - timedelta(hours=30)):
        stale = make_ticket(title="很久没人管", impact=1, urgency=1)  # P1: 4 h to resolve
        old_assigned = make_ticket(title="逾期", impact=1, urgency=1)
        client.post(
            f"{URL}{old_assigned.pk}/assign/",
            {"group": desktop_group.pk, "assignee": engineer_wang.pk},
        )
    fresh = make_ticket(title="刚提交")
    accepted = make_ticket(title="已受理")
    client.post(f"{URL}{accepted.pk}/accept/")
    counts = client.get(f"{URL}queues/").json()
    assert counts["intake"] == 2  # stale + fresh
    assert counts["dispatch"] == 1
    assert counts["unaccepted"] == 1
    assert counts["overdue"] == 2
    ids = lambda q: {t["id"] for t in client.get(URL, {"queue": q}).json()["results"]}  # noqa: E731
    assert ids("intake") == {stale.pk, fresh.pk}
    assert ids("dispatch") == {accepted.pk}
    assert ids("unaccepted") == {stale.pk}
    assert ids("mine") == set()
    assert ids("overdue") == {stale.pk, old_assigned.pk}
    assert client_for(engineer_wang).get(f"{URL}queues/").json()["mine"] == 1


def test_export_matches_the_filtered_list(agent_chen, make_ticket, client_for):
    make_ticket(title="打印机无法打印")
    make_ticket(title="电脑蓝屏")
    client = client_for(agent_chen)
    listed = client.get(URL, {"q": "打印机"}).json()
    response = client.get(f"{URL}export/", {"q": "打印机"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("单号", "类型", "标题")
    assert [r[0] for r in rows[1:]] == [t["number"] for t in listed["results"]]
    assert rows[1][3] == "待受理"


def test_list_filters_and_ordering(agent_chen, make_ticket, client_for, department_lab, outsider):
    make_ticket(title="A")
    make_ticket(requester=outsider, submitted_by=outsider, title="B", impact=1, urgency=1)
    client = client_for(agent_chen)
    by_department = client.get(URL, {"department": department_lab.pk}).json()["results"]
    assert [t["title"] for t in by_department] == ["B"]
    by_priority = client.get(URL, {"ordering": "priority"}).json()["results"]
    assert by_priority[0]["priority"] == 1
    bad = client.get(URL, {"status": "nonsense"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "validation_error"


def test_counting_stops_at_the_cap(agent_chen, make_ticket, client_for, monkeypatch):
    from hitsm.api.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    for i in range(3):
        make_ticket(title=f"打印机 {i}")
    body = client_for(agent_chen).get(URL, {"page_size": 1}).json()
    assert body["count"] == 2 and body["count_capped"] is True
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    body = client_for(agent_chen).get(URL).json()
    assert body["count"] == 3 and body["count_capped"] is False


def test_query_words_are_the_longest_ones():
    from hitsm.servicedesk.search import query_tokens

    assert query_tokens("电子病历") == ["电子病历"]
    assert query_tokens("HIS 登不上") == ["his", "登不上"]
    assert "打印机" in query_tokens("打印机 卡纸")


def test_my_groups_tickets_nobody_has_taken_yet(
    agent_chen, engineer_wang, desktop_group, make_ticket, client_for
):
    from hitsm.servicedesk.services import ticket_accept, ticket_assign

    waiting, taken = make_ticket(title="待领取"), make_ticket(title="已有人处理")
    for ticket in (waiting, taken):
        ticket_accept(ticket=ticket, actor=agent_chen)
    ticket_assign(ticket=waiting, actor=agent_chen, group=desktop_group)
    ticket_assign(ticket=taken, actor=agent_chen, group=desktop_group, assignee=engineer_wang)
    rows = (
        client_for(engineer_wang)
        .get("/api/v1/tickets/", {"queue": "my_groups", "unassigned": "true"})
        .json()["results"]
    )
    assert [r["title"] for r in rows] == ["待领取"]
