"""WeCom (企业微信): the connection settings, the inbox of callbacks, each person's conversation
with the app, the outbox of API calls, and incident group chats.

Inbox and outbox follow ARCHITECTURE.md's integration patterns: a callback is stored once
(unique ``dedupe_key``) and answered at once, then processed by a worker; every call we make to
WeCom is a row with status, attempts and the next retry, unique per (object, event).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hitsm.core.models import ChangeLoggedModel

DEFAULT_BASE_URL = "https://qyapi.weixin.qq.com"
DEFAULT_OAUTH_BASE_URL = "https://open.weixin.qq.com"


class WeComSettings(ChangeLoggedModel):
    """The one row (pk=1) of connection settings an administrator edits. Secrets are stored
    encrypted (``hitsm.wecom.secrets``); a value given in the environment wins over the row."""

    enabled = models.BooleanField(_("启用"), default=False)
    corp_id = models.CharField(_("企业ID (CorpID)"), max_length=64, blank=True)
    agent_id = models.PositiveIntegerField(_("应用 AgentId"), null=True, blank=True)
    base_url = models.URLField(_("接口地址"), max_length=200, default=DEFAULT_BASE_URL)
    oauth_base_url = models.URLField(
        _("网页授权地址"), max_length=200, default=DEFAULT_OAUTH_BASE_URL
    )
    proxy = models.CharField(_("代理"), max_length=200, blank=True)
    secret_sealed = models.TextField(_("应用 Secret（加密）"), blank=True)
    token_sealed = models.TextField(_("回调 Token（加密）"), blank=True)
    aes_key_sealed = models.TextField(_("回调 EncodingAESKey（加密）"), blank=True)

    changelog_masked_fields: ClassVar[tuple[str, ...]] = (
        "secret_sealed",
        "token_sealed",
        "aes_key_sealed",
    )

    class Meta:
        verbose_name = _("企业微信设置")
        verbose_name_plural = _("企业微信设置")

    def __str__(self) -> str:
        return f"WeCom {self.corp_id or '-'} / {self.agent_id or '-'}"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("待处理")
    PROCESSING = "processing", _("处理中")
    DONE = "done", _("已处理")
    IGNORED = "ignored", _("已忽略")
    FAILED = "failed", _("处理失败")


class InboundMessage(models.Model):
    """One callback from WeCom, stored before it is answered. ``dedupe_key`` is ``msg:<MsgId>``
    for messages and ``event:<sender>:<CreateTime>:<Event>:<EventKey>`` for events (events have
    no MsgId), so WeCom's retries of the same callback are no-ops."""

    dedupe_key = models.CharField(max_length=200, unique=True)
    received_at = models.DateTimeField(_("收到时间"), auto_now_add=True, db_index=True)
    from_user = models.CharField(_("发送人"), max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    msg_type = models.CharField(_("消息类型"), max_length=30)
    event = models.CharField(_("事件"), max_length=60, blank=True)
    create_time = models.BigIntegerField(_("企业微信时间戳"), default=0)
    payload = models.JSONField(_("内容"), default=dict)
    status = models.CharField(
        _("状态"), max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey(
        "servicedesk.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("企业微信收到的消息")
        verbose_name_plural = _("企业微信收到的消息")
        ordering = ("-received_at", "-id")
        indexes = [models.Index(fields=["status", "lease_until"], name="wecom_inbound_due")]

    def __str__(self) -> str:
        return f"{self.from_user} {self.msg_type} {self.event}".strip()


class ConversationState(models.TextChoices):
    IDLE = "idle", _("空闲")
    ANSWERED = "answered", _("已自动答复，待反馈")


class Conversation(models.Model):
    """Where one WeCom user's chat with the app stands: the auto-answer waiting for "solved? /
    转人工", the ticket that consecutive messages join, media received before any text."""

    userid = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        max_length=12, choices=ConversationState.choices, default=ConversationState.IDLE
    )
    question = models.ForeignKey(
        "knowledge.Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    draft = models.ForeignKey(
        "servicedesk.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pending_media = models.JSONField(default=list)  # inbound message ids awaiting a ticket
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("企业微信会话")
        verbose_name_plural = _("企业微信会话")

    def __str__(self) -> str:
        return f"{self.userid} {self.state}"


class OutboundKind(models.TextChoices):
    TEXT = "text", _("文本消息")
    MARKDOWN = "markdown", _("Markdown 消息")
    TEMPLATE_CARD = "template_card", _("模板卡片")
    UPDATE_CARD = "update_card", _("更新卡片")
    APPCHAT_CREATE = "appchat_create", _("创建群聊")
    APPCHAT_UPDATE = "appchat_update", _("修改群成员")
    APPCHAT_SEND = "appchat_send", _("群聊消息")


class OutboundStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    PARTIAL = "partial", _("部分发送")
    FAILED = "failed", _("发送失败")


class OutboundMessage(models.Model):
    """One call to WeCom's API we intend to make: the outbox row and the message log."""

    kind = models.CharField(_("类型"), max_length=20, choices=OutboundKind.choices)
    to_users = models.JSONField(_("接收人"), default=list)
    chat_id = models.CharField(_("群聊"), max_length=64, blank=True)
    payload = models.JSONField(default=dict)
    summary = models.CharField(_("摘要"), max_length=200, blank=True)
    ticket = models.ForeignKey(
        "servicedesk.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dedupe_key = models.CharField(max_length=160, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    errcode = models.IntegerField(_("错误码"), null=True, blank=True)
    last_error = models.CharField(_("错误"), max_length=300, blank=True)
    invalid_users = models.JSONField(_("无效接收人"), default=list)
    msgid = models.CharField(max_length=128, blank=True)
    response_code = models.CharField(max_length=128, blank=True)  # to update a template card
    card_done = models.BooleanField(default=False)  # the card was greyed out / answered
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("企业微信发出的消息")
        verbose_name_plural = _("企业微信发出的消息")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="wecom_outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.summary}"


class GroupChat(models.Model):
    """The WeCom group chat of one incident (appchat), with who is in it."""

    ticket = models.OneToOneField(
        "servicedesk.Ticket", on_delete=models.CASCADE, related_name="wecom_chat"
    )
    chat_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("群名"), max_length=50)
    members = models.JSONField(_("成员"), default=list)  # WeCom userids
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("企业微信工单群")
        verbose_name_plural = _("企业微信工单群")

    def __str__(self) -> str:
        return self.name
