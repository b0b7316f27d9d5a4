"""The priority matrix (影响度 × 紧急度 → 优先级): read by IT staff, replaced by admins."""

import pytest

from hitsm.core.models import ChangeAction, ChangeLog
from hitsm.sla.models import PriorityMatrixCell
from hitsm.sla.selectors import DEFAULT_MATRIX, priority_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/sla/priority-matrix/"


def matrix(**changes: int) -> dict:
    """The default matrix as a PUT body, with cells changed by name: ``c33=1`` is impact 3 ×
    urgency 3 → P1."""
    cells = {f"c{i}{u}": p for (i, u), p in DEFAULT_MATRIX.items()} | changes
    return {
        "cells": [
            {"impact": int(key[1]), "urgency": int(key[2]), "priority": priority}
            for key, priority in cells.items()
        ]
    }


def test_it_staff_read_every_cell_with_its_default_and_labels(client_for, agent_chen):
    response = client_for(agent_chen).get(URL)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert len(body["cells"]) == 9
    assert [(c["impact"], c["urgency"]) for c in body["cells"]] == sorted(DEFAULT_MATRIX)
    first = body["cells"][0]
    assert first == {
        "impact": 1,
        "urgency": 1,
        "priority": 1,
        "default_priority": 1,
        "is_default": True,
        "impact_label": "高（全院/多科室）",
        "urgency_label": "高（业务中断）",
        "priority_label": "P1 紧急",
    }
    assert body["is_default"] is True and body["can_change"] is False
    assert body["updated_at"] is not None  # the migration stored the default cells


