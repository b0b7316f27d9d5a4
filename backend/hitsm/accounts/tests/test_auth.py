from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from hitsm.accounts.models import LoginEvent, LoginEventKind
from hitsm.accounts.roles import Role
from hitsm.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def csrf_client() -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    response = client.get("/api/v1/auth/csrf/")
    assert response.status_code == 204
    client.credentials(HTTP_X_CSRFTOKEN=response.cookies["csrftoken"].value)
    return client


def login(client: APIClient, username: str, password: str, **extra):
    return client.post(
        "/api/v1/auth/login/", {"username": username, "password": password, **extra}, format="json"
    )


def test_a_nurse_logs_in_and_sees_her_own_navigation(nurse_li):
    client = csrf_client()
    response = login(client, "nurse_li", PASSWORD)
    assert response.status_code == 200, response.json()
    me = response.json()
    assert me["display_name"] == "李护士"
    assert me["department"]["full_name"] == "总院区 / 门诊部"
    assert me["roles"] == ["requester"]
    assert [item["key"] for item in me["navigation"]] == [
        "home",
        "catalog",
        "new_ticket",
        "my_tickets",
        "knowledge",
        "workflow_tasks",
        "notifications",
        "security",
    ]
    assert client.get("/api/v1/auth/me/").json()["username"] == "nurse_li"
    assert LoginEvent.objects.filter(username="nurse_li", kind=LoginEventKind.LOGIN).exists()


def test_each_role_gets_its_own_navigation(nurse_li, agent_chen, admin_user, manager_zhao):
    keys = {}
    for user in (nurse_li, agent_chen, admin_user, manager_zhao):
        client = csrf_client()
        keys[user.username] = [
            i["key"] for i in login(client, user.username, PASSWORD).json()["navigation"]
        ]
    assert "users" in keys["admin_sys"] and "user_import" in keys["admin_sys"]
    assert "users" in keys["manager_zhao"] and "user_import" not in keys["manager_zhao"]
    assert "jobs" in keys["agent_chen"] and "users" not in keys["agent_chen"]
    assert "desk" in keys["agent_chen"] and "desk" not in keys["nurse_li"]
    assert keys["nurse_li"] == [
        "home",
        "catalog",
        "new_ticket",
        "my_tickets",
        "knowledge",
        "workflow_tasks",
        "notifications",
        "security",
    ]


def test_desk_configuration_is_in_the_menu_of_admins_and_managers_only(
    nurse_li, agent_chen, engineer_wang, admin_user, manager_zhao
):
    desk_config = ["groups", "categories", "routing_rules"]
    for user in (admin_user, manager_zhao):
        keys = [
            i["key"] for i in login(csrf_client(), user.username, PASSWORD).json()["navigation"]
        ]
        assert [k for k in keys if k in desk_config] == desk_config, user.username
    for user in (nurse_li, agent_chen, engineer_wang):
        keys = [
            i["key"] for i in login(csrf_client(), user.username, PASSWORD).json()["navigation"]
        ]
        assert not set(keys) & set(desk_config), user.username


def test_desk_configuration_menu_items_carry_their_spa_paths_and_icons(admin_user):
    navigation = login(csrf_client(), admin_user.username, PASSWORD).json()["navigation"]
    items = {i["key"]: (i["path"], i["icon"]) for i in navigation}
    assert items["groups"] == ("/admin/groups", "UserFilled")
    assert items["categories"] == ("/admin/categories", "FolderOpened")
    assert items["routing_rules"] == ("/admin/routing-rules", "Guide")


CMDB_KEYS = ["cmdb", "cmdb_diagram", "cmdb_import", "cmdb_classes"]


def cmdb_menu(user) -> list[str]:
    navigation = login(csrf_client(), user.username, PASSWORD).json()["navigation"]
    return [i["key"] for i in navigation if i["key"] in CMDB_KEYS]


def test_the_cmdb_menu_follows_who_reads_imports_and_defines_it(
    nurse_li, agent_chen, engineer_wang, manager_zhao, admin_user
):
    sysadmin_liu = UserFactory(username="sysadmin_liu", roles=[Role.SYSADMIN])
    assert cmdb_menu(nurse_li) == []
    assert cmdb_menu(agent_chen) == ["cmdb", "cmdb_diagram"]
    assert cmdb_menu(manager_zhao) == ["cmdb", "cmdb_diagram"]
    assert cmdb_menu(engineer_wang) == ["cmdb", "cmdb_diagram", "cmdb_import"]
    assert cmdb_menu(sysadmin_liu) == ["cmdb", "cmdb_diagram", "cmdb_import"]
    assert cmdb_menu(admin_user) == CMDB_KEYS


