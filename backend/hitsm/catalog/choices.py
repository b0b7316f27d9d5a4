"""The classification every ticket and catalog item shares: kind, impact, urgency, priority.

They live here, at the bottom of the apps that use them (catalog → sla → servicedesk), so a
catalog item can carry defaults without importing the apps above it;
``hitsm.servicedesk.choices`` and ``hitsm.sla.models`` re-export them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketKind(models.TextChoices):
    REQUEST = "request", _("服务请求")
    INCIDENT = "incident", _("故障")
    # Records of the practices behind the desk, created by processes (an incident handed over
    # to problem management …) or by IT staff; requesters submit only requests and incidents.
    PROBLEM = "problem", _("问题")
    CHANGE = "change", _("变更")
    IMPROVEMENT = "improvement", _("改进")


# What the service desk's requesters submit, and what the service KPIs count.
SERVICE_KINDS = (TicketKind.REQUEST, TicketKind.INCIDENT)
SERVICE_KIND_CHOICES = [c for c in TicketKind.choices if c[0] in SERVICE_KINDS]
NUMBER_PREFIXES: dict[str, str] = {
    TicketKind.REQUEST: "SR",
    TicketKind.INCIDENT: "INC",
    TicketKind.PROBLEM: "PRB",
    TicketKind.CHANGE: "CHG",
    TicketKind.IMPROVEMENT: "IMP",
}


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


class StakeholderRole(models.TextChoices):
    OWNER = "owner", _("业务负责人")
    KEY_USER = "key_user", _("关键用户")
    USER = "user", _("使用科室")
    IT_OWNER = "it_owner", _("信息科负责人")
    VENDOR = "vendor", _("厂商联系人")


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
