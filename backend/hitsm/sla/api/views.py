from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
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
from hitsm.core.errors import NotFound, ValidationFailed
from hitsm.sla import services
from hitsm.sla.api import serializers as s
from hitsm.sla.calendar import CalendarClosed, business_add
from hitsm.sla.models import BusinessCalendar, CalendarDay, EscalationRule, PublicHoliday, SlaPolicy
from hitsm.sla.selectors import SlaConfigPolicy, calendar_spec, expected_times


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


class PublicHolidayViewSet(PolicyMixin, viewsets.ModelViewSet):
    """China's announced holidays and make-up working days (调休), editable by admins."""

    policy = SlaConfigPolicy()
    serializer_class = s.PublicHolidaySerializer
    pagination_class = None
    filterset_fields = {"date": ["year", "gte", "lte"], "kind": ["exact"]}
    queryset = PublicHoliday.objects.order_by("date")

    def perform_create(self, serializer: Any) -> None:
        serializer.save(source="manual")


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
