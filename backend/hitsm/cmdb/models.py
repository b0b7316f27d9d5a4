"""Configuration items and their classes, each class on an OBASHI layer.

This is the first slice of the CMDB (classes, items, owner, criticality) that tickets link to;
class-specific attributes, relations, data flows and impact analysis come with the CMDB issue.
"""

from __future__ import annotations

from django.db import models
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
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("配置项类型")
        verbose_name_plural = _("配置项类型")
        ordering = ("sort_order", "code")

    def __str__(self) -> str:
        return self.name


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
    clinical_critical = models.BooleanField(_("影响临床业务"), default=False)
    operable_from_incident = models.BooleanField(
        _("可从故障单直接操作"),
        default=False,
        help_text=_("虚拟机：重启/挂起/关机不影响业务时才可勾选"),
    )
    location = models.CharField(_("位置"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("配置项")
        verbose_name_plural = _("配置项")
        ordering = ("ci_class__sort_order", "name")

    def __str__(self) -> str:
        return self.name