def test_cmdb_menu_items_carry_their_spa_paths_and_icons(admin_user):
    navigation = login(csrf_client(), admin_user.username, PASSWORD).json()["navigation"]
    items = {i["key"]: (i["path"], i["icon"]) for i in navigation}
    assert items["cmdb"] == ("/cmdb", "Files")
    assert items["cmdb_diagram"] == ("/cmdb/diagram", "Share")
    assert items["cmdb_import"] == ("/cmdb/import", "Upload")
    assert items["cmdb_classes"] == ("/cmdb/classes", "SetUp")


def test_the_kpi_board_is_in_the_menu_of_it_staff_only(
    nurse_li, agent_chen, engineer_wang, manager_zhao, admin_user
):
    def menu(user) -> dict[str, tuple[str, str]]:
        navigation = login(csrf_client(), user.username, PASSWORD).json()["navigation"]
        return {i["key"]: (i["path"], i["icon"]) for i in navigation}

    assert "kpi_board" not in menu(nurse_li)
    for user in (agent_chen, engineer_wang, manager_zhao, admin_user):
        assert menu(user)["kpi_board"] == ("/kpi", "DataAnalysis"), user.username


SLA_KEYS = ["sla_policies", "sla_calendars", "sla_holidays", "sla_priority_matrix"]


def test_sla_configuration_is_in_the_menu_of_admins_and_it_managers_only(
    nurse_li, agent_chen, engineer_wang, manager_zhao, admin_user
):
    def sla_menu(user) -> dict[str, tuple[str, str]]:
        navigation = login(csrf_client(), user.username, PASSWORD).json()["navigation"]
        return {i["key"]: (i["path"], i["icon"]) for i in navigation if i["key"] in SLA_KEYS}

    for user in (nurse_li, agent_chen, engineer_wang):
        assert sla_menu(user) == {}, user.username
    for user in (manager_zhao, admin_user):
        assert sla_menu(user) == {
            "sla_policies": ("/admin/sla/policies", "Stopwatch"),
            "sla_calendars": ("/admin/sla/calendars", "Calendar"),
            "sla_holidays": ("/admin/sla/holidays", "Sunrise"),
            "sla_priority_matrix": ("/admin/sla/priority-matrix", "Sort"),
        }, user.username


def test_login_without_csrf_token_is_refused(nurse_li):
    client = APIClient(enforce_csrf_checks=True)
    response = login(client, "nurse_li", PASSWORD)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_wrong_password_says_how_many_tries_are_left(nurse_li):
    response = login(csrf_client(), "nurse_li", "wrong")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "auth.invalid_credentials"
    assert "再失败 4 次" in error["message"]


def test_five_failures_lock_the_account_even_for_the_right_password(nurse_li):
    client = csrf_client()
    codes = [login(client, "nurse_li", f"wrong{i}").json()["error"]["code"] for i in range(5)]
    assert codes == ["auth.invalid_credentials"] * 4 + ["auth.locked"]
    response = login(client, "nurse_li", PASSWORD)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "auth.locked"
    assert "锁定 30 分钟" in response.json()["error"]["message"]
    assert LoginEvent.objects.filter(username="nurse_li", kind=LoginEventKind.LOCKED).exists()


