"""Every change log row and login event records the client's address, from X-Forwarded-For only
as far as the configured proxies vouch for it (hitsm/core/netaddr.py)."""

import pytest
from django.test import RequestFactory

from hitsm.accounts.models import Department, LoginEvent, LoginEventKind
from hitsm.accounts.tests.factories import PASSWORD
from hitsm.core.models import ChangeLog
from hitsm.core.netaddr import client_ip

pytestmark = pytest.mark.django_db


def request(remote: str = "10.20.30.40", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("10.20.30.40", "1.2.3.4")) == "10.20.30.40"


def test_behind_one_proxy_the_client_is_the_address_the_proxy_added(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # nginx appends the peer it saw; whatever the client wrote before that is ignored
    assert client_ip(request("127.0.0.1", "6.6.6.6, 10.1.2.3")) == "10.1.2.3"
    assert client_ip(request("127.0.0.1", "10.1.2.3")) == "10.1.2.3"
    assert client_ip(request("127.0.0.1")) == "127.0.0.1"


def test_behind_two_proxies_one_more_hop_is_ours(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request("127.0.0.1", "6.6.6.6, 10.1.2.3, 172.16.0.9")) == "10.1.2.3"


def test_the_login_throttle_does_not_believe_the_header_either():
    from rest_framework.request import Request
    from rest_framework.throttling import ScopedRateThrottle

    # HITSM_PROXY_COUNT=0 (the default); DRF's own default would key on the forged header
    ident = ScopedRateThrottle().get_ident(Request(request("10.20.30.40", "1.2.3.4")))
    assert ident == "10.20.30.40"


def test_garbage_is_never_recorded_as_an_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("127.0.0.1", "<script>")) == "127.0.0.1"
    assert client_ip(request("not-an-ip")) is None
    assert client_ip(None) is None


def test_a_change_made_through_the_api_records_the_address(client_for, admin_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    department = Department.objects.create(name="放射科", code="FSK")
    response = client_for(admin_user).patch(
        f"/api/v1/departments/{department.pk}/",
        {"phone": "8021"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 10.8.1.25",
    )
    assert response.status_code == 200, response.json()
    row = ChangeLog.objects.filter(object_id=str(department.pk), action="update").get()
    assert (row.actor_label, row.ip_address, row.changed_fields) == (
        "admin_sys",
        "10.8.1.25",
        ["phone"],
    )
    assert row.request_id == response["X-Request-ID"]


def test_changes_outside_a_request_record_no_address(campus):
    row = ChangeLog.objects.filter(object_id=str(campus.pk)).get()
    assert row.ip_address is None and row.actor_label == "system"


def test_sign_in_failure_and_success_record_address_and_result(nurse_li, api):
    for password in ("wrong", PASSWORD):
        api.post(
            "/api/v1/auth/login/",
            {"username": "nurse_li", "password": password},
            REMOTE_ADDR="10.8.1.26",
        )
    events = LoginEvent.objects.filter(username="nurse_li").order_by("id")
    assert [(e.kind, e.ip_address, e.succeeded) for e in events] == [
        (LoginEventKind.FAILED, "10.8.1.26", False),
        (LoginEventKind.LOGIN, "10.8.1.26", True),
    ]
