"""A person's mobile number in the user directory (docs/admin/security.md): full for the person,
administrators and the security officer; masked for the other IT staff who look people up."""

from __future__ import annotations

import pytest

URL = "/api/v1/users/"
MOBILE = "13912345678"


@pytest.fixture
def nurse(nurse_li):
    nurse_li.mobile = MOBILE
    nurse_li.phone_ext = "8021"
    nurse_li.save(update_fields=["mobile", "phone_ext"])
    return nurse_li


def _listed(client, user):
    rows = client.get(URL, {"search": user.username}).json()["results"]
    return next(r for r in rows if r["id"] == user.pk)


@pytest.mark.parametrize("viewer", ["admin_user", "security_qian"])
def test_admins_and_the_security_officer_see_the_full_number(viewer, nurse, client_for, request):
    client = client_for(request.getfixturevalue(viewer))
    assert _listed(client, nurse)["mobile"] == MOBILE
    assert client.get(f"{URL}{nurse.pk}/").json()["mobile"] == MOBILE


@pytest.mark.parametrize("viewer", ["agent_chen", "engineer_wang", "manager_zhao"])
def test_other_it_staff_see_it_masked(viewer, nurse, client_for, request):
    client = client_for(request.getfixturevalue(viewer))
    listed = _listed(client, nurse)
    assert listed["mobile"] == "139****5678"
    assert listed["phone_ext"] == "8021"  # the phone book's extension stays readable
    detail = client.get(f"{URL}{nurse.pk}/")
    assert detail.json()["mobile"] == "139****5678"
    assert MOBILE not in detail.content.decode()


def test_the_person_sees_their_own_number(nurse, client_for):
    assert client_for(nurse).get(f"{URL}{nurse.pk}/").json()["mobile"] == MOBILE


def test_the_change_log_of_a_user_keeps_the_number_masked(nurse, admin_user, client_for):
    from hitsm.core.models import ChangeLog

    response = client_for(admin_user).patch(
        f"{URL}{nurse.pk}/", {"mobile": "13700001111"}, format="json"
    )
    assert response.status_code == 200
    rows = ChangeLog.objects.filter(content_type__model="user", object_id=str(nurse.pk))
    row = next(r for r in rows.order_by("-id") if "mobile" in (r.changed_fields or []))
    assert (row.before["mobile"], row.after["mobile"]) == ("139****5678", "137****1111")
