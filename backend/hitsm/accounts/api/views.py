from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django_filters import rest_framework as filters
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from hitsm.accounts.api.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    DepartmentSerializer,
    DepartmentTreeNodeSerializer,
    LoginSerializer,
    MeSerializer,
    OtpTokenSerializer,
    PasswordChangeSerializer,
    TotpSetupSerializer,
    TotpStatusSerializer,
    UserSerializer,
)
from hitsm.accounts.imports import template_workbook
from hitsm.accounts.models import ApiToken, Department, LoginEventKind, User
from hitsm.accounts.permissions import role_permission
from hitsm.accounts.roles import Role
from hitsm.accounts.selectors import (
    DepartmentPolicy,
    UserPolicy,
    department_descendant_ids,
    department_full_names,
    department_list,
    department_tree,
    signed_in_user,
    user_list,
)
from hitsm.accounts.services import (
    WECOM_PENDING_BIND,
    api_token_create,
    api_token_revoke,
    department_would_cycle,
    locked_usernames,
    login_event_record,
    user_change_own_password,
    user_roles_check_api_change,
    user_set_roles,
    user_unlock,
    user_update,
    wecom_account_bind,
)
from hitsm.api.serializers import ErrorEnvelopeSerializer
from hitsm.api.viewsets import PolicyMixin
from hitsm.core.api.serializers import JobSerializer
from hitsm.core.errors import DomainError, ValidationFailed
from hitsm.core.jobs import job_enqueue
from hitsm.core.spreadsheets import import_upload_store

ERRORS = {400: ErrorEnvelopeSerializer, 403: ErrorEnvelopeSerializer}


class AuthFailed(DomainError):
    status = 400


def _locked_error() -> DomainError:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return DomainError(
        _("登录失败次数过多，账号已被锁定 %(m)d 分钟。请稍后再试，或联系信息管理处解锁。")
        % {"m": minutes},
        code="auth.locked",
        status=403,
    )


class CsrfView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(responses={204: None}, summary="Set the CSRF cookie")
    @method_decorator(ensure_csrf_cookie)
    def get(self, request: Request) -> Response:
        return Response(status=status.HTTP_204_NO_CONTENT)


class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        SessionAuthentication().enforce_csrf(request)  # no login CSRF

    @extend_schema(
        request=LoginSerializer,
        responses={200: MeSerializer, **ERRORS},
        summary="Log in with username and password (and TOTP when enabled)",
    )
    def post(self, request: Request) -> Response:
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        http_request = request._request
        credentials = {"username": username}
        if AxesProxyHandler.is_locked(http_request, credentials):
            raise _locked_error()
        user = authenticate(
            http_request, username=username, password=data.validated_data["password"]
        )
        if user is None:
            if getattr(http_request, "axes_locked_out", False):
                raise _locked_error()
            remaining = settings.AXES_FAILURE_LIMIT - AxesProxyHandler.get_failures(
                http_request, credentials
            )
            raise AuthFailed(
                _("用户名或密码错误。再失败 %(n)d 次账号将被锁定。") % {"n": max(remaining, 1)},
                code="auth.invalid_credentials",
            )
        device = None
        if user_has_device(user, confirmed=True):
            token = data.validated_data.get("otp_token") or ""
            if not token:
                raise AuthFailed(_("请输入身份验证器上的 6 位动态口令"), code="auth.otp_required")
            device = match_token(user, token)
            if device is None:
                user_login_failed.send(
                    sender=__name__, credentials=credentials, request=http_request
                )
                if getattr(http_request, "axes_locked_out", False):
                    raise _locked_error()
                raise AuthFailed(_("动态口令错误或已过期"), code="auth.otp_invalid")
        login(http_request, user)
        if device is not None:
            otp_login(http_request, device)
        pending = http_request.session.pop(WECOM_PENDING_BIND, None)
        if isinstance(pending, dict):
            wecom_account_bind(
                user=user, userid=str(pending.get("userid", "")), at=pending.get("at")
            )
        return Response(MeSerializer(user).data)


class LogoutView(APIView):
    allow_expired_password = True

    @extend_schema(request=None, responses={204: None}, summary="Log out")
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    allow_expired_password = True

    @extend_schema(responses={200: MeSerializer}, summary="The signed-in user")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(signed_in_user(request)).data)


