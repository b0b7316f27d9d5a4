from django.contrib import admin

from hitsm.cmdb.models import CIClass, ConfigurationItem


@admin.register(CIClass)
class CIClassAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "layer", "sort_order")


@admin.register(ConfigurationItem)
class ConfigurationItemAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "ci_class",
        "status",
        "owner_department",
        "clinical_critical",
        "operable_from_incident",
    )
    list_filter = ("ci_class", "status", "clinical_critical")
    search_fields = ("name", "code")
