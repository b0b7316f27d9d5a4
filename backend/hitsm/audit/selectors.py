"""Reads of the audit log, for auditors only (三员分立: hitsm.accounts.roles)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from hitsm.accounts.models import LoginEvent
from hitsm.accounts.roles import can_read_audit_log
from hitsm.audit.models import AuditSeal
from hitsm.core.models import ChangeLog

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class AuditReader(BasePermission):
    """The auditor reads the audit log; nobody else, administrators included."""

    message = _("只有审计管理员可以查看审计日志")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_read_audit_log(request.user)


def audit_change_list() -> QuerySet[ChangeLog]:
    return ChangeLog.objects.select_related("content_type").order_by("-time", "-id")


def audit_login_list() -> QuerySet[LoginEvent]:
    return LoginEvent.objects.order_by("-time", "-id")


def audit_seal_list() -> QuerySet[AuditSeal]:
    return AuditSeal.objects.order_by("-sequence")


def content_type_label(row: Any) -> str:
    return f"{row.content_type.app_label}.{row.content_type.model}"
