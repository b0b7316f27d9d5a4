"""The hospital's five layers of KPIs, computed by one engine for the board, the API and Excel.

Each KPI has a written definition and formula (shown in the UI next to the number), is computed
over the tickets that match the filters, and can list the tickets behind its number
(drill-down). Unless a definition says otherwise, a KPI looks at the **cohort of tickets
created in the period** (e.g. a month), so that a month's numbers do not change once its
tickets are closed; "overdue now" is the one live snapshot.

Layers (requirement 3.1.3): satisfaction, attainment, efficiency, compliance, workload.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hitsm.accounts.selectors import department_descendant_ids
from hitsm.catalog.choices import SERVICE_KINDS
from hitsm.servicedesk.choices import Channel, PendingReason, TicketKind, TicketStatus
from hitsm.servicedesk.models import Ticket, TicketClock, TicketEvent
from hitsm.surveys.models import Survey
from hitsm.surveys.summaries import SATISFIED_AT


class KpiLayer(models.TextChoices):
    SATISFACTION = "satisfaction", _("满意度")
    ATTAINMENT = "attainment", _("达标率")
    EFFICIENCY = "efficiency", _("效率")
    COMPLIANCE = "compliance", _("合规性")
    WORKLOAD = "workload", _("工作量")


LAYERS = dict(KpiLayer.choices)


@dataclass(frozen=True)
class KpiFilters:
    start: dt.datetime  # inclusive
    end: dt.datetime  # exclusive
    department_id: int | None = None  # includes its sub-departments
    group_id: int | None = None
    engineer_id: int | None = None
    priority: int | None = None
    kind: str | None = None

    def key(self) -> str:
        return (
            f"{self.start.isoformat()}|{self.end.isoformat()}|{self.department_id}|"
            f"{self.group_id}|{self.engineer_id}|{self.priority}|{self.kind}"
        )


def month_range(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def cohort(filters: KpiFilters) -> QuerySet[Ticket]:
    """The tickets created in the period that match the filters."""
    tickets = Ticket.objects.filter(created_at__gte=filters.start, created_at__lt=filters.end)
    if filters.department_id:
        tickets = tickets.filter(department_id__in=department_descendant_ids(filters.department_id))
    if filters.group_id:
        tickets = tickets.filter(assignment_group_id=filters.group_id)
    if filters.engineer_id:
        tickets = tickets.filter(assignee_id=filters.engineer_id)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    # The service KPIs count what requesters submit; problems, changes and improvements are
    # the practices behind the desk and are counted only when asked for by kind.
    if filters.kind:
        return tickets.filter(kind=filters.kind)
    return tickets.filter(kind__in=SERVICE_KINDS)


@dataclass
class KpiValue:
    value: float | None  # None: no data (e.g. no tickets, or the source not built yet)
    numerator: int | None = None
    denominator: int | None = None
    breakdown: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Kpi:
    code: str
    layer: str
    name: str | Promise
    definition: str | Promise
    formula: str | Promise
    unit: str  # "%", "count", "minutes"
    compute: Callable[[KpiFilters], KpiValue]
    # the tickets behind the number: part → queryset (e.g. "numerator", "denominator")
    drill: Callable[[KpiFilters, str], QuerySet[Ticket]] | None = None
    higher_is_better: bool = True
    available: bool = True


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- attainment ---------------------------------------------------------------------------------


def _clocks(filters: KpiFilters, metric: str) -> QuerySet[TicketClock]:
    """The clocks of the cohort: found through their copy of the ticket's creation time (one
    index range), the other filters through the ticket."""
    clocks = TicketClock.objects.filter(
        metric=metric, opened_at__gte=filters.start, opened_at__lt=filters.end
    )
    if filters.department_id:
        clocks = clocks.filter(
            ticket__department_id__in=department_descendant_ids(filters.department_id)
        )
    if filters.group_id:
        clocks = clocks.filter(ticket__assignment_group_id=filters.group_id)
    if filters.engineer_id:
        clocks = clocks.filter(ticket__assignee_id=filters.engineer_id)
    if filters.priority:
        clocks = clocks.filter(ticket__priority=filters.priority)
    if filters.kind:  # (only service tickets have clocks unless a policy names another kind)
        clocks = clocks.filter(ticket__kind=filters.kind)
    return clocks


# A clock counts once it stopped (accepted / resolved), on time ("met") or late ("breached");
# running ones are excluded. The boards' "today" figures use the same rule (clocks_finished).
FINISHED = Q(state__in=("met", "breached"), stopped_at__isnull=False)
MET = Q(state="met")


def _finished_clocks(filters: KpiFilters, metric: str) -> QuerySet[TicketClock]:
    """Clocks that stopped (accepted / resolved), on time or late; running ones are excluded."""
    return _clocks(filters, metric).filter(FINISHED)


def clocks_finished(start: dt.datetime, end: dt.datetime) -> dict[str, dict[str, Any]]:
    """Per metric, the clocks that *stopped* in [start, end): how many, how many on time, their
    share (as the attainment KPIs) and mean working minutes (as the mean-time KPIs). One query.
    The KPIs look at a month's cohort; the boards ask "what finished today" with this."""
    clocks = TicketClock.objects.filter(FINISHED, stopped_at__gte=start, stopped_at__lt=end)
    aggregates: dict[str, Any] = {}
    for metric in ("response", "resolution"):
        mine = Q(metric=metric)
        aggregates[f"{metric}_n"] = Count("id", filter=mine)
        aggregates[f"{metric}_met"] = Count("id", filter=mine & MET)
        aggregates[f"{metric}_mean"] = Avg("elapsed_minutes", filter=mine)
    row = clocks.aggregate(**aggregates)
    result: dict[str, dict[str, Any]] = {}
    for metric in ("response", "resolution"):
        n, met, mean = row[f"{metric}_n"], row[f"{metric}_met"], row[f"{metric}_mean"]
        result[metric] = {
            "finished": n,
            "met": met,
            "attainment": _share(met, n),
            "mean_minutes": round(float(mean), 1) if n else None,
        }
    return result


