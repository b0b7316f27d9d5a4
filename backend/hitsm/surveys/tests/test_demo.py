"""The demo's surveys: most resolved tickets rated, two low scores, dated with their tickets."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from hitsm.surveys.demo import ANSWERS
from hitsm.surveys.models import FollowUp, Survey, SurveyStatus
from hitsm.surveys.summaries import month_label, survey_summary

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_the_demo_tickets_surveys_are_answered_and_dated_with_their_tickets(demo):
    answered = Survey.objects.filter(status=SurveyStatus.ANSWERED).select_related("ticket")
    assert {s.ticket.title for s in answered} == set(ANSWERS)
    for survey in Survey.objects.select_related("ticket"):
        assert survey.sent_at == survey.ticket.resolved_at, survey.ticket.title
        if survey.answered_at is not None:
            assert survey.answered_at > survey.sent_at
            assert survey.editable_until < timezone.now()  # long past: no longer editable
    assert Survey.objects.filter(status=SurveyStatus.EXPIRED).exists()
    follow_ups = FollowUp.objects.select_related("ticket").order_by("ticket__title")
    assert [(f.ticket.title, f.status) for f in follow_ups] == [
        ("CT2 影像上传 PACS 失败", "closed"),
        ("儿科 Wi-Fi 频繁断线", "open"),
    ]


def test_the_summary_of_the_demo_has_numbers(demo):
    today = timezone.localdate()
    summary = survey_summary(month_label(today.year, today.month))
    earlier = [p for p in summary["overall"]["trend"] if p["answered"]]
    assert summary["overall"]["sent"] + sum(p["sent"] for p in earlier) >= len(ANSWERS)


def test_loading_twice_changes_no_survey(demo):
    def state():
        return sorted(
            Survey.objects.values_list("pk", "status", "sent_at", "answered_at", "edited_at")
        )

    before = state()
    call_command("seed_demo", stdout=io.StringIO())
    assert state() == before
