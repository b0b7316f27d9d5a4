"""Processes drawn in BPMN: definitions, immutable published versions, running instances, the
human tasks they create (with RACI) and the timers they wait on."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hitsm.accounts.models import AssignmentGroup
from hitsm.catalog.choices import TicketKind
from hitsm.core.models import ChangeLoggedModel


class ProcessDefinition(ChangeLoggedModel):
    code = models.SlugField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    draft_xml = models.TextField(_("BPMN 草稿"), blank=True)
    published = models.ForeignKey(
        "ProcessVersion",
        verbose_name=_("当前发布版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # The default process of a ticket kind, for tickets whose catalog item names none.
    default_for_kind = models.CharField(
        _("默认用于"), max_length=12, choices=TicketKind.choices, blank=True
    )
    is_active = models.BooleanField(_("启用"), default=True)
    # The ticket cannot be resolved or closed by hand while this process still has open steps
    # (the engine, not the desk, decides the order: e.g. no account before the approval).
    holds_ticket = models.BooleanField(_("流程完成前不能解决工单"), default=False)
    catalog_items: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "catalog.CatalogItem",
        verbose_name=_("服务项"),
        through="ProcessBinding",
        blank=True,
        related_name="processes",
    )

    class Meta:
        verbose_name = _("流程")
        verbose_name_plural = _("流程")
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("default_for_kind",),
                condition=~Q(default_for_kind=""),
                name="workflow_one_default_per_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProcessBinding(models.Model):
    """A catalog item follows one process."""

    process = models.ForeignKey(ProcessDefinition, on_delete=models.CASCADE)
    catalog_item = models.OneToOneField(
        "catalog.CatalogItem", on_delete=models.CASCADE, related_name="process_binding"
    )

    def __str__(self) -> str:
        return f"{self.catalog_item_id} → {self.process_id}"


class ProcessVersion(models.Model):
    """A published process, immutable: its XML, the engine's compiled spec and our node
    settings. Instances stay on the version they started with."""

    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField(_("版本"))
    xml = models.TextField(_("BPMN"))
    process_id = models.CharField(_("BPMN 流程标识"), max_length=120)
    # The engine's serialized spec and the instances' states are kept as JSON *text*: the engine
    # relies on the order of keys, which PostgreSQL's jsonb does not keep.
    spec_json = models.TextField(_("编译结果"))
    nodes = models.JSONField(_("节点设置"))
    lanes = models.JSONField(_("泳道"), default=dict)
    note = models.CharField(_("发布说明"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("流程版本")
        verbose_name_plural = _("流程版本")
        ordering = ("definition", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=("definition", "version"), name="workflow_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} v{self.version}"

    @property
    def cache_key(self) -> tuple[int, str]:
        """Identifies the compiled spec for the engine's per-process cache (an id alone could
        come back after a rolled-back transaction on SQLite)."""
        digest = hashlib.blake2b(self.spec_json.encode(), digest_size=12).hexdigest()
        return (self.pk, digest)

    @property
    def spec(self) -> dict[str, Any]:
        cached = self.__dict__.get("_spec")
        if cached is None:
            cached = self.__dict__["_spec"] = json.loads(self.spec_json)
        return cached


class InstanceStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")
    FAILED = "failed", _("出错")


class ProcessInstance(models.Model):
    version = models.ForeignKey(ProcessVersion, on_delete=models.PROTECT, related_name="instances")
    # What the process runs for (a ticket); a plain reference because the desk sits above.
    subject_type = models.CharField(max_length=30, default="ticket")
    subject_id = models.BigIntegerField()
    status = models.CharField(
        _("状态"), max_length=10, choices=InstanceStatus.choices, default=InstanceStatus.RUNNING
    )
    state_json = models.TextField(_("引擎状态"), blank=True)
    revision = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Message names the process waits for now (from other processes on related tickets).
    waiting_for = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("流程实例")
        verbose_name_plural = _("流程实例")
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="instance_subject")]

    def __str__(self) -> str:
        return f"{self.version} #{self.pk}"

    @property
    def state(self) -> dict[str, Any]:
        return json.loads(self.state_json) if self.state_json else {}

    @state.setter
    def state(self, value: dict[str, Any]) -> None:
        self.state_json = json.dumps(value, ensure_ascii=False)


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    SIGNOFF = "signoff", _("待签核")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class TaskKind(models.TextChoices):
    HANDLE = "handle", _("处理")
    APPROVAL = "approval", _("审批")
    CONSULT = "consult", _("征询")


class HumanTask(models.Model):
    """A task in someone's inbox: a ready BPMN user task (or a consult sub-task of one)."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="consults"
    )
    engine_task_id = models.CharField(max_length=36)
    node_id = models.CharField(_("节点"), max_length=120)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=10, choices=TaskKind.choices)
    approval_mode = models.CharField(_("审批方式"), max_length=6, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    # RACI resolved when the task opened: who may act (R, and S as helpers), who signs off (A),
    # who was consulted (C) and informed (I).
    responsible = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="workflow_tasks", blank=True
    )
    responsible_groups = models.ManyToManyField(AssignmentGroup, related_name="+", blank=True)
    supportive = models.JSONField(default=list, blank=True)
    accountable = models.JSONField(default=list, blank=True)
    informed = models.JSONField(default=list, blank=True)
    fields = models.JSONField(_("字段权限"), default=dict, blank=True)
    due_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("结果"), max_length=20, blank=True)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("流程任务")
        verbose_name_plural = _("流程任务")
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=["status", "created_at"], name="humantask_status")]
        constraints = [
            models.UniqueConstraint(
                fields=("instance", "engine_task_id"),
                condition=Q(parent__isnull=True),
                name="humantask_engine_task_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TaskVote(models.Model):
    """One approver's decision on an approval task (会签 counts them all, 或签 the first)."""

    task = models.ForeignKey(HumanTask, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approve = models.BooleanField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("task", "user"), name="taskvote_one_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.user_id} {self.approve}"


class TimerStatus(models.TextChoices):
    WAITING = "waiting", _("等待")
    FIRED = "fired", _("已触发")
    CANCELLED = "cancelled", _("已取消")


class TimerJob(models.Model):
    """A timer the process waits on, with its due time: the scanner claims due ones."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="timers")
    engine_task_id = models.CharField(max_length=36)
    node_id = models.CharField(max_length=120)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=TimerStatus.choices, default=TimerStatus.WAITING
    )
    fired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["due_at"], name="timer_due", condition=Q(status="waiting"))]
        constraints = [
            models.UniqueConstraint(
                fields=("instance", "engine_task_id"), name="timer_one_per_engine_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instance_id} {self.node_id} {self.due_at}"


class MessageStatus(models.TextChoices):
    DELIVERED = "delivered", _("已送达")
    UNMATCHED = "unmatched", _("无流程等待")


class ProcessMessage(models.Model):
    """A message one process threw for others (e.g. 问题已解决 → the incidents waiting on the
    problem go on): who sent it and which instance received it."""

    name = models.CharField(_("消息"), max_length=120)
    sender = models.ForeignKey(
        ProcessInstance, on_delete=models.CASCADE, related_name="messages_sent"
    )
    node_id = models.CharField(max_length=120, blank=True)
    receiver = models.ForeignKey(
        ProcessInstance,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages_received",
    )
    status = models.CharField(_("状态"), max_length=10, choices=MessageStatus.choices)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("流程消息")
        verbose_name_plural = _("流程消息")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.name} {self.sender_id}→{self.receiver_id}"


class WebhookPolicy(models.TextChoices):
    RETRY = "retry", _("重试，仍失败转人工")
    IGNORE = "ignore", _("失败后忽略，流程继续")
    MANUAL = "manual", _("失败即转人工")


class WebhookStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败（已忽略）")
    MANUAL = "manual", _("待人工处理")
    SKIPPED = "skipped", _("已人工跳过")
    CANCELLED = "cancelled", _("已取消")


class WebhookCall(models.Model):
    """One HTTP call a process's service task makes, outside any transaction: the task waits
    until the call succeeds, is given up (policy ``ignore``) or a person retries or skips it.
    Receivers see the same ``Idempotency-Key`` on every attempt."""

    key = models.UUIDField(unique=True)
    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="webhooks")
    engine_task_id = models.CharField(max_length=36)
    node_id = models.CharField(max_length=120)
    url = models.URLField(max_length=500)
    payload = models.JSONField(default=dict)
    policy = models.CharField(max_length=10, choices=WebhookPolicy.choices)
    max_attempts = models.PositiveSmallIntegerField(default=5)
    attempts = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=WebhookStatus.choices, default=WebhookStatus.PENDING
    )
    # When the next attempt is due; a claimed call is leased until then (a worker that dies
    # mid-call leaves it to be tried again).
    next_at = models.DateTimeField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    note = models.CharField(_("处理说明"), max_length=500, blank=True)  # why a person skipped it
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("Webhook 调用")
        verbose_name_plural = _("Webhook 调用")
        ordering = ("created_at", "id")
        indexes = [
            models.Index(fields=["next_at"], name="webhook_due", condition=Q(status="pending"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("instance", "engine_task_id"), name="webhook_one_per_engine_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instance_id} {self.node_id} {self.status}"
