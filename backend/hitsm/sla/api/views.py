from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.accounts.selectors import signed_in_user
from hitsm.api.serializers import ERROR_RESPONSES
from hitsm.api.viewsets import PolicyMixin
from hitsm.catalog.models import CatalogItem
from hitsm.catalog.selectors import CatalogItemPolicy
from hitsm.core.errors import Forbidden, NotFound, ValidationFailed
from hitsm.sla import services
from hitsm.sla.api import serializers as s
from hitsm.sla.calendar import CalendarClosed, business_add
from hitsm.sla.models import (
    BusinessCalendar,
    CalendarDay,
    EscalationRule,
    Impact,
    Priority,
    PublicHoliday,
    SlaPolicy,
    Urgency,
)
from hitsm.sla.reference import MANUAL
from hitsm.sla.selectors import (
    SlaConfigPolicy,
    calendar_spec,
    expected_times,
    priority_matrix,
    priority_matrix_can_change,
    priority_matrix_can_read,
    priority_matrix_updated_at,
)


class PreviewSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    minutes = serializers.IntegerField(min_value=0, max_value=60 * 24 * 365)


class PreviewResultSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    minutes = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    wall_clock_minutes = serializers.FloatField()


class CalendarViewSet(PolicyMixin, viewsets.ModelViewSet):
    """Working calendars: hours per weekday, public holidays, own exception days."""

    policy = SlaConfigPolicy()
    serializer_class = s.BusinessCalendarSerializer
    pagination_class = None
    queryset = BusinessCalendar.objects.prefetch_related("days").order_by("code")
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(
        request=PreviewSerializer, responses={200: PreviewResultSerializer, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        """When is N business minutes after a start on this calendar? (explains deadlines)"""
        calendar = self.get_object()
        data = PreviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        spec = calendar_spec(calendar.pk)
        start: dt.datetime = data.validated_data["start"]
        try:
            due = business_add(spec, start, data.validated_data["minutes"])
        except CalendarClosed:
            raise ValidationFailed(
                _("该日历在一年内没有工作时间"), code="sla.calendar_closed"
            ) from None
        return Response(
            {
                "start": timezone.localtime(start),
                "minutes": data.validated_data["minutes"],
                "due_at": timezone.localtime(due),
                "wall_clock_minutes": (due - start).total_seconds() / 60,
            }
        )


class CalendarDayViewSet(PolicyMixin, viewsets.ModelViewSet):
    policy = SlaConfigPolicy()
    serializer_class = s.CalendarDaySerializer
    pagination_class = None
    filterset_fields = ("calendar",)
    queryset = CalendarDay.objects.order_by("calendar", "date")


class PublicHolidayFilter(filters.FilterSet):
    date__year = filters.NumberFilter(
        field_name="date", lookup_expr="year", min_value=1900, max_value=2100
    )

    class Meta:
        model = PublicHoliday
        fields = {"date": ["gte", "lte"], "kind": ["exact"]}


class PublicHolidayViewSet(PolicyMixin, viewsets.ModelViewSet):
    """China's announced holidays and make-up working days (调休), editable by admins."""

    policy = SlaConfigPolicy()
    serializer_class = s.PublicHolidaySerializer
    pagination_class = None
    filterset_class = PublicHolidayFilter
    queryset = PublicHoliday.objects.order_by("date")

    def perform_create(self, serializer: Any) -> None:
        serializer.save(source=MANUAL)

    def perform_update(self, serializer: Any) -> None:
        # an edited day is the administrator's: reloading the schedule never overwrites it
        serializer.save(source=MANUAL)


class SlaPolicyViewSet(PolicyMixin, viewsets.ModelViewSet):
    """SLA policies: the first active one (by order) whose conditions match a ticket applies."""

    policy = SlaConfigPolicy()
    serializer_class = s.SlaPolicySerializer
    pagination_class = None
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_base_queryset(self) -> QuerySet[SlaPolicy]:
        return SlaPolicy.objects.prefetch_related(
            "targets", "escalations", "departments", "catalog_items"
        ).order_by("order", "id")

    def _save(self, serializer: Any, policy: SlaPolicy) -> Response:
        values = dict(serializer.validated_data)
        targets = values.pop("targets", None)
        departments = values.pop("departments", None)
        catalog_items = values.pop("catalog_items", None)
        for name, value in values.items():
            setattr(policy, name, value)
        policy = services.policy_save(
            policy=policy, targets=targets, departments=departments, catalog_items=catalog_items
        )
        return Response(s.SlaPolicySerializer(self.get_base_queryset().get(pk=policy.pk)).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        response = self._save(serializer, SlaPolicy())
        response.status_code = status.HTTP_201_CREATED
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy = self.get_object()
        serializer = self.get_serializer(policy, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self._save(serializer, policy)


class EscalationRuleViewSet(PolicyMixin, viewsets.ModelViewSet):
    policy = SlaConfigPolicy()
    serializer_class = s.EscalationRuleSerializer
    pagination_class = None
    filterset_fields = ("policy", "metric")
    queryset = EscalationRule.objects.order_by("policy", "metric", "level")


class ExpectationsSerializer(serializers.Serializer):
    priority = serializers.IntegerField()
    policy_name = serializers.CharField(help_text="empty: the priority's default targets")
    calendar_name = serializers.CharField()
    response_minutes = serializers.IntegerField(allow_null=True)
    resolution_minutes = serializers.IntegerField(allow_null=True)
    response_due_at = serializers.DateTimeField(allow_null=True)
    resolution_due_at = serializers.DateTimeField(allow_null=True)


class CatalogExpectationsView(APIView):
    """The response and resolution times a catalog item promises, shown before submitting:
    the item's defaults (or the given impact/urgency) and the requester's department."""

    @extend_schema(
        parameters=[
            OpenApiParameter("impact", int, enum=[1, 2, 3]),
            OpenApiParameter("urgency", int, enum=[1, 2, 3]),
            OpenApiParameter("department", int, description="default: the requester's"),
        ],
        responses={200: ExpectationsSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        item = CatalogItemPolicy().scope(user, CatalogItem.objects.all()).filter(pk=pk).first()
        if item is None:
            raise NotFound()

        def level(name: str, default: int) -> int:
            value = request.query_params.get(name)
            if value in (None, ""):
                return default
            if value not in ("1", "2", "3"):
                raise ValidationFailed(fields={name: [_("取值须为 1、2 或 3")]})
            return int(value)

        department = request.query_params.get("department")
        expected = expected_times(
            kind=item.kind,
            catalog_item_id=item.pk,
            impact=level("impact", item.default_impact),
            urgency=level("urgency", item.default_urgency),
            department_id=int(department)
            if department and department.isdigit()
            else user.department_id,
            now=timezone.now(),
        )
        return Response(ExpectationsSerializer(expected).data)


# --- priority matrix (影响度 × 紧急度 → 优先级) ---------------------------------------------------


class MatrixCellSerializer(serializers.Serializer):
    impact = serializers.ChoiceField(choices=Impact.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    default_priority = serializers.ChoiceField(
        choices=Priority.choices, help_text="the shipped default (ServiceNow's 3×3)"
    )
    is_default = serializers.BooleanField(help_text="priority equals the default")
    impact_label = serializers.SerializerMethodField()
    urgency_label = serializers.SerializerMethodField()
    priority_label = serializers.SerializerMethodField()

    def get_impact_label(self, cell: Any) -> str:
        return str(Impact(cell.impact).label)

    def get_urgency_label(self, cell: Any) -> str:
        return str(Urgency(cell.urgency).label)

    def get_priority_label(self, cell: Any) -> str:
        return str(Priority(cell.priority).label)


class PriorityMatrixSerializer(serializers.Serializer):
    cells = MatrixCellSerializer(many=True, help_text="9 cells: impact 1–3, then urgency 1–3")
    is_default = serializers.BooleanField(help_text="every cell equals the default")
    updated_at = serializers.DateTimeField(allow_null=True, help_text="last change of a cell")
    can_change = serializers.BooleanField(help_text="the signed-in user may save and reset")


_PRIORITY_CHOICE = gettext_lazy("优先级须为 P1 到 P5（1–5 的整数）")


class MatrixCellInputSerializer(serializers.Serializer):
    impact = serializers.ChoiceField(
        choices=Impact.choices,
        error_messages={"invalid_choice": gettext_lazy("影响度须为 1、2 或 3")},
    )
    urgency = serializers.ChoiceField(
        choices=Urgency.choices,
        error_messages={"invalid_choice": gettext_lazy("紧急度须为 1、2 或 3")},
    )
    priority = serializers.ChoiceField(
        choices=Priority.choices, error_messages={"invalid_choice": _PRIORITY_CHOICE}
    )


class PriorityMatrixInputSerializer(serializers.Serializer):
    cells = MatrixCellInputSerializer(
        many=True, help_text="every impact × urgency cell exactly once (9 cells)"
    )

    def validate_cells(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen: set[tuple[int, int]] = set()
        errors: list[str] = []

        def name(impact: int, urgency: int) -> dict[str, str]:
            return {"impact": str(Impact(impact).label), "urgency": str(Urgency(urgency).label)}

        for cell in value:
            key = (cell["impact"], cell["urgency"])
            if key in seen:
                errors.append(_("影响度“%(impact)s”× 紧急度“%(urgency)s”重复出现") % name(*key))
            seen.add(key)
        for impact in Impact.values:
            for urgency in Urgency.values:
                if (impact, urgency) not in seen:
                    errors.append(
                        _("缺少影响度“%(impact)s”× 紧急度“%(urgency)s”的优先级")
                        % name(impact, urgency)
                    )
        if errors:
            raise serializers.ValidationError(errors)
        return value


def _matrix_body(user: Any) -> dict[str, Any]:
    cells = priority_matrix()
    return PriorityMatrixSerializer(
        {
            "cells": cells,
            "is_default": all(cell.is_default for cell in cells),
            "updated_at": priority_matrix_updated_at(),
            "can_change": priority_matrix_can_change(user),
        }
    ).data


def _matrix_guard(request: Request, *, change: bool) -> Any:
    user = signed_in_user(request)
    if not priority_matrix_can_read(user):
        raise Forbidden()
    if change and not priority_matrix_can_change(user):
        raise Forbidden(_("只有平台管理员可以修改优先级矩阵"))
    return user


class PriorityMatrixView(APIView):
    """The priority matrix: a new ticket's impact (影响度) and urgency (紧急度) give its priority.
    IT staff read it; platform admins replace it. Tickets keep the priority they have; new
    tickets, and impact/urgency edits of open tickets, use the matrix as it is then."""

    @extend_schema(responses={200: PriorityMatrixSerializer, **ERROR_RESPONSES})
    def get(self, request: Request) -> Response:
        """Every cell with its priority, its default and the labels."""
        return Response(_matrix_body(_matrix_guard(request, change=False)))

    @extend_schema(
        request=PriorityMatrixInputSerializer,
        responses={200: PriorityMatrixSerializer, **ERROR_RESPONSES},
    )
    def put(self, request: Request) -> Response:
        """Replace the whole matrix (all 9 cells); each changed cell goes to the change log."""
        user = _matrix_guard(request, change=True)
        data = PriorityMatrixInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.priority_matrix_set(
            cells={(c["impact"], c["urgency"]): c["priority"] for c in data.validated_data["cells"]}
        )
        return Response(_matrix_body(user))


class PriorityMatrixResetView(APIView):
    @extend_schema(request=None, responses={200: PriorityMatrixSerializer, **ERROR_RESPONSES})
    def post(self, request: Request) -> Response:
        """Put every cell back to the default matrix (ServiceNow's 3×3 → P1–P5)."""
        user = _matrix_guard(request, change=True)
        services.priority_matrix_reset()
        return Response(_matrix_body(user))
