"""The auditor's page checks the newest seals on demand (bounded); the whole chain stays with
``manage.py audit_verify``."""

from datetime import timedelta

import pytest
from django.db import connection

from hitsm.accounts.models import Department, LoginEvent, LoginEventKind
from hitsm.audit.services import audit_seal
from hitsm.core.models import ChangeLog

pytestmark = pytest.mark.django_db
URL = "/api/v1/audit/seals/verify/"


@pytest.fixture(autouse=True)
def _no_margin(settings):
    settings.AUDIT_SEAL_MARGIN = timedelta(0)


@pytest.fixture
def history(campus):
    Department.objects.create(name="门诊部", code="MZ", parent=campus)
    LoginEvent.objects.create(kind=LoginEventKind.LOGIN, username="nurse_li", ip_address="10.0.0.1")
    first = audit_seal()
    Department.objects.create(name="检验科", code="JYK", parent=campus)
    second = audit_seal()
    assert first is not None and second is not None
    return first, second


def _tamper(object_repr: str) -> None:
    row = ChangeLog.objects.filter(object_repr=object_repr).get()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_changelog SET actor_label = 'someone_else' WHERE id = %s", [row.pk]
        )


def test_the_auditor_sees_the_newest_seals_verified(history, client_for, auditor_sun):
    _first, second = history
    Department.objects.create(name="药剂科", code="YJK", parent=auditor_sun.department)
    body = client_for(auditor_sun).get(URL).json()
    assert body["ok"] is True and body["problem"] is None
    assert (body["seals"], body["last_sequence"], body["head"]) == (2, 2, second.hash)
    assert body["rows_checked"] == {"changelog": 3, "loginevent": 1}
    assert body["unsealed"]["changelog"] >= 1  # 药剂科, written after the newest seal


def test_a_changed_row_in_the_window_fails_the_check(history, client_for, auditor_sun):
    _tamper("检验科")
    body = client_for(auditor_sun).get(URL).json()
    assert body["ok"] is False
    assert (body["problem"]["sequence"], body["problem"]["kind"]) == (2, "rows_modified")


def test_the_window_is_bounded_and_anchored_on_the_seal_before_it(history, client_for, auditor_sun):
    _tamper("门诊部")  # covered by seal #1
    client = client_for(auditor_sun)
    newest = client.get(URL, {"seals": 1}).json()
    assert (newest["ok"], newest["seals"], newest["rows_checked"]["changelog"]) == (True, 1, 1)
    both = client.get(URL, {"seals": 2}).json()
    assert (both["ok"], both["problem"]["sequence"]) == (False, 1)


def test_an_altered_anchor_seal_fails_the_check(history, client_for, auditor_sun):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditseal SET changelog_count = 0 WHERE sequence = 1")
    body = client_for(auditor_sun).get(URL, {"seals": 1}).json()
    assert (body["ok"], body["problem"]["kind"]) == (False, "seal_altered")


def test_no_seals_yet_is_not_a_failure(client_for, auditor_sun):
    body = client_for(auditor_sun).get(URL).json()
    assert (body["ok"], body["seals"], body["last_sequence"]) == (True, 0, None)


@pytest.mark.parametrize("seals", ["0", "21", "x"])
def test_the_window_is_limited(seals, client_for, auditor_sun):
    response = client_for(auditor_sun).get(URL, {"seals": seals})
    assert response.status_code == 400


@pytest.mark.parametrize("persona", ["admin_user", "security_qian", "nurse_li"])
def test_only_the_auditor_runs_it(persona, request, client_for):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_the_change_log_filters_by_result(client_for, auditor_sun, campus):
    client = client_for(auditor_sun)
    assert client.get("/api/v1/audit/changes/", {"result": "success"}).json()["count"] >= 1
    assert client.get("/api/v1/audit/changes/", {"result": "failure"}).json()["count"] == 0


AUDIT_MENU = ["audit_changes", "audit_logins", "audit_seals"]


def test_the_audit_pages_are_in_the_auditors_menu_only(
    client_for, auditor_sun, admin_user, security_qian, manager_zhao
):
    def menu(user):
        keys = [i["key"] for i in client_for(user).get("/api/v1/auth/me/").json()["navigation"]]
        return [k for k in keys if k.startswith("audit_")]

    assert menu(auditor_sun) == AUDIT_MENU
    for user in (admin_user, security_qian, manager_zhao):
        assert menu(user) == [], user.username
