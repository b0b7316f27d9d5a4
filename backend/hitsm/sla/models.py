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

from hitsm.core.models import ChangeLoggedModel


class Impact(models.IntegerChoices):
    HIGH = 1, _("高（全院/多科室）")
    MEDIUM = 2, _("中（一个科室）")
    LOW = 3, _("低（个人）")


class Urgency(models.IntegerChoices):
    HIGH = 1, _("高（业务中断）")
    MEDIUM = 2, _("中（业务受影响）")
    LOW = 3, _("低（可以等待）")


class Priority(models.IntegerChoices):
    P1 = 1, _("P1 紧急")
    P2 = 2, _("P2 高")
    P3 = 3, _("P3 中")
    P4 = 4, _("P4 低")
    P5 = 5, _("P5 计划")


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
