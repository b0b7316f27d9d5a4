from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from openpyxl import Workbook
from openpyxl.styles import Font
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.accounts.permissions import role_permission
from hitsm.accounts.roles import IT_STAFF
from hitsm.api.pagination import CappedCountPagination
from hitsm.api.serializers import ERROR_RESPONSES
from hitsm.core.api.serializers import JobSerializer
from hitsm.core.errors import NotFound, ValidationFailed
from hitsm.core.jobs import job_enqueue
from hitsm.core.spreadsheets import XLSX_MIME
from hitsm.dashboards.jobs import filters_to_params, kpi_set_cached
from hitsm.dashboards.kpis import (
    KPI_BY_CODE,
    LAYERS,
    KpiFilters,
    KpiLayer,
    kpi_compute,
    kpi_drill,
    month_range,
)
from hitsm.servicedesk.choices import TicketKind, TicketStatus
from hitsm.servicedesk.models import Ticket
from hitsm.servicedesk.selectors import ticket_visibility

FILTER_PARAMS = [
    OpenApiParameter("period", str, description="month YYYY-MM (default: this month)"),
    OpenApiParameter("department", int, description="department (its sub-departments included)"),
    OpenApiParameter("group", int, description="assignment group"),
    OpenApiParameter("engineer", int, description="assignee"),
    OpenApiParameter("priority", int, enum=[1, 2, 3, 4, 5]),
    OpenApiParameter("kind", str, enum=TicketKind.values),
]


def _int(params: Any, name: str, low: int = 1, high: int = 2**31) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed(fields={name: [_("请输入整数")]}) from None
    if not low <= value <= high:
        raise ValidationFailed(fields={name: [_("超出范围")]})
    return value


def _period(params: Any) -> tuple[int, int]:
    raw = params.get("period") or timezone.localtime().strftime("%Y-%m")
    try:
        year, month = (int(part) for part in raw.split("-"))
        dt.date(year, month, 1)
    except ValueError:
        raise ValidationFailed(fields={"period": [_("统计期格式为 2026-11")]}) from None
    return year, month


def filters_from(request: Request, year: int | None = None, month: int | None = None) -> KpiFilters:
    params = request.query_params
    if year is None or month is None:
        year, month = _period(params)
    start, end = month_range(year, month)
    kind = params.get("kind") or None
    if kind and kind not in TicketKind.values:
        raise ValidationFailed(fields={"kind": [_("工单类型无效")]})
    return KpiFilters(
        start=start,
        end=end,
        department_id=_int(params, "department"),
        group_id=_int(params, "group"),
        engineer_id=_int(params, "engineer"),
        priority=_int(params, "priority", 1, 5),
        kind=kind,
    )


class KpiBreakdownSerializer(serializers.Serializer):
    engineer_id = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class KpiValueSerializer(serializers.Serializer):
    code = serializers.CharField()
    layer = serializers.ChoiceField(choices=KpiLayer.choices)
    name = serializers.CharField()
    definition = serializers.CharField()
    formula = serializers.CharField()
    unit = serializers.ChoiceField(choices=["%", "count", "minutes", "score"])
    available = serializers.BooleanField()
    higher_is_better = serializers.BooleanField()
    drillable = serializers.BooleanField()
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    breakdown = KpiBreakdownSerializer(many=True)


class KpiSetSerializer(serializers.Serializer):
    period = serializers.CharField()
    layers = serializers.DictField(child=serializers.CharField())
    kpis = KpiValueSerializer(many=True)
    computed_at = serializers.DateTimeField()
    seconds = serializers.FloatField()
    cached = serializers.BooleanField()


class TrendPointSerializer(serializers.Serializer):
    period = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)


