"""Priority matrix and default targets per priority.

First slice of the SLA practice: impact × urgency → priority (configurable, default 3×3 → P1–P5
as ServiceNow ships it) and wall-clock response/resolution targets per priority, which give every
ticket a deadline. Business calendars, policies, pause rules and escalation come with the SLA
issue and replace the wall-clock targets.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Impact, urgency and priority live with the catalog (hitsm/catalog/choices.py); re-exported.
from hitsm.catalog.choices import Impact as Impact
from hitsm.catalog.choices import Priority as Priority
from hitsm.catalog.choices import TicketKind
from hitsm.catalog.choices import Urgency as Urgency
from hitsm.core.models import ChangeLoggedModel


class PriorityMatrixCell(ChangeLoggedModel):
    impact = models.PositiveSmallIntegerField(_("影响度"), choices=Impact.choices)
    urgency = models.PositiveSmallIntegerField(_("紧急度"), choices=Urgency.choices)
    priority = models.PositiveSmallIntegerField(_("优先级"), choices=Priority.choices)

    class Meta:
        verbose_name = _("优先级矩阵")
        verbose_name_plural = _("优先级矩阵")
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="sla_matrix_one_cell")
        ]
        ordering = ("impact", "urgency")

    def __str__(self) -> str:
        return f"{self.impact}×{self.urgency} → P{self.priority}"


class PriorityTarget(ChangeLoggedModel):
    priority = models.PositiveSmallIntegerField(_("优先级"), choices=Priority.choices, unique=True)
    response_minutes = models.PositiveIntegerField(
        _("响应时限（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 30)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("解决时限（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 90)]
    )

    class Meta:
        verbose_name = _("默认时限")
        verbose_name_plural = _("默认时限")
        ordering = ("priority",)

    def __str__(self) -> str:
        return f"P{self.priority}: {self.response_minutes}/{self.resolution_minutes} min"


class BusinessCalendar(ChangeLoggedModel):
    """Working hours per weekday plus dated exceptions (holidays, make-up working days)."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    timezone = models.CharField(_("时区"), max_length=40, default="Asia/Shanghai")
    always_open = models.BooleanField(_("7×24 全天候"), default=False)
    observes_public_holidays = models.BooleanField(_("遵循法定节假日与调休"), default=True)
    # weekday (0 = Monday … 6 = Sunday) → "08:00-12:00,13:00-17:00"; missing or "" = closed
    hours = models.JSONField(_("工作时间"), default=dict, blank=True)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("节假日（休息）")
    WORKDAY = "workday", _("调休工作日")


class PublicHoliday(ChangeLoggedModel):
    """China's official schedule: holidays and make-up working days (调休), one row per date.
    Calendars that observe public holidays apply these; a calendar's own days override them."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=40)
    source = models.CharField(_("来源"), max_length=40, default="chinesecalendar")

    class Meta:
        verbose_name = _("法定节假日")
        verbose_name_plural = _("法定节假日")
        ordering = ("date",)

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CalendarDay(ChangeLoggedModel):
    """A calendar's own exception for one date (e.g. the outpatient clinic closes on a day)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="days", verbose_name=_("日历")
    )
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("日历例外日")
        verbose_name_plural = _("日历例外日")
        ordering = ("calendar", "date")
        constraints = [
            models.UniqueConstraint(fields=("calendar", "date"), name="sla_calendar_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.calendar.code} {self.date}"


class SlaPolicy(ChangeLoggedModel):
    """Which tickets it covers, on which calendar, with which targets, pauses and warnings.

    The first active policy (by ``order``) whose conditions all match a ticket applies; empty
    conditions match everything, so a catch-all policy goes last."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveIntegerField(_("匹配顺序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("工作日历"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("工单类型"), max_length=12, choices=TicketKind.choices, blank=True)
    priorities = models.JSONField(_("适用优先级"), default=list, blank=True)
    departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("适用科室"), blank=True, related_name="+"
    )
    # A service's own standard times (服务标准时间): a policy naming catalog items covers only
    # tickets submitted from them; put it before the general policies.
    catalog_items = models.ManyToManyField(
        "catalog.CatalogItem", verbose_name=_("适用服务项"), blank=True, related_name="sla_policies"
    )
    clinical_critical_only = models.BooleanField(_("仅限影响临床的配置项"), default=False)
    pause_statuses = models.JSONField(_("暂停计时的状态"), default=list, blank=True)
    warn_percents = models.JSONField(_("预警阈值（%）"), default=list, blank=True)

    class Meta:
        verbose_name = _("SLA 策略")
        verbose_name_plural = _("SLA 策略")
        ordering = ("order", "id")

    def __str__(self) -> str:
        return self.name


class SlaTarget(ChangeLoggedModel):
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.CASCADE, related_name="targets", verbose_name=_("策略")
    )
    priority = models.PositiveSmallIntegerField(_("优先级"), choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(
        _("响应时限（工作分钟）"), validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("解决时限（工作分钟）"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("SLA 目标")
        verbose_name_plural = _("SLA 目标")
        ordering = ("policy", "priority")
        constraints = [
            models.UniqueConstraint(fields=("policy", "priority"), name="sla_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} P{self.priority}"


class SlaMetric(models.TextChoices):
    RESPONSE = "response", pgettext_lazy("SLA metric", "响应")
    RESOLUTION = "resolution", pgettext_lazy("SLA metric", "解决")


class EscalationAudience(models.TextChoices):
    ASSIGNEE = "assignee", _("处理人")
    GROUP = "group", _("支持组成员")
    GROUP_MANAGER = "group_manager", _("支持组负责人（第一责任人）")
    ESCALATION_GROUP = "escalation_group", _("上级支持组（第二责任人）")
    IT_MANAGERS = "it_managers", _("IT 主管")
    ADMINS = "admins", _("信息处负责人")


class EscalationReassign(models.TextChoices):
    NONE = "", _("不转派")
    ESCALATION_GROUP = "escalation_group", _("转上级支持组（二线）")
    GROUP = "group", _("转指定支持组")


class EscalationRule(ChangeLoggedModel):
    """A level of escalation: when a clock reaches a share of its target (or a number of
    business minutes), notify people and optionally raise the priority and reassign the ticket.
    Each level fires once per ticket and metric."""

    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("策略")
    )
    metric = models.CharField(_("指标"), max_length=10, choices=SlaMetric.choices)
    level = models.PositiveSmallIntegerField(_("级别"))
    priorities = models.JSONField(_("适用优先级"), default=list, blank=True)
    at_percent = models.PositiveIntegerField(_("达到时限的百分比"), null=True, blank=True)
    after_minutes = models.PositiveIntegerField(_("或经过工作分钟数"), null=True, blank=True)
    notify = models.JSONField(_("通知对象"), default=list)
    raise_priority = models.BooleanField(_("提升一级优先级"), default=False)
    reassign = models.CharField(
        _("转派"), max_length=20, choices=EscalationReassign.choices, blank=True, default=""
    )
    reassign_group = models.ForeignKey(
        "accounts.AssignmentGroup",
        verbose_name=_("转派到支持组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("升级规则")
        verbose_name_plural = _("升级规则")
        ordering = ("policy", "metric", "level")
        constraints = [
            models.UniqueConstraint(
                fields=("policy", "metric", "level"), name="sla_escalation_level_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(at_percent__isnull=False)
                | models.Q(after_minutes__isnull=False),
                name="sla_escalation_has_threshold",
            ),
            models.CheckConstraint(
                condition=~models.Q(reassign="group") | models.Q(reassign_group__isnull=False),
                name="sla_escalation_reassign_has_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} {self.metric} L{self.level}"
