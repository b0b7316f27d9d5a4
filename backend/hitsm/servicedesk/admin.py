from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hitsm.servicedesk.models import AssignmentGroup, Category, RoutingRule, Ticket


@admin.register(AssignmentGroup)
class AssignmentGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "distribution", "escalation_group", "is_active")
    filter_horizontal = ("members",)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "parent", "kind", "default_group", "is_active")


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = (
        "order",
        "name",
        "kind",
        "category",
        "department",
        "keywords",
        "target_group",
        "auto_assign",
        "is_active",
    )
    list_display_links = ("name",)


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only view: tickets change only through the service desk's transitions."""

    list_display = (
        "number",
        "title",
        "status",
        "priority",
        "requester",
        "assignment_group",
        "assignee",
        "created_at",
    )
    list_filter = ("status", "kind", "priority", "channel")
    search_fields = ("number", "title")
    readonly_fields = [f.name for f in Ticket._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
