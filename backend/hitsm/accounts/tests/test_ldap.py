"""LDAP / AD sign-in against a real slapd (hitsm.accounts.tests.slapd), through the real API."""

from __future__ import annotations

import json
import logging
import os
import ssl
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import ldap3
import pytest
from axes.models import AccessAttempt
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from hitsm.accounts.ldap import HospitalLDAPBackend, format_username
from hitsm.accounts.models import LoginEvent, LoginEventKind, User, UserSource
from hitsm.accounts.roles import Role, user_roles
from hitsm.accounts.services import user_create, user_set_roles, user_update
from hitsm.accounts.tests.factories import PASSWORD, DepartmentFactory
from hitsm.accounts.tests.slapd import (
    ADMIN_DN,
    ADMIN_PASSWORD,
    PEOPLE_DN,
    STAFF_PASSWORD,
    Slapd,
    SlapdUnavailable,
    free_port,
)
from hitsm.core.models import ChangeAction, ChangeLog

BACKEND = Path(__file__).resolve().parents[3]
LOGIN_URL = "/api/v1/auth/login/"
LDAP_BACKEND = "hitsm.accounts.ldap.HospitalLDAPBackend"


@pytest.fixture(scope="session")
def slapd_server():
    try:
        server = Slapd()
    except SlapdUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{exc}: CI must run the LDAP tests, not skip them", pytrace=False)
        pytest.skip(str(exc))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def directory(slapd_server):
    yield slapd_server
    slapd_server.restore()


@pytest.fixture
def ldap_on(settings, directory):
    """LDAP switched on the way HITSM_LDAP_* would, pointed at the test directory."""
    settings.LDAP_AUTH_URL = [directory.url]
    settings.LDAP_AUTH_SEARCH_BASE = PEOPLE_DN
    settings.LDAP_AUTH_CONNECTION_USERNAME = ADMIN_DN
    settings.LDAP_AUTH_CONNECTION_PASSWORD = ADMIN_PASSWORD
    settings.LDAP_AUTH_CONNECT_TIMEOUT = 2
    settings.LDAP_AUTH_RECEIVE_TIMEOUT = 5
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        LDAP_BACKEND,
    ]
    return directory


@pytest.fixture
def cardiology(campus):
    return DepartmentFactory(name="心内科", code="XNK", parent=campus)


def login(client: APIClient, username: str, password: str = STAFF_PASSWORD):
    return client.post(LOGIN_URL, {"username": username, "password": password}, format="json")


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.mark.ldap
@pytest.mark.django_db
def test_a_directory_user_logs_in_and_is_created_with_the_mapped_fields(ldap_on, cardiology):
    client = APIClient(enforce_csrf_checks=True)
    client.get("/api/v1/auth/csrf/")
    response = client.post(
        LOGIN_URL,
        {"username": "doctor_wang", "password": STAFF_PASSWORD},
        format="json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["username"] == "doctor_wang"
    assert body["display_name"] == "王医生"
    assert body["department"]["id"] == cardiology.pk
    assert body["roles"] == [Role.REQUESTER]
    assert body["must_change_password"] is False
    user = User.objects.get(username="doctor_wang")
    assert user.source == UserSource.LDAP
    assert (user.email, user.employee_no, user.phone_ext, user.mobile, user.title) == (
        "doctor_wang@hospital.example",
        "D2001",
        "8201",
        "13800002001",
        "主治医师",
    )
    assert user.department == cardiology
    assert not user.has_usable_password()
    assert LoginEvent.objects.filter(user=user, kind=LoginEventKind.LOGIN).exists()
    assert client.get("/api/v1/auth/me/").json()["username"] == "doctor_wang"
    changes = ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    )
    assert {c.actor_label for c in changes} == {"ldap"}  # the audit trail names the directory
    assert changes.filter(action=ChangeAction.CREATE).exists()


