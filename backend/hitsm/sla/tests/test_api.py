import pytest

from hitsm.sla.models import (
    BusinessCalendar,
    EscalationRule,
    PublicHoliday,
    SlaPolicy,
    SlaTarget,
)
from hitsm.sla.reference import calendars_load, holidays_load, policies_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def sla_reference(db):
    calendars_load(BusinessCalendar)
    holidays_load(PublicHoliday, 2025, 2030)
    policies_load(BusinessCalendar, SlaPolicy, SlaTarget, EscalationRule)


def test_requesters_see_nothing_agents_read_managers_change(
    sla_reference, client_for, nurse_li, agent_chen, manager_zhao
):
    assert client_for(nurse_li).get("/api/v1/sla/policies/").status_code == 403
    agent = client_for(agent_chen)
    policies = agent.get("/api/v1/sla/policies/").json()
    assert [p["code"] for p in policies] == ["incident-critical", "standard"]
    five = BusinessCalendar.objects.get(code="5x8")
    assert agent.patch(f"/api/v1/sla/calendars/{five.pk}/", {"name": "x"}).status_code == 403
    manager = client_for(manager_zhao)
    response = manager.patch(
        f"/api/v1/sla/calendars/{five.pk}/",
        {"hours": {"0": "08:30-12:00,13:30-17:30", "5": ""}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["hours"] == {"0": "08:30-12:00,13:30-17:30", "5": ""}


def test_bad_working_hours_are_refused_per_weekday(sla_reference, client_for, manager_zhao):
    five = BusinessCalendar.objects.get(code="5x8")
    response = client_for(manager_zhao).patch(
        f"/api/v1/sla/calendars/{five.pk}/",
        {"hours": {"0": "12:00-08:00", "1": "08:00-13:00,12:00-17:00", "9": "08:00-17:00"}},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"hours.0", "hours.1", "hours.9"} <= set(fields)
    assert BusinessCalendar.objects.get(code="5x8").hours["0"] == "08:00-12:00,13:00-17:00"


def test_preview_explains_a_deadline(sla_reference, client_for, agent_chen):
    five = BusinessCalendar.objects.get(code="5x8")
    response = client_for(agent_chen).post(
        f"/api/v1/sla/calendars/{five.pk}/preview/",
        {"start": "2026-11-20T16:50:00+08:00", "minutes": 240},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["due_at"].startswith("2026-11-23T11:50:00")


def test_a_policy_is_saved_with_its_targets(sla_reference, client_for, manager_zhao, campus):
    manager = client_for(manager_zhao)
    seven = BusinessCalendar.objects.get(code="7x24")
    body = {
        "code": "emergency",
        "name": "急诊科（7×24）",
        "order": 5,
        "calendar": seven.pk,
        "departments": [campus.pk],
        "priorities": [1, 2, 3],
        "warn_percents": [50, 80],
        "targets": [
            {"priority": 1, "response_minutes": 10, "resolution_minutes": 120},
            {"priority": 2, "response_minutes": 20, "resolution_minutes": 240},
        ],
    }
    response = manager.post("/api/v1/sla/policies/", body, format="json")
    assert response.status_code == 201, response.json()
    policy_id = response.json()["id"]
    response = manager.patch(
        f"/api/v1/sla/policies/{policy_id}/",
        {"targets": [{"priority": 1, "response_minutes": 5, "resolution_minutes": 60}]},
        format="json",
    )
    assert [t["priority"] for t in response.json()["targets"]] == [1]
    bad = manager.patch(
        f"/api/v1/sla/policies/{policy_id}/",
        {"targets": [{"priority": 1, "response_minutes": 60, "resolution_minutes": 5}]},
        format="json",
    )
    assert bad.status_code == 400
    assert SlaTarget.objects.get(policy_id=policy_id).resolution_minutes == 60
    dup = manager.post("/api/v1/sla/policies/", {**body, "name": "重复"}, format="json")
    assert dup.status_code == 400


def test_escalation_needs_a_threshold_and_known_audiences(sla_reference, client_for, admin_user):
    admin = client_for(admin_user)
    standard = SlaPolicy.objects.get(code="standard")
    response = admin.post(
        "/api/v1/sla/escalations/",
        {"policy": standard.pk, "metric": "resolution", "level": 9, "notify": ["assignee"]},
        format="json",
    )
    assert response.status_code == 400
    response = admin.post(
        "/api/v1/sla/escalations/",
        {
            "policy": standard.pk,
            "metric": "resolution",
            "level": 9,
            "at_percent": 200,
            "notify": ["the_ceo"],
        },
        format="json",
    )
    assert response.status_code == 400 and "notify.0" in response.json()["error"]["fields"]


def test_holidays_can_be_listed_by_year_and_added_by_hand(sla_reference, client_for, admin_user):
    admin = client_for(admin_user)
    days = admin.get("/api/v1/sla/public-holidays/?date__year=2026").json()
    assert any(d["date"] == "2026-02-17" and d["name"] == "春节" for d in days)
    # 2027 is not announced yet: its statutory holidays are estimated, no 调休 is guessed
    estimated = admin.get("/api/v1/sla/public-holidays/?date__year=2027").json()
    assert {d["source"] for d in estimated} == {"statutory"}
    assert not [d for d in estimated if d["kind"] == "workday"]
    spring = next(d for d in estimated if d["date"] == "2027-02-09")
    assert spring["name"].startswith("春节")
    response = admin.post(
        "/api/v1/sla/public-holidays/",
        {"date": "2027-02-20", "kind": "workday", "name": "春节调休上班"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["source"] == "manual"
    edited = admin.patch(
        f"/api/v1/sla/public-holidays/{spring['id']}/", {"name": "春节"}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["source"] == "manual"
    # reloading the schedule keeps what the administrator entered or edited
    holidays_load(PublicHoliday, 2025, 2030)
    assert PublicHoliday.objects.get(date="2027-02-20").kind == "workday"
    assert PublicHoliday.objects.get(date="2027-02-09").source == "manual"


def test_an_estimate_gives_way_to_the_announced_schedule(sla_reference):
    # an estimate left over from before 2026 was announced (e.g. from an older install)
    PublicHoliday.objects.filter(date="2026-02-16").update(source="statutory", name="估算")
    PublicHoliday.objects.create(date="2026-03-02", kind="holiday", name="估算", source="statutory")
    holidays_load(PublicHoliday, 2026, 2026)
    assert PublicHoliday.objects.get(date="2026-02-16").source == "chinesecalendar"
    assert not PublicHoliday.objects.filter(date="2026-03-02").exists()