def _attainment(metric: str) -> Callable[[KpiFilters], KpiValue]:
    def compute(filters: KpiFilters) -> KpiValue:
        counts = _finished_clocks(filters, metric).aggregate(
            whole=Count("id"), met=Count("id", filter=MET)
        )
        return KpiValue(_share(counts["met"], counts["whole"]), counts["met"], counts["whole"])

    return compute


def _attainment_drill(metric: str) -> Callable[[KpiFilters, str], QuerySet[Ticket]]:
    def drill(filters: KpiFilters, part: str) -> QuerySet[Ticket]:
        clocks = _finished_clocks(filters, metric)
        if part == "numerator":
            clocks = clocks.filter(state="met")
        elif part == "missed":
            clocks = clocks.filter(state="breached")
        return Ticket.objects.filter(pk__in=clocks.values("ticket_id"))

    return drill


# --- efficiency ---------------------------------------------------------------------------------


def _breached(filters: KpiFilters) -> QuerySet[Ticket]:
    late = _clocks(filters, "resolution").filter(breached_at__isnull=False)
    return Ticket.objects.filter(pk__in=late.values("ticket_id"))


def _overdue_now(filters: KpiFilters) -> QuerySet[Ticket]:
    """Open tickets past their resolution deadline right now (not limited to the period)."""
    live = KpiFilters(
        start=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        end=timezone.now() + dt.timedelta(days=1),
        department_id=filters.department_id,
        group_id=filters.group_id,
        engineer_id=filters.engineer_id,
        priority=filters.priority,
        kind=filters.kind,
    )
    open_statuses = [s for s in TicketStatus.values if s not in ("resolved", "closed", "cancelled")]
    return cohort(live).filter(status__in=open_statuses, resolution_due_at__lt=timezone.now())


def _unaccepted(filters: KpiFilters) -> QuerySet[Ticket]:
    """Accepted more than N minutes after creation, or still not accepted after N minutes."""
    limit = dt.timedelta(minutes=settings.TICKET_UNACCEPTED_MINUTES)
    late = Q(accepted_at__isnull=False, accepted_at__gt=F("created_at") + limit)
    waiting = Q(
        accepted_at__isnull=True,
        status=TicketStatus.NEW,
        created_at__lt=timezone.now() - limit,
    )
    return cohort(filters).filter(late | waiting)