@pytest.mark.ldap
@pytest.mark.django_db
def test_a_second_login_updates_changed_attributes_but_keeps_admin_given_roles(
    ldap_on, cardiology, department_outpatient
):
    assert login(APIClient(), "nurse_zhou").status_code == 200
    user = User.objects.get(username="nurse_zhou")
    assert user.department == department_outpatient
    user_set_roles(user=user, roles=[Role.AGENT])
    ldap_on.modify(
        "nurse_zhou", displayName="周护士长", title="护士长", departmentNumber="XNK", mobile=None
    )

    response = login(APIClient(), "nurse_zhou")

    assert response.status_code == 200, response.content
    assert response.json()["roles"] == [Role.AGENT]
    user.refresh_from_db()
    assert (user.display_name, user.title, user.department) == ("周护士长", "护士长", cardiology)
    assert user.mobile == "13800003001"  # not sent by the directory any more: kept as it was
    assert user_roles(user) == {Role.AGENT}


@pytest.mark.ldap
@pytest.mark.django_db
def test_a_directory_user_stored_in_another_case_is_updated_not_duplicated(ldap_on):
    user_create(username="Nurse_Zhou", source=UserSource.LDAP)

    assert login(APIClient(), "NURSE_ZHOU").status_code == 200

    assert list(User.objects.filter(username__iexact="nurse_zhou").values_list("username")) == [
        ("Nurse_Zhou",)
    ]
    assert User.objects.get(username="Nurse_Zhou").display_name == "周护士"


@pytest.mark.ldap
@pytest.mark.django_db
def test_an_entry_without_display_name_uses_cn_and_an_unknown_department_changes_nothing(
    ldap_on, department_lab
):
    assert login(APIClient(), "tech_sun").status_code == 200
    user = User.objects.get(username="tech_sun")
    assert user.display_name == "孙技师"
    assert user.department is None
    user_update(user=user, department=department_lab)

    assert login(APIClient(), "tech_sun").status_code == 200

    user.refresh_from_db()
    assert user.department == department_lab


@pytest.mark.ldap
@pytest.mark.django_db
def test_an_employee_number_held_by_someone_else_is_not_synced(ldap_on, nurse_li, caplog):
    user_update(user=nurse_li, employee_no="D2001")

    with caplog.at_level(logging.WARNING, logger="hitsm.accounts.ldap"):
        response = login(APIClient(), "doctor_wang")

    assert response.status_code == 200, response.content
    assert User.objects.get(username="doctor_wang").employee_no is None
    assert "D2001" in caplog.text


@pytest.mark.ldap
@pytest.mark.django_db
def test_a_wrong_directory_password_fails_and_counts_toward_the_lockout(ldap_on, settings):
    settings.AXES_FAILURE_LIMIT = 5
    client = APIClient()

    codes = [error_code(login(client, "doctor_wang", "Wrong@Password1")) for _ in range(5)]

    assert codes == ["auth.invalid_credentials"] * 4 + ["auth.locked"]
    assert AccessAttempt.objects.get(username="doctor_wang").failures_since_start == 5
    locked = login(client, "doctor_wang")  # the right password no longer helps
    assert locked.status_code == 403
    assert error_code(locked) == "auth.locked"
    assert LoginEvent.objects.filter(username="doctor_wang", kind=LoginEventKind.LOCKED).exists()


@pytest.mark.ldap
@pytest.mark.django_db
@pytest.mark.parametrize("username", ["former_liu", "nobody_here"])
def test_a_disabled_or_absent_directory_account_cannot_log_in(ldap_on, username):
    response = login(APIClient(), username)

    assert response.status_code == 400
    assert error_code(response) == "auth.invalid_credentials"
    assert not User.objects.filter(username=username).exists()


@pytest.mark.ldap
@pytest.mark.django_db
def test_a_user_deactivated_in_hitsm_cannot_log_in_through_the_directory(ldap_on):
    assert login(APIClient(), "doctor_wang").status_code == 200
    User.objects.filter(username="doctor_wang").update(is_active=False)

    response = login(APIClient(), "doctor_wang")

    assert error_code(response) == "auth.invalid_credentials"


@pytest.mark.ldap
@pytest.mark.django_db
def test_the_user_filter_keeps_out_the_entries_it_excludes(ldap_on, settings):
    settings.LDAP_USER_FILTER = "(!(employeeNumber=D2001))"

    assert error_code(login(APIClient(), "doctor_wang")) == "auth.invalid_credentials"
    assert login(APIClient(), "nurse_zhou").status_code == 200


