"""Every failure, whatever raised it, answers with the same envelope."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) >= {"code", "message", "fields", "request_id"}
    assert error["code"] == code
    assert error["message"]
    assert error["request_id"] == response["X-Request-ID"]
    return error


def test_validation_errors_carry_field_messages_in_chinese(api):
    api.get("/api/v1/auth/csrf/")
    error = assert_envelope(
        api.post("/api/v1/auth/login/", {"username": ""}), 400, "validation_error"
    )
    assert error["message"] == "提交的数据有误，请检查标红的字段"
    assert set(error["fields"]) == {"username", "password"}


def test_malformed_json_is_a_parse_error(api):
    response = api.post("/api/v1/auth/login/", data="{not json", content_type="application/json")
    assert_envelope(response, 400, "parse_error")


def test_unauthenticated_is_401_with_the_envelope():
    assert_envelope(APIClient().get("/api/v1/jobs/"), 401, "not_authenticated")


def test_permission_denied(nurse_li, client_for):
    assert_envelope(client_for(nurse_li).get("/api/v1/users/"), 403, "permission_denied")


def test_not_found(agent_chen, client_for):
    error = assert_envelope(client_for(agent_chen).get("/api/v1/users/999999/"), 404, "not_found")
    assert error["message"] == "找不到该对象，或您无权查看"


def test_wrong_method(agent_chen, client_for):
    assert_envelope(client_for(agent_chen).delete("/api/v1/jobs/"), 405, "method_not_allowed")


def test_english_when_the_client_asks(agent_chen, client_for):
    response = client_for(agent_chen).get("/api/v1/users/999999/", HTTP_ACCEPT_LANGUAGE="en")
    error = assert_envelope(response, 404, "not_found")
    assert error["message"] == "Not found, or you may not see it"


def test_unknown_api_paths_are_json_404s(agent_chen, client_for):
    response = client_for(agent_chen).get("/api/v1/nothing-here/")
    assert response.status_code == 404


def test_the_schema_documents_every_endpoint(admin_user, client_for):
    response = client_for(admin_user).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/auth/login/",
        "/api/v1/users/{id}/unlock/",
        "/api/v1/jobs/",
        "/api/v1/user-imports/",
        "/api/v1/system/health/",
        "/api/v1/departments/tree/",
    ):
        assert path in paths


def test_swagger_ui_is_served_without_internet(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"cdn.jsdelivr" not in response.content
    assert b"/static/drf_spectacular_sidecar/" in response.content


def test_an_oversize_json_body_is_refused_with_the_envelope_and_nothing_written(
    nurse_li, client_for
):
    from hitsm.servicedesk.models import Ticket

    body = '{"kind": "incident", "title": "大", "description": "' + "打" * (3 * 1024 * 1024) + '"}'
    response = client_for(nurse_li).post(
        "/api/v1/tickets/", data=body, content_type="application/json"
    )
    assert response.status_code in (400, 413), response.content
    assert set(response.json()) == {"error"}
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "body",
    ['{"kind": "incident", "title": ', "[1, 2, 3]", '"just a string"', "\xff\xfe", "{" * 5000],
)
def test_broken_or_odd_json_never_answers_5xx(nurse_li, client_for, body):
    from hitsm.servicedesk.models import Ticket

    response = client_for(nurse_li).post(
        "/api/v1/tickets/", data=body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500, response.content
    assert set(response.json()) == {"error"}
    assert not Ticket.objects.exists()
