"""三员分立: administrator, auditor and security officer are different people; the auditor and
the security officer are appointed on the command line; the security officer lifts lockouts;
the auditor changes nothing."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hitsm.accounts.models import LoginEvent, LoginEventKind, User
from hitsm.accounts.roles import Role, user_roles
from hitsm.accounts.services import user_set_roles
from hitsm.accounts.tests.factories import PASSWORD, UserFactory
from hitsm.core.errors import ValidationFailed
from hitsm.core.models import ChangeLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "roles",
    [
        [Role.ADMIN, Role.AUDITOR],
        [Role.ADMIN, Role.SECURITY_OFFICER],
        [Role.AUDITOR, Role.SECURITY_OFFICER],
    ],
)
def test_one_account_holds_at_most_one_of_the_three_roles(nurse_li, roles):
    with pytest.raises(ValidationFailed) as error:
        user_set_roles(user=nurse_li, roles=roles)
    assert error.value.code == "accounts.separation_of_duties"
    assert user_roles(nurse_li) == {Role.REQUESTER}


def test_a_superuser_cannot_become_the_auditor(campus):
    root = UserFactory(username="root", is_superuser=True)
    with pytest.raises(ValidationFailed):
        user_set_roles(user=root, roles=[Role.AUDITOR])


def test_the_administrator_cannot_appoint_an_auditor_through_the_api(
    client_for, admin_user, nurse_li
):
    for role in (Role.AUDITOR, Role.SECURITY_OFFICER):
        response = client_for(admin_user).patch(
            f"/api/v1/users/{nurse_li.pk}/", {"roles": [Role.REQUESTER, role]}
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "accounts.officer_role_command_line"
    assert user_roles(User.objects.get(pk=nurse_li.pk)) == {Role.REQUESTER}


def test_nor_dismiss_one(client_for, admin_user, auditor_sun):
    response = client_for(admin_user).patch(
        f"/api/v1/users/{auditor_sun.pk}/", {"roles": [Role.REQUESTER]}
    )
    assert response.status_code == 400
    assert user_roles(User.objects.get(pk=auditor_sun.pk)) == {Role.AUDITOR}


def test_the_command_line_appoints_them_and_the_change_is_logged(campus):
    call_command("hitsm_user", "sun", "--password", PASSWORD, "--role", "auditor")
    sun = User.objects.get(username="sun")
    assert user_roles(sun) == {Role.AUDITOR}
    log = ChangeLog.objects.filter(object_id=str(sun.pk), after__has_key="roles").get()
    assert (log.actor_label, log.after) == ("command:hitsm_user", {"roles": ["auditor"]})
    with pytest.raises(CommandError, match="三员分立"):
        call_command("hitsm_user", "sun", "--superuser")


def _lock(username: str, api) -> None:
    for i in range(5):
        api.post("/api/v1/auth/login/", {"username": username, "password": f"wrong{i}"})


def test_the_security_officer_finds_and_unlocks_a_locked_account(
    client_for, security_qian, nurse_li, api
):
    _lock("nurse_li", api)
    client = client_for(security_qian)
    users = client.get("/api/v1/users/", {"search": "nurse_li"}).json()
    assert users["results"][0]["locked"] is True
    response = client.post(f"/api/v1/users/{nurse_li.pk}/unlock/", REMOTE_ADDR="10.8.0.2")
    assert response.status_code == 204
    unlocked = LoginEvent.objects.get(kind=LoginEventKind.UNLOCKED, username="nurse_li")
    assert unlocked.ip_address == "10.8.0.2"
    ok = api.post("/api/v1/auth/login/", {"username": "nurse_li", "password": PASSWORD})
    assert ok.status_code == 200


def test_the_security_officer_does_not_edit_accounts(client_for, security_qian, nurse_li):
    response = client_for(security_qian).patch(
        f"/api/v1/users/{nurse_li.pk}/", {"display_name": "x"}
    )
    assert response.status_code == 403


def test_the_auditor_changes_nothing_else(client_for, auditor_sun, nurse_li, campus):
    client = client_for(auditor_sun)
    assert client.patch(f"/api/v1/users/{nurse_li.pk}/", {"display_name": "x"}).status_code == 404
    assert client.post(f"/api/v1/users/{nurse_li.pk}/unlock/").status_code == 404
    assert client.get("/api/v1/users/").status_code == 403
    assert client.post("/api/v1/departments/", {}).status_code == 403
    assert client.patch(f"/api/v1/departments/{campus.pk}/", {"name": "x"}).status_code == 403
    assert client.post("/api/v1/cmdb/items/", {}).status_code == 403
    assert client.post("/api/v1/sla/policies/", {}).status_code == 403
    assert client.post("/api/v1/user-imports/", {}).status_code == 403


def test_each_officer_sees_their_own_menu(client_for, auditor_sun, security_qian):
    def keys(user):
        return {i["key"] for i in client_for(user).get("/api/v1/auth/me/").json()["navigation"]}

    assert "users" in keys(security_qian)
    assert "users" not in keys(auditor_sun)


@pytest.mark.django_db(transaction=True)  # the import job starts after commit
def test_nor_through_the_excel_import(client_for, admin_user, auditor_sun):
    from hitsm.accounts.tests.test_imports import upload, workbook
    from hitsm.core.models import Job, JobStatus

    content = workbook(
        [],
        [
            ["sneaky", "代审计", "", "", "", "", "", "审计管理员", "Sneaky#Pass2026", "是"],
            ["auditor_sun", "孙审计", "", "", "", "", "", "医护人员", "", "是"],
            ["both", "两个角色", "", "", "", "", "", "平台管理员、安全管理员", "", "是"],
        ],
    )
    job = Job.objects.get(pk=upload(client_for(admin_user), content).json()["id"])
    assert job.status == JobStatus.FAILED
    messages = [e["message"] for e in job.result["errors"]]
    assert messages.count("审计管理员和安全管理员只能在服务器上用 hitsm_user 命令任免") == 3
    assert not User.objects.filter(username="sneaky").exists()
    assert user_roles(User.objects.get(pk=auditor_sun.pk)) == {Role.AUDITOR}


def test_roles_are_read_only_in_the_django_admin(client, admin_user, nurse_li):
    """There they would bypass the separation checks and the change log."""
    admin_user.is_superuser = admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    page = client.get(f"/admin/django/accounts/user/{nurse_li.pk}/change/").content.decode()
    for field in ("groups", "user_permissions", "is_superuser"):
        assert f'name="{field}"' not in page, field