@pytest.mark.ldap
@pytest.mark.django_db
def test_a_local_user_still_logs_in_with_the_local_password_while_ldap_is_on(ldap_on, nurse_li):
    assert login(APIClient(), "nurse_li", PASSWORD).status_code == 200
    assert error_code(login(APIClient(), "nurse_li", STAFF_PASSWORD)) == (
        "auth.invalid_credentials"
    )


@pytest.mark.ldap
@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["admin_sys", "ADMIN_SYS"])
def test_a_local_user_with_a_directory_namesake_is_not_taken_over(
    ldap_on, admin_user, caplog, typed
):
    with caplog.at_level(logging.WARNING, logger="hitsm.accounts.ldap"):
        response = login(APIClient(), typed, STAFF_PASSWORD)  # the directory entry's password

    assert response.status_code == 400
    assert error_code(response) == "auth.invalid_credentials"
    assert "local account" in caplog.text
    assert User.objects.filter(username__iexact="admin_sys").count() == 1
    admin_user.refresh_from_db()
    assert admin_user.source == UserSource.LOCAL
    assert (admin_user.display_name, admin_user.employee_no) == ("管理员", None)
    assert user_roles(admin_user) == {Role.ADMIN}
    assert login(APIClient(), "admin_sys", PASSWORD).status_code == 200


@pytest.mark.ldap
@pytest.mark.django_db(transaction=True)
async def test_the_async_sign_in_path_keeps_the_same_guards(ldap_on, admin_user):
    # Called on the backend: axes' backend has no async path, so django's aauthenticate() fails.
    backend = HospitalLDAPBackend()
    assert await backend.aauthenticate(None, username="admin_sys", password=STAFF_PASSWORD) is None
    user = await backend.aauthenticate(None, username="doctor_wang", password=STAFF_PASSWORD)
    assert user is not None
    assert user.source == UserSource.LDAP


@pytest.mark.ldap
@pytest.mark.django_db
def test_the_directory_sync_command_does_not_take_over_a_local_user_either(ldap_on, admin_user):
    call_command("ldap_sync_users", verbosity=0)

    admin_user.refresh_from_db()
    assert admin_user.source == UserSource.LOCAL
    assert admin_user.display_name == "管理员"
    assert admin_user.has_usable_password()
    synced = User.objects.get(username="doctor_wang")
    assert synced.source == UserSource.LDAP
    assert user_roles(synced) == {Role.REQUESTER}


@pytest.mark.ldap
@pytest.mark.django_db
def test_when_the_directory_is_down_local_users_log_in_and_directory_users_get_a_clean_error(
    ldap_on, settings, nurse_li
):
    assert login(APIClient(), "doctor_wang").status_code == 200  # known to HITSM before
    settings.LDAP_AUTH_URL = [f"ldap://127.0.0.1:{free_port()}"]  # nothing listens there

    assert login(APIClient(), "nurse_li", PASSWORD).status_code == 200
    started = time.monotonic()
    responses = [login(APIClient(), "doctor_wang") for _ in range(6)]

    assert time.monotonic() - started < 10
    assert {r.status_code for r in responses} == {503}
    assert {error_code(r) for r in responses} == {"auth.directory_unavailable"}
    assert not AccessAttempt.objects.filter(username="doctor_wang").exists()  # no lockout
    assert (
        LoginEvent.objects.filter(username="doctor_wang", kind=LoginEventKind.FAILED).count() == 6
    )


@pytest.mark.ldap
@pytest.mark.django_db
def test_password_expired_is_never_true_for_directory_users(ldap_on, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 30
    client = APIClient()
    assert login(client, "doctor_wang").status_code == 200
    user = User.objects.get(username="doctor_wang")
    long_ago = timezone.now() - timedelta(days=400)
    User.objects.filter(pk=user.pk).update(
        must_change_password=True, password_changed_at=long_ago, date_joined=long_ago
    )
    user.refresh_from_db()

    assert user.password_expired() is False
    assert user.password_expires_at() is None
    assert client.get("/api/v1/auth/totp/").status_code == 200  # PasswordNotExpired lets it by


@pytest.mark.ldap
@pytest.mark.django_db
def test_a_directory_user_never_keeps_a_local_password(ldap_on):
    assert login(APIClient(), "doctor_wang").status_code == 200
    user = User.objects.get(username="doctor_wang")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])

    assert login(APIClient(), "doctor_wang").status_code == 200

    user.refresh_from_db()
    assert not user.has_usable_password()


