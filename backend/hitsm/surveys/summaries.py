"""The monthly satisfaction summary (a selector: it only reads).

A survey belongs to the month it was sent in (local time, ``sent_at``), whenever it is answered.
Per department, support group, engineer (the ticket's assignee) and catalog item, and overall:

- sent = surveys sent that month; answered = those of them answered
- response rate = answered ÷ sent
- average of a question = Σ its scores ÷ number of answers that scored it
- average = Σ the three fixed scores ÷ (3 × answered)
- satisfied rate = answers whose fixed scores average ≥ 4 ÷ answered
- distribution = how many answers gave 1, 2, 3, 4 and 5, per question
- trend = the same numbers for each of the previous 3 months, and ``change`` = average −
  the average over the previous 3 months' answers taken together
- worst comments = the 5 answers with a comment whose fixed scores average lowest

docs/surveys.md repeats these formulas for readers of the report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hitsm.core.errors import ValidationFailed
from hitsm.surveys.models import FIXED_KEYS, FIXED_QUESTIONS, SCORE_MAX, SCORE_MIN, Survey

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
TREND_MONTHS = 3
WORST = 5
SATISFIED_AT = 4  # an answer whose fixed scores average at least this counts as satisfied
DIMENSIONS = {
    # name → (id field, name field) on the survey's ticket
    "department": ("ticket__department_id", "ticket__department__name"),
    "group": ("ticket__assignment_group_id", "ticket__assignment_group__name"),
    "engineer": ("ticket__assignee_id", "engineer_name"),
    "item": ("ticket__catalog_item_id", "ticket__catalog_item__name"),
}
FIELDS = (
    "id",
    "sent_at",
    "answered_at",
    "questions",
    "score_technical",
    "score_response",
    "score_attitude",
    "extra_scores",
    "comment",
    "ticket_id",
    "ticket__number",
    "ticket__title",
    "ticket__department_id",
    "ticket__department__name",
    "ticket__assignment_group_id",
    "ticket__assignment_group__name",
    "ticket__assignee_id",
    "ticket__assignee__display_name",
    "ticket__assignee__username",
    "ticket__catalog_item_id",
    "ticket__catalog_item__name",
)


def month_parse(value: str) -> tuple[int, int]:
    match = MONTH.match(value or "")
    if match is None:
        raise ValidationFailed(fields={"month": [_("月份格式为 YYYY-MM")]})
    year, month = int(match[1]), int(match[2])
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise ValidationFailed(fields={"month": [_("月份超出范围")]})
    return year, month


def month_shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_start(year: int, month: int) -> dt.datetime:
    """Midnight of the month's first day in the hospital's time zone."""
    return dt.datetime(year, month, 1, tzinfo=timezone.get_default_timezone())


def month_final_at(year: int, month: int) -> dt.datetime:
    """When the month's numbers stop changing: its last survey has expired (or been answered)
    and the last answer's edit window has closed."""
    end = month_start(*month_shift(year, month, 1))
    return end + dt.timedelta(days=settings.SURVEY_EXPIRY_DAYS, hours=settings.SURVEY_EDIT_HOURS)


def current_month() -> str:
    today = timezone.localdate()
    return month_label(today.year, today.month)


def _scores(row: dict[str, Any]) -> dict[str, int]:
    values = {key: row[f"score_{key}"] for key in FIXED_KEYS if row[f"score_{key}"] is not None}
    values.update({k: int(v) for k, v in (row["extra_scores"] or {}).items()})
    return values


def _fixed_mean(row: dict[str, Any]) -> float:
    return sum(row[f"score_{key}"] for key in FIXED_KEYS) / len(FIXED_KEYS)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _answered(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r["answered_at"] is not None]


def _average(answered: Sequence[dict[str, Any]]) -> float | None:
    return _mean([r[f"score_{key}"] for r in answered for key in FIXED_KEYS])


def _comment(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "survey": row["id"],
        "ticket": row["ticket_id"],
        "ticket_number": row["ticket__number"],
        "ticket_title": row["ticket__title"],
        "average": round(_fixed_mean(row), 2),
        "scores": _scores(row),
        "comment": row["comment"],
        "department": row["ticket__department__name"] or "",
        "engineer": row["engineer_name"] if row["ticket__assignee_id"] else "",
        "answered_at": timezone.localtime(row["answered_at"]).isoformat(),
    }