class DrillTicketSerializer(serializers.Serializer):
    """A ticket behind a KPI. Every counted ticket is listed, so the list agrees with the
    number; one the viewer may not open (another group's, for an engineer) is listed by
    number, status and priority only: ``visible`` false and an empty title."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    visible = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=TicketKind.choices)
    status = serializers.ChoiceField(choices=TicketStatus.choices)
    priority = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    department = serializers.CharField(source="department.name", allow_null=True, default=None)
    assignee = serializers.CharField(source="assignee.name", allow_null=True, default=None)

    def get_visible(self, ticket: Ticket) -> bool:
        return ticket.pk in self.context["visible"]

    def get_title(self, ticket: Ticket) -> str:
        return ticket.title if ticket.pk in self.context["visible"] else ""


class DrillPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    count_capped = serializers.BooleanField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DrillTicketSerializer(many=True)


class KpiSetView(APIView):
    """Every KPI of the five layers for a month and filters (cached; see the job below)."""

    permission_classes = [role_permission(*IT_STAFF)]

    @extend_schema(
        operation_id="kpis_set",
        parameters=[
            *FILTER_PARAMS,
            OpenApiParameter(
                "refresh", str, enum=["1"], description="1: recompute, skip the cache"
            ),
        ],
        responses={200: KpiSetSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        year, month = _period(request.query_params)
        filters = filters_from(request, year, month)
        result = kpi_set_cached(filters, refresh=request.query_params.get("refresh") == "1")
        return Response(
            {
                "period": f"{year:04d}-{month:02d}",
                "layers": {k: str(v) for k, v in LAYERS.items()},
                **result,
            }
        )


class KpiSetJobView(APIView):
    permission_classes = [role_permission(*IT_STAFF)]

    @extend_schema(parameters=FILTER_PARAMS, request=None, responses={202: JobSerializer})
    def post(self, request: Request) -> Response:
        """Compute (and cache) the KPI set in the background, e.g. for a large month."""
        job = job_enqueue(
            kind="dashboards.kpi_set",
            created_by_id=request.user.pk,
            params={"filters": filters_to_params(filters_from(request))},
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


def _kpi(code: str) -> Any:
    kpi = KPI_BY_CODE.get(code)
    if kpi is None:
        raise NotFound(_("没有这个指标"))
    return kpi


class KpiView(APIView):
    permission_classes = [role_permission(*IT_STAFF)]

    @extend_schema(
        operation_id="kpis_tile",
        parameters=FILTER_PARAMS,
        responses={200: KpiValueSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, code: str) -> Response:
        """One KPI tile."""
        return Response(kpi_compute(_kpi(code), filters_from(request)))


class KpiTrendView(APIView):
    permission_classes = [role_permission(*IT_STAFF)]

    @extend_schema(
        parameters=[
            *FILTER_PARAMS,
            OpenApiParameter("months", int, description="1–24, default 12"),
        ],
        responses={200: TrendPointSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request: Request, code: str) -> Response:
        """The KPI month by month, ending with ``period``."""
        kpi = _kpi(code)
        months = _int(request.query_params, "months", 1, 24) or 12
        year, month = _period(request.query_params)
        points = []
        for back in range(months - 1, -1, -1):
            y, m = divmod(year * 12 + month - 1 - back, 12)
            value = kpi_compute(kpi, filters_from(request, y, m + 1))
            points.append(
                {
                    "period": f"{y:04d}-{m + 1:02d}",
                    "value": value["value"],
                    "numerator": value["numerator"],
                    "denominator": value["denominator"],
                }
            )
        return Response(points)


class KpiTicketsView(APIView):
    permission_classes = [role_permission(*IT_STAFF)]

    @extend_schema(
        parameters=[
            *FILTER_PARAMS,
            OpenApiParameter(
                "part",
                str,
                enum=["numerator", "denominator", "missed"],
                description="default numerator",
            ),
        ],
        responses={200: DrillPageSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, code: str) -> Response:
        """The tickets behind the number (drill-down), paginated."""
        kpi = _kpi(code)
        part = request.query_params.get("part", "numerator")
        if part not in ("numerator", "denominator", "missed"):
            raise ValidationFailed(fields={"part": [_("只能是 numerator、denominator 或 missed")]})
        tickets = (
            kpi_drill(kpi, filters_from(request), part)
            .select_related("department", "assignee")
            .order_by("-created_at", "-id")
        )
        paginator = CappedCountPagination()
        page = paginator.paginate_queryset(tickets, request, view=self) or []
        rule = ticket_visibility(request.user)
        ids = [ticket.pk for ticket in page]
        visible = (
            set(ids)
            if rule is None
            else set(Ticket.objects.filter(rule, pk__in=ids).values_list("pk", flat=True))
        )
        rows = DrillTicketSerializer(page, many=True, context={"visible": visible}).data
        return paginator.get_paginated_response(rows)


class KpiExportView(APIView):
    permission_classes = [role_permission(*IT_STAFF)]

    @extend_schema(
        parameters=FILTER_PARAMS,
        responses={(200, XLSX_MIME): OpenApiResponse(description="xlsx"), **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> HttpResponse:
        """The KPI set as Excel: the same numbers as the board, with definitions and formulas."""
        year, month = _period(request.query_params)
        filters = filters_from(request, year, month)
        result = kpi_set_cached(filters)
        book = Workbook()
        sheet = book.active
        sheet.title = f"{year:04d}-{month:02d}"
        sheet.append(["层面", "指标", "数值", "单位", "分子", "分母", "定义", "计算公式"])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in result["kpis"]:
            sheet.append(
                [
                    str(LAYERS[row["layer"]]),
                    row["name"],
                    row["value"] if row["available"] else "（未上线）",
                    row["unit"],
                    row["numerator"],
                    row["denominator"],
                    row["definition"],
                    row["formula"],
                ]
            )
        per_engineer = next(r for r in result["kpis"] if r["code"] == "tickets_per_engineer")
        if per_engineer["breakdown"]:
            people = book.create_sheet("人均处理工单")
            people.append(["工程师", "已解决工单数"])
            for row in per_engineer["breakdown"]:
                people.append([row["name"], row["count"]])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_MIME)
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''kpi-{year:04d}-{month:02d}.xlsx"
        )
        return response
