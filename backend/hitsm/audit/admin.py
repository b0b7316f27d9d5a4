"""The audit log's admin pages: read-only, and shown to auditors only (三员分立) — so to
nobody in a standard installation, where auditors are not staff and superusers are admins."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hitsm.accounts.models import LoginEvent
from hitsm.accounts.roles import can_read_audit_log
from hitsm.audit.models import AuditPurge, AuditSeal
from hitsm.core.admin import ReadOnlyAdmin
from hitsm.core.models import ChangeLog


class AuditAdmin(ReadOnlyAdmin):
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_read_audit_log(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_read_audit_log(request.user)


@admin.register(ChangeLog)
class ChangeLogAdmin(AuditAdmin):
    list_display = (
        "time",
        "actor_label",
        "ip_address",
        "action",
        "content_type",
        "object_repr",
        "changed_fields",
    )
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "actor_label", "request_id", "object_id")
    date_hierarchy = "time"


@admin.register(LoginEvent)
class LoginEventAdmin(AuditAdmin):
    list_display = ("time", "kind", "username", "ip_address", "detail")
    list_filter = ("kind",)
    search_fields = ("username", "ip_address")
    date_hierarchy = "time"


@admin.register(AuditSeal)
class AuditSealAdmin(AuditAdmin):
    list_display = ("sequence", "created_at", "changelog_count", "loginevent_count", "hash")


@admin.register(AuditPurge)
class AuditPurgeAdmin(AuditAdmin):
    list_display = ("time", "actor_label", "before", "through_sequence")
