import pytest

from hitsm.accounts.models import Department
from hitsm.core.changelog import MASK
from hitsm.core.context import acting_as
from hitsm.core.models import ChangeAction, ChangeLog

pytestmark = pytest.mark.django_db


def _log_for(obj):
    return ChangeLog.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)


def test_it_records_before_and_after_with_the_request_actor(client_for, admin_user, campus):
    department = Department.objects.create(name="心内科", code="XNK", parent=campus)
    response = client_for(admin_user).patch(
        f"/api/v1/departments/{department.pk}/", {"name": "心血管内科", "phone": "8123"}
    )
    assert response.status_code == 200, response.json()
    entry = _log_for(department).get(action=ChangeAction.UPDATE)
    assert entry.actor == admin_user
    assert entry.actor_label == "admin_sys"
    assert entry.before["name"] == "心内科"
    assert entry.after["name"] == "心血管内科"
    assert entry.changed_fields == ["name", "phone"]
    assert entry.request_id


def test_it_records_create_and_delete_with_a_system_actor(campus):
    with acting_as(label="command:seed"):
        department = Department.objects.create(name="药剂科", code="YJK", parent=campus)
        pk = department.pk
        department.delete()
    actions = list(
        ChangeLog.objects.filter(object_id=str(pk), content_type__model="department")
        .order_by("id")
        .values_list("action", "actor_label", "actor_id")
    )
    assert actions == [("create", "command:seed", None), ("delete", "command:seed", None)]


def test_an_update_that_changes_nothing_writes_nothing(campus):
    campus.save()
    assert not _log_for(campus).filter(action=ChangeAction.UPDATE).exists()


def test_password_values_never_reach_the_log(nurse_li):
    nurse_li.set_password("Another@Pass2026")
    nurse_li.save(update_fields=["password"])
    entry = _log_for(nurse_li).filter(action=ChangeAction.UPDATE).latest("id")
    assert entry.changed_fields == ["password"]
    assert entry.before["password"] == MASK and entry.after["password"] == MASK
    assert "pbkdf2" not in str(entry.before) + str(entry.after)


def test_role_changes_are_logged(nurse_li):
    from hitsm.accounts.services import user_set_roles

    user_set_roles(user=nurse_li, roles=["requester", "agent"])
    entry = _log_for(nurse_li).latest("id")
    assert entry.before == {"roles": ["requester"]}
    assert entry.after == {"roles": ["agent", "requester"]}
