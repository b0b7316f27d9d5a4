"""Real threads on real transactions: scanners and double taps race, the rows decide."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connections

from hitsm.notifications.models import Notification, NotificationKind
from hitsm.servicedesk.models import TicketEvent
from hitsm.surveys.models import FollowUp, Survey
from hitsm.surveys.services import survey_answer, surveys_remind

pytestmark = pytest.mark.django_db(transaction=True)


def race(count: int, work: Callable[[int], object]) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait()
            result = repr(work(index))
        except Exception as exc:  # shows up in the assertion
            result = f"error:{type(exc).__name__}:{exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_six_scanners_at_once_send_one_reminder(survey, nurse_li):
    now = survey.sent_at + dt.timedelta(hours=25)
    outcomes = race(6, lambda i: surveys_remind(now=now))
    assert sorted(outcomes) == ["0"] * 5 + ["1"], outcomes
    reminders = Notification.objects.filter(
        recipient=nurse_li, kind=NotificationKind.SURVEY_REMINDER, channel="inapp"
    )
    assert reminders.count() == 1


def test_a_double_tap_records_one_answer_and_one_follow_up(survey, nurse_li, manager_zhao):
    low = {"technical": 1, "response": 2, "attitude": 3}
    outcomes = race(
        4,
        lambda i: (
            survey_answer(
                survey=survey, actor=nurse_li, scores=low, comment="", channel="wecom"
            ).status
            == "answered"
        ),
    )
    assert outcomes == ["True"] * 4, outcomes
    assert FollowUp.objects.filter(survey=survey).count() == 1
    survey = Survey.objects.get(pk=survey.pk)
    assert survey.answered_channel == "wecom" and survey.edited_at is not None
    assert TicketEvent.objects.filter(kind="follow_up_opened").count() == 1
    assert Notification.objects.filter(kind="survey.follow_up", channel="inapp").count() == 1