def _worst(answered: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    commented = [r for r in answered if (r["comment"] or "").strip()]
    commented.sort(key=lambda r: (_fixed_mean(r), -r["answered_at"].timestamp(), r["id"]))
    return [_comment(r) for r in commented[:WORST]]


def _stats(
    rows: list[dict[str, Any]],
    keys: Sequence[str],
    history: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    """The numbers of one group of surveys; ``history`` has the group's rows of earlier months."""
    answered = _answered(rows)
    given: dict[str, list[int]] = defaultdict(list)
    for row in answered:
        for key, value in _scores(row).items():
            given[key].append(value)
    average = _average(answered)
    earlier = [r for month_rows in history.values() for r in _answered(month_rows)]
    previous = _average(earlier)
    return {
        "sent": len(rows),
        "answered": len(answered),
        "response_rate": _rate(len(answered), len(rows)),
        "average": average,
        "satisfied_rate": _rate(
            sum(1 for r in answered if _fixed_mean(r) >= SATISFIED_AT), len(answered)
        ),
        "averages": {key: _mean(given.get(key, [])) for key in keys},
        "distribution": {
            key: [given.get(key, []).count(score) for score in range(SCORE_MIN, SCORE_MAX + 1)]
            for key in keys
        },
        "trend": [
            {
                "month": month,
                "sent": len(month_rows),
                "answered": len(_answered(month_rows)),
                "response_rate": _rate(len(_answered(month_rows)), len(month_rows)),
                "average": _average(_answered(month_rows)),
            }
            for month, month_rows in history.items()
        ],
        "previous_average": previous,
        "change": round(average - previous, 2)
        if average is not None and previous is not None
        else None,
        "worst_comments": _worst(answered),
    }


def _questions(rows: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """The fixed questions, then every extra question asked that month (first label seen)."""
    found = dict(FIXED_QUESTIONS)
    for row in rows:
        for question in row["questions"] or []:
            found.setdefault(str(question["key"]), str(question["label"]))
    return [{"key": key, "label": label} for key, label in found.items()]


def survey_summary(month: str) -> dict[str, Any]:
    """The month's summary, computed from the surveys now (JSON-ready)."""
    year, number = month_parse(month)
    months = [month_label(*month_shift(year, number, -n)) for n in range(TREND_MONTHS, -1, -1)]
    start = month_start(*month_shift(year, number, -TREND_MONTHS))
    end = month_start(*month_shift(year, number, 1))
    rows = list(
        Survey.objects.filter(sent_at__gte=start, sent_at__lt=end).order_by("id").values(*FIELDS)
    )
    for row in rows:
        local = timezone.localtime(row["sent_at"])
        row["month"] = month_label(local.year, local.month)
        row["engineer_name"] = (
            row["ticket__assignee__display_name"] or row["ticket__assignee__username"] or ""
        )
    current = [r for r in rows if r["month"] == month]
    keys = [q["key"] for q in _questions(current)]

    def history(group: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        by_month: dict[str, list[dict[str, Any]]] = {m: [] for m in months[:-1]}
        for row in group:
            if row["month"] in by_month:
                by_month[row["month"]].append(row)
        return by_month

    result: dict[str, Any] = {
        "month": month,
        "period": {"start": month_start(year, number).isoformat(), "end": end.isoformat()},
        "questions": _questions(current),
        "overall": _stats(current, keys, history(rows)),
    }
    for dimension, (id_field, name_field) in DIMENSIONS.items():
        groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            groups[row[id_field]].append(row)
        breakdown = []
        for ident, group in groups.items():
            this_month = [r for r in group if r["month"] == month]
            if not this_month:
                continue
            name = this_month[0][name_field] or ""
            breakdown.append(
                {
                    "id": ident,
                    "name": name if ident is not None else _none_label(dimension),
                    **_stats(this_month, keys, history(group)),
                }
            )
        breakdown.sort(key=lambda g: (-g["sent"], g["id"] is None, g["name"]))
        result[f"by_{dimension}"] = breakdown
    return result


def _none_label(dimension: str) -> str:
    return {
        "department": _("（未填科室）"),
        "group": _("（未派组）"),
        "engineer": _("（未分配）"),
        "item": _("（未选服务项）"),
    }[dimension]
