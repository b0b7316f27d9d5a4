"""The survey endpoints: who sees which survey, answering, follow-ups and the configuration."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from hitsm.servicedesk.services import ticket_accept, ticket_assign, ticket_resolve
from hitsm.surveys.models import FollowUp, Survey, SurveyConfig
from hitsm.surveys.tests.conftest import SCORES

pytestmark = pytest.mark.django_db
URL = "/api/v1/surveys/"
LOW = {"technical": 1, "response": 2, "attitude": 4}


def ids(answer):
    assert answer.status_code == 200, answer.json()
    return [row["id"] for row in answer.json()["results"]]


def post(client, path, data=None):
    return client.post(path, data or {}, format="json")


# --- surveys ------------------------------------------------------------------------------------


def test_a_requester_reads_her_survey_with_its_questions(survey, client_for, nurse_li):
    answer = client_for(nurse_li).get(f"{URL}{survey.pk}/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["ticket"] == {
        "id": survey.ticket_id,
        "number": survey.ticket.number,
        "title": survey.ticket.title,
    }
    assert body["status"] == "pending" and body["status_label"] == "待评价"
    assert body["questions"][0] == {"key": "technical", "label": "技术解决能力"}
    assert body["scores"] is None and body["can_answer"] is True
    assert body["channel"] == "web" and body["answered_at"] is None
    assert body["expires_at"] and body["editable_until"] is None


def test_who_sees_which_survey(
    resolved, client_for, nurse_li, outsider, agent_chen, engineer_wang, auditor_sun
):
    mine = Survey.objects.get(ticket=resolved())
    theirs = Survey.objects.get(ticket=resolved(requester=outsider))
    assert ids(client_for(nurse_li).get(URL)) == [mine.pk]
    assert ids(client_for(outsider).get(URL)) == [theirs.pk]
    assert set(ids(client_for(agent_chen).get(URL))) == {mine.pk, theirs.pk}
    assert set(ids(client_for(engineer_wang).get(URL))) == {mine.pk, theirs.pk}  # his tickets
    assert ids(client_for(auditor_sun).get(URL)) == []
    assert client_for(outsider).get(f"{URL}{mine.pk}/").status_code == 404
    assert ids(client_for(agent_chen).get(URL, {"ticket": mine.ticket_id})) == [mine.pk]
    assert ids(client_for(agent_chen).get(URL, {"status": "answered"})) == []


def test_an_engineer_sees_only_the_surveys_of_tickets_he_may_see(
    resolved, make_ticket, client_for, agent_chen, engineer_wang, app_group
):
    his = Survey.objects.get(ticket=resolved())
    zhang = app_group.members.get()
    other = ticket_accept(ticket=make_ticket(title="PACS 打不开"), actor=agent_chen)
    other = ticket_assign(ticket=other, actor=agent_chen, group=app_group, assignee=zhang)
    ticket_resolve(ticket=other, actor=zhang, code="fixed", notes="重启服务")
    assert ids(client_for(engineer_wang).get(URL)) == [his.pk]
    assert ids(client_for(zhang).get(URL)) == [Survey.objects.get(ticket=other).pk]


def test_the_requester_answers_and_may_change_it_for_a_day(survey, client_for, nurse_li):
    path = f"{URL}{survey.pk}/answer/"
    answer = post(
        client_for(nurse_li), path, {"scores": SCORES, "comment": "很及时", "channel": "h5"}
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["status"] == "answered" and body["scores"] == SCORES
    assert body["comment"] == "很及时" and body["answered_channel"] == "h5"
    assert body["can_answer"] is True and body["editable_until"]
    survey.refresh_from_db()
    with time_machine.travel(survey.editable_until + dt.timedelta(seconds=1), tick=False):
        late = post(client_for(nurse_li), path, {"scores": SCORES})
        assert late.status_code == 409 and late.json()["error"]["code"] == "survey.closed"
        assert client_for(nurse_li).get(f"{URL}{survey.pk}/").json()["can_answer"] is False


def test_an_expired_survey_answers_409(survey, client_for, nurse_li):
    with time_machine.travel(survey.expires_at, tick=False):
        late = post(client_for(nurse_li), f"{URL}{survey.pk}/answer/", {"scores": SCORES})
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "survey.expired"
    assert late.json()["error"]["message"] == "评价已过期，感谢您的关注"
    with time_machine.travel(survey.expires_at, tick=False):
        english = client_for(nurse_li).post(
            f"{URL}{survey.pk}/answer/",
            {"scores": SCORES},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert (
        english.json()["error"]["message"] == "This survey has expired; thank you for your interest"
    )


def test_only_the_requester_answers(survey, client_for, agent_chen, engineer_wang, outsider, api):
    path = f"{URL}{survey.pk}/answer/"
    for person in (agent_chen, engineer_wang):
        refused = post(client_for(person), path, {"scores": SCORES})
        assert refused.status_code == 403, person
    assert post(client_for(outsider), path, {"scores": SCORES}).status_code == 404
    assert post(api, path, {"scores": SCORES}).status_code in (401, 403)
    assert Survey.objects.get(pk=survey.pk).status == "pending"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "scores"),
        ({"scores": "五星"}, "scores"),
        ({"scores": {"technical": 5, "response": 4}}, "scores.attitude"),
        ({"scores": {"technical": 9, "response": 4, "attitude": 5}}, "scores.technical"),
        ({"scores": {"technical": "好", "response": 4, "attitude": 5}}, "scores.technical"),
        ({"scores": SCORES, "comment": "长" * 1001}, "comment"),
        ({"scores": SCORES, "channel": "fax"}, "channel"),
    ],
)
def test_bad_answers_are_refused_with_the_field(survey, client_for, nurse_li, body, field):
    answer = post(client_for(nurse_li), f"{URL}{survey.pk}/answer/", body)
    assert answer.status_code == 400, answer.json()
    assert field in answer.json()["error"]["fields"], answer.json()
    assert Survey.objects.get(pk=survey.pk).status == "pending"


def test_answers_to_a_missing_survey_are_404(db, client_for, nurse_li):
    assert post(client_for(nurse_li), f"{URL}999/answer/", {"scores": SCORES}).status_code == 404
    assert client_for(nurse_li).get(f"{URL}999/").status_code == 404


# --- follow-ups ---------------------------------------------------------------------------------

FOLLOW_UPS = f"{URL}follow-ups/"


@pytest.fixture
def follow_up(survey, client_for, nurse_li, manager_zhao) -> FollowUp:
    answer = post(
        client_for(nurse_li), f"{URL}{survey.pk}/answer/", {"scores": LOW, "comment": "态度还行"}
    )
    assert answer.status_code == 200
    return FollowUp.objects.get(survey=survey)


def test_the_desk_lists_follow_ups_and_nobody_else(
    follow_up, client_for, agent_chen, manager_zhao, admin_user, engineer_wang, nurse_li
):
    for person in (agent_chen, manager_zhao, admin_user):
        assert ids(client_for(person).get(FOLLOW_UPS)) == [follow_up.pk]
    assert ids(client_for(manager_zhao).get(FOLLOW_UPS, {"status": "closed"})) == []
    body = client_for(agent_chen).get(f"{FOLLOW_UPS}{follow_up.pk}/").json()
    assert body["low_scores"] == {"technical": 1, "response": 2}
    assert body["scores"] == LOW and body["comment"] == "态度还行"
    assert body["requester_name"] == "李护士" and body["status"] == "open"
    for person in (engineer_wang, nurse_li):
        assert client_for(person).get(FOLLOW_UPS).status_code == 403
        assert client_for(person).get(f"{FOLLOW_UPS}{follow_up.pk}/").status_code == 404


def test_an_it_manager_takes_and_closes_a_follow_up(
    follow_up, client_for, manager_zhao, agent_chen
):
    path = f"{FOLLOW_UPS}{follow_up.pk}"
    assert post(client_for(agent_chen), f"{path}/take/").status_code == 403
    assert post(client_for(agent_chen), f"{path}/close/", {"outcome": "好"}).status_code == 403
    taken = post(client_for(manager_zhao), f"{path}/take/")
    assert taken.status_code == 200 and taken.json()["assignee_name"] == "赵主任"
    empty = post(client_for(manager_zhao), f"{path}/close/", {"outcome": ""})
    assert empty.status_code == 400 and "outcome" in empty.json()["error"]["fields"]
    closed = post(client_for(manager_zhao), f"{path}/close/", {"outcome": "已回访，换了新打印机"})
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed" and closed.json()["closed_by_name"] == "赵主任"
    again = post(client_for(manager_zhao), f"{path}/close/", {"outcome": "再关一次"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "survey.follow_up_closed"


def test_the_timeline_shows_the_survey_and_the_follow_up_to_the_right_people(
    follow_up, client_for, nurse_li, agent_chen, manager_zhao
):
    post(client_for(manager_zhao), f"{FOLLOW_UPS}{follow_up.pk}/close/", {"outcome": "已回访"})
    path = f"/api/v1/tickets/{follow_up.ticket_id}/events/"

    def kinds(person):
        answer = client_for(person).get(path)
        assert answer.status_code == 200
        rows = answer.json()
        rows = rows["results"] if isinstance(rows, dict) else rows
        return {e["kind"]: e["kind_label"] for e in rows}

    desk = kinds(agent_chen)
    assert desk["survey_answered"] == "满意度评价"
    assert desk["follow_up_opened"] == "低分回访" and desk["follow_up_closed"] == "回访完成"
    requester = kinds(nurse_li)
    assert "survey_answered" in requester
    assert "follow_up_opened" not in requester and "follow_up_closed" not in requester


# --- configuration ------------------------------------------------------------------------------

CONFIGS = f"{URL}configs/"


def test_it_staff_read_the_configuration_and_managers_change_it(
    client_for, manager_zhao, engineer_wang, nurse_li, printer_item
):
    default = post(
        client_for(manager_zhao),
        CONFIGS,
        {"questions": [{"key": "reliability", "label": "系统可靠性满意度"}]},
    )
    assert default.status_code == 201, default.json()
    assert default.json()["catalog_item"] is None and default.json()["trigger"] == "resolved"
    assert default.json()["low_score_threshold"] == 2
    item = post(
        client_for(manager_zhao),
        CONFIGS,
        {"catalog_item": printer_item.pk, "trigger": "closed", "low_score_threshold": 3},
    )
    assert item.status_code == 201, item.json()
    assert item.json()["catalog_item_name"] == "打印机故障"
    listed = client_for(engineer_wang).get(CONFIGS)
    assert listed.status_code == 200 and len(listed.json()) == 2
    assert client_for(nurse_li).get(CONFIGS).status_code == 403
    assert post(client_for(engineer_wang), CONFIGS, {}).status_code == 403
    path = f"{CONFIGS}{item.json()['id']}/"
    assert (
        client_for(engineer_wang).patch(path, {"enabled": False}, format="json").status_code == 403
    )
    changed = client_for(manager_zhao).patch(path, {"enabled": False}, format="json")
    assert changed.status_code == 200 and changed.json()["enabled"] is False
    assert client_for(manager_zhao).delete(path).status_code == 204
    assert SurveyConfig.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"trigger": "someday"}, "trigger"),
        ({"low_score_threshold": 5}, "low_score_threshold"),
        ({"questions": [{"key": "attitude", "label": "态度"}]}, "questions"),
        ({"questions": [{"key": "速度", "label": "速度"}]}, "questions"),
        ({"catalog_item": 987654}, "catalog_item"),
    ],
)
def test_bad_configurations_are_refused(client_for, manager_zhao, body, field):
    answer = post(client_for(manager_zhao), CONFIGS, body)
    assert answer.status_code == 400, answer.json()
    assert field in answer.json()["error"]["fields"], answer.json()


def test_a_second_default_configuration_is_refused(client_for, manager_zhao):
    assert post(client_for(manager_zhao), CONFIGS, {}).status_code == 201
    again = post(client_for(manager_zhao), CONFIGS, {})
    assert again.status_code == 400 and again.json()["error"]["code"] == "survey.config_exists"
