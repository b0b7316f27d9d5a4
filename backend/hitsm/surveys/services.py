"""Writes for satisfaction surveys: opening a ticket's survey, answering it, the follow-up after
a low score, reminders and expiry, and the survey configuration.

``survey_answer`` is the one way an answer is recorded, from the web, the H5 portal and the
WeCom card alike (``hitsm.notifications.channels.wecom`` calls it with ``channel="wecom"``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hitsm.accounts.models import User
from hitsm.accounts.roles import IT_STAFF, Role, has_role
from hitsm.catalog.choices import SERVICE_KINDS
from hitsm.core.changelog import changelog_record, snapshot
from hitsm.core.context import acting_as
from hitsm.core.errors import Conflict, Forbidden, ValidationFailed
from hitsm.core.realtime import board_changed
from hitsm.notifications.models import NotificationKind
from hitsm.notifications.services import notify
from hitsm.servicedesk.choices import OPEN_STATUSES, Channel, EventKind
from hitsm.servicedesk.events import event_add
from hitsm.servicedesk.models import Ticket
from hitsm.surveys.models import (
    COMMENT_MAX,
    FIXED_KEYS,
    SCORE_MAX,
    SCORE_MIN,
    FollowUp,
    FollowUpStatus,
    MonthlySummary,
    Survey,
    SurveyConfig,
    SurveyStatus,
    SurveyTrigger,
)
from hitsm.surveys.selectors import MANAGERS, is_answerer, survey_config_for
from hitsm.surveys.summaries import (
    current_month,
    month_final_at,
    month_label,
    month_parse,
    month_shift,
    survey_summary,
)

__all__ = [
    "follow_up_close",
    "follow_up_take",
    "summaries_generate_due",
    "summary_generate",
    "survey_answer",
    "survey_config_save",
    "survey_open",
    "surveys_expire",
    "surveys_remind",
]

SYSTEM = "system:surveys"
# Channels an answer may come from (where a person can tap the stars).
ANSWER_CHANNELS = (
    Channel.WEB,
    Channel.H5,
    Channel.WECOM,
    Channel.MINIPROGRAM,
    Channel.DESKTOP,
)
OUTCOME_MAX = 2000
EXTRA_QUESTIONS_MAX = 5
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


class SurveyExpired(Conflict):
    code = "survey.expired"
    default_message = gettext_lazy("评价已过期，感谢您的关注")


class SurveyClosed(Conflict):
    code = "survey.closed"
    default_message = gettext_lazy("评价已提交，修改时限已过")


class SurveyTicketReopened(Conflict):
    code = "survey.ticket_reopened"
    default_message = gettext_lazy("工单已重新打开，处理完成后再请您评价")


class NotAnswerer(Forbidden):
    code = "survey.not_requester"
    default_message = gettext_lazy("只有报修人（或代为提交的人）可以评价")


class FollowUpClosed(Conflict):
    code = "survey.follow_up_closed"
    default_message = gettext_lazy("该回访已关闭")


def _link(ticket: Ticket) -> str:
    return f"/tickets/{ticket.pk}?survey=1"


def _stamp(moment: dt.datetime) -> int:
    return int(moment.timestamp())


# --- opening ------------------------------------------------------------------------------------


def _surveyed(ticket: Ticket) -> bool:
    """Requests and incidents that a person reported for themselves or a colleague: not records
    of problems and changes, not monitoring alerts, not duplicates merged away, not IT staff's
    own tickets (the survey measures the service the desk gives the hospital)."""
    if ticket.kind not in SERVICE_KINDS or ticket.merged_into_id is not None:
        return False
    if ticket.channel == Channel.MONITORING:
        return False
    requester = ticket.requester
    return bool(requester.is_active) and not has_role(requester, *IT_STAFF)


def survey_open(*, ticket: Ticket, trigger: str) -> Survey | None:
    """Open the ticket's survey when ``trigger`` (resolved | closed) is what its configuration
    waits for. Called inside the transaction of the ticket's transition (``signals.py``).

    A ticket has one survey. Reopened and resolved again: an answered survey stays as it is; one
    never answered (pending or expired) is sent again, so the requester rates the final fix."""
    if not _surveyed(ticket):
        return None
    config = survey_config_for(ticket.catalog_item_id)
    if not config.enabled or config.trigger != trigger:
        return None
    now = timezone.now()
    values = {
        "requester": ticket.requester,
        "channel": ticket.channel,
        "status": SurveyStatus.PENDING,
        "questions": config.questions(),
        "low_score_threshold": config.low_score_threshold,
        "sent_at": now,
        "reminded_at": None,
        "expires_at": now + dt.timedelta(days=settings.SURVEY_EXPIRY_DAYS),
    }
    survey = Survey.objects.select_for_update().filter(ticket=ticket).first()
    if survey is None:
        survey = Survey.objects.create(ticket=ticket, **values)
    elif survey.answered_at is not None:
        return None  # rated once: the answer stands
    else:
        for name, value in values.items():
            setattr(survey, name, value)
        survey.save(update_fields=[*values, "updated_at"])
    notify(
        recipients=[],
        requesters=[ticket.requester],
        kind=NotificationKind.SURVEY_REQUEST,
        title=_("请评价工单 %(n)s 的服务") % {"n": ticket.number},
        body=ticket.title,
        link=_link(ticket),
        ticket_id=ticket.pk,
        dedupe_key=f"survey{survey.pk}:request:{_stamp(now)}",
    )
    return survey


# --- answering ----------------------------------------------------------------------------------


def _clean_scores(survey: Survey, scores: Mapping[str, Any]) -> dict[str, int]:
    """Every score 1–5; the three fixed questions required, the extra ones optional."""
    if not isinstance(scores, Mapping):
        raise ValidationFailed(fields={"scores": [_("请为各项打分")]})
    labels = {str(q["key"]): str(q["label"]) for q in survey.questions}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(scores) - set(labels))
    if unknown:
        errors["scores"] = [_("没有这些评分项：%(k)s") % {"k": "、".join(map(str, unknown))}]
    clean: dict[str, int] = {}
    for key, label in labels.items():
        value = scores.get(key)
        if value is None:
            if key in FIXED_KEYS:
                errors[f"scores.{key}"] = [_("请为「%(q)s」打分") % {"q": label}]
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not SCORE_MIN <= value <= SCORE_MAX
        ):
            errors[f"scores.{key}"] = [_("评分须为 1–5 的整数")]
        else:
            clean[key] = value
    if errors:
        raise ValidationFailed(code="survey.invalid_answer", fields=errors)
    return clean


def _check_open(survey: Survey, now: dt.datetime) -> None:
    if survey.ticket.is_open:
        raise SurveyTicketReopened()
    if survey.status == SurveyStatus.EXPIRED or (
        survey.status == SurveyStatus.PENDING and now >= survey.expires_at
    ):
        raise SurveyExpired()
    if survey.status == SurveyStatus.ANSWERED and (
        survey.editable_until is None or now >= survey.editable_until
    ):
        raise SurveyClosed()


@transaction.atomic
def survey_answer(
    *, survey: Survey, actor: User, scores: dict[str, int], comment: str, channel: str
) -> Survey:
    """Record (or, within the edit window, change) the requester's answer.

    Only the requester or the ticket's submitter answers. Refused with 409 ``survey.expired``
    after the survey expired unanswered, ``survey.closed`` once the edit window is over and
    ``survey.ticket_reopened`` while the ticket is being worked on again. Concurrent calls are
    serialised on the survey row, so a double tap records one answer and one follow-up."""
    survey = Survey.objects.select_for_update().select_related("ticket").get(pk=survey.pk)
    if not is_answerer(actor, survey):
        raise NotAnswerer()
    now = timezone.now()
    _check_open(survey, now)
    clean = _clean_scores(survey, scores)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            code="survey.invalid_answer",
            fields={"comment": [_("意见建议不能超过 %(n)d 字") % {"n": COMMENT_MAX}]},
        )
    if channel not in ANSWER_CHANNELS:
        raise ValidationFailed(
            code="survey.invalid_answer", fields={"channel": [_("不支持的评价渠道")]}
        )
    first = survey.answered_at is None
    for key in FIXED_KEYS:
        setattr(survey, f"score_{key}", clean[key])
    survey.extra_scores = {k: v for k, v in clean.items() if k not in FIXED_KEYS}
    survey.comment = comment
    survey.answered_by = actor
    survey.answered_channel = channel
    survey.status = SurveyStatus.ANSWERED
    fields = [
        *(f"score_{key}" for key in FIXED_KEYS),
        "extra_scores",
        "comment",
        "answered_by",
        "answered_channel",
        "status",
        "updated_at",
    ]
    if first:
        survey.answered_at = now
        survey.editable_until = now + dt.timedelta(hours=settings.SURVEY_EDIT_HOURS)
        fields += ["answered_at", "editable_until"]
    else:
        survey.edited_at = now
        fields.append("edited_at")
    survey.save(update_fields=fields)
    event_add(
        survey.ticket,
        EventKind.SURVEY_ANSWERED,
        actor=actor,
        body=comment,
        data={"scores": clean, "edited": not first, "channel": channel},
    )
    _follow_up_after_answer(survey, clean, first=first, now=now)
    board_changed("survey_answered", [survey.ticket_id])  # satisfaction and follow-up tiles
    return survey


def _low(survey: Survey, scores: Mapping[str, int]) -> dict[str, int]:
    return {k: v for k, v in scores.items() if v <= survey.low_score_threshold}


def _describe(survey: Survey, scores: Mapping[str, int]) -> str:
    labels = {str(q["key"]): str(q["label"]) for q in survey.questions}
    return "，".join(
        _("%(q)s %(s)d 分") % {"q": labels.get(k, k), "s": v} for k, v in scores.items()
    )


def _follow_up_after_answer(
    survey: Survey, scores: dict[str, int], *, first: bool, now: dt.datetime
) -> None:
    """A low score opens the survey's one follow-up; a later edit only adds a note to it."""
    low = _low(survey, scores)
    follow_up = FollowUp.objects.select_for_update().filter(survey=survey).first()
    if follow_up is None:
        if low:
            _follow_up_open(survey, low)
        return
    if low:
        note = _("评价已修改，低分项：%(l)s") % {"l": _describe(survey, low)}
    else:
        note = _("评价已修改，各项评分均已高于 %(t)d 分；回访仍请完成") % {
            "t": survey.low_score_threshold
        }
    stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    follow_up.notes = f"{follow_up.notes}\n{stamp} {note}".strip()
    follow_up.save(update_fields=["notes", "updated_at"])