def test_lockout_message_follows_the_requested_language(nurse_li):
    client = csrf_client()
    for i in range(5):
        login(client, "nurse_li", f"wrong{i}")
    response = client.post(
        "/api/v1/auth/login/", {"username": "nurse_li", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["error"]["code"] == "auth.locked"
    assert "locked" in response.json()["error"]["message"].lower()


def test_an_admin_unlocks_a_locked_account(nurse_li, client_for, admin_user):
    client = csrf_client()
    for i in range(5):
        login(client, "nurse_li", f"wrong{i}")
    users = client_for(admin_user).get("/api/v1/users/", {"search": "nurse_li"}).json()
    assert users["results"][0]["locked"] is True
    assert client_for(admin_user).post(f"/api/v1/users/{nurse_li.pk}/unlock/").status_code == 204
    assert login(csrf_client(), "nurse_li", PASSWORD).status_code == 200


def test_a_requester_cannot_unlock_anyone(nurse_li, outsider, client_for):
    response = client_for(outsider).post(f"/api/v1/users/{nurse_li.pk}/unlock/")
    assert response.status_code == 404


def test_logout_ends_the_session(nurse_li):
    client = csrf_client()
    login(client, "nurse_li", PASSWORD)
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert client.post("/api/v1/auth/logout/").status_code == 204
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert LoginEvent.objects.filter(username="nurse_li", kind=LoginEventKind.LOGOUT).exists()


def test_an_expired_password_allows_only_changing_it(nurse_li, settings):
    nurse_li.password_changed_at = timezone.now() - timedelta(
        days=settings.PASSWORD_MAX_AGE_DAYS + 1
    )
    nurse_li.save(update_fields=["password_changed_at"])
    client = csrf_client()
    me = login(client, "nurse_li", PASSWORD).json()
    assert me["must_change_password"] is True
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    blocked = client.get("/api/v1/jobs/")
    assert blocked.status_code == 403
    assert blocked.json()["error"]["code"] == "auth.password_expired"
    changed = client.post(
        "/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": "Fresh#Pass2027"}
    )
    assert changed.status_code == 204, changed.json()
    assert client.get("/api/v1/jobs/").status_code == 200
    assert client.get("/api/v1/auth/me/").json()["must_change_password"] is False


@pytest.mark.parametrize(
    ("new_password", "fragment"),
    [
        ("short1A!", "至少"),
        ("alllowercaseletters", "至少 3 类"),
        (PASSWORD, "不能与当前密码相同"),
    ],
)
def test_weak_or_reused_passwords_are_refused(nurse_li, client_for, new_password, fragment):
    response = client_for(nurse_li).post(
        "/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": new_password}
    )
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    assert any(fragment in message for message in body["fields"]["new_password"]), body


def test_recent_passwords_cannot_be_reused(nurse_li, client_for):
    client = client_for(nurse_li)
    first, second = "First#Pass2026x", "Second#Pass2026x"
    assert (
        client.post(
            "/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": first}
        ).status_code
        == 204
    )
    assert (
        client.post(
            "/api/v1/auth/password/", {"old_password": first, "new_password": second}
        ).status_code
        == 204
    )
    response = client.post(
        "/api/v1/auth/password/", {"old_password": second, "new_password": PASSWORD}
    )
    assert response.status_code == 400
    assert "最近 5 次" in response.json()["error"]["fields"]["new_password"][0]


def test_the_old_password_must_be_right(nurse_li, client_for):
    response = client_for(nurse_li).post(
        "/api/v1/auth/password/", {"old_password": "nope", "new_password": "Fresh#Pass2027"}
    )
    assert response.json()["error"]["fields"]["old_password"] == ["当前密码不正确"]


def _code(device: TOTPDevice, *, wrong: bool = False) -> str:
    code = f"{totp(device.bin_key):06d}"
    return ("000000" if code != "000000" else "111111") if wrong else code


