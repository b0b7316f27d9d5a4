"""A backing service that is down or full answers a clear 503/507 with a stable code, never a
500 (the fault-injection suite, tests/reliability, checks the same against real outages)."""

import errno

import pytest
import redis
from django.core.files.storage import FileSystemStorage
from django.db import InterfaceError, OperationalError
from rest_framework.test import APIClient

from hitsm.accounts.authentication import ApiTokenAuthentication
from hitsm.api.tests.test_envelope import assert_envelope
from hitsm.servicedesk.models import Attachment, Ticket
from hitsm.servicedesk.tests.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("error", [OperationalError("server closed"), InterfaceError("closed")])
def test_a_database_outage_is_503_database_unavailable(monkeypatch, error):
    def down(self, request):
        raise error

    monkeypatch.setattr(ApiTokenAuthentication, "authenticate", down)
    response = token_request()
    error_body = assert_envelope(response, 503, "database_unavailable")
    assert error_body["message"] == "数据库暂时无法连接，请稍后重试；如持续出现请联系信息管理处"
    assert response["Retry-After"] == "10"


def test_a_redis_outage_is_503_service_unavailable(monkeypatch):
    def down(self, request):
        raise redis.TimeoutError("Timeout reading from socket")

    monkeypatch.setattr(ApiTokenAuthentication, "authenticate", down)
    assert_envelope(token_request(), 503, "service_unavailable")


@pytest.mark.parametrize(
    ("number", "status", "code"),
    [
        (errno.ENOSPC, 507, "storage_full"),
        (errno.EROFS, 503, "storage_unavailable"),
        (errno.EACCES, 503, "storage_unavailable"),
    ],
)
def test_an_upload_the_store_refuses_leaves_no_ticket_and_no_row(
    nurse_li, client_for, monkeypatch, number, status, code
):
    def refuse(self, name, content):
        raise OSError(number, "refused by the file system")

    monkeypatch.setattr(FileSystemStorage, "_save", refuse)
    photo = {"title": "打印机卡纸", "files": [_photo()]}
    response = client_for(nurse_li).post("/api/v1/tickets/", photo, format="multipart")
    assert_envelope(response, status, code)
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_other_os_errors_stay_server_errors(nurse_li, client_for, monkeypatch):
    def broken(self, name, content):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(FileSystemStorage, "_save", broken)
    response = client_for(nurse_li).post(
        "/api/v1/tickets/", {"title": "x", "files": [_photo()]}, format="multipart"
    )
    assert_envelope(response, 500, "server_error")


def token_request():
    """The token lookup is the first database query of an API request from an integration."""
    return APIClient().get("/api/v1/tickets/", HTTP_AUTHORIZATION="Token hitsm_abc")


def _photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
