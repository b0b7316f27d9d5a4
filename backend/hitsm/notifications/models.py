"""The outbox: one row per intended message to one person on one channel.

Rows are written in the same transaction as the change that caused them and delivered after
commit by a worker; a unique (recipient, channel, dedupe key) makes a repeated event a no-op.
In-app rows double as the notification centre (``read_at``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    INAPP = "inapp", _("站内通知")
    EMAIL = "email", _("邮件")
    WECOM = "wecom", _("企业微信")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("已跳过")


class NotificationKind(models.TextChoices):
    TICKET_CREATED = "ticket.created", _("新工单")
    TICKET_SUBMITTED = "ticket.submitted", _("我的工单已提交")
    TICKET_ACCEPTED = "ticket.accepted", _("我的工单已受理")
    TICKET_ASSIGNED = "ticket.assigned", _("工单派发给我/我的组")
    TICKET_REPLY = "ticket.reply", _("工单有新回复")
    TICKET_PENDING = "ticket.pending", _("工单等待我回复")
    TICKET_RESOLVED = "ticket.resolved", _("我的工单已解决")
    TICKET_CLOSED = "ticket.closed", _("工单已关闭")
    TICKET_REOPENED = "ticket.reopened", _("工单被重新打开")
    TICKET_ESCALATED = "ticket.escalated", _("工单升级")
    TICKET_MENTIONED = "ticket.mentioned", _("有人@我")
    SLA_WARNING = "sla.warning", _("SLA 时限预警")
    SLA_BREACHED = "sla.breached", _("SLA 已超时")
    SLA_ESCALATED = "sla.escalated", _("SLA 超时升级")
    PROCESS_TASK = "process.task", _("流程任务待我处理")
    PROCESS_INFORMED = "process.informed", _("流程进展知会")
    SURVEY_REQUEST = "survey.request", _("请评价服务")
    SURVEY_REMINDER = "survey.reminder", _("服务评价提醒")
    SURVEY_FOLLOW_UP = "survey.follow_up", _("满意度低分待回访")


# What a requester is always told about their own tickets, whatever their preferences.
REQUESTER_ALWAYS = frozenset(
    {
        NotificationKind.TICKET_SUBMITTED,
        NotificationKind.TICKET_ACCEPTED,
        NotificationKind.TICKET_REPLY,
        NotificationKind.TICKET_PENDING,
        NotificationKind.TICKET_RESOLVED,
        NotificationKind.TICKET_CLOSED,
        # the one request to rate the service; its reminder can be turned off
        NotificationKind.SURVEY_REQUEST,
    }
)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=NotificationChannel.choices)
    kind = models.CharField(_("类型"), max_length=30, choices=NotificationKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    ticket_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    dedupe_key = models.CharField(max_length=120)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "channel", "dedupe_key"], name="notification_once"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["recipient", "channel", "read_at"], name="inbox_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.channel} {self.kind}"


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="one_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel}={self.enabled}"
