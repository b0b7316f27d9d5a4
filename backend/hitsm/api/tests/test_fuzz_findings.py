"""What the API fuzzer (schemathesis against the OpenAPI schema, scripts/fuzz-api.sh) found:
inputs that answered 500. Each is now a clear 4xx with the error envelope, and stays so."""

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
