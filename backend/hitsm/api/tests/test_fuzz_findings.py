"""What the API fuzzer (schemathesis against the OpenAPI schema, scripts/fuzz-api.sh) found:
inputs that answered 500 (each is now a clear 4xx with the error envelope, and stays so), and
responses that broke their own schema (each is now checked against the generated schema)."""

from __future__ import annotations

import pytest

from hitsm.knowledge.models import Article, KnowledgeCategory
from hitsm.servicedesk.models import SavedFilter
from hitsm.sla.reference import calendars_load, policies_load

pytestmark = pytest.mark.django_db


def envelope(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


@pytest.mark.parametrize("pk", ["null,null", "false", "null"])
@pytest.mark.parametrize("what", ["download", "playback", "thumbnail"])
def test_a_non_numeric_attachment_id_is_a_404(client_for, agent_chen, pk, what):
    envelope(client_for(agent_chen).get(f"/api/v1/attachments/{pk}/{what}/"), 404)


def test_a_saved_filter_without_params_is_refused(client_for, agent_chen):
    response = client_for(agent_chen).post(
        "/api/v1/saved-filters/", {"name": "x", "params": None, "shared": False}, format="json"
    )
    assert "params" in envelope(response, 400)["fields"]
    assert not SavedFilter.objects.exists()


@pytest.mark.parametrize("month", ["0000-01", "1999-12", "2101-01"])
def test_a_month_out_of_range_is_refused(client_for, manager_zhao, month):
    api = client_for(manager_zhao)
    assert (
        "month"
        in envelope(api.post("/api/v1/surveys/summaries/generate/", {"month": month}), 400)[
            "fields"
        ]
    )
    envelope(api.get(f"/api/v1/surveys/summaries/?month={month}"), 400)


@pytest.mark.parametrize("year", ["0", "-1", "99999"])
def test_a_holiday_year_out_of_range_is_refused(client_for, admin_user, year):
    envelope(client_for(admin_user).get(f"/api/v1/sla/public-holidays/?date__year={year}"), 400)


def test_an_sla_target_must_name_both_times_and_stay_within_a_year(client_for, admin_user):
    from hitsm.sla.models import BusinessCalendar, EscalationRule, SlaPolicy, SlaTarget

    calendars_load(BusinessCalendar)
    policies_load(BusinessCalendar, SlaPolicy, SlaTarget, EscalationRule)
    policy = SlaPolicy.objects.first()
    api = client_for(admin_user)
    url = f"/api/v1/sla/policies/{policy.pk}/"
    missing = api.patch(
        url, {"targets": [{"priority": 1, "resolution_minutes": 60}]}, format="json"
    )
    envelope(missing, 400)
    huge = api.patch(
        url,
        {"targets": [{"priority": 1, "response_minutes": 1, "resolution_minutes": 10**12}]},
        format="json",
    )
    envelope(huge, 400)


def test_deleting_a_category_still_in_use_is_a_409(client_for, manager_zhao, engineer_wang):
    from hitsm.knowledge import services

    category = KnowledgeCategory.objects.create(name="扫描枪", code="scanner")
    article = services.article_save(
        article=None,
        actor=engineer_wang,
        data={"title": "扫描枪没反应", "body": "<p>重新插拔</p>", "category": category},
        relations={},
    )
    error = envelope(
        client_for(manager_zhao).delete(f"/api/v1/knowledge/categories/{category.pk}/"), 409
    )
    assert error["code"] == "in_use"
    assert Article.objects.filter(pk=article.pk, category=category).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/catalog/patterns/?catalog_item=109226877524162716394196041728",
        "/api/v1/cmdb/relations/?item=373140907071599961089964507136",
        "/api/v1/tickets/?assignee=99999999999999999999999999",
    ],
)
def test_an_id_beyond_the_columns_range_is_never_a_5xx(client_for, admin_user, url):
    # SQLite cannot hold the number (400 invalid_value); PostgreSQL compares it (empty list).
    response = client_for(admin_user).get(url)
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response.json()["error"]["code"] in ("invalid_value", "validation_error")


def test_marking_read_with_a_huge_id_is_never_a_5xx(client_for, nurse_li):
    response = client_for(nurse_li).post(
        "/api/v1/notifications/mark-read/", {"ids": [10**30]}, format="json"
    )
    assert response.status_code < 500, response.content


# --- responses that broke their own OpenAPI schema (response_schema_conformance) -------------


def _nullable(node):
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema (``anyOf`` with null)."""
    if isinstance(node, list):
        return [_nullable(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _nullable(v) for k, v in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture(scope="module")
def openapi() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return _nullable(SchemaGenerator().get_schema(request=None, public=True))


def conforms(openapi: dict, response, path: str, method: str) -> object:
    """The body validates against the schema's response for its status; returns the body."""
    from jsonschema import Draft202012Validator

    operation = openapi["paths"][path][method]
    content = operation["responses"][str(response.status_code)]["content"]
    schema = content["application/json"]["schema"]
    body = response.json()
    validator = Draft202012Validator({**schema, "components": openapi["components"]})
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, errors
    return body