def test_requesters_may_not_read_it_and_only_admins_change_it(
    client_for, nurse_li, agent_chen, manager_zhao, admin_user
):
    assert client_for(nurse_li).get(URL).status_code == 403
    assert client_for(nurse_li).put(URL, matrix(c33=4), format="json").status_code == 403
    for user in (agent_chen, manager_zhao):
        client = client_for(user)
        assert client.get(URL).json()["can_change"] is False
        refused = client.put(URL, matrix(c33=4), format="json")
        assert refused.status_code == 403, user.username
        assert refused.json()["error"]["message"] == "只有平台管理员可以修改优先级矩阵"
        assert client.post(f"{URL}reset/").status_code == 403
    admin = client_for(admin_user)
    assert admin.get(URL).json()["can_change"] is True
    response = admin.put(URL, matrix(c33=4), format="json")
    assert response.status_code == 200, response.json()
    cell = response.json()["cells"][-1]
    assert (cell["priority"], cell["default_priority"], cell["is_default"]) == (4, 5, False)
    assert cell["priority_label"] == "P4 低"
    assert response.json()["is_default"] is False
    assert PriorityMatrixCell.objects.get(impact=3, urgency=3).priority == 4


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"cells": matrix()["cells"][:8]},
            "cells",
            "缺少影响度“低（个人）”× 紧急度“低（可以等待）”的优先级",
        ),
        (matrix(c11=0), "cells.0.priority", "优先级须为 P1 到 P5（1–5 的整数）"),
        (matrix(c12=6), "cells.1.priority", "优先级须为 P1 到 P5（1–5 的整数）"),
        (matrix(c13="P1"), "cells.2.priority", "优先级须为 P1 到 P5（1–5 的整数）"),
        (matrix(c21=2.5), "cells.3.priority", "优先级须为 P1 到 P5（1–5 的整数）"),
        (
            {"cells": [*matrix()["cells"][:8], {"impact": 1, "urgency": 1, "priority": 1}]},
            "cells",
            "影响度“高（全院/多科室）”× 紧急度“高（业务中断）”重复出现",
        ),
        (
            {"cells": [*matrix()["cells"], {"impact": 4, "urgency": 1, "priority": 1}]},
            "cells.9.impact",
            "影响度须为 1、2 或 3",
        ),
        ({}, "cells", "该字段是必填项。"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_changes(
    client_for, admin_user, body, field, message
):
    response = client_for(admin_user).put(URL, body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert message in error["fields"][field], error["fields"]
    assert {
        (c.impact, c.urgency): c.priority for c in PriorityMatrixCell.objects.all()
    } == DEFAULT_MATRIX


def test_a_new_ticket_gets_the_new_priority_at_once_and_old_tickets_keep_theirs(
    client_for, admin_user, nurse_li, agent_chen
):
    nurse = client_for(nurse_li)
    before = nurse.post(
        "/api/v1/tickets/", {"title": "打印机卡纸", "kind": "incident", "impact": 3, "urgency": 3}
    )
    assert before.status_code == 201, before.json()
    assert before.json()["priority"] == 5
    assert priority_for(impact=3, urgency=3) == 5  # cached in this process from here on

    client_for(admin_user).put(URL, matrix(c33=4, c32=2), format="json")

    assert priority_for(impact=3, urgency=3) == 4  # the change invalidated the cache
    after = nurse.post(
        "/api/v1/tickets/", {"title": "键盘失灵", "kind": "incident", "impact": 3, "urgency": 3}
    )
    assert after.json()["priority"] == 4
    old = client_for(agent_chen).get(f"/api/v1/tickets/{before.json()['id']}/").json()
    assert old["priority"] == 5  # existing tickets keep their priority …
    edited = client_for(agent_chen).patch(
        f"/api/v1/tickets/{old['id']}/", {"urgency": 2}, format="json"
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["priority"] == 2  # … until their impact or urgency is edited


def test_every_changed_cell_goes_to_the_change_log_with_the_admin(client_for, admin_user):
    client = client_for(admin_user)
    client.put(URL, matrix(c33=4, c23=3), format="json")
    rows = ChangeLog.objects.filter(content_type__model="prioritymatrixcell").order_by("id")
    changes = [(r.action, r.before["priority"], r.after["priority"], r.actor_id) for r in rows]
    assert changes == [
        (ChangeAction.UPDATE, 4, 3, admin_user.pk),
        (ChangeAction.UPDATE, 5, 4, admin_user.pk),
    ]
    assert all(r.changed_fields == ["priority"] for r in rows)


def test_reset_puts_the_default_back_and_logs_only_what_changed(client_for, admin_user):
    client = client_for(admin_user)
    client.put(URL, matrix(c11=2), format="json")
    PriorityMatrixCell.objects.filter(impact=2, urgency=2).delete()  # a cell never configured
    assert priority_for(impact=2, urgency=2) == 3  # falls back to the default
    response = client.post(f"{URL}reset/")
    assert response.status_code == 200, response.json()
    assert response.json()["is_default"] is True
    assert {
        (c.impact, c.urgency): c.priority for c in PriorityMatrixCell.objects.all()
    } == DEFAULT_MATRIX
    logged = ChangeLog.objects.filter(content_type__model="prioritymatrixcell").order_by("id")
    assert [(r.action, r.object_repr) for r in logged] == [
        (ChangeAction.UPDATE, "1×1 → P2"),
        (ChangeAction.DELETE, "2×2 → P3"),
        (ChangeAction.UPDATE, "1×1 → P1"),
        (ChangeAction.CREATE, "2×2 → P3"),
    ]
    assert priority_for(impact=1, urgency=1) == 1


def test_the_errors_follow_the_requested_language(client_for, admin_user):
    response = client_for(admin_user).put(
        URL, matrix(c11=0), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["error"]["fields"]["cells.0.priority"] == [
        "The priority must be P1 to P5 (a whole number from 1 to 5)"
    ]


def test_the_service_refuses_a_partial_matrix_or_an_unknown_priority():
    from hitsm.core.errors import ValidationFailed
    from hitsm.sla.services import priority_matrix_set

    with pytest.raises(ValidationFailed):
        priority_matrix_set(cells={(1, 1): 1})
    with pytest.raises(ValidationFailed):
        priority_matrix_set(cells={**DEFAULT_MATRIX, (3, 3): 6})
    assert priority_matrix_set(cells=DEFAULT_MATRIX) == 0
    assert not ChangeLog.objects.filter(content_type__model="prioritymatrixcell").exists()
