import pytest

from hitsm.core.models import ChangeLog

pytestmark = pytest.mark.django_db


def test_audit_pages_open_for_superusers_and_cannot_be_edited(client, admin_user, campus):
    admin_user.is_superuser = admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    for url in (
        "/admin/django/core/changelog/",
        "/admin/django/accounts/loginevent/",
        "/admin/django/servicedesk/ticket/",
        "/admin/django/accounts/user/",
    ):
        assert client.get(url).status_code == 200, url
    entry = ChangeLog.objects.first()
    assert client.post(f"/admin/django/core/changelog/{entry.pk}/delete/").status_code == 403


def test_the_admin_is_closed_to_ordinary_users(client, nurse_li):
    client.force_login(nurse_li)
    response = client.get("/admin/django/core/changelog/")
    assert response.status_code == 302
