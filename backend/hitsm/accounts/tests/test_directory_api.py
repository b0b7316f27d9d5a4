import pytest

from hitsm.accounts.models import Department
from hitsm.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_agents_look_up_users_with_department_names(agent_chen, nurse_li, client_for):
    response = client_for(agent_chen).get("/api/v1/users/", {"search": "李护士"})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["username"] == "nurse_li"
    assert row["department"]["full_name"] == "总院区 / 门诊部"
    assert row["roles"] == ["requester"]
    assert row["locked"] is False


def test_filter_by_department_includes_sub_departments(
    agent_chen, nurse_li, outsider, campus, client_for
):
    ids = {
        u["username"]
        for u in client_for(agent_chen)
        .get("/api/v1/users/", {"department": campus.pk})
        .json()["results"]
    }
    assert {"nurse_li", "outsider"} <= ids
    only = (
        client_for(agent_chen).get("/api/v1/users/", {"department": nurse_li.department_id}).json()
    )
    assert [u["username"] for u in only["results"]] == ["nurse_li"]


def test_requesters_cannot_list_users_or_read_others(nurse_li, outsider, client_for):
    client = client_for(nurse_li)
    denied = client.get("/api/v1/users/")
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "permission_denied"
    hidden = client.get(f"/api/v1/users/{outsider.pk}/")
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/users/{nurse_li.pk}/").status_code == 200


def test_an_admin_changes_roles_and_department(admin_user, nurse_li, department_lab, client_for):
    response = client_for(admin_user).patch(
        f"/api/v1/users/{nurse_li.pk}/",
        {
            "roles": [Role.REQUESTER, Role.AGENT],
            "department_id": department_lab.pk,
            "title": "护士长",
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json()["roles"] == ["agent", "requester"]
    nurse_li.refresh_from_db()
    assert nurse_li.department == department_lab and nurse_li.title == "护士长"


def test_an_agent_cannot_change_users(agent_chen, nurse_li, client_for):
    response = client_for(agent_chen).patch(f"/api/v1/users/{nurse_li.pk}/", {"title": "x"})
    assert response.status_code == 403


def test_bad_input_is_reported_per_field(admin_user, nurse_li, client_for):
    response = client_for(admin_user).patch(
        f"/api/v1/users/{nurse_li.pk}/", {"roles": ["wizard"], "email": "not-an-email"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"roles.0", "email"}


def test_admins_cannot_lock_themselves_out(admin_user, client_for):
    response = client_for(admin_user).patch(f"/api/v1/users/{admin_user.pk}/", {"is_active": False})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "accounts.self_lockout"


def test_everyone_reads_the_department_tree(nurse_li, department_lab, client_for):
    tree = client_for(nurse_li).get("/api/v1/departments/tree/").json()
    (campus,) = tree
    assert campus["name"] == "总院区"
    assert {c["name"] for c in campus["children"]} == {"门诊部", "检验科"}


def test_departments_list_counts_members(nurse_li, agent_chen, client_for):
    rows = client_for(agent_chen).get("/api/v1/departments/", {"search": "门诊"}).json()
    assert rows["results"][0]["user_count"] == 1
    assert rows["results"][0]["full_name"] == "总院区 / 门诊部"


def test_only_admins_create_departments(admin_user, nurse_li, campus, client_for):
    payload = {"name": "放射科", "code": "FSK", "kind": "department", "parent": campus.pk}
    assert client_for(nurse_li).post("/api/v1/departments/", payload).status_code == 403
    created = client_for(admin_user).post("/api/v1/departments/", payload)
    assert created.status_code == 201, created.json()
    duplicate = client_for(admin_user).post("/api/v1/departments/", payload)
    assert duplicate.status_code == 400
    assert "code" in duplicate.json()["error"]["fields"]


def test_a_department_cannot_become_its_own_ancestor(
    admin_user, campus, department_outpatient, client_for
):
    response = client_for(admin_user).patch(
        f"/api/v1/departments/{campus.pk}/", {"parent": department_outpatient.pk}
    )
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]
    assert Department.objects.get(pk=campus.pk).parent is None
