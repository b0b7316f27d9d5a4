from django.contrib import admin

from hitsm.catalog.models import ActivityPattern, CatalogCategory, CatalogItem, Form, NfrRecord


@admin.register(CatalogCategory)
class CatalogCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "parent", "sort_order", "is_active")


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "category", "kind", "form", "is_active")
    list_filter = ("category", "kind", "is_active")
    search_fields = ("name", "code", "keywords")


@admin.register(Form)
class FormAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "published")
    readonly_fields = ("published",)


@admin.register(NfrRecord)
class NfrRecordAdmin(admin.ModelAdmin):
    list_display = ("application", "system_accounts", "yearly_storage_gb", "bandwidth_mbps")


@admin.register(ActivityPattern)
class ActivityPatternAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "peak_concurrent_users", "daily_transactions")
