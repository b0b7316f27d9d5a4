"""Rows left 'sending' by a worker that died are sent again after the lease, never before."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from hitsm.notifications.models import DeliveryStatus, Notification
from hitsm.notifications.services import deliver_one, dispatch_due, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def claimed(nurse_li, settings):
    """An in-app notification created an hour ago, claimed just now by a worker that then died."""
    settings.NOTIFICATION_SENDING_LEASE = 60
    with time_machine.travel(timezone.now() - dt.timedelta(hours=1), tick=False):
        (row,) = notify(recipients=[nurse_li], kind="ticket.reply", title="x", dedupe_key="l1")
    Notification.objects.filter(pk=row.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, next_attempt_at=timezone.now()
    )
    return row


def test_a_claim_starts_the_lease(nurse_li):
    (row,) = notify(recipients=[nurse_li], kind="ticket.reply", title="x", dedupe_key="l0")
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        assert deliver_one(notification_id=row.pk)
        row.refresh_from_db()
        assert row.next_attempt_at == timezone.now()


def test_a_row_claimed_within_the_lease_is_left_to_its_worker(claimed):
    """An old row claimed a moment ago is still being sent: taking it again would send twice."""
    assert dispatch_due() == 0
    claimed.refresh_from_db()
    assert claimed.status == DeliveryStatus.SENDING and claimed.attempts == 1


def test_a_row_whose_worker_died_is_sent_after_the_lease(claimed):
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61), tick=False):
        assert dispatch_due() == 1
    claimed.refresh_from_db()
    assert claimed.status == DeliveryStatus.SENT and claimed.attempts == 2
