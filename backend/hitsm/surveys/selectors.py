"""Reads for satisfaction surveys: which configuration applies, who sees which surveys and
follow-ups, and whether a user may answer a survey now. The monthly summary is in
``summaries.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from hitsm.accounts.roles import IT_STAFF, Role, has_role
from hitsm.core.permissions import Policy
from hitsm.servicedesk.choices import OPEN_STATUSES
from hitsm.servicedesk.models import Ticket
from hitsm.servicedesk.selectors import ticket_visibility
from hitsm.surveys.models import (
    DEFAULT_THRESHOLD,
    FIXED_QUESTIONS,
    FollowUp,
    Survey,
    SurveyConfig,
    SurveyStatus,
    SurveyTrigger,
)

MANAGERS = (Role.MANAGER, Role.ADMIN)
# The desk reads follow-ups and summaries: they see every ticket anyway.
DESK = (Role.AGENT, Role.MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class AppliedConfig:
    enabled: bool
    trigger: str
    extra_questions: tuple[dict[str, str], ...]
    low_score_threshold: int

    def questions(self) -> list[dict[str, str]]:
        fixed = [{"key": key, "label": label} for key, label in FIXED_QUESTIONS]
        return fixed + [dict(q) for q in self.extra_questions]


BUILT_IN = AppliedConfig(True, SurveyTrigger.RESOLVED, (), DEFAULT_THRESHOLD)


def survey_config_for(catalog_item_id: int | None) -> AppliedConfig:
    """The item's own row, else the default row (no item), else the built-in defaults."""
    match = Q(catalog_item__isnull=True)
    if catalog_item_id is not None:
        match |= Q(catalog_item_id=catalog_item_id)
    rows = sorted(SurveyConfig.objects.filter(match), key=lambda c: c.catalog_item_id is None)
    if not rows:
        return BUILT_IN
    row = rows[0]
    return AppliedConfig(
        enabled=row.enabled,
        trigger=row.trigger,
        extra_questions=tuple(
            {"key": str(q["key"]), "label": str(q["label"])} for q in row.questions or []
        ),
        low_score_threshold=row.low_score_threshold,
    )


def survey_list() -> QuerySet[Survey]:
    return Survey.objects.select_related("ticket", "requester")


def follow_up_list() -> QuerySet[FollowUp]:
    return FollowUp.objects.select_related(
        "ticket", "survey", "survey__requester", "assignee", "closed_by"
    )


def is_answerer(user: Any, survey: Survey) -> bool:
    """The requester, or whoever submitted the ticket on the requester's behalf."""
    return bool(user.pk) and user.pk in (survey.requester_id, survey.ticket.submitted_by_id)


def survey_open_for_answers(survey: Survey, *, now: dt.datetime | None = None) -> bool:
    """Whether the survey takes an answer (or a change of its answer) right now."""
    now = now or timezone.now()
    if survey.ticket.status in OPEN_STATUSES:
        return False  # reopened: rated again once it is resolved again
    if survey.status == SurveyStatus.PENDING:
        return now < survey.expires_at
    if survey.status == SurveyStatus.ANSWERED:
        return survey.editable_until is not None and now < survey.editable_until
    return False


def survey_can_answer(user: Any, survey: Survey, *, now: dt.datetime | None = None) -> bool:
    return is_answerer(user, survey) and survey_open_for_answers(survey, now=now)


class SurveyPolicy(Policy):
    """Requesters see their own surveys (as requester or submitter); IT staff see the surveys of
    the tickets they may see; only the requester (or submitter) answers."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not user.is_authenticated:
            return queryset.none()
        own = Q(requester=user) | Q(ticket__submitted_by=user)
        if not has_role(user, *IT_STAFF):
            return queryset.filter(own)
        rule = ticket_visibility(user)
        if rule is None:
            return queryset
        return queryset.filter(own | Q(ticket__in=Ticket.objects.filter(rule).values("pk")))

    def can_list(self, user: Any) -> bool:
        return bool(user.is_authenticated)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action == "retrieve":
            return True
        if action == "answer":
            return is_answerer(user, obj)
        return False


class FollowUpPolicy(Policy):
    """The desk (agents, IT managers, admins) reads follow-ups; IT managers and admins take and
    close them."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if has_role(user, *DESK) else queryset.none()

    def can_list(self, user: Any) -> bool:
        return has_role(user, *DESK)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action == "retrieve":
            return has_role(user, *DESK)
        return has_role(user, *MANAGERS)


class SurveyConfigPolicy(Policy):
    """IT staff read the survey configuration; IT managers and admins change it."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if has_role(user, *IT_STAFF) else queryset.none()

    def can_list(self, user: Any) -> bool:
        return has_role(user, *IT_STAFF)

    def can_create(self, user: Any) -> bool:
        return has_role(user, *MANAGERS)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action == "retrieve":
            return has_role(user, *IT_STAFF)
        return has_role(user, *MANAGERS)
