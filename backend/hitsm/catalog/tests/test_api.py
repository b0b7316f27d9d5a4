"""The catalog through the API: menus per department, forms and versions, submissions, NFR, PBA,
OBASHI statistics, the expected times and the information assistant."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from hitsm.accounts.roles import Role
from hitsm.accounts.tests.factories import DepartmentFactory, UserFactory
from hitsm.catalog.models import CatalogCategory, CatalogItem, Form, FormVersion
from hitsm.catalog.services import form_publish, form_save, item_save
from hitsm.cmdb.models import CIClass, ConfigurationItem
from hitsm.servicedesk.models import Attachment, Ticket
from hitsm.servicedesk.services import ticket_create, ticket_resolve
from hitsm.sla.models import BusinessCalendar, SlaPolicy, SlaTarget

LAB_FORM = {
    "fields": [
        {
            "key": "instrument",
            "type": "select",
            "label": "检验仪器",
            "required": True,
            "options": [{"value": "bc", "label": "血球仪"}, {"value": "bio", "label": "生化仪"}],
        },
        {
            "key": "lis_down",
            "type": "radio",
            "label": "LIS 能否接收结果",
            "options": [{"value": "yes", "label": "能"}, {"value": "no", "label": "不能"}],
        },
        {
            "key": "samples",
            "type": "number",
            "label": "积压标本",
            "unit": "份",
            "required": True,
            "visible_when": {
                "match": "all",
                "rules": [{"field": "lis_down", "op": "eq", "value": "no"}],
            },
        },
        {
            "key": "items",
            "type": "table",
            "label": "受影响项目",
            "columns": [
                {"key": "name", "type": "text", "label": "项目", "required": True},
                {"key": "count", "type": "number", "label": "数量"},
            ],
        },
        {"key": "screen", "type": "image", "label": "报错截图", "max_files": 2},
        {"key": "owner", "type": "user", "label": "联系人"},
    ]
}


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (20, 90, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def menu(db) -> CatalogCategory:
    return CatalogCategory.objects.create(name="检验系统", code="lab-systems", sort_order=1)


@pytest.fixture
def lab_form(admin_user) -> Form:
    form = form_save(form=Form(code="lab-fault", name="检验仪器故障", draft_schema=LAB_FORM))
    form_publish(form=form, actor=admin_user)
    return form


@pytest.fixture
def lab_item(menu, lab_form, department_lab) -> CatalogItem:
    item = CatalogItem(
        code="lab-instrument",
        name="检验仪器联机故障",
        kind="incident",
        category=menu,
        form=lab_form,
        keywords="LIS 联机 仪器",
    )
    return item_save(item=item, departments=[department_lab])


@pytest.fixture
def open_item(menu) -> CatalogItem:
    return item_save(item=CatalogItem(code="password", name="密码重置", category=menu))


def good_answers() -> dict:
    return {"instrument": "bc", "lis_down": "no", "samples": 12, "items": [{"name": "血常规"}]}


# --- menus and visibility -------------------------------------------------------------------


def test_each_department_sees_its_own_menu(client_for, nurse_li, outsider, lab_item, open_item):
    lab_menu = client_for(outsider).get("/api/v1/catalog/menu/").json()
    outpatient_menu = client_for(nurse_li).get("/api/v1/catalog/menu/").json()
    names = lambda menu: [i["name"] for c in menu["categories"] for i in c["items"]]  # noqa: E731
    assert names(lab_menu) == ["检验仪器联机故障", "密码重置"]
    assert names(outpatient_menu) == ["密码重置"]
    # The item is not there for 门诊 even by id: not listed, not readable, not submittable.
    nurse = client_for(nurse_li)
    assert nurse.get(f"/api/v1/catalog/items/{lab_item.pk}/").status_code == 404
    # Requesters read an item without its administration fields.
    short = client_for(outsider).get(f"/api/v1/catalog/items/{lab_item.pk}/").json()
    assert "departments" not in short and "assignment_group" not in short
    assert short["category_name"] == "检验系统" and short["has_form"] is True
    assert [i["id"] for i in nurse.get("/api/v1/catalog/items/").json()] == [open_item.pk]
    answer = nurse.post(
        "/api/v1/tickets/",
        {"catalog_item": lab_item.pk, "form_data": good_answers()},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["catalog_item"] == ["该服务项已停用或对报修人不可见"]


def test_a_campus_covers_its_departments_and_roles_narrow_further(
    client_for, outsider, nurse_li, agent_chen, campus, menu
):
    other_campus = DepartmentFactory(name="东院区", code="EAST")
    item_save(item=CatalogItem(code="hq", name="总院区专用", category=menu), departments=[campus])
    item_save(
        item=CatalogItem(code="east", name="东院区专用", category=menu), departments=[other_campus]
    )
    item_save(item=CatalogItem(code="agents", name="坐席专用", category=menu, roles=["agent"]))
    lab = [i["code"] for i in client_for(outsider).get("/api/v1/catalog/items/").json()]
    assert lab == ["hq"]
    # IT staff see every item (they submit for others); their own menu follows the rules.
    staff = client_for(agent_chen)
    assert len(staff.get("/api/v1/catalog/items/").json()) == 3
    own = staff.get("/api/v1/catalog/menu/").json()
    # (陈工 belongs to no department, so department-limited items are not in his own menu.)
    assert [i["code"] for c in own["categories"] for i in c["items"]] == ["agents"]
    for_nurse = staff.get(f"/api/v1/catalog/menu/?for_user={nurse_li.pk}").json()
    assert [i["code"] for c in for_nurse["categories"] for i in c["items"]] == ["hq"]
    # A requester may not look at someone else's menu.
    assert (
        client_for(nurse_li).get(f"/api/v1/catalog/menu/?for_user={outsider.pk}").status_code == 404
    )


def test_disabled_items_and_menus_disappear(client_for, outsider, lab_item, menu):
    lab_item.is_active = False
    lab_item.save()
    assert client_for(outsider).get("/api/v1/catalog/menu/").json()["categories"] == []
    lab_item.is_active = True
    lab_item.save()
    menu.is_active = False
    menu.save()
    assert client_for(outsider).get("/api/v1/catalog/menu/").json()["categories"] == []


def test_search_favourites_and_frequently_used(client_for, outsider, lab_item, open_item):
    client = client_for(outsider)
    found = client.get("/api/v1/catalog/menu/?q=联机").json()
    assert [i["id"] for c in found["categories"] for i in c["items"]] == [lab_item.pk]
    assert client.post(f"/api/v1/catalog/items/{open_item.pk}/favourite/").status_code == 204
    assert client.post(f"/api/v1/catalog/items/{open_item.pk}/favourite/").status_code == 204
    menu = client.get("/api/v1/catalog/menu/").json()
    assert [i["id"] for i in menu["favourites"]] == [open_item.pk]
    for _ in range(2):
        client.post(
            "/api/v1/tickets/",
            {"catalog_item": lab_item.pk, "form_data": good_answers()},
            format="json",
        )
    client.post("/api/v1/tickets/", {"catalog_item": open_item.pk}, format="json")
    menu = client.get("/api/v1/catalog/menu/").json()
    assert [i["id"] for i in menu["frequent"]] == [lab_item.pk, open_item.pk]
    assert client.delete(f"/api/v1/catalog/items/{open_item.pk}/favourite/").status_code == 204
    assert client.get("/api/v1/catalog/menu/").json()["favourites"] == []


# --- submitting ---------------------------------------------------------------------------


def test_a_lab_user_submits_and_the_agent_reads_the_structured_answers(
    client_for, outsider, agent_chen, lab_item
):
    answers = {**good_answers(), "owner": outsider.pk}
    created = client_for(outsider).post(
        "/api/v1/tickets/", {"catalog_item": lab_item.pk, "form_data": answers}, format="json"
    )
    assert created.status_code == 201, created.json()
    ticket = Ticket.objects.get(pk=created.json()["id"])
    assert ticket.kind == "incident"  # the item decides
    assert ticket.title == "检验仪器联机故障"
    assert ticket.form_version.version == 1
    assert ticket.form_data == answers
    detail = client_for(agent_chen).get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert detail["catalog_item"] == {
        "id": lab_item.pk,
        "code": "lab-instrument",
        "name": lab_item.name,
    }
    assert detail["form_version"]["version"] == 1
    shown = {row["label"]: row for row in detail["form_answers"]}
    assert shown["检验仪器"]["text"] == "血球仪"
    assert shown["积压标本"]["text"] == "12 份"
    assert shown["受影响项目"]["table"]["rows"] == [["血常规", ""]]
    assert shown["联系人"]["text"] == "检验科技师"


def test_a_forged_submission_is_refused_and_nothing_is_written(client_for, outsider, lab_item):
    before = Ticket.objects.count()
    answer = client_for(outsider).post(
        "/api/v1/tickets/",
        {
            "catalog_item": lab_item.pk,
            "form_data": {
                "instrument": "xray",  # not in the list
                "lis_down": "yes",
                "samples": 3,  # hidden while LIS works
                "items": [{"name": "血常规", "count": "many"}],  # wrong type
                "owner": 999999,  # nobody
                "note": "x",  # not in the form
            },
        },
        format="json",
    )
    assert answer.status_code == 400
    fields = answer.json()["error"]["fields"]
    assert fields == {
        "form_data.instrument": ["“xray”不是可选项"],
        "form_data.samples": ["该字段当前不显示，不应填写"],
        "form_data.items.0.count": ["请输入数字"],
        "form_data.owner": ["所选项不存在或不可选"],
        "form_data.note": ["表单中没有这个字段"],
    }
    assert Ticket.objects.count() == before
    missing = client_for(outsider).post(
        "/api/v1/tickets/", {"catalog_item": lab_item.pk, "form_data": {}}, format="json"
    )
    assert missing.json()["error"]["fields"] == {"form_data.instrument": ["请填写此项"]}
    not_object = client_for(outsider).post(
        "/api/v1/tickets/", {"catalog_item": lab_item.pk, "form_data": [1]}, format="json"
    )
    assert not_object.json()["error"]["fields"] == {"form_data": ["表单数据须为对象"]}


def test_form_files_are_uploaded_with_the_ticket_as_multipart(client_for, outsider, lab_item):
    client = client_for(outsider)
    answer = client.post(
        "/api/v1/tickets/",
        {
            "catalog_item": lab_item.pk,
            "form_data": json.dumps(good_answers()),
            "form_files.screen": [
                SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg"),
                SimpleUploadedFile("b.jpg", jpeg(), content_type="image/jpeg"),
            ],
        },
        format="multipart",
    )
    assert answer.status_code == 201, answer.json()
    ticket = Ticket.objects.get(pk=answer.json()["id"])
    ids = ticket.form_data["screen"]
    assert len(ids) == 2
    assert set(Attachment.objects.filter(ticket=ticket).values_list("pk", flat=True)) == set(ids)
    before = Attachment.objects.count()
    refused = client.post(
        "/api/v1/tickets/",
        {
            "catalog_item": lab_item.pk,
            "form_data": json.dumps(good_answers()),
            "form_files.screen": [
                SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n", content_type="image/jpeg")
            ],
        },
        format="multipart",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"form_data.screen": ["这里只能上传图片"]}
    assert Attachment.objects.count() == before
    unknown = client.post(
        "/api/v1/tickets/",
        {
            "catalog_item": lab_item.pk,
            "form_data": json.dumps(good_answers()),
            "form_files.owner": [SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg")],
        },
        format="multipart",
    )
    assert unknown.json()["error"]["fields"] == {"form_data.owner": ["该字段不接受文件"]}


def test_tickets_keep_the_form_version_they_were_submitted_with(
    client_for, admin_user, outsider, lab_item, lab_form
):
    first = ticket_create(
        requester=outsider,
        submitted_by=outsider,
        kind="incident",
        title="",
        catalog_item=lab_item,
        form_data=good_answers(),
    )
    admin = client_for(admin_user)
    schema = json.loads(json.dumps(LAB_FORM))
    schema["fields"][0]["label"] = "仪器名称"
    schema["fields"][0]["options"].append({"value": "coag", "label": "凝血仪"})
    assert (
        admin.patch(
            f"/api/v1/catalog/forms/{lab_form.pk}/", {"draft_schema": schema}, format="json"
        ).status_code
        == 200
    )
    published = admin.post(f"/api/v1/catalog/forms/{lab_form.pk}/publish/", {"note": "加凝血仪"})
    assert published.status_code == 201
    assert published.json()["version"] == 2
    again = admin.post(f"/api/v1/catalog/forms/{lab_form.pk}/publish/", {})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "unchanged_form"
    second = ticket_create(
        requester=outsider,
        submitted_by=outsider,
        kind="incident",
        title="",
        catalog_item=lab_item,
        form_data={**good_answers(), "instrument": "coag"},
    )
    assert (first.form_version.version, second.form_version.version) == (1, 2)
    old = client_for(admin_user).get(f"/api/v1/tickets/{first.pk}/").json()
    assert old["form_answers"][0] == {
        "key": "instrument",
        "label": "检验仪器",
        "type": "select",
        "text": "血球仪",
    }
    versions = admin.get(f"/api/v1/catalog/forms/{lab_form.pk}/versions/").json()
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[0]["note"] == "加凝血仪" and versions[0]["published_by_name"] == "管理员"
    assert FormVersion.objects.get(form=lab_form, version=1).schema == LAB_FORM


def test_the_designer_saves_drafts_and_checks_answers(client_for, admin_user, manager_zhao):
    admin = client_for(admin_user)
    created = admin.post(
        "/api/v1/catalog/forms/", {"code": "vpn", "name": "VPN 申请"}, format="json"
    )
    assert created.status_code == 201
    form_id = created.json()["id"]
    assert created.json()["draft_schema"] == {"fields": []}
    empty = admin.post(f"/api/v1/catalog/forms/{form_id}/publish/", {})
    assert empty.json()["error"]["code"] == "empty_form"
    bad = admin.patch(
        f"/api/v1/catalog/forms/{form_id}/",
        {"draft_schema": {"fields": [{"key": "x", "type": "select", "label": "选"}]}},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {
        "draft_schema.fields.0.options": ["请至少添加一个选项"]
    }
    admin.patch(f"/api/v1/catalog/forms/{form_id}/", {"draft_schema": LAB_FORM}, format="json")
    checked = admin.post(
        f"/api/v1/catalog/forms/{form_id}/check/", {"data": {"lis_down": "no"}}, format="json"
    ).json()
    assert checked["valid"] is False
    assert checked["errors"] == {"instrument": ["请填写此项"], "samples": ["请填写此项"]}
    ok = admin.post(
        f"/api/v1/catalog/forms/{form_id}/check/", {"data": good_answers()}, format="json"
    ).json()
    assert ok == {"valid": True, "errors": {}, "cleaned": good_answers()}
    # The IT manager may look at forms, not change them.
    manager = client_for(manager_zhao)
    assert manager.get("/api/v1/catalog/forms/").status_code == 200
    assert manager.post(f"/api/v1/catalog/forms/{form_id}/publish/", {}).status_code == 403
    assert manager.patch(f"/api/v1/catalog/forms/{form_id}/", {"name": "x"}).status_code == 403


def test_only_admins_define_the_catalog(client_for, nurse_li, agent_chen, admin_user, menu):
    payload = {"code": "new", "name": "新服务", "category": menu.pk, "kind": "request"}
    assert client_for(nurse_li).post("/api/v1/catalog/items/", payload).status_code == 403
    assert client_for(agent_chen).post("/api/v1/catalog/items/", payload).status_code == 403
    assert client_for(nurse_li).get("/api/v1/catalog/forms/").status_code == 403
    assert (
        client_for(nurse_li)
        .post("/api/v1/catalog/categories/", {"code": "x", "name": "x"})
        .status_code
        == 403
    )
    assert client_for(nurse_li).get("/api/v1/catalog/categories/").status_code == 200
    created = client_for(admin_user).post(
        "/api/v1/catalog/items/", {**payload, "roles": ["doctor"]}, format="json"
    )
    assert created.status_code == 400
    assert list(created.json()["error"]["fields"]) == ["roles.0"]


def test_items_link_only_obashi_business_data_and_application_cis(client_for, admin_user, menu):
    server_class = CIClass.objects.get(code="physical_server")
    server = ConfigurationItem.objects.create(ci_class=server_class, name="HIS-DB01", code="S1")
    answer = client_for(admin_user).post(
        "/api/v1/catalog/items/",
        {"code": "x", "name": "x", "category": menu.pk, "configuration_items": [server.pk]},
        format="json",
    )
    assert answer.status_code == 400
    assert "configuration_items" in answer.json()["error"]["fields"]


def test_an_item_in_use_is_disabled_not_deleted(client_for, admin_user, outsider, lab_item):
    ticket_create(
        requester=outsider,
        submitted_by=outsider,
        kind="incident",
        title="",
        catalog_item=lab_item,
        form_data=good_answers(),
    )
    answer = client_for(admin_user).delete(f"/api/v1/catalog/items/{lab_item.pk}/")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "item_in_use"


# --- NFR and PBA -----------------------------------------------------------------------------


def application(name: str) -> ConfigurationItem:
    return ConfigurationItem.objects.create(
        ci_class=CIClass.objects.get(code="application"), name=name, code=name
    )


def test_nfr_records_are_typed_and_summed(client_for, admin_user, agent_chen, nurse_li):
    admin = client_for(admin_user)
    rows = [
        ("HIS", 3200, 800, "1200.50", "3300", "100"),
        ("EMR", 2800, 600, "800", "2200.25", "50.5"),
        ("PACS", 400, None, "20480", "56000", "1000"),
    ]
    for name, accounts, concurrent, yearly, daily, bandwidth in rows:
        answer = admin.post(
            "/api/v1/catalog/nfr/",
            {
                "application": application(name).pk,
                "system_accounts": accounts,
                "concurrent_accounts": concurrent,
                "yearly_storage_gb": yearly,
                "daily_growth_mb": daily,
                "bandwidth_mbps": bandwidth,
            },
            format="json",
        )
        assert answer.status_code == 201, answer.json()
    totals = client_for(agent_chen).get("/api/v1/catalog/nfr/totals/").json()
    assert totals["applications"] == 3
    assert totals["recorded"]["concurrent_accounts"] == 2
    assert totals["totals"]["system_accounts"] == 6400
    assert totals["totals"]["concurrent_accounts"] == 1400
    assert float(totals["totals"]["yearly_storage_gb"]) == 22480.5
    assert float(totals["totals"]["daily_growth_mb"]) == 61500.25
    assert float(totals["totals"]["bandwidth_mbps"]) == 1150.5
    negative = admin.post(
        "/api/v1/catalog/nfr/",
        {"application": application("OA").pk, "yearly_storage_gb": "-1"},
        format="json",
    )
    assert negative.status_code == 400
    server = ConfigurationItem.objects.create(
        ci_class=CIClass.objects.get(code="physical_server"), name="S", code="S"
    )
    wrong = admin.post("/api/v1/catalog/nfr/", {"application": server.pk}, format="json")
    assert wrong.status_code == 400
    assert client_for(nurse_li).get("/api/v1/catalog/nfr/").status_code == 403
    assert client_for(nurse_li).get("/api/v1/catalog/nfr/totals/").status_code == 403


def test_a_pattern_of_business_activity_is_structured(
    client_for, admin_user, department_outpatient
):
    activity = ConfigurationItem.objects.create(
        ci_class=CIClass.objects.get(code="business_activity"), name="门诊挂号", code="A1"
    )
    his = application("HIS")
    admin = client_for(admin_user)
    bad = admin.post(
        "/api/v1/catalog/patterns/",
        {
            "code": "outpatient",
            "name": "门诊业务",
            "schedule": {"mon": ["17:30-07:30"]},
            "peaks": [{"days": ["mon"], "start": "10:00", "end": "08:00"}],
            "activities": [his.pk],
            "stakeholders": [{"role": "owner"}],
        },
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {
        "schedule.mon",
        "peaks.0.end",
        "activities",
        "stakeholders.0",
    }
    good = admin.post(
        "/api/v1/catalog/patterns/",
        {
            "code": "outpatient",
            "name": "门诊业务",
            "schedule": {d: ["07:30-12:00", "13:30-17:30"] for d in ("mon", "tue", "wed")},
            "peaks": [
                {"days": ["mon", "tue"], "start": "08:00", "end": "10:00", "note": "挂号高峰"}
            ],
            "holidays_closed": True,
            "peak_concurrent_users": 600,
            "activities": [activity.pk],
            "applications": [his.pk],
            "stakeholders": [
                {"role": "owner", "department": department_outpatient.pk, "name": "门诊部主任"},
                {"role": "vendor", "name": "厂商驻场", "phone": "13800000000"},
            ],
        },
        format="json",
    )
    assert good.status_code == 201, good.json()
    body = good.json()
    assert body["schedule"]["sun"] == [] and body["schedule"]["mon"] == [
        "07:30-12:00",
        "13:30-17:30",
    ]
    assert [s["role"] for s in body["stakeholders"]] == ["owner", "vendor"]
    assert body["stakeholders"][0]["department_name"] == "门诊部"
    assert [a["name"] for a in body["activity_items"]] == ["门诊挂号"]
    listed = admin.get(f"/api/v1/catalog/patterns/?application={his.pk}").json()
    assert [p["code"] for p in listed] == ["outpatient"]


# --- OBASHI statistics ------------------------------------------------------------------------


def test_obashi_statistics_match_a_hand_count(client_for, manager_zhao, nurse_li, menu):
    layer_class = {c.code: c for c in CIClass.objects.all()}
    registration = ConfigurationItem.objects.create(
        ci_class=layer_class["business_activity"], name="门诊挂号", code="A-REG"
    )
    orders = ConfigurationItem.objects.create(
        ci_class=layer_class["business_activity"], name="医嘱录入", code="A-ORD"
    )
    record = ConfigurationItem.objects.create(
        ci_class=layer_class["business_data"], name="挂号记录", code="D-REG"
    )
    his = application("HIS")
    server = ConfigurationItem.objects.create(
        ci_class=layer_class["physical_server"], name="S1", code="S1"
    )
    register = item_save(
        item=CatalogItem(code="reg", name="挂号系统问题", category=menu),
        configuration_items=[registration, record, his],
    )
    order_item = item_save(
        item=CatalogItem(code="ord", name="医嘱问题", category=menu),
        configuration_items=[orders, his],
    )

    def ticket(item, when, cis=()):
        created = ticket_create(
            requester=nurse_li,
            submitted_by=nurse_li,
            kind="request",
            title="t",
            catalog_item=item,
            configuration_items=list(cis),
        )
        Ticket.objects.filter(pk=created.pk).update(created_at=when)

    tz = timezone.get_current_timezone()
    october = dt.datetime(2026, 10, 15, 9, tzinfo=tz)
    november = dt.datetime(2026, 11, 3, 9, tzinfo=tz)
    # Hand count — October: 2 registration tickets, 1 order ticket; November: 1 each.
    ticket(register, october)
    ticket(register, october, cis=[his, server])  # HIS twice for one ticket: counted once
    ticket(order_item, october)
    ticket(register, november)
    ticket(order_item, november)
    ticket(None, november, cis=[his])  # no item, HIS linked directly
    ticket(register, dt.datetime(2026, 9, 30, 23, 30, tzinfo=tz))  # outside the range

    answer = client_for(manager_zhao).get("/api/v1/catalog/stats/?from=2026-10&to=2026-11")
    assert answer.status_code == 200
    stats = answer.json()
    assert stats["months"] == ["2026-10", "2026-11"]
    by_name = {
        layer: {row["name"]: (row["total"], row["by_month"]) for row in rows}
        for layer, rows in stats["layers"].items()
    }
    assert by_name["business"] == {"门诊挂号": (3, [2, 1]), "医嘱录入": (2, [1, 1])}
    assert by_name["data"] == {"挂号记录": (3, [2, 1])}
    assert by_name["application"] == {"HIS": (6, [3, 3])}
    # Every month of the range is there, with or without tickets.
    longer = client_for(manager_zhao).get("/api/v1/catalog/stats/?from=2026-09&to=2026-12").json()
    assert longer["months"] == ["2026-09", "2026-10", "2026-11", "2026-12"]
    assert {r["name"]: r["by_month"] for r in longer["layers"]["business"]}["门诊挂号"] == [
        1,
        2,
        1,
        0,
    ]
    assert [r["name"] for r in stats["layers"]["business"]] == ["门诊挂号", "医嘱录入"]
    assert client_for(nurse_li).get("/api/v1/catalog/stats/").status_code == 403
    bad = client_for(manager_zhao).get("/api/v1/catalog/stats/?from=2026-13")
    assert bad.status_code == 400


# --- before submitting: expected times and the information assistant -------------------------


def test_the_item_promises_its_own_standard_times(client_for, outsider, lab_item):
    calendar = BusinessCalendar.objects.get(code="7x24")
    policy = SlaPolicy.objects.create(
        code="lab", name="检验仪器服务标准", order=1, calendar=calendar
    )
    policy.catalog_items.add(lab_item)
    priority = 4  # the item's defaults: impact low × urgency medium
    SlaTarget.objects.create(
        policy=policy, priority=priority, response_minutes=10, resolution_minutes=120
    )
    answer = client_for(outsider).get(f"/api/v1/catalog/items/{lab_item.pk}/expectations/")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["policy_name"] == "检验仪器服务标准"
    assert (body["priority"], body["response_minutes"], body["resolution_minutes"]) == (4, 10, 120)
    assert body["calendar_name"] == "7×24 全天候"
    # The ticket gets the same promise.
    created = ticket_create(
        requester=outsider,
        submitted_by=outsider,
        kind="incident",
        title="",
        catalog_item=lab_item,
        form_data=good_answers(),
    )
    created.refresh_from_db()
    minutes = (created.resolution_due_at - created.created_at).total_seconds() / 60
    assert round(minutes) == 120
    bad = client_for(outsider).get(f"/api/v1/catalog/items/{lab_item.pk}/expectations/?impact=9")
    assert bad.status_code == 400


def test_the_information_assistant_counts_handlers_and_experience(
    client_for, outsider, agent_chen, engineer_wang, lab_item
):
    for note in ("重启仪器接口服务", "更换串口线"):
        ticket = ticket_create(
            requester=outsider,
            submitted_by=outsider,
            kind="incident",
            title="",
            catalog_item=lab_item,
            form_data=good_answers(),
        )
        Ticket.objects.filter(pk=ticket.pk).update(assignee=engineer_wang, status="in_progress")
        ticket.refresh_from_db()
        ticket_resolve(ticket=ticket, actor=engineer_wang, code="fixed", notes=note)
    staff = client_for(agent_chen).get(f"/api/v1/catalog/items/{lab_item.pk}/assistant/").json()
    assert (staff["total"], staff["resolved"]) == (2, 2)
    assert staff["handlers"] == [{"user_id": engineer_wang.pk, "name": "王工", "count": 2}]
    assert {r["resolution_notes"] for r in staff["recent_resolutions"]} == {
        "重启仪器接口服务",
        "更换串口线",
    }
    requester = client_for(outsider).get(f"/api/v1/catalog/items/{lab_item.pk}/assistant/").json()
    assert requester["total"] == 2
    assert requester["handlers"] == [] and requester["recent_resolutions"] == []


def test_form_pickers_offer_people_departments_and_cis(client_for, nurse_li, department_lab):
    UserFactory(username="doc_wang", display_name="王医生", roles=[Role.REQUESTER])
    application("LIS")
    client = client_for(nurse_li)
    users = client.get("/api/v1/catalog/options/?source=users&q=王医").json()
    assert [u["label"] for u in users] == ["王医生"]
    departments = client.get("/api/v1/catalog/options/?source=departments&q=检验").json()
    assert [d["value"] for d in departments] == [department_lab.pk]
    cis = client.get("/api/v1/catalog/options/?source=cis&ci_class=application&q=LIS").json()
    assert [c["label"] for c in cis] == ["LIS"]
    assert client.get("/api/v1/catalog/options/?source=passwords").status_code == 400


def test_catalog_endpoints_refuse_an_expired_password(client_for, nurse_li, open_item):
    nurse_li.must_change_password = True
    nurse_li.save()
    client = client_for(nurse_li)
    for url in (
        "/api/v1/catalog/menu/",
        "/api/v1/catalog/options/?source=users",
        f"/api/v1/catalog/items/{open_item.pk}/expectations/",
        f"/api/v1/catalog/items/{open_item.pk}/assistant/",
        "/api/v1/workflow/tasks/",
        "/api/v1/workflow/actions/",
    ):
        answer = client.get(url)
        assert answer.status_code == 403, url
        assert answer.json()["error"]["code"] == "auth.password_expired", url
