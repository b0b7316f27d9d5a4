"""The service catalog (服务菜单): menu categories, items, versioned forms, NFR and PBA records.

A catalog item is what a doctor or nurse picks from their department's menu. It decides the
ticket's kind, defaults and form, and links the service to the OBASHI graph (business activities,
business data and applications are CIs). Non-functional requirements (NFR) are recorded per
application CI; patterns of business activity (PBA) describe when and by whom a business is done.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hitsm.accounts.models import AssignmentGroup
from hitsm.catalog.choices import (
    SERVICE_KIND_CHOICES,
    Impact,
    StakeholderRole,
    TicketKind,
    Urgency,
)
from hitsm.core.models import ChangeLoggedModel


class Category(ChangeLoggedModel):
    """Ticket category tree (硬件 › 打印机, 应用 › HIS …), used for routing and reporting.

    It started in the service desk; a catalog item names the category its tickets get, so the
    model moved here with its table (``servicedesk_category``).
    """

    name = models.CharField(_("名称"), max_length=60)
    code = models.SlugField(_("编码"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(
        _("适用"),
        max_length=12,
        choices=TicketKind.choices,
        blank=True,
        help_text=_("留空表示各类工单均可用"),
    )
    default_group = models.ForeignKey(
        AssignmentGroup,
        verbose_name=_("默认支持组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("分类")
        verbose_name_plural = _("分类")
        ordering = ("sort_order", "name")
        db_table = "servicedesk_category"

    def __str__(self) -> str:
        return self.name


class CatalogCategory(ChangeLoggedModel):
    """A heading of the service menu (账号与权限, 打印机与终端 …); a tree."""

    name = models.CharField(_("名称"), max_length=60)
    code = models.SlugField(_("编码"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    icon = models.CharField(_("图标"), max_length=40, blank=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务目录")
        verbose_name_plural = _("服务目录")
        ordering = ("sort_order", "id")

    def __str__(self) -> str:
        return self.name


class Form(ChangeLoggedModel):
    """A form the designer edits; each publication freezes the draft as a :class:`FormVersion`."""

    code = models.SlugField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    draft_schema = models.JSONField(_("草稿"), default=dict, blank=True)
    published = models.ForeignKey(
        "FormVersion",
        verbose_name=_("当前发布版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("表单")
        verbose_name_plural = _("表单")
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class FormVersion(models.Model):
    """A published form, immutable: tickets point at the version they were submitted with."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    schema = models.JSONField(_("表单定义"))
    note = models.CharField(_("发布说明"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("表单版本")
        verbose_name_plural = _("表单版本")
        ordering = ("form", "-version")
        constraints = [
            models.UniqueConstraint(fields=("form", "version"), name="catalog_form_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.form_id} v{self.version}"


class CatalogItem(ChangeLoggedModel):
    code = models.SlugField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    description = models.TextField(_("说明"), blank=True)
    keywords = models.CharField(
        _("搜索关键词"), max_length=200, blank=True, help_text=_("以空格分隔，如：腕带 打印")
    )
    kind = models.CharField(
        _("类型"), max_length=12, choices=SERVICE_KIND_CHOICES, default=TicketKind.REQUEST
    )
    icon = models.CharField(_("图标"), max_length=40, blank=True)
    category = models.ForeignKey(
        CatalogCategory, verbose_name=_("服务目录"), on_delete=models.PROTECT, related_name="items"
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    # Who sees it: empty means everyone; a department covers its sub-departments (a campus
    # covers its departments); roles are role codes (hitsm.accounts.roles.Role).
    departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("可见科室"), blank=True, related_name="+"
    )
    roles = models.JSONField(_("可见角色"), default=list, blank=True)

    form = models.ForeignKey(
        Form,
        verbose_name=_("表单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    ticket_category = models.ForeignKey(
        Category,
        verbose_name=_("工单分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="catalog_items",
    )
    default_impact = models.PositiveSmallIntegerField(
        _("默认影响度"), choices=Impact.choices, default=Impact.LOW
    )
    default_urgency = models.PositiveSmallIntegerField(
        _("默认紧急度"), choices=Urgency.choices, default=Urgency.MEDIUM
    )
    assignment_group = models.ForeignKey(
        AssignmentGroup,
        verbose_name=_("支持组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="catalog_items",
    )
    approval_required = models.BooleanField(_("需要审批"), default=False)
    configuration_items = models.ManyToManyField(
        "cmdb.ConfigurationItem",
        verbose_name=_("关联配置项（业务活动、业务数据、应用系统）"),
        blank=True,
        related_name="catalog_items",
    )

    class Meta:
        verbose_name = _("服务项")
        verbose_name_plural = _("服务项")
        ordering = ("category__sort_order", "sort_order", "id")

    def __str__(self) -> str:
        return self.name


class CatalogFavourite(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="catalog_favourites"
    )
    item = models.ForeignKey(CatalogItem, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "item"), name="catalog_favourite_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ★ {self.item_id}"


class CatalogUsage(models.Model):
    """How often a user submitted an item: the menu's "frequently used" row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="catalog_usage"
    )
    item = models.ForeignKey(CatalogItem, on_delete=models.CASCADE, related_name="usage")
    count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "item"), name="catalog_usage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} × {self.item_id}: {self.count}"


def _non_negative() -> list[MinValueValidator]:
    return [MinValueValidator(0)]


class NfrRecord(ChangeLoggedModel):
    """Non-functional requirements of one application CI (非功能性需求): typed, with units."""

    application = models.OneToOneField(
        "cmdb.ConfigurationItem",
        verbose_name=_("应用系统"),
        on_delete=models.CASCADE,
        related_name="nfr",
    )
    system_accounts = models.PositiveIntegerField(_("系统账号数量（个）"), null=True, blank=True)
    concurrent_accounts = models.PositiveIntegerField(
        _("预估并发账号数（个）"), null=True, blank=True
    )
    yearly_storage_gb = models.DecimalField(
        _("年度数据空间需求（GB）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_non_negative(),
    )
    daily_growth_mb = models.DecimalField(
        _("每日增长空间需求（MB）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_non_negative(),
    )
    bandwidth_mbps = models.DecimalField(
        _("带宽需求（Mbps）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_non_negative(),
    )
    notes = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("非功能性需求")
        verbose_name_plural = _("非功能性需求")
        ordering = ("application__name",)

    def __str__(self) -> str:
        return str(self.application_id)


class ActivityPattern(ChangeLoggedModel):
    """A pattern of business activity (PBA, 业务活动模式): when a business runs, its peaks,
    which activities and applications it covers and who holds a stake in it."""

    code = models.SlugField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    # {"mon": ["07:30-17:30"], …, "sun": []}: the business calendar, per weekday.
    schedule = models.JSONField(_("业务日历"), default=dict, blank=True)
    # [{"days": ["mon", …], "start": "08:00", "end": "10:00", "note": "挂号高峰"}]
    peaks = models.JSONField(_("高峰时段"), default=list, blank=True)
    holidays_closed = models.BooleanField(_("法定节假日停诊"), default=False)
    peak_concurrent_users = models.PositiveIntegerField(
        _("高峰并发用户（人）"), null=True, blank=True
    )
    daily_transactions = models.PositiveIntegerField(_("日业务量（笔）"), null=True, blank=True)
    activities = models.ManyToManyField(
        "cmdb.ConfigurationItem", verbose_name=_("业务活动"), blank=True, related_name="+"
    )
    applications = models.ManyToManyField(
        "cmdb.ConfigurationItem",
        verbose_name=_("应用系统"),
        blank=True,
        related_name="activity_patterns",
    )

    class Meta:
        verbose_name = _("业务活动模式")
        verbose_name_plural = _("业务活动模式")
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class Stakeholder(models.Model):
    pattern = models.ForeignKey(
        ActivityPattern, on_delete=models.CASCADE, related_name="stakeholders"
    )
    role = models.CharField(_("干系人角色"), max_length=12, choices=StakeholderRole.choices)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("姓名/称呼"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("业务干系人")
        verbose_name_plural = _("业务干系人")
        ordering = ("sort_order", "id")

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"
