from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from hitsm.api.serializers import ERROR_RESPONSES
from hitsm.api.viewsets import PolicyMixin
from hitsm.core.errors import ValidationFailed
from hitsm.sla import services
from hitsm.sla.api import serializers as s
from hitsm.sla.calendar import CalendarClosed, business_add
from hitsm.sla.models import BusinessCalendar, CalendarDay, EscalationRule, PublicHoliday, SlaPolicy
from hitsm.sla.selectors import SlaConfigPolicy, calendar_spec


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
        return SlaPolicy.objects.prefetch_related("targets", "escalations", "departments").order_by(
            "order", "id"
        )

    def _save(self, serializer: Any, policy: SlaPolicy) -> Response:
        values = dict(serializer.validated_data)
        targets = values.pop("targets", None)
        departments = values.pop("departments", None)
        for name, value in values.items():
            setattr(policy, name, value)
        policy = services.policy_save(policy=policy, targets=targets, departments=departments)
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
