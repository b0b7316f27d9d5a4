from django.contrib import admin

from hitsm.core.models import ChangeLog, Heartbeat, Job


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit records are evidence: nobody edits or deletes them from the admin."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ChangeLog)
class ChangeLogAdmin(ReadOnlyAdmin):
    list_display = (
        "time",
        "actor_label",
        "action",
        "content_type",
        "object_repr",
        "changed_fields",
    )
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "actor_label", "request_id", "object_id")
    date_hierarchy = "time"


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "status", "progress", "total", "created_by", "created_at")
    list_filter = ("kind", "status")


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("name", "last_beat_at", "hostname")
