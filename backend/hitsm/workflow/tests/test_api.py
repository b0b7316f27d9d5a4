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
