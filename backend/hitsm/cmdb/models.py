"""The CMDB on the OBASHI model: classes on layers, items, typed relations and data flows.

Every relation reads "source depends on target" (HIS *runs on* his-app-01, 门诊挂号 *uses* HIS):
a failure travels from a target up to its sources, which is what impact analysis follows.
A data flow is a relation between two applications that carries a business data set (a CI on
the data layer), OBASHI's data flow analysis.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hitsm.core.models import ChangeLoggedModel


class ObashiLayer(models.TextChoices):
    OWNERSHIP = "ownership", _("所有者")
    BUSINESS = "business", _("业务活动")
    APPLICATION = "application", _("应用")
    SYSTEM = "system", _("系统")
    HARDWARE = "hardware", _("硬件")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    DATA = "data", _("业务数据")


class CIClass(ChangeLoggedModel):
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    layer = models.CharField(_("OBASHI 层"), max_length=16, choices=ObashiLayer.choices)
    icon = models.CharField(_("图标"), max_length=40, blank=True)
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("配置项类型")
        verbose_name_plural = _("配置项类型")
        ordering = ("sort_order", "code")

    def __str__(self) -> str:
        return self.name


class AttributeType(models.TextChoices):
    TEXT = "text", _("文本")
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("小数")
    BOOLEAN = "boolean", _("是/否")
    DATE = "date", _("日期")
    CHOICE = "choice", _("选项")
    IP_ADDRESS = "ip_address", _("IP 地址")
    URL = "url", _("网址")


class CIAttribute(ChangeLoggedModel):
    """An attribute that items of one class carry, defined by an administrator."""

    ci_class = models.ForeignKey(
        CIClass, verbose_name=_("类型"), on_delete=models.CASCADE, related_name="attributes"
    )
    code = models.SlugField(_("编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=60)
    type = models.CharField(_("数据类型"), max_length=12, choices=AttributeType.choices)
    required = models.BooleanField(_("必填"), default=False)
    unique = models.BooleanField(_("唯一"), default=False)
    choices = models.JSONField(_("可选值"), default=list, blank=True)
    pattern = models.CharField(_("格式（正则）"), max_length=200, blank=True)
    help_text = models.CharField(_("填写说明"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("配置项属性")
        verbose_name_plural = _("配置项属性")
        ordering = ("ci_class", "sort_order", "id")
        constraints = [
            models.UniqueConstraint(fields=("ci_class", "code"), name="cmdb_attribute_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.ci_class.name}.{self.name}"


class CIStatus(models.TextChoices):
    PLANNED = "planned", _("规划中")
    IN_USE = "in_use", _("在用")
    MAINTENANCE = "maintenance", _("维护中")
    RETIRED = "retired", _("已退役")


class ConfigurationItem(ChangeLoggedModel):
    ci_class = models.ForeignKey(
        CIClass, verbose_name=_("类型"), on_delete=models.PROTECT, related_name="items"
    )
    name = models.CharField(_("名称"), max_length=120)
    code = models.CharField(_("编码"), max_length=60, unique=True)
    description = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=CIStatus.choices, default=CIStatus.IN_USE, db_index=True
    )
    owner_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("归属科室"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="configuration_items",
    )
    support_group = models.ForeignKey(
        "accounts.AssignmentGroup",
        verbose_name=_("支持组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="configuration_items",
    )
    clinical_critical = models.BooleanField(_("影响临床业务"), default=False)
    operable_from_incident = models.BooleanField(
        _("可从故障单直接操作"),
        default=False,
        help_text=_("虚拟机：重启/挂起/关机不影响业务时才可勾选"),
    )
    location = models.CharField(_("位置"), max_length=120, blank=True)
    attributes = models.JSONField(_("属性"), default=dict, blank=True)

    class Meta:
        verbose_name = _("配置项")
        verbose_name_plural = _("配置项")
        ordering = ("ci_class__sort_order", "name")

    def __str__(self) -> str:
        return self.name


class CIUniqueValue(models.Model):
    """The values of attributes marked unique, so that the database enforces uniqueness per class
    (two people saving the same IP address at once: one of them gets a clear error)."""

    ci_class = models.ForeignKey(CIClass, on_delete=models.CASCADE, related_name="+")
    attribute = models.ForeignKey(CIAttribute, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=255)
    item = models.ForeignKey(
        ConfigurationItem, on_delete=models.CASCADE, related_name="unique_values"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("attribute", "value"), name="cmdb_unique_attribute_value"
            )
        ]

    def __str__(self) -> str:
        return self.value


class RelationType(ChangeLoggedModel):
    """A kind of relation. Sources depend on targets; ``acyclic`` types may not form a loop."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    reverse_name = models.CharField(_("反向名称"), max_length=40)
    acyclic = models.BooleanField(_("禁止成环"), default=True)
    propagates_impact = models.BooleanField(_("传递影响"), default=True)
    is_data_flow = models.BooleanField(_("数据流"), default=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("关系类型")
        verbose_name_plural = _("关系类型")
        ordering = ("sort_order", "code")

    def __str__(self) -> str:
        return self.name


class Relation(ChangeLoggedModel):
    source = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("源配置项"),
        on_delete=models.CASCADE,
        related_name="outgoing",
    )
    target = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("目标配置项"),
        on_delete=models.CASCADE,
        related_name="incoming",
    )
    type = models.ForeignKey(
        RelationType, verbose_name=_("关系类型"), on_delete=models.PROTECT, related_name="+"
    )
    data_set = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("业务数据"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_by",
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("配置项关系")
        verbose_name_plural = _("配置项关系")
        ordering = ("type__sort_order", "id")
        constraints = [
            models.CheckConstraint(condition=~Q(source=F("target")), name="cmdb_relation_not_self"),
            models.UniqueConstraint(
                fields=("source", "target", "type"),
                condition=Q(data_set__isnull=True),
                name="cmdb_relation_unique",
            ),
            models.UniqueConstraint(
                fields=("source", "target", "type", "data_set"),
                condition=Q(data_set__isnull=False),
                name="cmdb_data_flow_unique",
            ),
        ]
        indexes = [
            models.Index(fields=("target", "type"), name="cmdb_relation_target"),
            models.Index(fields=("source", "type"), name="cmdb_relation_source"),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class GraphState(models.Model):
    """One row whose token changes whenever the impact graph changes (CIs, relations, types),
    so that each process knows when its in-memory copy of the graph is stale."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
