import pytest

from hitsm.core.models import ChangeLog

pytestmark = pytest.mark.django_db


def test_the_admin_pages_open_for_superusers(client, admin_user, campus):
    admin_user.is_superuser = admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    for url in ("/admin/django/servicedesk/ticket/", "/admin/django/accounts/user/"):
        assert client.get(url).status_code == 200, url


def test_superusers_cannot_read_or_delete_the_audit_log_there(client, admin_user, campus):
    """三员分立: a superuser is a platform administrator, and only auditors read the audit log
    (hitsm/audit/tests/test_api.py); audit rows cannot be deleted by anyone."""
    admin_user.is_superuser = admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    for url in (
        "/admin/django/core/changelog/",
        "/admin/django/accounts/loginevent/",
        "/admin/django/audit/auditseal/",
    ):
        assert client.get(url).status_code == 403, url
    entry = ChangeLog.objects.first()
    assert client.post(f"/admin/django/core/changelog/{entry.pk}/delete/").status_code == 403


def test_the_admin_is_closed_to_ordinary_users(client, nurse_li):
    client.force_login(nurse_li)
    response = client.get("/admin/django/core/changelog/")
    assert response.status_code == 302
