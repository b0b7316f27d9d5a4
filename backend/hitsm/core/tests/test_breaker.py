"""A hanging Redis holds a request for one short timeout at most (tests/reliability, scenario 3)."""

import threading
import time

import pytest

from hitsm.core.breaker import Breaker, call_bounded, redis_breaker
from hitsm.notifications.models import Notification
from hitsm.notifications.services import dispatch_due, notify


def test_a_call_that_hangs_is_abandoned_after_its_timeout_and_trips_the_breaker():
    breaker = Breaker("test", cooldown=30)
    release = threading.Event()
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        call_bounded(breaker, lambda: release.wait(10), timeout=0.2)
    assert time.monotonic() - started < 1
    assert breaker.is_open()
    release.set()
    breaker.reset()
    assert not breaker.is_open()
    assert call_bounded(breaker, lambda: 42, timeout=1) == 42


def test_a_failing_call_trips_the_breaker_and_raises():
    breaker = Breaker("test")

    def refused():
        raise ConnectionError("refused")

    with pytest.raises(ConnectionError):
        call_bounded(breaker, refused, timeout=1)
    assert breaker.is_open()


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_notifications_wait_for_the_dispatcher(
    nurse_li, monkeypatch, settings
):
    """No task is queued while the breaker is open: the request is not held, and the rows stay
    pending until the periodic dispatcher delivers them (production: a Redis broker, no eager
    tasks)."""
    from hitsm.notifications import tasks

    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    monkeypatch.setattr(tasks.deliver.app.conf, "task_always_eager", False)
    queued = []
    monkeypatch.setattr(tasks.deliver, "delay", lambda pk: queued.append(pk))
    redis_breaker.trip()
    notify(recipients=[nurse_li], kind="ticket.reply", title="x", dedupe_key="b1")
    assert queued == []
    assert Notification.objects.get().status == "pending"
    assert dispatch_due() == 1
    assert Notification.objects.get().status == "sent"
