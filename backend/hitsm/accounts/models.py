from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hitsm.core.masking import PHONE
from hitsm.core.models import (
    AppendOnlyModel,
    ChangeLoggedModel,
    ChangeLoggingMixin,
    TimestampedModel,
)


class DepartmentKind(models.TextChoices):
    HOSPITAL = "hospital", _("医院")
    CAMPUS = "campus", _("院区")
    DEPARTMENT = "department", _("科室")
    WARD = "ward", _("病区/护理单元")


class Department(ChangeLoggedModel):
    """Hospital organisation tree: hospital → 院区 (campus) → 科室 (department) → ward."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("编码"), max_length=40, unique=True)
    kind = models.CharField(
        _("类型"), max_length=12, choices=DepartmentKind.choices, default=DepartmentKind.DEPARTMENT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    location = models.CharField(_("位置"), max_length=200, blank=True)
    phone = models.CharField(_("科室电话"), max_length=40, blank=True)
    wecom_department_id = models.PositiveIntegerField(
        _("企业微信部门ID"), null=True, blank=True, unique=True
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("科室")
        verbose_name_plural = _("科室")
        ordering = ("sort_order", "name")

    def __str__(self) -> str:
        return self.name


class HospitalUserManager(UserManager["User"]):
    pass


class UserSource(models.TextChoices):
    LOCAL = "local", _("本地")
    LDAP = "ldap", _("LDAP/AD")
    IMPORT = "import", _("导入")


class User(ChangeLoggingMixin, AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    employee_no = models.CharField(_("工号"), max_length=30, null=True, blank=True, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("科室"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    title = models.CharField(_("职务/职称"), max_length=60, blank=True)
    phone_ext = models.CharField(_("分机号"), max_length=20, blank=True)
    mobile = models.CharField(_("手机"), max_length=20, blank=True)
    wecom_userid = models.CharField(
        _("企业微信账号"), max_length=64, null=True, blank=True, unique=True
    )
    source = models.CharField(
        _("来源"), max_length=10, choices=UserSource.choices, default=UserSource.LOCAL
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("下次登录须改密码"), default=False)

    objects: ClassVar[HospitalUserManager] = HospitalUserManager()

    changelog_masked_fields = ("password",)
    changelog_ignored_fields = ("last_login",)
    # Personal numbers, masked for viewers who need not see them (hitsm.core.masking). The
    # extension (phone_ext) is in the hospital's phone book and stays readable.
    sensitive_fields: ClassVar[dict[str, str]] = {"mobile": PHONE}

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ("username",)

    def __str__(self) -> str:
        return self.display_name or self.username

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self.__dict__.pop("_hitsm_roles", None)  # roles may have changed too

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def password_expires_at(self) -> dt.datetime | None:
        days = settings.PASSWORD_MAX_AGE_DAYS
        if not days or self.source == UserSource.LDAP or not self.has_usable_password():
            return None
        start = self.password_changed_at or self.date_joined
        return start + dt.timedelta(days=days)

    def password_expired(self) -> bool:
        if self.must_change_password and self.source != UserSource.LDAP:
            return True
        expires = self.password_expires_at()
        return expires is not None and expires <= timezone.now()


class PasswordHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class LoginEventKind(models.TextChoices):
    LOGIN = "login", _("登录成功")
    LOGOUT = "logout", _("退出")
    FAILED = "failed", _("登录失败")
    LOCKED = "locked", _("账号锁定")
    UNLOCKED = "unlocked", _("解除锁定")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    OTP_ENABLED = "otp_enabled", _("启用双因素认证")
    OTP_DISABLED = "otp_disabled", _("停用双因素认证")


# Kinds that record a refused attempt; every other kind records something that happened.
FAILED_LOGIN_EVENT_KINDS = frozenset({LoginEventKind.FAILED, LoginEventKind.LOCKED})


class LoginEvent(AppendOnlyModel):
    """Security audit log of authentication events (等保2.0 安全审计): who, when, from which
    address, and the result (``kind``: failed and locked are failures). Append-only, sealed into
    a hash chain and read by auditors only (``hitsm.audit``)."""

    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("事件"), max_length=20, choices=LoginEventKind.choices)
    user = models.ForeignKey(
        User,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="login_events",
    )
    username = models.CharField(_("用户名"), max_length=150)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("登录审计")
        verbose_name_plural = _("登录审计")
        ordering = ("-time", "-id")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.kind}"

    @property
    def succeeded(self) -> bool:
        return self.kind not in FAILED_LOGIN_EVENT_KINDS


class ApiToken(TimestampedModel):
    """Token for clients (desktop assistant, integrations). Only a SHA-256 of the key is kept."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("过期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class GroupDistribution(models.TextChoices):
    MANUAL = "manual", _("人工派发")
    ROUND_ROBIN = "round_robin", _("轮询")
    LEAST_LOADED = "least_loaded", _("最少在办")


class AssignmentGroup(ChangeLoggedModel):
    """A support group (桌面组, 应用组, 网络组 …): tickets are dispatched to it, CIs name it as
    their support, SLA escalations and workflow RACI point at it."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        blank=True,
        related_name="assignment_groups",
        db_table="servicedesk_assignmentgroup_members",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    distribution = models.CharField(
        _("组内分配"),
        max_length=16,
        choices=GroupDistribution.choices,
        default=GroupDistribution.MANUAL,
    )
    escalation_group = models.ForeignKey(
        "self",
        verbose_name=_("升级到"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("技术升级时工单转到的上一级支持组"),
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        # the table keeps the name it had in the service desk app, where the model started
        db_table = "servicedesk_assignmentgroup"
        verbose_name = _("支持组")
        verbose_name_plural = _("支持组")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