def _follow_up_open(survey: Survey, low: dict[str, int]) -> FollowUp:
    ticket = survey.ticket
    with acting_as(label=SYSTEM):
        follow_up = FollowUp.objects.create(survey=survey, ticket=ticket, low_scores=low)
        event_add(
            ticket,
            EventKind.FOLLOW_UP_OPENED,
            public=False,
            body=_("满意度低分，待 IT 主管回访：%(l)s") % {"l": _describe(survey, low)},
            data={"follow_up": follow_up.pk, "low_scores": low},
        )
    managers = User.objects.filter(groups__name=Role.MANAGER, is_active=True)
    notify(
        recipients=managers,
        kind=NotificationKind.SURVEY_FOLLOW_UP,
        title=_("工单 %(n)s 满意度低分，请回访") % {"n": ticket.number},
        body=_describe(survey, low) + (f"：{survey.comment}" if survey.comment else ""),
        link=_link(ticket),
        ticket_id=ticket.pk,
        dedupe_key=f"survey{survey.pk}:follow_up",
    )
    return follow_up


# --- follow-ups ---------------------------------------------------------------------------------


def _require_manager(actor: User) -> None:
    if not has_role(actor, *MANAGERS):
        raise Forbidden(_("只有 IT 主管可以处理回访"))


