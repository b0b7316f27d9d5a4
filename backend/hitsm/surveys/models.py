"""Satisfaction surveys (requirement 3.1.6): one survey per resolved ticket, three fixed score
dimensions plus a catalog item's extra questions, a follow-up task for the desk manager after a
low score, and the stored monthly summary.

docs/surveys.md explains when a survey opens, the edit window, expiry and the summary formulas.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from hitsm.core.models import ChangeLoggedModel
from hitsm.servicedesk.choices import Channel

# The three dimensions every survey asks (real columns, so KPIs can average them in SQL).
FIXED_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("technical", "技术解决能力"),
    ("response", "服务响应延迟"),
    ("attitude", "服务态度"),
)
FIXED_KEYS: tuple[str, ...] = tuple(key for key, _label in FIXED_QUESTIONS)
SCORE_MIN, SCORE_MAX = 1, 5
COMMENT_MAX = 1000
DEFAULT_THRESHOLD = 2


class SurveyTrigger(models.TextChoices):
    RESOLVED = "resolved", _("工单解决时")
    CLOSED = "closed", _("工单关闭时")


class SurveyStatus(models.TextChoices):
    PENDING = "pending", _("待评价")
    ANSWERED = "answered", _("已评价")
    EXPIRED = "expired", _("已过期")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("待回访")
    CLOSED = "closed", _("已关闭")


class SurveyConfig(ChangeLoggedModel):
    """How a catalog item's tickets are surveyed; the row without an item is the default for
    every item without its own row (and built-in defaults apply when there is none at all)."""

    catalog_item = models.ForeignKey(
        "catalog.CatalogItem",
        verbose_name=_("服务项"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_configs",
        help_text=_("留空为全院默认配置"),
    )
    enabled = models.BooleanField(_("发送满意度调查"), default=True)
    trigger = models.CharField(
        _("发送时机"), max_length=10, choices=SurveyTrigger.choices, default=SurveyTrigger.RESOLVED
    )
    # Extra score questions after the three fixed ones: [{"key": "reliability", "label": "…"}]
    questions = models.JSONField(_("附加评分项"), default=list, blank=True)
    low_score_threshold = models.PositiveSmallIntegerField(
        _("低分阈值"),
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX - 1)],
        help_text=_("任一评分不高于此值即生成回访任务"),
    )

    class Meta:
        verbose_name = _("满意度调查配置")
        verbose_name_plural = _("满意度调查配置")
        ordering = ("catalog_item_id", "id")
        constraints = [
            # one row per item, and one default row (NULL item): 0 is never an item's id
            models.UniqueConstraint(
                Coalesce("catalog_item", models.Value(0)), name="survey_config_one_per_item"
            ),
        ]

    def __str__(self) -> str:
        return str(self.catalog_item) if self.catalog_item_id else str(_("全院默认"))


class Survey(ChangeLoggedModel):
    """The survey of one ticket, sent to its requester. The fixed scores are columns; the extra
    questions' scores live in ``extra_scores``. ``questions`` is the list asked, fixed when the
    survey was sent (a later change of the item's configuration does not change it)."""

    ticket = models.OneToOneField(
        "servicedesk.Ticket",
        verbose_name=_("工单"),
        on_delete=models.CASCADE,
        related_name="survey",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报修人"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    channel = models.CharField(_("工单来源渠道"), max_length=12, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.PENDING
    )
    questions = models.JSONField(_("评分项"), default=list)
    low_score_threshold = models.PositiveSmallIntegerField(_("低分阈值"), default=DEFAULT_THRESHOLD)

    score_technical = models.PositiveSmallIntegerField(_("技术解决能力"), null=True, blank=True)
    score_response = models.PositiveSmallIntegerField(_("服务响应延迟"), null=True, blank=True)
    score_attitude = models.PositiveSmallIntegerField(_("服务态度"), null=True, blank=True)
    extra_scores = models.JSONField(_("附加评分"), default=dict, blank=True)
    comment = models.TextField(_("意见建议"), max_length=COMMENT_MAX, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_channel = models.CharField(
        _("评价渠道"), max_length=12, choices=Channel.choices, blank=True
    )

    sent_at = models.DateTimeField(_("发送时间"), db_index=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    edited_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    editable_until = models.DateTimeField(_("可修改至"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"))

    changelog_ignored_fields = ("updated_at",)

    class Meta:
        verbose_name = _("满意度调查")
        verbose_name_plural = _("满意度调查")
        ordering = ("-sent_at", "-id")
        indexes = [
            models.Index(fields=["status", "sent_at"], name="survey_status_sent"),
            models.Index(fields=["requester", "status"], name="survey_requester"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(score_technical__isnull=True) | Q(score_technical__gte=SCORE_MIN))
                    & (Q(score_technical__isnull=True) | Q(score_technical__lte=SCORE_MAX))
                    & (Q(score_response__isnull=True) | Q(score_response__gte=SCORE_MIN))
                    & (Q(score_response__isnull=True) | Q(score_response__lte=SCORE_MAX))
                    & (Q(score_attitude__isnull=True) | Q(score_attitude__gte=SCORE_MIN))
                    & (Q(score_attitude__isnull=True) | Q(score_attitude__lte=SCORE_MAX))
                ),
                name="survey_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.status}"

    def scores(self) -> dict[str, int] | None:
        """Every answered score by question key (fixed first), or None before an answer."""
        if self.answered_at is None:
            return None
        values: dict[str, int] = {}
        for key in FIXED_KEYS:
            value = getattr(self, f"score_{key}")
            if value is not None:
                values[key] = value
        values.update({k: int(v) for k, v in (self.extra_scores or {}).items()})
        return values


class FollowUp(ChangeLoggedModel):
    """回访: a low score is a task for the desk manager — call the requester, find out what went
    wrong, write down the outcome. One per survey (a later edit of the answer adds a note)."""

    survey = models.OneToOneField(
        Survey, verbose_name=_("满意度调查"), on_delete=models.CASCADE, related_name="follow_up"
    )
    ticket = models.ForeignKey(
        "servicedesk.Ticket",
        verbose_name=_("工单"),
        on_delete=models.CASCADE,
        related_name="survey_follow_ups",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    low_scores = models.JSONField(_("低分项"), default=dict)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("记录"), blank=True)
    outcome = models.TextField(_("回访结果"), max_length=2000, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关闭人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("满意度回访")
        verbose_name_plural = _("满意度回访")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["status", "-created_at"], name="follow_up_status")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.status}"


class MonthlySummary(models.Model):
    """The month's survey results as computed at ``generated_at`` (the selector's JSON).
    ``final``: every survey sent that month could no longer be answered or edited then."""

    month = models.CharField(_("月份"), max_length=7, unique=True)  # YYYY-MM
    data = models.JSONField(_("汇总"))
    final = models.BooleanField(_("定稿"), default=False)
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("满意度月报")
        verbose_name_plural = _("满意度月报")
        ordering = ("-month",)

    def __str__(self) -> str:
        return self.month
