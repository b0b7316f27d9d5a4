from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hitsm.accounts.models import ApiToken, Department, User
from hitsm.accounts.navigation import navigation_for
from hitsm.accounts.roles import Role, user_roles
from hitsm.core.masking import SensitiveFieldsMixin


class DepartmentBriefSerializer(serializers.ModelSerializer[Department]):
    full_name = serializers.SerializerMethodField()

    class Meta:
        model = Department
        fields = ("id", "name", "full_name")

    def get_full_name(self, obj: Department) -> str:
        names = self.context.get("department_full_names")
        if names is not None:
            return str(names.get(obj.pk, obj.name))
        from hitsm.accounts.selectors import department_full_names

        return department_full_names().get(obj.pk, obj.name)


class UserBriefSerializer(serializers.ModelSerializer[User]):
    display_name = serializers.CharField(source="name")

    class Meta:
        model = User
        fields = ("id", "username", "display_name")


class NavItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    path = serializers.CharField()
    icon = serializers.CharField()


class MeSerializer(serializers.ModelSerializer[User]):
    display_name = serializers.CharField(source="name")
    department = DepartmentBriefSerializer(allow_null=True)
    roles = serializers.SerializerMethodField()
    navigation = serializers.SerializerMethodField()
    password_expires_at = serializers.DateTimeField(allow_null=True)
    must_change_password = serializers.SerializerMethodField()
    otp_enabled = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "display_name",
            "employee_no",
            "title",
            "phone_ext",
            "email",
            "wecom_userid",
            "department",
            "roles",
            "is_superuser",
            "navigation",
            "password_expires_at",
            "must_change_password",
            "otp_enabled",
        )

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Role.choices)))
    def get_roles(self, obj: User) -> list[str]:
        return sorted(user_roles(obj))

    @extend_schema_field(NavItemSerializer(many=True))
    def get_navigation(self, obj: User) -> list[dict[str, str]]:
        return navigation_for(obj)

    def get_must_change_password(self, obj: User) -> bool:
        return obj.password_expired()

    def get_otp_enabled(self, obj: User) -> bool:
        from django_otp import user_has_device

        return bool(user_has_device(obj, confirmed=True))


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=True)
    password = serializers.CharField(
        max_length=256, trim_whitespace=False, style={"input_type": "password"}
    )
    otp_token = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=256, trim_whitespace=False)
    new_password = serializers.CharField(max_length=256, trim_whitespace=False)


class OtpTokenSerializer(serializers.Serializer):
    otp_token = serializers.RegexField(r"^\d{6}$")


class TotpStatusSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    confirmed = serializers.BooleanField()


class TotpSetupSerializer(serializers.Serializer):
    otpauth_url = serializers.CharField()
    qr_svg = serializers.CharField()


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = (
            "id",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "is_active",
        )
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_in_days = serializers.IntegerField(required=False, min_value=1)


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = serializers.CharField(read_only=True)

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "key")  # type: ignore[assignment]
        read_only_fields = fields  # type: ignore[assignment]


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    full_name = serializers.SerializerMethodField()
    head = UserBriefSerializer(read_only=True, allow_null=True)
    head_id = serializers.PrimaryKeyRelatedField(
        source="head", queryset=User.objects.all(), write_only=True, allow_null=True, required=False
    )
    user_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Department
        fields = (
            "id",
            "name",
            "code",
            "kind",
            "parent",
            "full_name",
            "head",
            "head_id",
            "location",
            "phone",
            "wecom_department_id",
            "sort_order",
            "is_active",
            "user_count",
        )

    def get_full_name(self, obj: Department) -> str:
        names = self.context.get("department_full_names") or {}
        return str(names.get(obj.pk, obj.name))


class DepartmentTreeNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    kind = serializers.CharField()
    parent = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]
    children = serializers.ListField(child=serializers.DictField())


class UserSerializer(SensitiveFieldsMixin, serializers.ModelSerializer[User]):
    department = DepartmentBriefSerializer(read_only=True, allow_null=True)
    department_id = serializers.PrimaryKeyRelatedField(
        source="department",
        queryset=Department.objects.all(),
        write_only=True,
        allow_null=True,
        required=False,
    )
    roles = serializers.ListField(child=serializers.ChoiceField(Role.choices), required=False)
    locked = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "display_name",
            "employee_no",
            "title",
            "phone_ext",
            "mobile",
            "email",
            "wecom_userid",
            "department",
            "department_id",
            "roles",
            "is_active",
            "source",
            "last_login",
            "date_joined",
            "locked",
        )
        read_only_fields = ("username", "source", "last_login", "date_joined")

    def to_representation(self, instance: User) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["roles"] = sorted(user_roles(instance))
        return data

    def reveals_sensitive(self, instance: User) -> bool:
        from hitsm.accounts.selectors import user_reveals_sensitive

        viewer = self.viewer()
        return viewer is not None and user_reveals_sensitive(viewer, instance)

    def get_locked(self, obj: User) -> bool:
        locked = self.context.get("locked_usernames")
        if locked is not None:
            return obj.username in locked
        from hitsm.accounts.services import user_is_locked

        return user_is_locked(obj)
