import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from hitsm.accounts.models import AssignmentGroup
from hitsm.cmdb.models import ConfigurationItem, Relation
from hitsm.core.models import ChangeLog, Job, JobStatus

from .conftest import klass, make

pytestmark = pytest.mark.django_db
ITEMS = "/api/v1/cmdb/items/"


def test_requesters_cannot_read_the_cmdb_and_agents_cannot_change_it(
    graph, client_for, nurse_li, agent_chen
):
    nurse = client_for(nurse_li)
    assert nurse.get(ITEMS).status_code == 403
    assert nurse.get(f"{ITEMS}{graph.his.pk}/").status_code == 404
    assert nurse.get(f"{ITEMS}{graph.server.pk}/impact/").status_code == 404
    agent = client_for(agent_chen)
    assert agent.get(ITEMS).json()["count"] == 12
    assert agent.get(f"{ITEMS}{graph.server.pk}/impact/").status_code == 200
    response = agent.post(ITEMS, {"ci_class": klass("printer").pk, "code": "P", "name": "P"})
    assert response.status_code == 403
    assert agent.patch(f"{ITEMS}{graph.his.pk}/", {"name": "x"}).status_code == 403
    assert agent.post("/api/v1/cmdb/classes/", {"code": "x"}).status_code == 403


def test_an_engineer_maintains_items_but_not_classes(reference, client_for, engineer_wang):
    group = AssignmentGroup.objects.create(name="系统组", code="system")
    engineer = client_for(engineer_wang)
    response = engineer.post(
        ITEMS,
        {
            "support_group": group.pk,
            "ci_class": klass("virtual_machine").pk,
            "code": "emr-app-01",
            "name": "emr-app-01 (EMR 应用服务器)",
            "clinical_critical": True,
            "attributes": {"ip_address": "10.10.1.21", "vcpu": 8, "os": "CentOS 7.9"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["ci_class"]["code"] == "virtual_machine"
    assert body["support_group"] == {"id": group.pk, "code": "system", "name": "系统组"}
    assert engineer.get(f"{ITEMS}?support_group={group.pk}").json()["count"] == 1
    assert body["attributes"] == {"ip_address": "10.10.1.21", "vcpu": 8, "os": "CentOS 7.9"}
    item_id = body["id"]
    response = engineer.patch(
        f"{ITEMS}{item_id}/",
        {"status": "maintenance", "attributes": {"ip_address": "10.10.1.22"}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["attributes"] == {"ip_address": "10.10.1.22"}
    assert engineer.post("/api/v1/cmdb/classes/", {"code": "x", "name": "x"}).status_code == 403
    # only admins and system administrators delete
    assert engineer.delete(f"{ITEMS}{item_id}/").status_code == 403


def test_bad_input_gets_field_errors_in_chinese(reference, client_for, engineer_wang):
    engineer = client_for(engineer_wang)
    response = engineer.post(
        ITEMS,
        {
            "ci_class": klass("virtual_machine").pk,
            "code": "vm-bad",
            "name": "vm-bad",
            "attributes": {"ip_address": "10.1.1.999", "vcpu": "很多"},
        },
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "cmdb.invalid_attributes"
    assert error["fields"]["attributes.ip_address"] == ["请输入有效的 IP 地址"]
    assert error["fields"]["attributes.vcpu"] == ["请输入整数"]
    assert not ConfigurationItem.objects.filter(code="vm-bad").exists()
    response = engineer.post(ITEMS, {"code": "x"}, format="json")
    assert response.status_code == 400 and "ci_class" in response.json()["error"]["fields"]


def test_relations_through_the_api(graph, client_for, engineer_wang, admin_user):
    engineer = client_for(engineer_wang)
    response = engineer.post(
        "/api/v1/cmdb/relations/",
        {"source": graph.server.pk, "target": graph.his.pk, "type": "depends_on"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "cmdb.relation_cycle"
    response = engineer.post(
        "/api/v1/cmdb/relations/",
        {"source": graph.lab_order.pk, "target": graph.his.pk, "type": "uses"},
        format="json",
    )
    assert response.status_code == 201
    relation_id = response.json()["id"]
    again = engineer.post(
        "/api/v1/cmdb/relations/",
        {"source": graph.lab_order.pk, "target": graph.his.pk, "type": "uses"},
        format="json",
    )
    assert again.status_code == 409
    listed = engineer.get(f"{ITEMS}{graph.his.pk}/relations/").json()
    assert {r["type"]["code"] for r in listed} == {"uses", "runs_on", "depends_on", "data_flow"}
    assert engineer.delete(f"/api/v1/cmdb/relations/{relation_id}/").status_code == 204
    # a data set carried by a flow cannot be deleted; retiring is the way
    admin = client_for(admin_user)
    response = admin.delete(f"{ITEMS}{graph.lab_request.pk}/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cmdb.item_in_use"
    assert admin.delete(f"{ITEMS}{graph.room.pk}/").status_code == 204
    assert not Relation.objects.filter(target_id=graph.room.pk).exists()


def test_impact_diagram_and_dependencies_endpoints(graph, client_for, agent_chen):
    agent = client_for(agent_chen)
    impact = agent.get(f"{ITEMS}{graph.vm_his.pk}/impact/").json()
    assert [a["name"] for a in impact["business_activities"]] == ["门诊挂号"]
    assert impact["departments"] == [{"id": graph.owner.owner_department_id, "name": "门诊部"}]
    chart = agent.get(f"{ITEMS}{graph.registration.pk}/diagram/?depth=1").json()
    assert {n["name"] for n in chart["nodes"]} == {"门诊挂号", "HIS", "LIS"}
    assert agent.get(f"{ITEMS}{graph.his.pk}/diagram/?direction=sideways").status_code == 400
    assert agent.get(f"{ITEMS}{graph.his.pk}/diagram/?depth=x").status_code == 400
    stack = agent.get(f"{ITEMS}{graph.registration.pk}/dependencies/").json()
    assert stack["total"] == 6


def test_history_shows_who_changed_the_item_and_its_relations(graph, client_for, engineer_wang):
    engineer = client_for(engineer_wang)
    engineer.patch(
        f"{ITEMS}{graph.vm_his.pk}/",
        {"attributes": {"ip_address": "10.1.1.99", "vcpu": 16}},
        format="json",
    )
    history = engineer.get(f"{ITEMS}{graph.vm_his.pk}/history/").json()
    latest = history[0]
    assert latest["actor_label"] == engineer_wang.username
    assert latest["actor_name"] == engineer_wang.name
    assert latest["object_type"] == "configurationitem"
    assert latest["changed_fields"] == ["attributes"]
    assert latest["before"]["attributes"] == {"ip_address": "10.1.1.10"}
    assert latest["after"]["attributes"] == {"ip_address": "10.1.1.99", "vcpu": 16}
    assert any(row["object_type"] == "relation" for row in history)
    assert ChangeLog.objects.filter(actor=engineer_wang).count() == 1


def test_export_has_a_sheet_per_class_with_its_attributes(graph, client_for, agent_chen):
    response = client_for(agent_chen).get(f"{ITEMS}export/?layer=system")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert set(book.sheetnames) == {"数据库", "虚拟机"}
    rows = list(book["虚拟机"].values)
    assert rows[0][:3] == ("类型", "编码", "名称") and "IP 地址" in rows[0]
    assert {row[1] for row in rows[1:]} == {"vm-his", "vm-lis"}
    template = client_for(agent_chen).get(f"{ITEMS}import-template/")
    assert "物理服务器" in load_workbook(io.BytesIO(template.content)).sheetnames


def _workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "虚拟机"
    sheet.append(["类型", "编码*", "名称*", "状态", "归属科室", "影响临床业务", "IP 地址", "vCPU"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_import_keeps_good_rows_and_reports_bad_ones(reference, client_for, engineer_wang):
    make("virtual_machine", "vm-old", attributes={"ip_address": "10.5.0.1"})
    rows = [
        ["virtual_machine", f"vm-{n:03d}", f"虚拟机 {n}", "在用", "", "否", f"10.6.0.{n}", 4]
        for n in range(1, 99)
    ]
    rows.insert(10, ["虚拟机", "vm-bad-ip", "坏 IP", "在用", "", "否", "10.6.0.300", 4])
    rows.insert(50, ["virtual_machine", "vm-dup", "重复 IP", "在用", "", "是", "10.5.0.1", 2])
    rows.append(["虚拟机", "vm-old", "改名了", "维护中", "", "否", "10.5.0.1", 8])
    response = client_for(engineer_wang).post(
        "/api/v1/cmdb/imports/",
        {"file": SimpleUploadedFile("cis.xlsx", _workbook(rows))},
        format="multipart",
    )
    assert response.status_code == 202, response.json()
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == JobStatus.SUCCEEDED, job.log
    assert (job.result["created"], job.result["updated"], job.result["failed"]) == (98, 1, 2)
    errors = {e["row"]: e for e in job.result["errors"]}
    assert set(errors) == {12, 52}
    assert errors[12]["code"] == "vm-bad-ip" and "IP 地址" in errors[12]["message"]
    assert "vm-old" in errors[52]["message"]
    assert ConfigurationItem.objects.filter(ci_class__code="virtual_machine").count() == 99
    old = ConfigurationItem.objects.get(code="vm-old")
    assert (old.name, old.status, old.attributes["vcpu"]) == ("改名了", "maintenance", 8)
    assert ChangeLog.objects.filter(actor=engineer_wang).count() == 99


def test_import_refuses_files_that_are_not_spreadsheets(reference, client_for, engineer_wang):
    response = client_for(engineer_wang).post(
        "/api/v1/cmdb/imports/",
        {"file": SimpleUploadedFile("cis.xlsx", b"MZ\x90\x00 not a zip")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "import.invalid_file"


def test_relations_among_a_set_of_items(graph, client_for, agent_chen):
    agent = client_for(agent_chen)
    ids = f"{graph.his.pk},{graph.vm_his.pk},{graph.db_his.pk},{graph.server.pk}"
    rows = agent.get(f"/api/v1/cmdb/relations/?among={ids}").json()["results"]
    pairs = {(r["source"]["code"], r["target"]["code"]) for r in rows}
    assert pairs == {
        ("HIS", "vm-his"),
        ("HIS", "db-his"),
        ("vm-his", "srv-01"),
        ("db-his", "srv-01"),
    }
    assert agent.get("/api/v1/cmdb/relations/?among=1,x").status_code == 400