@transaction.atomic
def follow_up_take(*, follow_up: FollowUp, actor: User) -> FollowUp:
    """An IT manager takes an open follow-up (any manager may take it over)."""
    _require_manager(actor)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status != FollowUpStatus.OPEN:
        raise FollowUpClosed()
    if follow_up.assignee_id != actor.pk:
        follow_up.assignee = actor
        follow_up.save(update_fields=["assignee", "updated_at"])
    return follow_up


@transaction.atomic
def follow_up_close(*, follow_up: FollowUp, actor: User, outcome: str) -> FollowUp:
    """Close a follow-up with what the requester said and what was done about it."""
    _require_manager(actor)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationFailed(fields={"outcome": [_("请填写回访结果")]})
    if len(outcome) > OUTCOME_MAX:
        raise ValidationFailed(
            fields={"outcome": [_("回访结果不能超过 %(n)d 字") % {"n": OUTCOME_MAX}]}
        )
    follow_up = FollowUp.objects.select_for_update().select_related("ticket").get(pk=follow_up.pk)
    if follow_up.status != FollowUpStatus.OPEN:
        raise FollowUpClosed()
    follow_up.status = FollowUpStatus.CLOSED
    follow_up.outcome = outcome
    follow_up.closed_by = actor
    follow_up.closed_at = timezone.now()
    fields = ["status", "outcome", "closed_by", "closed_at", "updated_at"]
    if follow_up.assignee_id is None:
        follow_up.assignee = actor
        fields.append("assignee")
    follow_up.save(update_fields=fields)
    event_add(
        follow_up.ticket,
        EventKind.FOLLOW_UP_CLOSED,
        actor=actor,
        public=False,
        body=outcome,
        data={"follow_up": follow_up.pk},
    )
    board_changed("follow_up_closed", [follow_up.ticket_id])
    return follow_up


