"""The demo catalog: a hospital's service menu, its forms, NFR and PBA records, per-item SLA
policies, and the service desk's demo tickets submitted from it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from hitsm.accounts.models import User
from hitsm.catalog import formschema
from hitsm.catalog.demo import DEMO_SUBMISSIONS, demo_submission
from hitsm.catalog.models import (
    ActivityPattern,
    CatalogCategory,
    CatalogItem,
    Form,
    FormVersion,
    NfrRecord,
    Stakeholder,
)
from hitsm.catalog.selectors import references_resolve, visible_item_ids
from hitsm.cmdb.models import ConfigurationItem
from hitsm.core.models import ChangeLog
from hitsm.servicedesk.models import Ticket
from hitsm.servicedesk.selectors import catalog_assistant, catalog_obashi_stats
from hitsm.sla.demo import ITEM_SLAS
from hitsm.sla.models import SlaPolicy
from hitsm.sla.selectors import sla_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo hospital, loaded once for the module inside a transaction that is rolled back
    at its end; each test runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _field_specs(schema):
    for spec in schema["fields"]:
        yield spec
        yield from spec.get("columns") or []


def test_the_menu_covers_a_hospital(demo):
    items = CatalogItem.objects.filter(is_active=True)
    assert items.count() >= 45
    assert items.values("category").distinct().count() >= 9
    assert CatalogCategory.objects.count() >= 9
    assert {"request", "incident"} == set(items.values_list("kind", flat=True))
    for item in items.select_related("category"):
        assert item.description and item.keywords and item.icon, item.code
        assert item.assignment_group_id and item.ticket_category_id, item.code
    # the OBASHI links are business activities, business data and applications only
    layers = set(items.values_list("configuration_items__ci_class__layer", flat=True))
    assert {"business", "data", "application"} <= layers - {None}
    assert layers - {None} <= {"business", "data", "application"}
    assert items.filter(configuration_items__isnull=False).distinct().count() >= 40


def test_forms_use_every_field_type_and_publish_valid_versions(demo):
    forms = Form.objects.exclude(published=None).select_related("published")
    assert forms.count() >= 25
    assert CatalogItem.objects.filter(form__isnull=False).count() >= 35
    for version in FormVersion.objects.all():
        assert formschema.schema_check(version.schema) == version.schema, version
    types, features = set(), set()
    for form in forms:
        for spec in _field_specs(form.published.schema):
            types.add(spec["type"])
            features |= {
                name for name in ("visible_when", "pattern", "unit", "multiple") if name in spec
            }
            if spec.get("source"):
                features.add(f"source:{spec['source'].get('ci_class', spec['source']['kind'])}")
    assert types == set(formschema.FIELD_TYPES)
    assert {"visible_when", "pattern", "unit", "multiple", "source:application"} <= features
    versioned = [f.code for f in forms if f.published.version == 2]
    assert {"his-account", "printer-fault"} <= set(versioned)
    v1, v2 = FormVersion.objects.filter(form__code="printer-fault").order_by("version")
    assert "wristband_spec" not in {s["key"] for s in v1.schema["fields"]}
    assert "wristband_spec" in {s["key"] for s in v2.schema["fields"]}
    assert v2.note and v2.published_by.username == "admin"


def test_visibility_follows_departments_and_roles(demo):
    by_department = CatalogItem.objects.filter(departments__isnull=False).distinct()
    assert set(by_department.values_list("code", flat=True)) >= {
        "lis-instrument",
        "pacs-device",
        "pass-rule",
        "kiosk-fault",
    }
    assert CatalogItem.objects.exclude(roles=[]).exists()
    codes = dict(CatalogItem.objects.values_list("pk", "code"))

    def menu(username: str) -> set[str]:
        return {codes[pk] for pk in visible_item_ids(User.objects.get(username=username))}

    lab, nurse, agent = menu("head_sun"), menu("nurse_li"), menu("agent_chen")
    assert "lis-instrument" in lab and "lis-instrument" not in nurse
    assert "kiosk-fault" in nurse and "kiosk-fault" not in lab  # 门诊 covers its wards
    assert "dc-access" in agent and "dc-access" not in nurse
    assert "password-reset" in lab & nurse & agent


def test_nfr_and_patterns(demo):
    applications = ConfigurationItem.objects.filter(ci_class__code="application")
    assert applications.count() >= 10
    assert set(NfrRecord.objects.values_list("application", flat=True)) == set(
        applications.values_list("pk", flat=True)
    )
    his = NfrRecord.objects.get(application__code="HIS")
    pacs = NfrRecord.objects.get(application__code="PACS")
    assert his.system_accounts >= 3000 and his.concurrent_accounts >= 1000
    assert pacs.yearly_storage_gb > 50 * his.yearly_storage_gb
    patterns = ActivityPattern.objects.all()
    assert patterns.count() >= 7
    for pattern in patterns:
        assert pattern.activities.exists() and pattern.applications.exists(), pattern.code
        assert pattern.stakeholders.exists() and pattern.peaks, pattern.code
    outpatient = ActivityPattern.objects.get(code="pba-outpatient")
    assert outpatient.schedule["mon"] == ["07:30-12:00", "13:30-17:30"]
    assert outpatient.schedule["sun"] == ["07:30-12:00"]
    assert {"start": "08:00", "end": "10:00"}.items() <= outpatient.peaks[0].items()
    assert ActivityPattern.objects.get(code="pba-emergency").schedule["sun"] == ["00:00-24:00"]


def test_some_services_have_their_own_sla(demo):
    policies = SlaPolicy.objects.filter(catalog_items__isnull=False).distinct()
    assert 3 <= policies.count() <= 5 == len(ITEM_SLAS)
    general = SlaPolicy.objects.filter(catalog_items__isnull=True).order_by("order").first()
    for policy in policies:
        assert policy.order < general.order
        assert policy.targets.count() == 5
    wristband = CatalogItem.objects.get(code="wristband-printer")
    applied = sla_for(kind="incident", priority=2, department_id=None, catalog_item_id=wristband.pk)
    assert applied.policy_name.startswith("腕带打印机") and applied.response_minutes == 10
    other = sla_for(kind="incident", priority=2, department_id=None, catalog_item_id=None)
    assert not other.policy_name.startswith("腕带打印机")


def test_demo_tickets_come_from_the_menu_with_valid_answers(demo):
    tickets = Ticket.objects.select_related("catalog_item", "form_version")
    tied = tickets.filter(catalog_item__isnull=False)
    assert tied.count() >= 20 and tied.count() * 2 > tickets.count()
    assert set(tied.values_list("title", flat=True)) == set(DEMO_SUBMISSIONS)
    with_form = tied.filter(form_version__isnull=False)
    assert with_form.count() >= 20
    for ticket in with_form:
        assert ticket.form_version.form_id == ticket.catalog_item.form_id
        cleaned = formschema.form_validate(
            ticket.form_version.schema, ticket.form_data, resolver=references_resolve
        ).data
        assert cleaned == ticket.form_data, ticket.title
    assert not tied.filter(form_version__isnull=True).exclude(form_data={}).exists()
    # the information assistant and the OBASHI statistics have something to say
    lis = CatalogItem.objects.get(code="lis-instrument")
    answer = catalog_assistant(item_id=lis.pk, detailed=True)
    assert answer["resolved"] >= 2 and answer["handlers"] and answer["recent_resolutions"]
    assert answer["median_resolution_minutes"] >= 20
    now = timezone.now()
    stats = catalog_obashi_stats(start=now - dt.timedelta(days=100), end=now)
    assert len(stats["months"]) >= 2
    assert all(stats["layers"][layer] for layer in ("business", "data", "application"))
    old = Ticket.objects.get(title="科研数据提取：心衰患者再入院")
    assert old.number.split("-")[1] == timezone.localtime(old.created_at).strftime("%Y%m%d")
    assert old.clocks.get(metric="resolution").opened_at == old.created_at


def test_demo_submission_of_a_free_text_ticket_is_none(demo):
    assert demo_submission("门诊3楼打印机一直卡纸，处方打不出来") is None
    item, answers = demo_submission("HIS 账号开通：新入职医生")
    assert item.code == "his-account-open" and answers["open_mode"] == "single"


def test_loading_twice_changes_nothing(demo):
    def state():
        return (
            ChangeLog.objects.count(),
            CatalogCategory.objects.count(),
            CatalogItem.objects.count(),
            Form.objects.count(),
            FormVersion.objects.count(),
            NfrRecord.objects.count(),
            ActivityPattern.objects.count(),
            sorted(Stakeholder.objects.values_list("pk", flat=True)),
            SlaPolicy.objects.count(),
            Ticket.objects.count(),
        )

    before = state()
    call_command("seed_demo", stdout=io.StringIO())
    assert state() == before
