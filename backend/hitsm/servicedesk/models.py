from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hitsm.accounts.models import AssignmentGroup
from hitsm.catalog.models import CatalogItem, Category, FormVersion
from hitsm.core.masking import PHONE
from hitsm.core.models import ChangeLoggedModel
from hitsm.servicedesk.choices import (
    Channel,
    EventKind,
    PendingReason,
    ResolutionCode,
    TicketKind,
    TicketStatus,
)
from hitsm.sla.models import Impact, Priority, SlaMetric, Urgency


class Ticket(ChangeLoggedModel):
    kind = models.CharField(_("类型"), max_length=12, choices=TicketKind.choices, db_index=True)
    number = models.CharField(_("单号"), max_length=24, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("描述"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    channel = models.CharField(
        _("来源渠道"), max_length=12, choices=Channel.choices, default=Channel.WEB
    )

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报修人"),
        on_delete=models.PROTECT,
        related_name="requested_tickets",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代提交人"),
        on_delete=models.PROTECT,
        related_name="submitted_tickets",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    location_campus = models.CharField(_("院区"), max_length=40, blank=True)
    location_building = models.CharField(_("楼宇"), max_length=40, blank=True)
    location_floor = models.CharField(_("楼层"), max_length=20, blank=True)
    location_room = models.CharField(_("房间"), max_length=40, blank=True)
    location_bed = models.CharField(_("床位"), max_length=20, blank=True)

    category = models.ForeignKey(
        Category,
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    impact = models.PositiveSmallIntegerField(
        _("影响度"), choices=Impact.choices, default=Impact.LOW
    )
    urgency = models.PositiveSmallIntegerField(
        _("紧急度"), choices=Urgency.choices, default=Urgency.MEDIUM
    )
    priority = models.PositiveSmallIntegerField(
        _("优先级"), choices=Priority.choices, default=Priority.P4
    )
    assignment_group = models.ForeignKey(
        AssignmentGroup,
        verbose_name=_("支持组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    configuration_items = models.ManyToManyField(
        "cmdb.ConfigurationItem", verbose_name=_("关联配置项"), blank=True, related_name="tickets"
    )

    parent = models.ForeignKey(
        "self",
        verbose_name=_("父工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并到"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_tickets",
    )
    related = models.ManyToManyField(
        "self", verbose_name=_("相关工单"), blank=True, symmetrical=True
    )
    catalog_item = models.ForeignKey(
        CatalogItem,
        verbose_name=_("服务项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # The form version the requester filled in: its labels explain ``form_data`` forever.
    form_version = models.ForeignKey(
        FormVersion,
        verbose_name=_("表单版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    form_data = models.JSONField(_("表单数据"), default=dict, blank=True)

    pending_reason = models.CharField(
        _("挂起原因"), max_length=12, choices=PendingReason.choices, blank=True
    )
    resolution_code = models.CharField(
        _("解决方式"), max_length=20, choices=ResolutionCode.choices, blank=True
    )
    resolution_notes = models.TextField(_("解决说明"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("升级级别"), default=0)

    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("派发时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("响应截止"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("解决截止"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重开次数"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    search_tokens = models.TextField(editable=False, blank=True)

    changelog_ignored_fields = ("updated_at", "search_tokens", "version")
    # Masked for viewers not handling the ticket (hitsm.core.masking, ticket_reveals_sensitive);
    # the form's own sensitive answers follow the form schema (hitsm.catalog.formschema).
    sensitive_fields: ClassVar[dict[str, str]] = {"contact_phone": PHONE}

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="ticket_status_created"),
            models.Index(fields=["-created_at", "-id"], name="ticket_created"),
            models.Index(fields=["assignment_group", "status"], name="ticket_group_status"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester"),
            models.Index(fields=["department", "-created_at"], name="ticket_department"),
            models.Index(
                fields=["resolution_due_at"],
                name="ticket_overdue",
                condition=Q(status__in=["new", "accepted", "assigned", "in_progress", "pending"]),
            ),
            # the boards' "resolved today" and the engineers' "resolved this week"
            models.Index(
                fields=["resolved_at"],
                name="ticket_resolved",
                condition=Q(resolved_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in (
            TicketStatus.NEW,
            TicketStatus.ACCEPTED,
            TicketStatus.ASSIGNED,
            TicketStatus.IN_PROGRESS,
            TicketStatus.PENDING,
        )


class TicketEvent(models.Model):
    """One row of a ticket's timeline; ``public`` events are shown to the requester."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=16, choices=EventKind.choices)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人标识"), max_length=150)
    public = models.BooleanField(_("报修人可见"), default=True)
    body = models.TextField(_("内容"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("工单动态")
        verbose_name_plural = _("工单动态")
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_time")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("图片")
    AUDIO = "audio", _("语音")
    VIDEO = "video", _("视频")
    DOCUMENT = "document", _("文档")


class TranscodeStatus(models.TextChoices):
    """The worker's progress on a playable copy (only audio browsers cannot play gets one)."""

    NONE = "none", _("未转换")
    RUNNING = "running", _("转换中")
    DONE = "done", _("已转换")
    FAILED = "failed", _("转换失败")


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        TicketEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/", max_length=200)
    thumbnail = models.FileField(
        _("缩略图"), upload_to="thumbnails/%Y/%m/", max_length=200, blank=True
    )
    # An MP3 copy of audio browsers cannot play (WeCom's AMR voice messages); the original stays.
    playback = models.FileField(
        _("可播放副本"), upload_to="playback/%Y/%m/", max_length=200, blank=True
    )
    transcode_status = models.CharField(
        _("转换状态"), max_length=10, choices=TranscodeStatus.choices, default=TranscodeStatus.NONE
    )
    transcode_started_at = models.DateTimeField(null=True, blank=True)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    kind = models.CharField(_("类别"), max_length=10, choices=AttachmentKind.choices)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    public = models.BooleanField(_("报修人可见"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.original_name


class RoutingRule(ChangeLoggedModel):
    """First matching rule (by order) decides the group a new ticket is dispatched to."""

    name = models.CharField(_("名称"), max_length=80)
    order = models.PositiveIntegerField(_("顺序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)
    kind = models.CharField(_("工单类型"), max_length=12, choices=TicketKind.choices, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("分类（含下级）"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("科室（含下级）"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    configuration_item = models.ForeignKey(
        "cmdb.ConfigurationItem",
        verbose_name=_("配置项"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    keywords = models.CharField(
        _("关键词"),
        max_length=200,
        blank=True,
        help_text=_("多个关键词用逗号分隔，标题或描述包含任一即匹配"),
    )
    target_group = models.ForeignKey(
        AssignmentGroup, verbose_name=_("派发到"), on_delete=models.CASCADE, related_name="+"
    )
    auto_assign = models.BooleanField(
        _("自动分配到人"), default=False, help_text=_("按支持组的组内分配方式直接指定处理人")
    )

    class Meta:
        verbose_name = _("派发规则")
        verbose_name_plural = _("派发规则")
        ordering = ("order", "id")

    def __str__(self) -> str:
        return self.name


class SavedFilter(ChangeLoggedModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField(_("名称"), max_length=60)
    params = models.JSONField(_("条件"), default=dict)
    shared = models.BooleanField(_("共享给服务台"), default=False)

    class Meta:
        verbose_name = _("保存的筛选")
        verbose_name_plural = _("保存的筛选")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class ClockStatus(models.TextChoices):
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("已暂停")
    MET = "met", _("已达成")
    BREACHED = "breached", _("已超时")
    CANCELLED = "cancelled", _("已取消")


class NoticeKind(models.TextChoices):
    WARNING = "warning", _("预警")
    BREACH = "breach", _("超时")
    ESCALATION = "escalation", _("升级")


class TicketClock(models.Model):
    """A ticket's SLA clock for one metric, as last computed from its timeline."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="clocks")
    metric = models.CharField(_("指标"), max_length=10, choices=SlaMetric.choices)
    # the ticket's creation time, copied so that KPIs over a month's tickets read one index
    opened_at = models.DateTimeField(_("工单提交时间"), null=True)
    policy = models.ForeignKey(
        "sla.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    policy_name = models.CharField(_("SLA 策略"), max_length=80, blank=True)
    calendar = models.ForeignKey(
        "sla.BusinessCalendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_minutes = models.PositiveIntegerField(_("时限（工作分钟）"))
    elapsed_minutes = models.FloatField(_("已用（工作分钟）"), default=0)
    state = models.CharField(_("状态"), max_length=10, choices=ClockStatus.choices)
    due_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    breached_at = models.DateTimeField(_("超时时间"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("停止时间"), null=True, blank=True)
    pause_reason = models.CharField(_("暂停原因"), max_length=20, blank=True)
    next_check_at = models.DateTimeField(_("下次检查"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("SLA 计时")
        verbose_name_plural = _("SLA 计时")
        constraints = [models.UniqueConstraint(fields=("ticket", "metric"), name="sd_clock_unique")]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="sd_clock_next_check",
                condition=models.Q(next_check_at__isnull=False),
            ),
            models.Index(fields=["metric", "opened_at"], name="sd_clock_metric_opened"),
            # the boards: clocks that stopped today, breaches this week
            models.Index(
                fields=["stopped_at"],
                name="sd_clock_stopped",
                condition=models.Q(stopped_at__isnull=False),
            ),
            models.Index(
                fields=["breached_at"],
                name="sd_clock_breached",
                condition=models.Q(breached_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.metric}"


class SlaNotice(models.Model):
    """A warning, breach or escalation level that fired for a ticket's clock: at most once."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_notices")
    metric = models.CharField(_("指标"), max_length=10, choices=SlaMetric.choices)
    kind = models.CharField(_("类型"), max_length=10, choices=NoticeKind.choices)
    level = models.PositiveSmallIntegerField(_("级别/百分比"), default=0)
    elapsed_minutes = models.FloatField(_("触发时已用（工作分钟）"))
    fired_at = models.DateTimeField(_("触发时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("SLA 提醒")
        verbose_name_plural = _("SLA 提醒")
        ordering = ("fired_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("ticket", "metric", "kind", "level"), name="sd_sla_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.metric} {self.kind} {self.level}"