def _count(select: Callable[[KpiFilters], QuerySet[Ticket]]) -> Callable[[KpiFilters], KpiValue]:
    def compute(filters: KpiFilters) -> KpiValue:
        n = select(filters).count()
        return KpiValue(float(n), n)

    return compute


def _elapsed(metric: str, how: str) -> Callable[[KpiFilters], KpiValue]:
    def compute(filters: KpiFilters) -> KpiValue:
        values = list(_finished_clocks(filters, metric).values_list("elapsed_minutes", flat=True))
        if not values:
            return KpiValue(None, 0, 0)
        result = statistics.fmean(values) if how == "mean" else statistics.median(values)
        return KpiValue(round(result, 1), None, len(values))

    return compute


# --- compliance and workload ----------------------------------------------------------------------


def _incidents(filters: KpiFilters) -> QuerySet[Ticket]:
    return cohort(filters).filter(kind=TicketKind.INCIDENT)


def _without_ci(filters: KpiFilters) -> QuerySet[Ticket]:
    return _incidents(filters).filter(configuration_items__isnull=True)


def _compliance(filters: KpiFilters) -> KpiValue:
    whole = _incidents(filters).count()
    part = _without_ci(filters).count()
    return KpiValue(_share(part, whole), part, whole)


def _to_change(filters: KpiFilters) -> QuerySet[Ticket]:
    """Tickets that had to wait for a change (pending, reason 等待变更)."""
    pended = TicketEvent.objects.filter(
        ticket=OuterRef("pk"), kind="pending", data__reason=PendingReason.CHANGE
    )
    return cohort(filters).filter(Q(pending_reason=PendingReason.CHANGE) | Exists(pended))


def _to_incident(filters: KpiFilters) -> QuerySet[Ticket]:
    """Monitoring events (alerts) that became incidents."""
    return cohort(filters).filter(kind=TicketKind.INCIDENT, channel=Channel.MONITORING)


def _per_engineer(filters: KpiFilters) -> KpiValue:
    rows = (
        cohort(filters)
        .filter(status__in=("resolved", "closed"), assignee__isnull=False)
        .values("assignee_id", "assignee__display_name")
        .annotate(n=Count("id"))
        .order_by("-n", "assignee__display_name")
    )
    breakdown = [
        {"engineer_id": r["assignee_id"], "name": r["assignee__display_name"], "count": r["n"]}
        for r in rows
    ]
    people = len(breakdown)
    total = sum(r["count"] for r in breakdown)
    return KpiValue(round(total / people, 1) if people else None, total, people, breakdown)


# --- satisfaction ---------------------------------------------------------------------------------


def surveys_sent(filters: KpiFilters) -> QuerySet[Survey]:
    """The surveys sent in the period (a survey belongs to the month it was sent in, as in the
    monthly survey summary, docs/surveys.md), narrowed by the filters through their ticket."""
    surveys = Survey.objects.filter(sent_at__gte=filters.start, sent_at__lt=filters.end)
    if filters.department_id:
        surveys = surveys.filter(
            ticket__department_id__in=department_descendant_ids(filters.department_id)
        )
    if filters.group_id:
        surveys = surveys.filter(ticket__assignment_group_id=filters.group_id)
    if filters.engineer_id:
        surveys = surveys.filter(ticket__assignee_id=filters.engineer_id)
    if filters.priority:
        surveys = surveys.filter(ticket__priority=filters.priority)
    if filters.kind:
        surveys = surveys.filter(ticket__kind=filters.kind)
    return surveys


def surveys_answered(filters: KpiFilters) -> QuerySet[Survey]:
    return surveys_sent(filters).filter(answered_at__isnull=False)


# an answer is "satisfied" when its three fixed scores average at least 4 (sum ≥ 12)
SATISFIED_SUM = 3 * SATISFIED_AT


def satisfied_q() -> Q:
    return Q(fixed_sum__gte=SATISFIED_SUM)


