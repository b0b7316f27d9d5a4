from django.contrib import admin

from hitsm.sla.models import PriorityMatrixCell, PriorityTarget


@admin.register(PriorityMatrixCell)
class PriorityMatrixCellAdmin(admin.ModelAdmin):
    list_display = ("impact", "urgency", "priority")


@admin.register(PriorityTarget)
class PriorityTargetAdmin(admin.ModelAdmin):
    list_display = ("priority", "response_minutes", "resolution_minutes")