@pytest.mark.ldap
@pytest.mark.django_db
@pytest.mark.parametrize("transport", ["starttls", "ldaps"])
@pytest.mark.parametrize(("trusted", "status"), [(True, 200), (False, 503)])
def test_the_directory_certificate_is_verified_against_the_configured_ca(
    ldap_on, settings, transport, trusted, status
):
    if ldap_on.ca_file is None:
        if os.environ.get("CI"):
            pytest.fail("openssl not found: CI must run the LDAP TLS tests", pytrace=False)
        pytest.skip("openssl not found, the test directory has no TLS")
    ca_file = ldap_on.ca_file if trusted else ldap_on.other_ca_file
    # What config/settings.py builds from HITSM_LDAP_USE_TLS / ldaps:// and HITSM_LDAP_CA_FILE.
    tls_args = {**settings.LDAP_AUTH_TLS_ARGS, "ca_certs_file": ca_file}
    assert tls_args["validate"] == ssl.CERT_REQUIRED
    settings.LDAP_AUTH_TLS_ARGS = tls_args
    if transport == "starttls":
        settings.LDAP_AUTH_USE_TLS = True
    else:
        settings.LDAP_AUTH_URL = [ldap_on.ldaps_url]
        settings.LDAP_AUTH_CONNECT_ARGS = {
            "tls": ldap3.Tls(version=settings.LDAP_AUTH_TLS_VERSION, **tls_args)
        }

    response = login(APIClient(), "doctor_wang")

    assert response.status_code == status, response.content
    if not trusted:  # not a wrong password: nothing was checked, nothing counts to the lockout
        assert error_code(response) == "auth.directory_unavailable"
        assert not AccessAttempt.objects.filter(username="doctor_wang").exists()


# --- without a directory ----------------------------------------------------------------------


