from django.db import models
from django.utils.translation import gettext_lazy as _

# The kind lives with the catalog (hitsm/catalog/choices.py); re-exported for the desk.
from hitsm.catalog.choices import TicketKind as TicketKind


class TicketStatus(models.TextChoices):
    NEW = "new", _("待受理")
    ACCEPTED = "accepted", _("待派发")
    ASSIGNED = "assigned", _("已派发")
    IN_PROGRESS = "in_progress", _("处理中")
    PENDING = "pending", _("挂起")
    RESOLVED = "resolved", _("已解决")
    CLOSED = "closed", _("已关闭")
    CANCELLED = "cancelled", _("已取消")


OPEN_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.ACCEPTED,
    TicketStatus.ASSIGNED,
    TicketStatus.IN_PROGRESS,
    TicketStatus.PENDING,
)
WORKING_STATUSES = (TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS, TicketStatus.PENDING)


class Channel(models.TextChoices):
    WEB = "web", _("网页")
    H5 = "h5", _("移动端")
    WECOM = "wecom", _("企业微信")
    MINIPROGRAM = "miniprogram", _("小程序")
    DESKTOP = "desktop", _("一键助手")
    PHONE = "phone", _("电话")
    MONITORING = "monitoring", _("监控告警")
    EMAIL = "email", _("邮件")
    API = "api", _("接口")


class PendingReason(models.TextChoices):
    REQUESTER = "requester", _("等待报修人回复")
    VENDOR = "vendor", _("等待厂商")
    CHANGE = "change", _("等待变更")
    OTHER = "other", _("其他")


class ResolutionCode(models.TextChoices):
    FIXED = "fixed", _("已修复")
    WORKAROUND = "workaround", _("临时解决")
    GUIDANCE = "guidance", _("指导操作")
    REPLACED = "replaced", _("更换设备")
    NOT_REPRODUCIBLE = "not_reproducible", _("无法复现")
    DUPLICATE = "duplicate", _("重复报修")
    NO_FAULT = "no_fault", _("非故障")


class EventKind(models.TextChoices):
    CREATED = "created", _("提交")
    ACCEPTED = "accepted", _("受理")
    ASSIGNED = "assigned", _("派发")
    STARTED = "started", _("开始处理")
    PENDING = "pending", _("挂起")
    RESUMED = "resumed", _("恢复处理")
    RESOLVED = "resolved", _("解决")
    CONFIRMED = "confirmed", _("确认解决")
    CLOSED = "closed", _("关闭")
    REOPENED = "reopened", _("重新打开")
    CANCELLED = "cancelled", _("取消")
    ESCALATED = "escalated", _("升级")
    TRANSFERRED = "transferred", _("转组")
    REPLY = "reply", _("回复")
    NOTE = "note", _("内部备注")
    FIELD_CHANGED = "field_changed", _("修改")
    LINKED = "linked", _("关联")
    MERGED = "merged", _("合并")
    ATTACHMENT = "attachment", _("附件")
    # satisfaction surveys (hitsm.surveys): the requester's rating and the manager's follow-up
    SURVEY_ANSWERED = "survey_answered", _("满意度评价")
    FOLLOW_UP_OPENED = "follow_up_opened", _("低分回访")
    FOLLOW_UP_CLOSED = "follow_up_closed", _("回访完成")


class EscalationKind(models.TextChoices):
    TIER = "tier", _("技术升级")
    MANAGEMENT = "management", _("管理升级")


from hitsm.accounts.models import GroupDistribution  # noqa: E402, F401  (moved to accounts)
