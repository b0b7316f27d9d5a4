"""Opening a ticket's survey, answering it, the follow-up after a low score, reminders, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from hitsm.core.errors import Forbidden, ValidationFailed
from hitsm.core.models import ChangeLog
from hitsm.notifications.models import Notification, NotificationKind
from hitsm.servicedesk.models import TicketEvent
from hitsm.servicedesk.services import (
    ticket_close,
    ticket_confirm,
    ticket_create,
    ticket_reopen,
)
from hitsm.surveys.models import (
    FollowUp,
    FollowUpStatus,
    Survey,
    SurveyConfig,
    SurveyStatus,
)
from hitsm.surveys.services import (
    FollowUpClosed,
    NotAnswerer,
    SurveyClosed,
    SurveyExpired,
    SurveyTicketReopened,
    follow_up_close,
    follow_up_take,
    remind_candidates,
    survey_answer,
    survey_config_save,
    survey_remind,
    surveys_expire,
    surveys_remind,
)
from hitsm.surveys.tests.conftest import SCORES

pytestmark = pytest.mark.django_db
LOW = {"technical": 2, "response": 4, "attitude": 5}


def requests_to(user, kind=NotificationKind.SURVEY_REQUEST):
    return Notification.objects.filter(recipient=user, kind=kind, channel="inapp")


def answer(survey, actor, scores=SCORES, comment="", channel="web"):
    return survey_answer(
        survey=survey, actor=actor, scores=scores, comment=comment, channel=channel
    )


# --- opening ------------------------------------------------------------------------------------


def test_resolving_a_ticket_opens_its_survey_and_asks_the_requester(resolved, nurse_li):
    ticket = resolved(channel="wecom")
    survey = Survey.objects.get(ticket=ticket)
    assert survey.status == SurveyStatus.PENDING
    assert survey.requester == nurse_li and survey.channel == "wecom"
    assert [q["key"] for q in survey.questions] == ["technical", "response", "attitude"]
    assert [q["label"] for q in survey.questions] == ["技术解决能力", "服务响应延迟", "服务态度"]
    assert survey.expires_at - survey.sent_at == dt.timedelta(days=7)
    assert survey.scores() is None and survey.low_score_threshold == 2
    (asked,) = requests_to(nurse_li)
    assert asked.ticket_id == ticket.pk and asked.link == f"/tickets/{ticket.pk}?survey=1"
    assert ticket.number in asked.title


def test_closing_the_resolved_ticket_opens_no_second_survey(resolved, nurse_li):
    ticket = resolved()
    ticket_confirm(ticket=ticket, actor=nurse_li)
    assert Survey.objects.filter(ticket=ticket).count() == 1
    assert requests_to(nurse_li).count() == 1


def test_with_the_closed_trigger_the_survey_waits_for_the_ticket_to_close(
    worked, resolve, nurse_li, engineer_wang
):
    SurveyConfig.objects.create(trigger="closed")
    confirmed = resolve(worked())
    assert not Survey.objects.filter(ticket=confirmed).exists()
    ticket_confirm(ticket=confirmed, actor=nurse_li)  # the requester's confirmation closes it
    assert Survey.objects.filter(ticket=confirmed).exists()
    closed = resolve(worked())
    ticket_close(ticket=closed, actor=engineer_wang)
    assert Survey.objects.filter(ticket=closed).exists()


def test_an_items_own_configuration_wins_over_the_default(resolved, printer_item, his_item):
    SurveyConfig.objects.create(
        questions=[{"key": "reliability", "label": "系统可靠性满意度"}], low_score_threshold=3
    )
    SurveyConfig.objects.create(
        catalog_item=his_item,
        questions=[{"key": "performance", "label": "系统性能满意度"}],
    )
    his = Survey.objects.get(ticket=resolved(catalog_item=his_item))
    printer = Survey.objects.get(ticket=resolved(catalog_item=printer_item))
    assert [q["key"] for q in his.questions][3:] == ["performance"]
    assert his.low_score_threshold == 2
    assert [q["key"] for q in printer.questions][3:] == ["reliability"]
    assert printer.low_score_threshold == 3


def test_a_disabled_item_sends_no_survey(resolved, printer_item):
    SurveyConfig.objects.create(catalog_item=printer_item, enabled=False)
    assert not Survey.objects.filter(ticket=resolved(catalog_item=printer_item)).exists()
    assert Survey.objects.filter(ticket=resolved()).exists()


def test_alerts_records_and_it_staffs_own_tickets_are_not_surveyed(
    worked, resolve, agent_chen, nurse_li
):
    alert = resolve(worked(channel="monitoring"))
    own = resolve(worked(requester=agent_chen))
    problem = ticket_create(
        requester=nurse_li, submitted_by=agent_chen, kind="problem", title="打印机反复卡纸的根因"
    )
    assert not Survey.objects.filter(ticket__in=[alert, own]).exists()
    assert problem.kind == "problem"
    assert Survey.objects.count() == 0


def test_a_reopened_ticket_keeps_its_answered_survey(resolved, resolve, nurse_li):
    ticket = resolved()
    survey = answer(Survey.objects.get(ticket=ticket), nurse_li)
    ticket = ticket_reopen(ticket=ticket, actor=nurse_li, reason="还是卡纸")
    resolve(ticket, notes="更换搓纸轮")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.ANSWERED and survey.score_technical == 5
    assert requests_to(nurse_li).count() == 1


def test_a_never_answered_survey_is_sent_again_when_the_ticket_is_resolved_again(
    resolved, resolve, nurse_li
):
    ticket = resolved()
    first = Survey.objects.get(ticket=ticket)
    ticket = ticket_reopen(ticket=ticket, actor=nurse_li, reason="还是卡纸")
    with pytest.raises(SurveyTicketReopened) as refused:
        answer(first, nurse_li)
    assert refused.value.code == "survey.ticket_reopened" and refused.value.status == 409
    with time_machine.travel(timezone.now() + dt.timedelta(days=10), tick=False):
        surveys_expire()
        assert Survey.objects.get(pk=first.pk).status == SurveyStatus.EXPIRED
        resolve(ticket, notes="更换搓纸轮")
        again = Survey.objects.get(ticket=ticket)
        assert again.pk == first.pk and again.status == SurveyStatus.PENDING
        assert again.sent_at == timezone.now() and again.reminded_at is None
        assert requests_to(nurse_li).count() == 2
        answer(again, nurse_li)


# --- answering ----------------------------------------------------------------------------------


def test_the_requester_answers_and_the_timeline_shows_it(survey, nurse_li):
    answered = answer(survey, nurse_li, comment="  很快就修好了  ", channel="h5")
    assert answered.status == SurveyStatus.ANSWERED
    assert answered.scores() == SCORES and answered.comment == "很快就修好了"
    assert answered.answered_by == nurse_li and answered.answered_channel == "h5"
    assert answered.editable_until - answered.answered_at == dt.timedelta(hours=24)
    event = TicketEvent.objects.get(ticket=survey.ticket, kind="survey_answered")
    assert event.public and event.body == "很快就修好了"
    assert event.data == {"scores": SCORES, "edited": False, "channel": "h5"}
    assert event.get_kind_display() == "满意度评价"
    assert not FollowUp.objects.exists()  # no low score


def test_the_submitter_may_answer_for_the_requester_and_nobody_else(
    worked, resolve, nurse_li, agent_chen, outsider, engineer_wang
):
    ticket = resolve(worked(submitted_by=agent_chen, channel="phone"))
    survey = Survey.objects.get(ticket=ticket)
    for stranger in (outsider, engineer_wang):
        with pytest.raises(NotAnswerer) as refused:
            answer(survey, stranger)
        assert refused.value.status == 403 and refused.value.code == "survey.not_requester"
    assert answer(survey, agent_chen, channel="web").answered_by == agent_chen


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"technical": 5, "response": 4}, "scores.attitude"),
        ({"technical": 0, "response": 4, "attitude": 5}, "scores.technical"),
        ({"technical": 6, "response": 4, "attitude": 5}, "scores.technical"),
        ({"technical": True, "response": 4, "attitude": 5}, "scores.technical"),
        ({"technical": "5", "response": 4, "attitude": 5}, "scores.technical"),
        ({**SCORES, "speed": 5}, "scores"),
    ],
)
def test_every_fixed_question_needs_a_whole_score_from_1_to_5(survey, nurse_li, scores, field):
    with pytest.raises(ValidationFailed) as refused:
        answer(survey, nurse_li, scores=scores)
    assert refused.value.code == "survey.invalid_answer" and field in refused.value.fields
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.PENDING


def test_the_comment_is_at_most_1000_characters_and_the_channel_must_be_known(survey, nurse_li):
    with pytest.raises(ValidationFailed) as long:
        answer(survey, nurse_li, comment="慢" * 1001)
    assert "comment" in long.value.fields
    with pytest.raises(ValidationFailed) as channel:
        answer(survey, nurse_li, channel="fax")
    assert "channel" in channel.value.fields
    assert answer(survey, nurse_li, comment="慢" * 1000).comment == "慢" * 1000


def test_extra_questions_are_optional_but_scored_1_to_5(resolved, nurse_li):
    SurveyConfig.objects.create(questions=[{"key": "reliability", "label": "系统可靠性满意度"}])
    survey = Survey.objects.get(ticket=resolved())
    with pytest.raises(ValidationFailed):
        answer(survey, nurse_li, scores={**SCORES, "reliability": 9})
    assert answer(survey, nurse_li).extra_scores == {}
    edited = answer(survey, nurse_li, scores={**SCORES, "reliability": 3})
    assert edited.extra_scores == {"reliability": 3}
    assert edited.scores() == {**SCORES, "reliability": 3}


def test_an_answer_can_be_changed_for_24_hours_then_it_is_closed(survey, nurse_li):
    answered = answer(survey, nurse_li)
    with time_machine.travel(answered.answered_at + dt.timedelta(hours=23), tick=False):
        edited = answer(survey, nurse_li, scores={**SCORES, "attitude": 3}, comment="补充")
        assert edited.score_attitude == 3 and edited.edited_at == timezone.now()
        assert edited.answered_at == answered.answered_at  # the first answer's time stays
    with (
        time_machine.travel(answered.answered_at + dt.timedelta(hours=24), tick=False),
        pytest.raises(SurveyClosed) as closed,
    ):
        answer(survey, nurse_li)
    assert closed.value.code == "survey.closed" and closed.value.status == 409
    assert TicketEvent.objects.filter(ticket=survey.ticket, kind="survey_answered").count() == 2


def test_a_survey_not_answered_within_7_days_expires(survey, nurse_li):
    with time_machine.travel(survey.sent_at + dt.timedelta(days=7), tick=False):
        with pytest.raises(SurveyExpired) as late:
            answer(survey, nurse_li)  # refused even before the scanner marks it
        assert late.value.code == "survey.expired"
        assert surveys_expire() == 1
        assert surveys_expire() == 0
        assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.EXPIRED
        logged = ChangeLog.objects.filter(object_id=str(survey.pk), object_repr__endswith="expired")
        assert logged.get().changed_fields == ["status"]
        with pytest.raises(SurveyExpired):
            answer(survey, nurse_li)


# --- low scores and follow-ups --------------------------------------------------------------


def test_a_low_score_opens_one_follow_up_and_tells_the_it_managers(
    survey, nurse_li, manager_zhao, agent_chen
):
    answer(survey, nurse_li, scores=LOW, comment="等了很久")
    follow_up = FollowUp.objects.get(survey=survey)
    assert follow_up.status == FollowUpStatus.OPEN and follow_up.assignee is None
    assert follow_up.low_scores == {"technical": 2} and follow_up.ticket == survey.ticket
    kinds = list(
        TicketEvent.objects.filter(ticket=survey.ticket)
        .order_by("id")
        .values_list("kind", "public")
    )
    assert kinds[-2:] == [("survey_answered", True), ("follow_up_opened", False)]
    opened = TicketEvent.objects.get(ticket=survey.ticket, kind="follow_up_opened")
    assert opened.actor_label == "system:surveys" and "技术解决能力 2 分" in opened.body
    (told,) = Notification.objects.filter(kind=NotificationKind.SURVEY_FOLLOW_UP, channel="inapp")
    assert told.recipient == manager_zhao and told.ticket_id == survey.ticket_id
    assert "等了很久" in told.body
    assert not Notification.objects.filter(recipient=agent_chen, kind="survey.follow_up").exists()


def test_editing_the_answer_never_opens_a_second_follow_up(survey, nurse_li, manager_zhao):
    answer(survey, nurse_li, scores=LOW)
    answer(survey, nurse_li, scores={"technical": 1, "response": 1, "attitude": 1})
    answer(survey, nurse_li, scores=SCORES)  # all above the threshold now: it stays, with a note
    follow_up = FollowUp.objects.get(survey=survey)
    assert follow_up.status == FollowUpStatus.OPEN
    lines = follow_up.notes.splitlines()
    assert len(lines) == 2
    assert "低分项：技术解决能力 1 分，服务响应延迟 1 分，服务态度 1 分" in lines[0]
    assert "均已高于 2 分" in lines[1]
    assert TicketEvent.objects.filter(kind="follow_up_opened").count() == 1
    assert Notification.objects.filter(kind="survey.follow_up", channel="inapp").count() == 1


def test_a_high_score_edited_down_opens_the_follow_up_then(survey, nurse_li):
    answer(survey, nurse_li)
    assert not FollowUp.objects.exists()
    answer(survey, nurse_li, scores=LOW)
    assert FollowUp.objects.get(survey=survey).notes == ""


def test_the_threshold_counts_as_low(survey, nurse_li):
    answer(survey, nurse_li, scores={"technical": 3, "response": 3, "attitude": 3})
    assert not FollowUp.objects.exists()
    answer(survey, nurse_li, scores={"technical": 3, "response": 2, "attitude": 3})
    assert FollowUp.objects.get().low_scores == {"response": 2}


def test_an_it_manager_takes_and_closes_the_follow_up(
    survey, nurse_li, manager_zhao, admin_user, engineer_wang
):
    answer(survey, nurse_li, scores=LOW)
    follow_up = FollowUp.objects.get()
    with pytest.raises(Forbidden):
        follow_up_take(follow_up=follow_up, actor=engineer_wang)
    assert follow_up_take(follow_up=follow_up, actor=admin_user).assignee == admin_user
    assert follow_up_take(follow_up=follow_up, actor=manager_zhao).assignee == manager_zhao
    with pytest.raises(ValidationFailed):
        follow_up_close(follow_up=follow_up, actor=manager_zhao, outcome="  ")
    closed = follow_up_close(
        follow_up=follow_up, actor=manager_zhao, outcome="已电话回访，更换打印机后满意"
    )
    assert closed.status == FollowUpStatus.CLOSED and closed.closed_by == manager_zhao
    assert closed.closed_at is not None
    event = TicketEvent.objects.get(ticket=survey.ticket, kind="follow_up_closed")
    assert not event.public and event.body == "已电话回访，更换打印机后满意"
    assert event.actor == manager_zhao
    with pytest.raises(FollowUpClosed):
        follow_up_close(follow_up=follow_up, actor=manager_zhao, outcome="再次")
    with pytest.raises(FollowUpClosed):
        follow_up_take(follow_up=follow_up, actor=manager_zhao)


# --- reminders --------------------------------------------------------------------------------


def test_a_pending_survey_is_reminded_once_after_24_hours(survey, nurse_li):
    with time_machine.travel(survey.sent_at + dt.timedelta(hours=23), tick=False):
        assert surveys_remind() == 0
    with time_machine.travel(survey.sent_at + dt.timedelta(hours=25), tick=False):
        assert surveys_remind() == 1
        assert surveys_remind() == 0
    (reminder,) = requests_to(nurse_li, NotificationKind.SURVEY_REMINDER)
    assert reminder.link == f"/tickets/{survey.ticket_id}?survey=1"
    with time_machine.travel(survey.sent_at + dt.timedelta(days=3), tick=False):
        assert surveys_remind() == 0


def test_two_scanners_at_once_send_one_reminder(survey, nurse_li):
    """Both scanners list the survey; the second one's claim (a conditional UPDATE) finds it
    already claimed and sends nothing."""
    now = survey.sent_at + dt.timedelta(hours=25)
    first, second = remind_candidates(now=now), remind_candidates(now=now)
    assert first == second == [survey.pk]
    assert [survey_remind(survey_id=pk, now=now) for pk in first] == [True]
    assert [survey_remind(survey_id=pk, now=now) for pk in second] == [False]
    assert requests_to(nurse_li, NotificationKind.SURVEY_REMINDER).count() == 1


def test_answered_and_reopened_surveys_are_not_reminded(resolved, nurse_li):
    answered = Survey.objects.get(ticket=resolved())
    answer(answered, nurse_li)
    reopened = Survey.objects.get(ticket=resolved(title="腕带打印机不出纸"))
    ticket_reopen(ticket=reopened.ticket, actor=nurse_li, reason="又坏了")
    assert remind_candidates(now=timezone.now() + dt.timedelta(hours=30)) == []


# --- configuration ------------------------------------------------------------------------------


def test_the_configuration_checks_its_questions_and_is_one_per_item(
    manager_zhao, engineer_wang, printer_item
):
    with pytest.raises(Forbidden):
        survey_config_save(config=None, actor=engineer_wang, data={})
    for bad in (
        [{"key": "technical", "label": "重复"}],
        [{"key": "Bad Key", "label": "x"}],
        [{"key": "speed", "label": ""}],
        [{"key": f"q{i}", "label": "x"} for i in range(6)],
        "reliability",
    ):
        with pytest.raises(ValidationFailed):
            survey_config_save(config=None, actor=manager_zhao, data={"questions": bad})
    config = survey_config_save(
        config=None,
        actor=manager_zhao,
        data={"catalog_item": printer_item, "questions": [{"key": "speed", "label": " 速度 "}]},
    )
    assert config.questions == [{"key": "speed", "label": "速度"}]
    with pytest.raises(ValidationFailed) as twice:
        survey_config_save(config=None, actor=manager_zhao, data={"catalog_item": printer_item})
    assert twice.value.code == "survey.config_exists"
    survey_config_save(config=None, actor=manager_zhao, data={})  # the default row
    with pytest.raises(ValidationFailed):
        survey_config_save(config=None, actor=manager_zhao, data={})
