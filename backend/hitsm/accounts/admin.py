from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from hitsm.accounts.models import ApiToken, Department, User
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
    # Roles change through the API or `manage.py hitsm_user`, which log the change and keep the
    # administrator, auditor and security officer apart (三员分立); not in this form.
    readonly_fields = ("groups", "user_permissions", "is_superuser")
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
