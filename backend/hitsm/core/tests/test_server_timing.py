import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

TIMING = re.compile(
    r'^app;dur=(?P<app>[\d.]+), cpu;dur=(?P<cpu>[\d.]+), db;dur=(?P<db>[\d.]+);desc="(?P<n>\d+) queries"$'
)


@pytest.fixture
def server_timing_on():
    with override_settings(
        MIDDLEWARE=["hitsm.core.middleware.ServerTimingMiddleware", *settings.MIDDLEWARE]
    ):
        yield


def test_no_server_timing_header_unless_switched_on(client_for, agent_chen):
    response = client_for(agent_chen).get("/api/v1/tickets/queues/")
    assert response.status_code == 200
    assert "Server-Timing" not in response


def test_the_header_splits_django_time_and_counts_the_statements(
    client_for, agent_chen, server_timing_on
):
    client = client_for(agent_chen)
    client.get("/api/v1/tickets/queues/")  # reference data cached, so the count below is the view's
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/tickets/queues/")
    assert response.status_code == 200
    timing = TIMING.match(response["Server-Timing"])
    assert timing, response["Server-Timing"]
    assert int(timing["n"]) == len(captured.captured_queries) > 0
    assert 0 < float(timing["db"]) <= float(timing["app"])


def test_an_anonymous_answer_is_timed_too(client, server_timing_on):
    response = client.get("/api/v1/system/health/?public=1")
    timing = TIMING.match(response["Server-Timing"])
    assert timing and float(timing["app"]) >= float(timing["db"]) >= 0