def test_two_factor_set_up_and_login(admin_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = csrf_client()
        login(client, "admin_sys", PASSWORD)
        client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
        setup = client.post("/api/v1/auth/totp/").json()
        assert setup["otpauth_url"].startswith("otpauth://totp/")
        assert "<svg" in setup["qr_svg"]
        device = TOTPDevice.objects.get(user=admin_user)
        wrong = client.post("/api/v1/auth/totp/confirm/", {"otp_token": _code(device, wrong=True)})
        assert wrong.json()["error"]["code"] == "auth.otp_invalid"
        assert (
            client.post("/api/v1/auth/totp/confirm/", {"otp_token": _code(device)}).status_code
            == 204
        )
        assert client.get("/api/v1/auth/me/").json()["otp_enabled"] is True

        traveller.shift(timedelta(seconds=60))
        fresh = csrf_client()
        assert login(fresh, "admin_sys", PASSWORD).json()["error"]["code"] == "auth.otp_required"
        refused = login(fresh, "admin_sys", PASSWORD, otp_token=_code(device, wrong=True))
        assert refused.json()["error"]["code"] == "auth.otp_invalid"
        accepted = login(fresh, "admin_sys", PASSWORD, otp_token=_code(device))
        assert accepted.status_code == 200, accepted.json()
        assert accepted.json()["otp_enabled"] is True


def test_a_wrong_second_factor_counts_toward_lockout(admin_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    TOTPDevice.objects.create(user=admin_user, name="app", confirmed=True)
    client = csrf_client()
    device = TOTPDevice.objects.get(user=admin_user)
    codes = [
        login(client, "admin_sys", PASSWORD, otp_token=_code(device, wrong=True)).json()["error"][
            "code"
        ]
        for _ in range(5)
    ]
    assert codes[-1] == "auth.locked"


def test_api_tokens_authenticate_until_revoked(agent_chen, client_for):
    client = client_for(agent_chen)
    created = client.post("/api/v1/auth/tokens/", {"name": "一键助手"})
    assert created.status_code == 201, created.json()
    key = created.json()["key"]
    assert key.startswith("hitsm_")
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert token_client.get("/api/v1/auth/me/").json()["username"] == "agent_chen"
    listed = client.get("/api/v1/auth/tokens/").json()
    assert "key" not in listed[0] and listed[0]["prefix"] == key[6:14]
    assert client.delete(f"/api/v1/auth/tokens/{created.json()['id']}/").status_code == 204
    refused = token_client.get("/api/v1/auth/me/")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_authenticated"


def test_requesters_cannot_create_api_tokens(nurse_li, client_for):
    assert client_for(nurse_li).post("/api/v1/auth/tokens/", {"name": "x"}).status_code == 403


def test_a_token_cannot_outlive_the_maximum(agent_chen, client_for, settings):
    response = client_for(agent_chen).post(
        "/api/v1/auth/tokens/", {"name": "x", "expires_in_days": settings.API_TOKEN_MAX_DAYS + 1}
    )
    assert response.status_code == 400
    assert "expires_in_days" in response.json()["error"]["fields"]


def test_sessions_expire_after_the_idle_timeout(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_directory_users_never_get_a_local_password(nurse_li):
    from hitsm.accounts.models import UserSource
    from hitsm.accounts.services import user_set_password
    from hitsm.core.errors import ValidationFailed

    nurse_li.source = UserSource.LDAP
    nurse_li.save(update_fields=["source"])
    with pytest.raises(ValidationFailed) as caught:
        user_set_password(user=nurse_li, new_password="Local#Pass2026")
    assert caught.value.code == "accounts.directory_user"


SURVEY_KEYS = ["survey_follow_ups", "survey_summary", "survey_configs"]


def test_the_survey_pages_are_in_the_menu_of_the_desk_and_their_settings_of_managers(
    nurse_li, agent_chen, engineer_wang, manager_zhao, admin_user
):
    def survey_menu(user) -> dict[str, tuple[str, str]]:
        navigation = login(csrf_client(), user.username, PASSWORD).json()["navigation"]
        return {i["key"]: (i["path"], i["icon"]) for i in navigation if i["key"] in SURVEY_KEYS}

    assert survey_menu(nurse_li) == {}
    assert survey_menu(engineer_wang) == {}
    assert survey_menu(agent_chen) == {
        "survey_follow_ups": ("/surveys/follow-ups", "PhoneFilled"),
        "survey_summary": ("/surveys/summary", "TrendCharts"),
    }
    for user in (manager_zhao, admin_user):
        assert survey_menu(user) == {
            "survey_follow_ups": ("/surveys/follow-ups", "PhoneFilled"),
            "survey_summary": ("/surveys/summary", "TrendCharts"),
            "survey_configs": ("/admin/surveys", "StarFilled"),
        }, user.username


BOARD_KEYS = ["desk_board", "wallboard"]


def test_the_service_boards_are_in_the_menu_of_the_desk_roles(
    nurse_li, agent_chen, engineer_wang, manager_zhao, admin_user
):
    def board_menu(user) -> dict[str, tuple[str, str]]:
        navigation = login(csrf_client(), user.username, PASSWORD).json()["navigation"]
        return {i["key"]: (i["path"], i["icon"]) for i in navigation if i["key"] in BOARD_KEYS}

    assert board_menu(nurse_li) == {}
    assert board_menu(engineer_wang) == {}
    for user in (agent_chen, manager_zhao, admin_user):
        assert board_menu(user) == {
            "desk_board": ("/desk/board", "DataBoard"),
            "wallboard": ("/wall", "Monitor"),
        }, user.username
