from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from hitsm.accounts.models import ApiToken, Department, LoginEvent, User
from hitsm.core.admin import ReadOnlyAdmin


@admin.register(User)
class HospitalUserAdmin(UserAdmin):
    list_display = (
        "username",
        "display_name",
        "employee_no",
        "department",
        "title",
        "is_active",
        "source",
        "last_login",
    )
    list_filter = ("is_active", "source", "groups", "department")
    search_fields = ("username", "display_name", "employee_no", "wecom_userid", "phone_ext")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "医院信息",
            {
                "fields": (
                    "display_name",
                    "employee_no",
                    "department",
                    "title",
                    "phone_ext",
                    "mobile",
                    "wecom_userid",
                    "source",
                    "password_changed_at",
                    "must_change_password",
                )
            },
        ),
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "head", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAdmin):
    list_display = ("time", "kind", "username", "ip_address", "detail")
    list_filter = ("kind",)
    search_fields = ("username", "ip_address")
    date_hierarchy = "time"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
