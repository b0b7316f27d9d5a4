"""Seals over the audit log (the change log and the login log) and the record of its purges.

A seal covers, for each log table, the rows with ids after the previous seal's and up to its own
``*_last_id``; its ``hash`` chains it to the previous seal (``hitsm.audit.chain``). Seals are
never changed or deleted, not even by the retention purge, so the chain stays verifiable after
old rows are gone.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hitsm.core.models import AppendOnlyModel, ChangeLoggingMixin


class AuditSeal(AppendOnlyModel):
    # unique: two sealers running at once cannot both append seal N (no forks)
    sequence = models.PositiveBigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("封存时间"), db_index=True)
    changelog_last_id = models.BigIntegerField(_("变更记录截至编号"))
    changelog_count = models.PositiveIntegerField(_("变更记录条数"))
    loginevent_last_id = models.BigIntegerField(_("登录审计截至编号"))
    loginevent_count = models.PositiveIntegerField(_("登录审计条数"))
    latest_row_time = models.DateTimeField(_("最新记录时间"), null=True, blank=True)
    # seals up to this sequence have had their rows removed by the retention purge
    purged_through = models.PositiveBigIntegerField(_("已清理至序号"), default=0)
    rows_digest = models.CharField(_("记录摘要"), max_length=64)
    prev_hash = models.CharField(_("上一封存哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计封存")
        verbose_name_plural = _("审计封存")
        ordering = ("-sequence",)

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"


class AuditPurge(ChangeLoggingMixin, AppendOnlyModel):
    """One run of ``manage.py audit_purge``; its creation is itself in the change log."""

    time = models.DateTimeField(_("时间"), auto_now_add=True)
    actor_label = models.CharField(_("操作人标识"), max_length=150)
    before = models.DateTimeField(_("清理此前的记录"))
    through_sequence = models.PositiveBigIntegerField(_("清理至封存序号"))
    changelog_deleted = models.PositiveIntegerField(_("删除变更记录条数"))
    loginevent_deleted = models.PositiveIntegerField(_("删除登录审计条数"))

    class Meta:
        verbose_name = _("审计日志清理")
        verbose_name_plural = _("审计日志清理")
        ordering = ("-time", "-id")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_label} → #{self.through_sequence}"
