from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from hitsm.accounts.models import AssignmentGroup, Department, User
from hitsm.accounts.roles import Role
from hitsm.catalog.choices import WEEKDAYS, StakeholderRole
from hitsm.catalog.models import (
    ActivityPattern,
    CatalogCategory,
    CatalogItem,
    Category,
    Form,
    FormVersion,
    NfrRecord,
)
from hitsm.cmdb.models import ConfigurationItem


class FormAnswerSerializer(serializers.Serializer):
    """One answered field of a submitted form, as text (``FormDisplayField`` on the front end)."""

    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    type = serializers.CharField()
    text = serializers.CharField()
    attachments = serializers.ListField(child=serializers.IntegerField(), required=False)
    table = serializers.DictField(
        required=False, help_text="{columns: [{key,label}], rows: [[text]]}"
    )


class CatalogCISerializer(serializers.ModelSerializer[ConfigurationItem]):
    class_code = serializers.CharField(source="ci_class.code", read_only=True)
    class_name = serializers.CharField(source="ci_class.name", read_only=True)
    layer = serializers.CharField(source="ci_class.layer", read_only=True)

    class Meta:
        model = ConfigurationItem
        fields = ("id", "code", "name", "class_code", "class_name", "layer")


class CatalogCategorySerializer(serializers.ModelSerializer[CatalogCategory]):
    item_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = CatalogCategory
        fields = (
            "id",
            "code",
            "name",
            "parent",
            "icon",
            "description",
            "sort_order",
            "is_active",
            "item_count",
        )


class CatalogItemSerializer(serializers.ModelSerializer[CatalogItem]):
    category_name = serializers.CharField(source="category.name", read_only=True)
    departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), many=True, required=False
    )
    department_names = serializers.SerializerMethodField()
    roles = serializers.ListField(
        child=serializers.ChoiceField(Role.choices), required=False, help_text="empty: everyone"
    )
    form = serializers.PrimaryKeyRelatedField(
        queryset=Form.objects.all(), required=False, allow_null=True
    )
    form_name = serializers.CharField(source="form.name", read_only=True, default="")
    form_version = serializers.SerializerMethodField()
    ticket_category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    assignment_group = serializers.PrimaryKeyRelatedField(
        queryset=AssignmentGroup.objects.all(), required=False, allow_null=True
    )
    assignment_group_name = serializers.CharField(
        source="assignment_group.name", read_only=True, default=""
    )
    configuration_items = serializers.PrimaryKeyRelatedField(
        queryset=ConfigurationItem.objects.select_related("ci_class"), many=True, required=False
    )
    linked_cis = CatalogCISerializer(source="configuration_items", many=True, read_only=True)
    is_favourite = serializers.SerializerMethodField()

    class Meta:
        model = CatalogItem
        fields = (
            "id",
            "code",
            "name",
            "description",
            "keywords",
            "kind",
            "icon",
            "category",
            "category_name",
            "sort_order",
            "is_active",
            "departments",
            "department_names",
            "roles",
            "form",
            "form_name",
            "form_version",
            "ticket_category",
            "default_impact",
            "default_urgency",
            "assignment_group",
            "assignment_group_name",
            "approval_required",
            "configuration_items",
            "linked_cis",
            "is_favourite",
        )

    def get_department_names(self, obj: CatalogItem) -> list[str]:
        return [d.name for d in obj.departments.all()]

    def get_form_version(self, obj: CatalogItem) -> int | None:
        if obj.form_id is None or obj.form is None or obj.form.published is None:
            return None
        return obj.form.published.version

    def get_is_favourite(self, obj: CatalogItem) -> bool:
        favourites = self.context.get("favourite_ids")
        return obj.pk in favourites if favourites is not None else False


class _ItemFlags(serializers.Serializer):
    """Whether an item has a published form, and whether the user starred it (the view puts
    the user's favourites in the context)."""

    has_form = serializers.SerializerMethodField()
    is_favourite = serializers.SerializerMethodField()

    def get_has_form(self, obj: CatalogItem) -> bool:
        return bool(obj.form_id and obj.form and obj.form.published_id)

    def get_is_favourite(self, obj: CatalogItem) -> bool:
        return obj.pk in self.context.get("favourite_ids", ())


class RequesterItemSerializer(_ItemFlags, serializers.ModelSerializer[CatalogItem]):
    """An item as a requester reads it: what it is and its defaults, not who may see it or
    which group handles it (the administration fields are for IT staff)."""

    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = CatalogItem
        fields = (
            "id",
            "code",
            "name",
            "description",
            "kind",
            "icon",
            "category",
            "category_name",
            "default_impact",
            "default_urgency",
            "approval_required",
            "has_form",
            "is_favourite",
        )


class MenuItemSerializer(_ItemFlags, serializers.ModelSerializer[CatalogItem]):
    """An item as the menu shows it (no administration fields)."""

    class Meta:
        model = CatalogItem
        fields = (
            "id",
            "code",
            "name",
            "description",
            "kind",
            "icon",
            "category",
            "approval_required",
            "has_form",
            "is_favourite",
        )


class MenuCategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    icon = serializers.CharField()
    description = serializers.CharField()
    items = MenuItemSerializer(many=True)


class MenuSerializer(serializers.Serializer):
    favourites = MenuItemSerializer(many=True)
    frequent = MenuItemSerializer(many=True)
    categories = MenuCategorySerializer(many=True)


class ItemFormSerializer(serializers.Serializer):
    """The published form a submission of this item is checked against."""

    form_id = serializers.IntegerField(allow_null=True)
    version_id = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    schema = serializers.JSONField(allow_null=True, help_text="docs/catalog.md")


class FormSerializer(serializers.ModelSerializer[Form]):
    draft_schema = serializers.JSONField(required=False, help_text="docs/catalog.md")
    published_version = serializers.IntegerField(
        source="published.version", read_only=True, default=None, allow_null=True
    )
    published_at = serializers.DateTimeField(
        source="published.published_at", read_only=True, default=None, allow_null=True
    )
    item_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Form
        fields = (
            "id",
            "code",
            "name",
            "description",
            "draft_schema",
            "published_version",
            "published_at",
            "updated_at",
            "item_count",
        )
        read_only_fields = ("updated_at",)


class FormVersionSerializer(serializers.ModelSerializer[FormVersion]):
    published_by_name = serializers.SerializerMethodField()

    class Meta:
        model = FormVersion
        fields = ("id", "form", "version", "schema", "note", "published_at", "published_by_name")

    def get_published_by_name(self, obj: FormVersion) -> str:
        user = obj.published_by
        return (user.display_name or user.username) if user else ""


class PublishSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DraftCheckSerializer(serializers.Serializer):
    data = serializers.JSONField(default=dict)  # type: ignore[assignment]


class DraftCheckResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )
    cleaned = serializers.DictField()


class OptionSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]
    hint = serializers.CharField(required=False)


class NfrRecordSerializer(serializers.ModelSerializer[NfrRecord]):
    application = serializers.PrimaryKeyRelatedField(
        queryset=ConfigurationItem.objects.select_related("ci_class").filter(
            ci_class__code="application"
        )
    )
    application_name = serializers.CharField(source="application.name", read_only=True)
    application_code = serializers.CharField(source="application.code", read_only=True)

    class Meta:
        model = NfrRecord
        fields = (
            "id",
            "application",
            "application_name",
            "application_code",
            "system_accounts",
            "concurrent_accounts",
            "yearly_storage_gb",
            "daily_growth_mb",
            "bandwidth_mbps",
            "notes",
            "updated_at",
        )
        read_only_fields = ("updated_at",)


class NfrTotalsSerializer(serializers.Serializer):
    applications = serializers.IntegerField(help_text="records summed")
    recorded = serializers.DictField(
        child=serializers.IntegerField(), help_text="records per value"
    )
    totals = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)
    )


class StakeholderSerializer(serializers.Serializer):
    role = serializers.ChoiceField(StakeholderRole.choices)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    department_name = serializers.CharField(read_only=True, source="department.name", default="")
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    user_name = serializers.SerializerMethodField()
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")

    def get_user_name(self, obj: Any) -> str:
        user = obj.user if hasattr(obj, "user") else None
        return (user.display_name or user.username) if user else ""


class PeakSerializer(serializers.Serializer):
    days = serializers.ListField(child=serializers.ChoiceField(WEEKDAYS))
    start = serializers.CharField(max_length=5)
    end = serializers.CharField(max_length=5)
    note = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ActivityPatternSerializer(serializers.ModelSerializer[ActivityPattern]):
    schedule = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=11)),
        required=False,
        help_text='{"mon": ["07:30-12:00", "13:30-17:30"], …, "sun": []}',
    )
    peaks = PeakSerializer(many=True, required=False)
    activities = serializers.PrimaryKeyRelatedField(
        queryset=ConfigurationItem.objects.select_related("ci_class"), many=True, required=False
    )
    applications = serializers.PrimaryKeyRelatedField(
        queryset=ConfigurationItem.objects.select_related("ci_class"), many=True, required=False
    )
    activity_items = CatalogCISerializer(source="activities", many=True, read_only=True)
    application_items = CatalogCISerializer(source="applications", many=True, read_only=True)
    stakeholders = StakeholderSerializer(many=True, required=False)

    class Meta:
        model = ActivityPattern
        fields = (
            "id",
            "code",
            "name",
            "description",
            "schedule",
            "peaks",
            "holidays_closed",
            "peak_concurrent_users",
            "daily_transactions",
            "activities",
            "applications",
            "activity_items",
            "application_items",
            "stakeholders",
            "updated_at",
        )
        read_only_fields = ("updated_at",)

    def validate_schedule(self, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - set(WEEKDAYS)
        if unknown:
            raise serializers.ValidationError(_("未知的星期：%(d)s") % {"d": ", ".join(unknown)})
        return value