def test_bind_names_follow_the_directory_kind(settings):
    settings.LDAP_AUTH_SEARCH_BASE = PEOPLE_DN
    settings.LDAP_AUTH_CONNECTION_USERNAME = "cn=hitsm,ou=services,dc=hospital,dc=example"
    settings.LDAP_AUTH_ACTIVE_DIRECTORY_DOMAIN = None
    assert format_username({"username": "doctor_wang"}) == f"uid=doctor_wang,{PEOPLE_DN}"
    assert format_username({"username": "x,dc=evil"}) == f"uid=x\\2Cdc\\3Devil,{PEOPLE_DN}"
    assert format_username({"username": settings.LDAP_AUTH_CONNECTION_USERNAME}) == (
        "cn=hitsm,ou=services,dc=hospital,dc=example"
    )
    settings.LDAP_AUTH_ACTIVE_DIRECTORY_DOMAIN = "HOSPITAL"
    assert format_username({"username": "zhangsan"}) == "HOSPITAL\\zhangsan"


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    names = [
        "AUTHENTICATION_BACKENDS",
        "LDAP_AUTH_URL",
        "LDAP_AUTH_OBJECT_CLASS",
        "LDAP_AUTH_USER_FIELDS",
        "LDAP_AUTH_ACTIVE_DIRECTORY_DOMAIN",
        "LDAP_AUTH_CONNECTION_USERNAME",
        "LDAP_AUTH_CONNECTION_PASSWORD",
        "LDAP_AUTH_CONNECT_TIMEOUT",
        "LDAP_AUTH_TLS_ARGS",
        "LDAP_DEPARTMENT_ATTRIBUTE",
        "LDAP_DEFAULT_ROLE",
        "LDAP_USER_FILTER",
    ]
    # Only the settings module is imported (no django.setup()): what the environment makes of it.
    code = (
        "import json; import config.settings as settings; "
        f"values = {{n: getattr(settings, n) for n in {names!r}}}; "
        "tls = settings.LDAP_AUTH_CONNECT_ARGS.get('tls'); "
        "values['ldaps_validate'] = tls.validate if tls else None; "
        "print(json.dumps(values, default=str))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HITSM_", "DATABASE_URL"))}
    base.update({"HITSM_DATA_DIR": os.environ["HITSM_DATA_DIR"], "HITSM_DEBUG": "true", **env})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BACKEND,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_active_directory_settings_come_from_the_environment(tmp_path):
    secret = tmp_path / "bind-password"
    secret.write_text("Svc@Secret2026\n")

    result = _settings_with(
        {
            "HITSM_LDAP_URL": "ldaps://dc1.hospital.local, ldaps://dc2.hospital.local",
            "HITSM_LDAP_SEARCH_BASE": "dc=hospital,dc=local",
            "HITSM_LDAP_OBJECT_CLASS": "user",
            "HITSM_LDAP_USERNAME_ATTRIBUTE": "sAMAccountName",
            "HITSM_LDAP_ACTIVE_DIRECTORY_DOMAIN": "HOSPITAL",
            "HITSM_LDAP_BIND_DN": "HOSPITAL\\svc_hitsm",
            "HITSM_LDAP_BIND_PASSWORD_FILE": str(secret),
            "HITSM_LDAP_CONNECT_TIMEOUT": "3",
            "HITSM_LDAP_DEPARTMENT_ATTRIBUTE": "department",
            "HITSM_LDAP_DEFAULT_ROLE": "agent",
            "HITSM_LDAP_USER_FILTER": "!(userAccountControl:1.2.840.113556.1.4.803:=2)",
        }
    )

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["AUTHENTICATION_BACKENDS"] == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        LDAP_BACKEND,
    ]
    assert values["LDAP_AUTH_URL"] == ["ldaps://dc1.hospital.local", "ldaps://dc2.hospital.local"]
    assert values["LDAP_AUTH_OBJECT_CLASS"] == "user"
    assert values["LDAP_AUTH_USER_FIELDS"]["username"] == "sAMAccountName"
    assert values["LDAP_AUTH_ACTIVE_DIRECTORY_DOMAIN"] == "HOSPITAL"
    assert values["LDAP_AUTH_CONNECTION_USERNAME"] == "HOSPITAL\\svc_hitsm"
    assert values["LDAP_AUTH_CONNECTION_PASSWORD"] == "Svc@Secret2026"
    assert values["LDAP_AUTH_CONNECT_TIMEOUT"] == 3
    assert values["LDAP_AUTH_TLS_ARGS"]["validate"] == ssl.CERT_REQUIRED
    assert values["ldaps_validate"] == ssl.CERT_REQUIRED
    assert values["LDAP_DEPARTMENT_ATTRIBUTE"] == "department"
    assert values["LDAP_DEFAULT_ROLE"] == "agent"
    assert values["LDAP_USER_FILTER"] == "(!(userAccountControl:1.2.840.113556.1.4.803:=2))"


def test_ldap_is_off_without_a_url():
    result = _settings_with({})

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert LDAP_BACKEND not in values["AUTHENTICATION_BACKENDS"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HITSM_LDAP_URL": "dc1.hospital.local"}, "must start with ldap:// or ldaps://"),
        ({"HITSM_LDAP_URL": "ldap://dc1"}, "HITSM_LDAP_SEARCH_BASE is required"),
        ({"HITSM_LDAP_DEFAULT_ROLE": "admin"}, "HITSM_LDAP_DEFAULT_ROLE='admin' must be one of"),
        ({"HITSM_LDAP_CONNECT_TIMEOUT": "0"}, "HITSM_LDAP_CONNECT_TIMEOUT=0 is below the minimum"),
        ({"HITSM_LDAP_USE_TLS": "sure"}, "HITSM_LDAP_USE_TLS='sure' is not a boolean"),
        ({"HITSM_LDAP_USER_FILTER": "(a=b"}, "unbalanced"),
    ],
)
def test_bad_ldap_settings_stop_start_up(env, message):
    result = _settings_with(env)

    assert result.returncode != 0
    assert message in result.stderr
