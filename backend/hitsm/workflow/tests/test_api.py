"""Processes through the API: draw (save XML), validate, publish, inbox, complete, viewer."""

from __future__ import annotations

from hitsm.servicedesk.services import ticket_create
from hitsm.workflow.tests import bpmn


def test_an_admin_draws_validates_and_publishes(client_for, admin_user, agent_chen, nurse_li, item):
    admin = client_for(admin_user)
    created = admin.post(
        "/api/v1/workflow/definitions/",
        {
            "code": "triage",
            "name": "故障分诊",
            "draft_xml": bpmn.triage_process().replace(' default="f4"', ""),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    checked = admin.post(f"/api/v1/workflow/definitions/{pk}/validate/").json()
    assert checked["valid"] is False
    assert checked["problems"] == [
        {"element": "级别（gw）", "message": "排他网关须设置默认流向"},
        {"element": "f4", "message": "非默认流向须设置条件"},
    ]
    refused = admin.post(f"/api/v1/workflow/definitions/{pk}/publish/", {})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "bpmn_rejected"
    fixed = admin.patch(
        f"/api/v1/workflow/definitions/{pk}/",
        {"draft_xml": bpmn.triage_process(), "catalog_items": [item.pk]},
        format="json",
    )
    assert fixed.status_code == 200
    assert admin.post(f"/api/v1/workflow/definitions/{pk}/validate/").json()["valid"] is True
    published = admin.post(f"/api/v1/workflow/definitions/{pk}/publish/", {"note": "首版"})
    assert published.status_code == 201
    assert published.json()["version"] == 1
    assert admin.post(f"/api/v1/workflow/definitions/{pk}/publish/", {}).status_code == 409
    assert [
        v["version"] for v in admin.get(f"/api/v1/workflow/definitions/{pk}/versions/").json()
    ] == [1]
    # Others may look (IT staff) or not at all (requesters); only admins change.
    assert client_for(agent_chen).get("/api/v1/workflow/definitions/").status_code == 200
    assert (
        client_for(agent_chen).post(f"/api/v1/workflow/definitions/{pk}/publish/", {}).status_code
        == 403
    )
    assert client_for(nurse_li).get("/api/v1/workflow/definitions/").status_code == 403
    actions = client_for(admin_user).get("/api/v1/workflow/actions/").json()
    assert {"ticket_note", "ticket_assign_group", "set_variable"} <= {a["name"] for a in actions}


def test_the_inbox_the_completion_and_the_viewer(
    client_for, admin_user, agent_chen, nurse_li, outsider, item
):
    admin = client_for(admin_user)
    pk = admin.post(
        "/api/v1/workflow/definitions/",
        {
            "code": "triage",
            "name": "故障分诊",
            "draft_xml": bpmn.triage_process(),
            "catalog_items": [item.pk],
        },
        format="json",
    ).json()["id"]
    admin.post(f"/api/v1/workflow/definitions/{pk}/publish/", {})
    ticket = ticket_create(
        requester=nurse_li,
        submitted_by=nurse_li,
        kind="incident",
        title="t",
        catalog_item=item,
        form_data={"level": "high"},
    )
    agent = client_for(agent_chen)
    inbox = agent.get("/api/v1/workflow/tasks/").json()["results"]
    assert [(t["name"], t["subject_id"], t["process_name"]) for t in inbox] == [
        ("分诊", ticket.pk, "故障分诊")
    ]
    assert inbox[0]["subject_label"] == f"{ticket.number} t"
    task_id = inbox[0]["id"]
    assert client_for(nurse_li).get("/api/v1/workflow/tasks/").json()["results"] == []
    assert (
        client_for(nurse_li).post(f"/api/v1/workflow/tasks/{task_id}/complete/", {}).status_code
        == 404
    )
    done = agent.post(
        f"/api/v1/workflow/tasks/{task_id}/complete/", {"comment": "转工程师"}, format="json"
    )
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "completed"
    viewer = agent.get(
        f"/api/v1/workflow/instances/?subject_type=ticket&subject_id={ticket.pk}"
    ).json()
    assert viewer[0]["trail"]["current"] == ["fix"]
    assert {"start", "triage", "gw"} <= set(viewer[0]["trail"]["completed"])
    assert "<bpmn:process" in viewer[0]["xml"]
    assert [t["name"] for t in viewer[0]["tasks"]] == ["分诊", "处理"]
    # The requester sees her ticket's process; someone else's is not there for her.
    assert (
        client_for(nurse_li)
        .get(f"/api/v1/workflow/instances/?subject_type=ticket&subject_id={ticket.pk}")
        .status_code
        == 200
    )
    assert (
        client_for(outsider)
        .get(f"/api/v1/workflow/instances/?subject_type=ticket&subject_id={ticket.pk}")
        .status_code
        == 404
    )


def test_simulate_diff_and_the_raci_matrix(client_for, admin_user, agent_chen, item):
    import io

    from openpyxl import load_workbook

    admin = client_for(admin_user)
    pk = admin.post(
        "/api/v1/workflow/definitions/",
        {
            "code": "sign",
            "name": "账号审批",
            "draft_xml": bpmn.approval_process("all", "role:manager", accountable="role:manager"),
        },
        format="json",
    ).json()["id"]
    approved = admin.post(
        f"/api/v1/workflow/definitions/{pk}/simulate/", {"data": {}}, format="json"
    ).json()
    assert approved["finished"] is True
    assert [s["node_id"] for s in approved["path"] if s["kind"] != "sequenceFlow"] == [
        "start",
        "approve",
        "gw",
        "handle",
        "end",
    ]
    rejected = admin.post(
        f"/api/v1/workflow/definitions/{pk}/simulate/",
        {"data": {}, "approve": False},
        format="json",
    ).json()
    assert [s["node_id"] for s in rejected["path"]] == ["start", "approve", "gw", "end_rejected"]
    admin.post(f"/api/v1/workflow/definitions/{pk}/publish/", {})
    admin.patch(
        f"/api/v1/workflow/definitions/{pk}/",
        {"draft_xml": bpmn.approval_process("any", "role:manager dept_head")},
        format="json",
    )
    admin.post(f"/api/v1/workflow/definitions/{pk}/publish/", {})
    diff = client_for(agent_chen).get(f"/api/v1/workflow/definitions/{pk}/diff/?from=1&to=2").json()
    assert diff["added"] == [] and diff["removed"] == []
    changed = {c["node_id"]: c for c in diff["changed"]}
    assert changed["approve"]["fields"] == ["approval", "raci"]
    assert changed["approve"]["after"]["approval"] == "any"
    assert changed["handle"]["before"]["raci"]["accountable"] == ["role:manager"]
    workbook = client_for(agent_chen).get(f"/api/v1/workflow/definitions/{pk}/raci/?version=1")
    assert workbook.status_code == 200
    rows = list(load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True))
    assert rows[2][:5] == ("环节", "泳道", "审批方式", "处理时限（分钟）", "负责 R")
    assert rows[3][:5] == ("科主任审批", None, "会签", None, "角色：IT 主管")
    assert rows[4][0] == "处理" and rows[4][5] == "角色：IT 主管"
