from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hitsm.core.models import RealtimeEvent
from hitsm.core.tasks import heartbeat, realtime_purge

pytestmark = pytest.mark.django_db


def test_health_is_degraded_until_worker_and_beat_report(admin_user, client_for):
    report = client_for(admin_user).get("/api/v1/system/health/").json()
    assert report["database"]["ok"] and report["cache"]["ok"]
    assert report["worker"]["ok"] is False and report["status"] == "degraded"
    heartbeat()
    report = client_for(admin_user).get("/api/v1/system/health/").json()
    assert report["worker"]["ok"] and report["beat"]["ok"] and report["status"] == "ok"


def test_a_stale_heartbeat_is_reported(admin_user, client_for):
    heartbeat()
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        report = client_for(admin_user).get("/api/v1/system/health/").json()
    assert report["beat"]["ok"] is False


def test_anonymous_callers_get_only_liveness(client):
    body = client.get("/api/v1/system/health/").json()
    assert set(body) == {"status", "version"}


def test_old_realtime_rows_are_purged():
    RealtimeEvent.objects.create(group="user.1", type="x", payload={})
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert realtime_purge() == 1