class PasswordView(APIView):
    allow_expired_password = True

    @extend_schema(
        request=PasswordChangeSerializer,
        responses={204: None, **ERRORS},
        summary="Change my password",
    )
    def post(self, request: Request) -> Response:
        data = PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_change_own_password(
            user=signed_in_user(request),
            old_password=data.validated_data["old_password"],
            new_password=data.validated_data["new_password"],
            request=request._request,
        )
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(request._request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TotpView(APIView):
    @extend_schema(responses={200: TotpStatusSerializer}, summary="Two-factor status")
    def get(self, request: Request) -> Response:
        devices = TOTPDevice.objects.devices_for_user(request.user, confirmed=None)
        return Response(
            {"enabled": devices.exists(), "confirmed": devices.filter(confirmed=True).exists()}
        )

    @extend_schema(
        request=None,
        responses={200: TotpSetupSerializer, **ERRORS},
        summary="Start two-factor set-up: a new, unconfirmed TOTP device",
    )
    def post(self, request: Request) -> Response:
        if user_has_device(request.user, confirmed=True):
            raise ValidationFailed(_("已启用双因素认证；如需更换请先停用"), code="auth.otp_exists")
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
        url = device.config_url
        image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage)
        return Response({"otpauth_url": url, "qr_svg": image.to_string(encoding="unicode")})

    @extend_schema(
        request=OtpTokenSerializer,
        responses={204: None, **ERRORS},
        summary="Turn two-factor off (needs a current code)",
    )
    def delete(self, request: Request) -> Response:
        data = OtpTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if match_token(request.user, data.validated_data["otp_token"]) is None:
            raise AuthFailed(_("动态口令错误或已过期"), code="auth.otp_invalid")
        TOTPDevice.objects.filter(user=request.user).delete()
        login_event_record(
            kind=LoginEventKind.OTP_DISABLED,
            username=request.user.username,
            user=signed_in_user(request),
            request=request._request,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class TotpConfirmView(APIView):
    @extend_schema(
        request=OtpTokenSerializer,
        responses={204: None, **ERRORS},
        summary="Confirm two-factor set-up with the first code",
    )
    def post(self, request: Request) -> Response:
        data = OtpTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            raise ValidationFailed(_("请先开始设置双因素认证"), code="auth.otp_not_started")
        if not device.verify_token(data.validated_data["otp_token"]):
            raise AuthFailed(_("动态口令错误或已过期"), code="auth.otp_invalid")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request._request, device)
        login_event_record(
            kind=LoginEventKind.OTP_ENABLED,
            username=request.user.username,
            user=signed_in_user(request),
            request=request._request,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ApiTokenSerializer
    pagination_class = None
    permission_classes = [
        role_permission(Role.AGENT, Role.ENGINEER, Role.SYSADMIN, Role.MANAGER, Role.ADMIN)
    ]

    queryset = ApiToken.objects.none()

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=signed_in_user(self.request))

    @extend_schema(
        request=ApiTokenCreateSerializer, responses={201: ApiTokenCreatedSerializer, **ERRORS}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = api_token_create(user=signed_in_user(request), **data.validated_data)
        payload = dict(ApiTokenSerializer(token).data)
        payload["key"] = key
        return Response(payload, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ApiToken) -> None:
        api_token_revoke(token=instance)


class DepartmentFilter(filters.FilterSet):
    class Meta:
        model = Department
        fields = ("parent", "kind", "is_active")


class DepartmentViewSet(
    PolicyMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    policy = DepartmentPolicy()
    queryset = Department.objects.none()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter
    search_fields = ("name", "code")
    ordering_fields = ("sort_order", "name", "code")
    ordering = ("sort_order", "name")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self) -> QuerySet[Department]:
        return department_list()

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "department_full_names": department_full_names(),
        }

    def perform_update(self, serializer: serializers.BaseSerializer[Department]) -> None:
        parent = serializer.validated_data.get("parent")
        department = serializer.instance
        assert department is not None
        if parent is not None and department_would_cycle(department=department, parent=parent):
            raise ValidationFailed(fields={"parent": [_("上级科室不能是自己或自己的下级")]})
        serializer.save()

    @extend_schema(responses={200: DepartmentTreeNodeSerializer(many=True)})
    @action(detail=False, pagination_class=None)
    def tree(self, request: Request) -> Response:
        return Response(department_tree())


class UserFilter(filters.FilterSet):
    department = filters.NumberFilter(method="filter_department", label="科室（含下级）")
    role = filters.ChoiceFilter(choices=Role.choices, field_name="groups__name")

    class Meta:
        model = User
        fields = ("department", "role", "is_active", "source")

    def filter_department(self, queryset: QuerySet[User], name: str, value: int) -> QuerySet[User]:
        return queryset.filter(department_id__in=department_descendant_ids(int(value)))


class UserViewSet(
    PolicyMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    policy = UserPolicy()
    queryset = User.objects.none()
    serializer_class = UserSerializer
    filterset_class = UserFilter
    search_fields = ("username", "display_name", "employee_no", "phone_ext", "wecom_userid")
    ordering_fields = ("username", "display_name", "employee_no", "last_login")
    ordering = ("username",)
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_base_queryset(self) -> QuerySet[User]:
        return user_list()

    def get_serializer_context(self) -> dict[str, Any]:
        locked = locked_usernames()
        return {
            **super().get_serializer_context(),
            "locked_usernames": locked,
            "department_full_names": department_full_names(),
        }

    def perform_update(self, serializer: serializers.BaseSerializer[User]) -> None:
        data = dict(serializer.validated_data)
        roles = data.pop("roles", None)
        user = serializer.instance
        assert user is not None
        if user.pk == self.request.user.pk and (
            data.get("is_active") is False
            or (roles is not None and Role.ADMIN not in roles and not user.is_superuser)
        ):
            raise ValidationFailed(
                _("不能停用自己或移除自己的管理员角色"), code="accounts.self_lockout"
            )
        if roles is not None:
            user_roles_check_api_change(user=user, roles=roles)
        user_update(user=user, **data)
        if roles is not None:
            user_set_roles(user=user, roles=roles)

    @extend_schema(request=None, responses={204: None, 403: ErrorEnvelopeSerializer})
    @action(detail=True, methods=["post"])
    def unlock(self, request: Request, pk: str | None = None) -> Response:
        user_unlock(user=self.get_object(), request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserImportView(APIView):
    parser_classes = [MultiPartParser]
    permission_classes = [role_permission(Role.ADMIN)]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        responses={202: JobSerializer, **ERRORS},
        summary="Import departments and users from .xlsx or .csv (runs as a background job)",
    )
    def post(self, request: Request) -> Response:
        path, name = import_upload_store(request.FILES.get("file"))
        job = job_enqueue(
            kind="accounts.user_import",
            created_by_id=request.user.pk,
            params={"path": path, "filename": name},
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class UserImportTemplateView(APIView):
    permission_classes = [role_permission(Role.ADMIN)]

    @extend_schema(
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(description="xlsx")
        }
    )
    def get(self, request: Request) -> HttpResponse:
        response = HttpResponse(
            template_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = "attachment; filename*=UTF-8''user-import-template.xlsx"
        return response
