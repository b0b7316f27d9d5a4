"""三员分立 on the audit API: the auditor reads the audit log; the administrator and everyone
else get 403; nobody can change or delete a row, through the API or the ORM."""

import io

import pytest
from openpyxl import load_workbook

from hitsm.accounts.models import Department, LoginEvent, LoginEventKind
from hitsm.accounts.roles import Role
from hitsm.accounts.tests.factories import UserFactory
from hitsm.audit.models import AuditSeal
from hitsm.core.models import AppendOnlyViolation, ChangeLog

pytestmark = pytest.mark.django_db

AUDIT_LISTS = ("/api/v1/audit/changes/", "/api/v1/audit/logins/", "/api/v1/audit/seals/")
AUDIT_EXPORTS = ("/api/v1/audit/changes/export/", "/api/v1/audit/logins/export/")


@pytest.fixture
def logins(nurse_li):
    LoginEvent.objects.create(
        kind=LoginEventKind.FAILED, username="nurse_li", user=nurse_li, ip_address="10.8.1.30"
    )
    LoginEvent.objects.create(
        kind=LoginEventKind.LOGIN, username="nurse_li", user=nurse_li, ip_address="10.8.1.30"
    )
    LoginEvent.objects.create(kind=LoginEventKind.LOGIN, username="agent_chen", ip_address="::1")


def test_the_auditor_reads_the_change_log(client_for, auditor_sun, campus):
    response = client_for(auditor_sun).get("/api/v1/audit/changes/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 1 and body["count_capped"] is False
    row = next(r for r in body["results"] if r["object_repr"] == "总院区")
    assert row["object_type"] == "accounts.department"
    assert (row["action"], row["result"], row["actor_label"]) == ("create", "success", "system")
    assert row["after"]["code"] == "HQ"


def test_the_auditor_reads_the_login_log_with_results(client_for, auditor_sun, logins):
    body = client_for(auditor_sun).get("/api/v1/audit/logins/", {"actor": "nurse_li"}).json()
    assert [(r["kind"], r["result"], r["ip_address"]) for r in body["results"]] == [
        ("login", "success", "10.8.1.30"),
        ("failed", "failure", "10.8.1.30"),
    ]
    failures = client_for(auditor_sun).get("/api/v1/audit/logins/", {"result": "failure"}).json()
    assert [r["kind"] for r in failures["results"]] == ["failed"]


@pytest.mark.parametrize(
    "persona", ["admin_user", "manager_zhao", "agent_chen", "nurse_li", "security_qian"]
)
def test_everyone_else_is_refused_the_audit_log(request, client_for, persona):
    """The platform administrator included: separation of duties."""
    client = client_for(request.getfixturevalue(persona))
    for path in AUDIT_LISTS + AUDIT_EXPORTS:
        response = client.get(path)
        assert response.status_code == 403, (persona, path)
        assert response.json()["error"]["code"] == "permission_denied"


def test_a_superuser_with_the_auditor_group_is_still_an_administrator(client_for, campus):
    from django.contrib.auth.models import Group

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    root.groups.add(Group.objects.get_or_create(name=Role.AUDITOR)[0])  # behind the services' back
    assert client_for(root).get("/api/v1/audit/changes/").status_code == 403


def test_anonymous_callers_get_nothing(api):
    for path in AUDIT_LISTS:
        assert api.get(path).status_code in (401, 403)


def test_nobody_can_write_through_the_audit_api(client_for, auditor_sun, admin_user, campus):
    row = ChangeLog.objects.get(object_repr="总院区")
    for user in (auditor_sun, admin_user):
        client = client_for(user)
        for path in AUDIT_LISTS:
            assert client.post(path, {}).status_code in (403, 405), path
        detail = f"/api/v1/audit/changes/{row.pk}/"
        assert client.put(detail, {}).status_code in (403, 405)
        assert client.patch(detail, {"object_repr": "x"}).status_code in (403, 405)
        assert client.delete(detail).status_code in (403, 405)
    row.refresh_from_db()
    assert row.object_repr == "总院区"


def test_the_rows_refuse_changes_in_the_orm_too(campus, logins):
    row = ChangeLog.objects.first()
    row.object_repr = "篡改"
    with pytest.raises(AppendOnlyViolation):
        row.save()
    with pytest.raises(AppendOnlyViolation):
        row.delete()
    with pytest.raises(AppendOnlyViolation):
        ChangeLog.objects.filter(pk=row.pk).update(object_repr="篡改")
    with pytest.raises(AppendOnlyViolation):
        ChangeLog.objects.all().delete()
    with pytest.raises(AppendOnlyViolation):
        LoginEvent.objects.all().delete()
    with pytest.raises(AppendOnlyViolation):
        LoginEvent.objects.first().save()
    with pytest.raises(AppendOnlyViolation):
        AuditSeal.objects.all().update(hash="0")


def test_filters_by_time_actor_type_action_and_address(client_for, auditor_sun, admin_user):
    department = Department.objects.create(name="药剂科", code="YJK")
    client_for(admin_user).patch(
        f"/api/v1/departments/{department.pk}/", {"phone": "8100"}, REMOTE_ADDR="10.9.0.7"
    )
    client = client_for(auditor_sun)
    query = {
        "actor": "admin_sys",
        "object_type": "accounts.Department",
        "action": "update",
        "ip": "10.9.0.7",
        "time_after": "2000-01-01T00:00:00Z",
    }
    body = client.get("/api/v1/audit/changes/", query).json()
    assert [(r["object_repr"], r["changed_fields"]) for r in body["results"]] == [
        ("药剂科", ["phone"])
    ]
    assert client.get("/api/v1/audit/changes/", {**query, "ip": "10.9.0.8"}).json()["count"] == 0
    before = client.get("/api/v1/audit/changes/", {**query, "time_before": "2000-01-01T00:00Z"})
    assert before.json()["count"] == 0
    bad = client.get("/api/v1/audit/changes/", {"ip": "10.9.0.x"})
    assert bad.status_code == 400 and "ip" in bad.json()["error"]["fields"]


def test_the_auditor_exports_the_login_log_to_excel(client_for, auditor_sun, logins):
    LoginEvent.objects.create(kind=LoginEventKind.FAILED, username='=HYPERLINK("x")')
    response = client_for(auditor_sun).get("/api/v1/audit/logins/export/", {"result": "failure"})
    assert response.status_code == 200
    assert "audit-logins-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("时间", "用户名", "IP 地址", "事件", "结果")
    assert sorted(r[1] for r in rows[1:]) == ['=HYPERLINK("x")', "nurse_li"]
    assert all(cell.data_type == "s" for cell in sheet["B"][1:])  # text, never a formula


def test_the_auditor_exports_the_change_log_to_excel(client_for, auditor_sun, campus):
    response = client_for(auditor_sun).get("/api/v1/audit/changes/export/")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "IP 地址", "操作")
    assert any(r[6] == "总院区" for r in rows[1:])