# --- reminders and expiry (beat, every 15 minutes) ------------------------------------------


def remind_candidates(*, now: dt.datetime, limit: int = 1000) -> list[int]:
    """Pending surveys sent long enough ago, not yet reminded, still open for answers."""
    cutoff = now - dt.timedelta(hours=settings.SURVEY_REMIND_HOURS)
    return list(
        Survey.objects.filter(
            status=SurveyStatus.PENDING,
            reminded_at__isnull=True,
            sent_at__lte=cutoff,
            expires_at__gt=now,
        )
        .exclude(ticket__status__in=OPEN_STATUSES)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


@transaction.atomic
def survey_remind(*, survey_id: int, now: dt.datetime) -> bool:
    """Claim the survey's one reminder (a conditional UPDATE: of two scanners exactly one wins)
    and queue it; False when someone else did or it was answered meanwhile."""
    claimed = Survey.objects.filter(
        pk=survey_id, status=SurveyStatus.PENDING, reminded_at__isnull=True
    ).update(reminded_at=now, updated_at=now)
    if not claimed:
        return False
    survey = Survey.objects.select_related("ticket", "requester").get(pk=survey_id)
    ticket = survey.ticket
    notify(
        recipients=[survey.requester],
        kind=NotificationKind.SURVEY_REMINDER,
        title=_("工单 %(n)s 还未评价，请花半分钟评价本次服务") % {"n": ticket.number},
        body=ticket.title,
        link=_link(ticket),
        ticket_id=ticket.pk,
        dedupe_key=f"survey{survey.pk}:reminder:{_stamp(survey.sent_at)}",
    )
    return True


def surveys_remind(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return sum(survey_remind(survey_id=pk, now=now) for pk in remind_candidates(now=now))


def surveys_expire(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Pending surveys past their expiry become expired: each a conditional UPDATE (a survey
    answered meanwhile stays answered), with its change log row."""
    now = now or timezone.now()
    expired = 0
    due = Survey.objects.filter(status=SurveyStatus.PENDING, expires_at__lte=now)
    for survey in due.order_by("id")[:limit]:
        with transaction.atomic():
            before = snapshot(survey)
            if not Survey.objects.filter(
                pk=survey.pk, status=SurveyStatus.PENDING, expires_at__lte=now
            ).update(status=SurveyStatus.EXPIRED, updated_at=now):
                continue
            survey.refresh_from_db()
            changelog_record(survey, action="update", before=before, after=snapshot(survey))
            expired += 1
    return expired


# --- configuration ------------------------------------------------------------------------------


def _clean_questions(questions: Any) -> list[dict[str, str]]:
    if not isinstance(questions, list):
        raise ValidationFailed(fields={"questions": [_("附加评分项格式不正确")]})
    if len(questions) > EXTRA_QUESTIONS_MAX:
        raise ValidationFailed(
            fields={"questions": [_("附加评分项最多 %(n)d 个") % {"n": EXTRA_QUESTIONS_MAX}]}
        )
    clean: list[dict[str, str]] = []
    seen: set[str] = set()
    for question in questions:
        key = str(question.get("key", "")).strip() if isinstance(question, dict) else ""
        label = str(question.get("label", "")).strip() if isinstance(question, dict) else ""
        if not KEY_PATTERN.match(key):
            raise ValidationFailed(
                fields={"questions": [_("评分项编码须为小写字母开头的字母、数字或下划线")]}
            )
        if key in FIXED_KEYS or key in seen:
            raise ValidationFailed(fields={"questions": [_("评分项编码重复：%(k)s") % {"k": key}]})
        if not 1 <= len(label) <= 30:
            raise ValidationFailed(fields={"questions": [_("评分项名称须为 1–30 字")]})
        seen.add(key)
        clean.append({"key": key, "label": label})
    return clean


@transaction.atomic
def survey_config_save(
    *, config: SurveyConfig | None, actor: User, data: dict[str, Any]
) -> SurveyConfig:
    """Create or change a catalog item's survey configuration (no item: the default)."""
    if not has_role(actor, *MANAGERS):
        raise Forbidden()
    config = config or SurveyConfig()
    for name in ("catalog_item", "enabled", "trigger", "low_score_threshold"):
        if name in data:
            setattr(config, name, data[name])
    if "questions" in data:
        config.questions = _clean_questions(data["questions"])
    if config.trigger not in SurveyTrigger.values:
        raise ValidationFailed(fields={"trigger": [_("请选择发送时机")]})
    if not SCORE_MIN <= config.low_score_threshold < SCORE_MAX:
        raise ValidationFailed(fields={"low_score_threshold": [_("低分阈值须为 1–4")]})
    clash = SurveyConfig.objects.filter(catalog_item_id=config.catalog_item_id).exclude(
        pk=config.pk
    )
    if clash.exists():
        raise ValidationFailed(
            _("该服务项已有满意度调查配置"),
            code="survey.config_exists",
            fields={"catalog_item": [_("该服务项已有满意度调查配置")]},
        )
    config.save()
    return config


# --- the monthly summary ------------------------------------------------------------------------


@transaction.atomic
def summary_generate(*, month: str, actor: User | None = None) -> MonthlySummary:
    """Compute the month's summary and store it (replacing a stored one). A month that has not
    begun is refused; ``final`` says whether its numbers can still change."""
    year, number = month_parse(month)
    if month > current_month():
        raise ValidationFailed(
            code="survey.month_not_started", fields={"month": [_("该月份尚未开始")]}
        )
    now = timezone.now()
    summary, _created = MonthlySummary.objects.update_or_create(
        month=month_label(year, number),
        defaults={
            "data": survey_summary(month),
            "final": now >= month_final_at(year, number),
            "generated_at": now,
            "generated_by": actor,
        },
    )
    return summary


def summaries_generate_due(*, now: dt.datetime | None = None) -> list[str]:
    """Beat, hourly: last month's summary is stored as soon as the month is over, and each of
    the last three months is stored again, final, once it can no longer change."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    done: list[str] = []
    for back in (1, 2, 3):
        year, number = month_shift(local.year, local.month, -back)
        month = month_label(year, number)
        stored = MonthlySummary.objects.filter(month=month).only("final").first()
        due = (stored is None and back == 1) or (
            stored is not None and not stored.final and now >= month_final_at(year, number)
        )
        if due:
            summary_generate(month=month)
            done.append(month)
    return done
