"""Base model tiers and the shared machinery every app relies on.

Pick a tier for each domain model:
- ``TimestampedModel``: created/updated times only (logs, events, append-only rows).
- ``ChangeLoggedModel``: timestamps plus a change log row (who, when, before/after) for every
  create, update and delete made through the ORM. Reference data and domain objects use this.
- ``AppendOnlyModel``: audit evidence (the change log, the login log, their seals). Rows are
  inserted and never changed or deleted through the ORM; only the retention purge removes them
  (``hitsm.audit``).
``ChangeLoggingMixin`` adds change logging to a model that already has its own fields (User).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

_M = TypeVar("_M", bound=models.Model)


class AppendOnlyViolation(Exception):
    """Someone tried to change or delete an audit record."""


class AppendOnlyQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyViolation(f"{self.model._meta.label} rows cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation(f"{self.model._meta.label} rows cannot be deleted")

    def purge(self) -> int:
        """Delete these rows for good: only ``hitsm.audit.services.audit_purge`` calls this, for
        sealed rows past the retention period."""
        return self._raw_delete(self.db)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyViolation(f"{self._meta.label} #{self.pk} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation(f"{self._meta.label} #{self.pk} cannot be deleted")


class ChangeLoggingMixin(models.Model):
    # Field names whose values never enter the log (only the fact that they changed).
    changelog_masked_fields: ClassVar[tuple[str, ...]] = ()
    # Field names left out of the log altogether (noise such as last_login).
    changelog_ignored_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class ChangeLoggedModel(ChangeLoggingMixin, TimestampedModel):
    changelog_ignored_fields: ClassVar[tuple[str, ...]] = ("updated_at",)

    class Meta:
        abstract = True


class ChangeAction(models.TextChoices):
    CREATE = "create", _("创建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")


class ChangeLog(AppendOnlyModel):
    """One row per change of a change-logged object: the audit trail 等保 asks for.

    Every row is a change that was committed (a failed or refused change rolls back with its row),
    so the result of each recorded operation is success. Rows are sealed into a hash chain and
    read by auditors only (``hitsm.audit``).
    """

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人标识"), max_length=150)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    changed_fields = models.JSONField(_("变更字段"), default=list, blank=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ("-time", "-id")
        indexes = [models.Index(fields=["content_type", "object_id", "-time"])]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class NumberSequence(models.Model):
    """Counter per prefix and day behind human-readable numbers such as SR-20261125-0001."""

    key = models.CharField(max_length=40, unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self) -> str:
        return f"{self.key}: {self.last_value}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Job(TimestampedModel):
    """A long operation run by a worker (imports, exports, recomputations), visible in the UI."""

    kind = models.CharField(_("类型"), max_length=60, db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    progress = models.PositiveIntegerField(_("进度"), default=0)
    total = models.PositiveIntegerField(_("总量"), default=0)
    message = models.CharField(_("当前说明"), max_length=300, blank=True)
    log = models.TextField(_("日志"), blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} {self.status}"


class Heartbeat(models.Model):
    """Last sign of life from a background process (worker, beat)."""

    name = models.CharField(max_length=40, unique=True)
    last_beat_at = models.DateTimeField()
    hostname = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("心跳")
        verbose_name_plural = _("心跳")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_beat_at:%Y-%m-%d %H:%M:%S}"


class RealtimeEvent(models.Model):
    """Bridge for WebSocket pushes when the channel layer cannot cross processes (embedded mode).

    Writers in any process insert rows; the ASGI process relays new rows to its in-memory layer.
    With Redis configured, pushes go straight to the channel layer and this table stays empty.
    """

    group = models.CharField(max_length=100)
    type = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("实时事件")
        verbose_name_plural = _("实时事件")

    def __str__(self) -> str:
        return f"{self.group} {self.type}"

    def as_message(self) -> dict[str, Any]:
        return {"type": "push", "event": self.type, "payload": self.payload}


class BenchProbe(models.Model):
    """One row per call of the benchmark's one-INSERT view (``HITSM_BENCH_ENDPOINTS``): the
    cheapest write the stack can do, the limit reference for ticket creation. Empty in
    production, where the view is not routed."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("压测探针")
        verbose_name_plural = _("压测探针")

    def __str__(self) -> str:
        return f"probe#{self.pk}"