@pytest.mark.parametrize(
    ("path", "payload", "annotated"),
    [
        ("/api/v1/catalog/categories/", {"code": "fz", "name": "模糊"}, ["item_count"]),
        (
            "/api/v1/catalog/forms/",
            {"code": "fz", "name": "模糊"},
            ["item_count", "published_at", "published_version"],
        ),
        ("/api/v1/cmdb/classes/", {"code": "fz", "name": "模糊", "layer": "data"}, ["item_count"]),
        ("/api/v1/knowledge/categories/", {"code": "fz", "name": "模糊"}, ["article_count"]),
        ("/api/v1/knowledge/articles/", {"title": "模糊", "body": "<p>x</p>"}, ["category_name"]),
        ("/api/v1/surveys/configs/", {}, ["catalog_item_name"]),
        (
            "/api/v1/catalog/patterns/",
            {"code": "fz", "name": "模糊", "stakeholders": [{"role": "vendor", "name": "厂商"}]},
            ["stakeholders"],
        ),
        (
            "/api/v1/workflow/definitions/",
            {"code": "fz", "name": "模糊"},
            ["published_at", "published_version", "published_process_id"],
        ),
    ],
)
def test_create_and_patch_answer_with_the_annotated_fields(
    client_for, admin_user, openapi, path, payload, annotated
):
    """The write answered with the saved instance: no queryset annotations, and PATCH (a
    partial serializer) skipped read-only fields whose source was missing."""
    api = client_for(admin_user)
    created = api.post(path, payload, format="json")
    assert created.status_code == 201, created.content
    body = conforms(openapi, created, path, "post")
    detail = f"{path}{{id}}/"
    patched = api.patch(f"{path}{body['id']}/", {}, format="json")
    assert patched.status_code == 200, patched.content
    for response, method in ((created, "post"), (patched, "patch")):
        body = conforms(openapi, response, detail if method == "patch" else path, method)
        assert set(annotated) <= set(body), (method, body)


def test_article_versions_are_a_plain_list(client_for, admin_user, openapi):
    api = client_for(admin_user)
    article = api.post(
        "/api/v1/knowledge/articles/", {"title": "模糊", "body": "<p>x</p>"}, format="json"
    ).json()
    response = api.get(f"/api/v1/knowledge/articles/{article['id']}/versions/")
    assert response.status_code == 200
    assert isinstance(
        conforms(openapi, response, "/api/v1/knowledge/articles/{id}/versions/", "get"), list
    )


def test_attaching_files_answers_a_plain_list(client_for, nurse_li, openapi):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hitsm.servicedesk.services import ticket_create

    ticket = ticket_create(requester=nurse_li, submitted_by=nurse_li, kind="incident", title="卡纸")
    response = client_for(nurse_li).post(
        f"/api/v1/tickets/{ticket.pk}/attach/",
        {"files": [SimpleUploadedFile("log.txt", b"paper jam")]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = conforms(openapi, response, "/api/v1/tickets/{id}/attach/", "post")
    assert [row["original_name"] for row in body] == ["log.txt"]


def test_an_unanswered_survey_has_a_blank_answered_channel(client_for, nurse_li, openapi):
    import datetime as dt

    from django.utils import timezone

    from hitsm.servicedesk.services import ticket_create
    from hitsm.surveys.models import Survey

    ticket = ticket_create(requester=nurse_li, submitted_by=nurse_li, kind="incident", title="卡纸")
    now = timezone.now()
    Survey.objects.create(
        ticket=ticket,
        requester=nurse_li,
        channel="web",
        sent_at=now,
        expires_at=now + dt.timedelta(days=7),
    )
    response = client_for(nurse_li).get("/api/v1/surveys/")
    assert response.status_code == 200
    body = conforms(openapi, response, "/api/v1/surveys/", "get")
    assert [row["answered_channel"] for row in body["results"]] == [""]


def test_a_requester_reads_catalog_items_in_the_short_form_the_schema_allows(
    client_for, nurse_li, admin_user, openapi
):
    from hitsm.catalog.models import CatalogCategory, CatalogItem

    menu = CatalogCategory.objects.create(code="printing", name="打印服务")
    item = CatalogItem.objects.create(
        code="printer", name="打印机故障", kind="incident", category=menu
    )
    for user, field in ((nurse_li, "has_form"), (admin_user, "assignment_group_name")):
        api = client_for(user)
        rows = conforms(openapi, api.get("/api/v1/catalog/items/"), "/api/v1/catalog/items/", "get")
        assert [row["id"] for row in rows] == [item.pk] and field in rows[0]
        one = api.get(f"/api/v1/catalog/items/{item.pk}/")
        assert field in conforms(openapi, one, "/api/v1/catalog/items/{id}/", "get")