def with_fixed_sum(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    return surveys.alias(fixed_sum=F("score_technical") + F("score_response") + F("score_attitude"))


def _answered(filters: KpiFilters) -> QuerySet[Ticket]:
    return Ticket.objects.filter(pk__in=surveys_answered(filters).values("ticket_id"))


def _score_mean(key: str) -> Callable[[KpiFilters], KpiValue]:
    def compute(filters: KpiFilters) -> KpiValue:
        row = surveys_answered(filters).aggregate(mean=Avg(f"score_{key}"), n=Count(f"score_{key}"))
        if not row["n"]:
            return KpiValue(None, None, 0)
        return KpiValue(round(float(row["mean"]), 2), None, row["n"])

    return compute


def _satisfied(filters: KpiFilters) -> KpiValue:
    row = with_fixed_sum(surveys_answered(filters)).aggregate(
        whole=Count("id"), part=Count("id", filter=satisfied_q())
    )
    return KpiValue(_share(row["part"], row["whole"]), row["part"], row["whole"])


def _satisfied_drill(filters: KpiFilters, part: str) -> QuerySet[Ticket]:
    surveys = with_fixed_sum(surveys_answered(filters))
    if part == "numerator":
        surveys = surveys.filter(satisfied_q())
    elif part == "missed":
        surveys = surveys.exclude(satisfied_q())
    return Ticket.objects.filter(pk__in=surveys.values("ticket_id"))


def _by(
    select: Callable[[KpiFilters], QuerySet[Ticket]],
) -> Callable[[KpiFilters, str], QuerySet[Ticket]]:
    return lambda filters, part: select(filters)


KPIS: tuple[Kpi, ...] = (
    Kpi(
        "satisfaction_reliability",
        "satisfaction",
        _("可靠性满意度"),
        _("本期发出并已回收的满意度调查中，“技术解决能力”（问题是否真正解决）的平均评分"),
        _("Σ 技术解决能力评分 ÷ 回收份数（5 分制）"),
        "score",
        _score_mean("technical"),
        _by(_answered),
    ),
    Kpi(
        "satisfaction_performance",
        "satisfaction",
        _("性能满意度"),
        _("本期发出并已回收的满意度调查中，“服务响应延迟”（响应与处理速度）的平均评分"),
        _("Σ 服务响应延迟评分 ÷ 回收份数（5 分制）"),
        "score",
        _score_mean("response"),
        _by(_answered),
    ),
    Kpi(
        "satisfaction_attitude",
        "satisfaction",
        _("服务态度满意度"),
        _("本期发出并已回收的满意度调查中，“服务态度”的平均评分"),
        _("Σ 服务态度评分 ÷ 回收份数（5 分制）"),
        "score",
        _score_mean("attitude"),
        _by(_answered),
    ),
    Kpi(
        "satisfaction_overall",
        "satisfaction",
        _("总体满意度"),
        _("本期发出并已回收的满意度调查中，三项评分平均不低于 4 分（满意与非常满意）的比例"),
        _("满意份数 ÷ 回收份数 × 100%"),
        "%",
        _satisfied,
        _satisfied_drill,
    ),
    Kpi(
        "sla_response_attainment",
        "attainment",
        _("响应 SLA 达标率"),
        _("本期提交的工单中，已受理的工单在响应时限内受理的比例（按所属 SLA 策略与工作日历计）"),
        _("按时受理数 ÷ 已受理数 × 100%"),
        "%",
        _attainment("response"),
        _attainment_drill("response"),
    ),
    Kpi(
        "sla_resolution_attainment",
        "attainment",
        _("解决 SLA 达标率"),
        _("本期提交的工单中，已解决的工单在解决时限内解决的比例（挂起时间不计）"),
        _("按时解决数 ÷ 已解决数 × 100%"),
        "%",
        _attainment("resolution"),
        _attainment_drill("resolution"),
    ),
    Kpi(
        "overdue",
        "efficiency",
        _("超过时限的工单数"),
        _("本期提交的工单中，解决用时超过解决时限的工单数（无论现在是否已解决）"),
        _("计数：解决时钟曾超时的工单"),
        "count",
        _count(_breached),
        _by(_breached),
        higher_is_better=False,
    ),
    Kpi(
        "overdue_now",
        "efficiency",
        _("当前超时未解决"),
        _("此刻仍未解决且已过解决截止时间的工单数（实时，不受统计期限制）"),
        _("计数：未结工单中 解决截止 < 现在"),
        "count",
        _count(_overdue_now),
        _by(_overdue_now),
        higher_is_better=False,
    ),
    Kpi(
        "unaccepted_30",
        "efficiency",
        _("超时未接单数"),
        _("本期提交的工单中，提交后超过无人受理阈值（默认 30 分钟）才受理或至今未受理的工单数"),
        _("计数：受理时间 − 提交时间 > 阈值，或至今未受理且已超过阈值"),
        "count",
        _count(_unaccepted),
        _by(_unaccepted),
        higher_is_better=False,
    ),
    Kpi(
        "response_time_mean",
        "efficiency",
        _("平均响应时长"),
        _("已受理工单从提交到受理的工作时间平均值（按工作日历，单位：分钟）"),
        _("Σ 响应用时 ÷ 已受理数"),
        "minutes",
        _elapsed("response", "mean"),
        higher_is_better=False,
    ),
    Kpi(
        "response_time_median",
        "efficiency",
        _("响应时长中位数"),
        _("已受理工单响应工作时间的中位数（分钟）"),
        _("响应用时的中位数"),
        "minutes",
        _elapsed("response", "median"),
        higher_is_better=False,
    ),
    Kpi(
        "resolution_time_mean",
        "efficiency",
        _("平均解决时长"),
        _("已解决工单从提交到解决的工作时间平均值，挂起时间不计（分钟）"),
        _("Σ 解决用时 ÷ 已解决数"),
        "minutes",
        _elapsed("resolution", "mean"),
        higher_is_better=False,
    ),
    Kpi(
        "resolution_time_median",
        "efficiency",
        _("解决时长中位数"),
        _("已解决工单解决工作时间的中位数（分钟）"),
        _("解决用时的中位数"),
        "minutes",
        _elapsed("resolution", "median"),
        higher_is_better=False,
    ),
    Kpi(
        "incidents_without_ci",
        "compliance",
        _("未关联配置项的故障单占比"),
        _("本期提交的故障单中，没有关联任何 CMDB 配置项的比例"),
        _("未关联配置项的故障单数 ÷ 故障单总数 × 100%"),
        "%",
        _compliance,
        lambda filters, part: (
            _without_ci(filters) if part != "denominator" else _incidents(filters)
        ),
        higher_is_better=False,
    ),
    Kpi(
        "escalated_to_change",
        "workload",
        _("升级为变更的事态数"),
        _("本期提交的工单中，需要通过变更解决（曾以“等待变更”挂起）的工单数"),
        _("计数：挂起原因 = 等待变更"),
        "count",
        _count(_to_change),
        _by(_to_change),
    ),
    Kpi(
        "escalated_to_incident",
        "workload",
        _("升级为故障的事态数"),
        _("本期由监控告警（事态）自动或人工生成的故障单数"),
        _("计数：类型 = 故障 且 渠道 = 监控告警"),
        "count",
        _count(_to_incident),
        _by(_to_incident),
    ),
    Kpi(
        "tickets_per_engineer",
        "workload",
        _("人均处理工单数"),
        _("本期提交并已解决的工单按处理人统计的人均数量（明细列出每位工程师）"),
        _("已解决工单数 ÷ 有解决工单的工程师人数"),
        "count",
        _per_engineer,
        lambda filters, part: cohort(filters).filter(
            status__in=("resolved", "closed"), assignee__isnull=False
        ),
    ),
)
KPI_BY_CODE = {kpi.code: kpi for kpi in KPIS}


def kpi_compute(kpi: Kpi, filters: KpiFilters) -> dict[str, Any]:
    value = kpi.compute(filters)
    return {
        "code": kpi.code,
        "layer": kpi.layer,
        "name": str(kpi.name),
        "definition": str(kpi.definition),
        "formula": str(kpi.formula),
        "unit": kpi.unit,
        "available": kpi.available,
        "higher_is_better": kpi.higher_is_better,
        "drillable": kpi.drill is not None,
        "value": value.value,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "breakdown": value.breakdown,
    }


def kpi_set(filters: KpiFilters) -> list[dict[str, Any]]:
    return [kpi_compute(kpi, filters) for kpi in KPIS]


def kpi_drill(kpi: Kpi, filters: KpiFilters, part: str = "numerator") -> QuerySet[Ticket]:
    if kpi.drill is None:
        return Ticket.objects.none()
    return kpi.drill(filters, part)
