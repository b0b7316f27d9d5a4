"""Catalog endpoints that read tickets: the information assistant and the OBASHI statistics.

They live with the desk because they count tickets, and the catalog sits below the desk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.accounts.roles import IT_STAFF, has_role
from hitsm.accounts.selectors import signed_in_user
from hitsm.api.serializers import ERROR_RESPONSES
from hitsm.catalog.models import CatalogItem
from hitsm.catalog.selectors import CatalogItemPolicy
from hitsm.core.errors import Forbidden, NotFound, ValidationFailed
from hitsm.servicedesk.models import Ticket
from hitsm.servicedesk.selectors import TicketPolicy, catalog_assistant, catalog_obashi_stats


class HandlerSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class ResolutionSerializer(serializers.Serializer):
    ticket_id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    resolution_code = serializers.CharField()
    resolution_notes = serializers.CharField()
    resolved_by = serializers.CharField()
    resolved_at = serializers.DateTimeField()


class AssistantSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    last_90_days = serializers.IntegerField()
    resolved = serializers.IntegerField()
    median_resolution_minutes = serializers.IntegerField(allow_null=True)
    handlers = HandlerSerializer(many=True, help_text="IT staff only")
    recent_resolutions = ResolutionSerializer(many=True, help_text="IT staff only")
    knowledge = serializers.ListField(child=serializers.DictField(), help_text="knowledge issue")


class CatalogAssistantView(APIView):
    """信息助手 of a catalog item: times handled, typical time, by whom, with what experience."""

    @extend_schema(responses={200: AssistantSerializer, **ERROR_RESPONSES})
    def get(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        if not CatalogItemPolicy().scope(user, CatalogItem.objects.all()).filter(pk=pk).exists():
            raise NotFound()
        answer = catalog_assistant(item_id=pk, detailed=has_role(user, *IT_STAFF), user=user)
        return Response(AssistantSerializer(answer).data)


class StatRowSerializer(serializers.Serializer):
    ci_id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    class_name = serializers.CharField()
    total = serializers.IntegerField()
    by_month = serializers.ListField(child=serializers.IntegerField())


class StatLayersSerializer(serializers.Serializer):
    business = StatRowSerializer(many=True)
    data = StatRowSerializer(many=True)  # type: ignore[assignment]
    application = StatRowSerializer(many=True)


class StatsSerializer(serializers.Serializer):
    months = serializers.ListField(child=serializers.CharField(), help_text="YYYY-MM")
    layers = StatLayersSerializer()


def _month_start(text: str, field: str) -> dt.datetime:
    try:
        year, month = (int(part) for part in text.split("-"))
        return dt.datetime(year, month, 1, tzinfo=timezone.get_current_timezone())
    except (ValueError, TypeError):
        raise ValidationFailed(fields={field: [_("月份格式应为 YYYY-MM")]}) from None


def _next_month(moment: dt.datetime) -> dt.datetime:
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return moment.replace(year=year, month=month)


class CatalogStatsView(APIView):
    """Tickets per business activity, business data set and application by month, through the
    catalog's OBASHI links (and the CIs linked to tickets): which activities generate demand."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="first month, YYYY-MM (default: 11 back)"),
            OpenApiParameter("to", str, description="last month, YYYY-MM (default: this one)"),
        ],
        responses={200: StatsSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        if not has_role(user, *IT_STAFF):
            raise Forbidden()
        today = timezone.localtime()
        this_month = today.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        last = (
            _month_start(request.query_params["to"], "to")
            if request.query_params.get("to")
            else this_month
        )
        if request.query_params.get("from"):
            first = _month_start(request.query_params["from"], "from")
        else:
            first = last
            for _step in range(11):
                first = (first - dt.timedelta(days=1)).replace(day=1)
        if first > last:
            raise ValidationFailed(fields={"from": [_("起始月份不能晚于结束月份")]})
        if (last.year - first.year) * 12 + last.month - first.month >= 36:
            raise ValidationFailed(fields={"from": [_("最多统计36个月")]})
        tickets = TicketPolicy().scope(user, Ticket.objects.all())
        stats: dict[str, Any] = catalog_obashi_stats(
            start=first, end=_next_month(last), tickets=tickets
        )
        return Response(StatsSerializer(stats).data)
