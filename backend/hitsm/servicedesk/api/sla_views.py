"""A ticket's SLA clocks, their notices and the running/paused timeline behind them."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.api.serializers import ERROR_RESPONSES
from hitsm.core.errors import NotFound
from hitsm.servicedesk.clocks import applied_sla, clocks_preview, ticket_history
from hitsm.servicedesk.models import SlaNotice, Ticket, TicketClock
from hitsm.servicedesk.selectors import TicketPolicy
from hitsm.sla.clocks import RESOLUTION_DONE, RESPONSE_DONE
from hitsm.sla.models import BusinessCalendar, SlaMetric
from hitsm.sla.selectors import AppliedSla


class ClockSerializer(serializers.ModelSerializer[TicketClock]):
    """A clock as stored, or as computed this moment (the view passes unsaved instances)."""

    percent = serializers.SerializerMethodField()
    remaining_minutes = serializers.SerializerMethodField()

    class Meta:
        model = TicketClock
        fields = (
            "metric",
            "policy_name",
            "target_minutes",
            "elapsed_minutes",
            "percent",
            "remaining_minutes",
            "state",
            "due_at",
            "breached_at",
            "stopped_at",
            "pause_reason",
            "computed_at",
        )

    def get_percent(self, clock: TicketClock) -> float:
        return round(100 * clock.elapsed_minutes / clock.target_minutes, 1)

    def get_remaining_minutes(self, clock: TicketClock) -> float:
        return round(max(0.0, clock.target_minutes - clock.elapsed_minutes), 1)


class NoticeSerializer(serializers.ModelSerializer[SlaNotice]):
    class Meta:
        model = SlaNotice
        fields = ("metric", "kind", "level", "elapsed_minutes", "fired_at")


class SegmentSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=SlaMetric.choices)
    state = serializers.ChoiceField(choices=["running", "paused"])
    status = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(allow_null=True)


class TicketSlaSerializer(serializers.Serializer):
    policy_id = serializers.IntegerField(allow_null=True)
    policy_name = serializers.CharField(allow_blank=True)
    warn_percents = serializers.ListField(child=serializers.IntegerField())
    clocks = ClockSerializer(many=True)
    notices = NoticeSerializer(many=True)
    segments = SegmentSerializer(many=True)
    pause_statuses = serializers.ListField(child=serializers.CharField())
    calendar_name = serializers.CharField(allow_blank=True)


def _segments(history: list[tuple[Any, str]], pauses: frozenset[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for metric, done in (("response", RESPONSE_DONE), ("resolution", RESOLUTION_DONE)):
        for index, (start, status) in enumerate(history):
            end = history[index + 1][0] if index + 1 < len(history) else None
            if status in done:
                if metric == "response":
                    break
                continue
            state = "paused" if status in pauses else "running"
            rows.append(
                {"metric": metric, "state": state, "status": status, "start": start, "end": end}
            )
    return rows


class TicketSlaView(APIView):
    @extend_schema(responses={200: TicketSlaSerializer, **ERROR_RESPONSES})
    def get(self, request: Request, pk: int) -> Response:
        """The ticket's clocks as of now (recomputed from its timeline), with the notices that
        fired and the running/paused stretches for a visual timeline."""
        ticket = TicketPolicy().scope(request.user, Ticket.objects.all()).filter(pk=pk).first()
        if ticket is None:
            raise NotFound()
        now = timezone.now()
        preview = clocks_preview(ticket, now=now) if ticket.is_open else None
        if preview is not None:  # the numbers of this very moment, nothing written
            applied: AppliedSla | None = preview[0]
            clocks = [
                TicketClock(ticket=ticket, metric=metric, **values)
                for metric, values in sorted(preview[1].items(), reverse=True)
            ]
        else:
            applied = applied_sla(ticket)
            clocks = list(TicketClock.objects.filter(ticket=ticket).order_by("-metric"))
        history = ticket_history(ticket)
        calendar = (
            BusinessCalendar.objects.filter(pk=applied.calendar_id)
            .values_list("name", flat=True)
            .first()
            if applied
            else ""
        )
        return Response(
            TicketSlaSerializer(
                {
                    "policy_id": applied.policy_id if applied else None,
                    "policy_name": applied.policy_name if applied else "",
                    "warn_percents": list(applied.warn_percents) if applied else [],
                    "clocks": clocks,
                    "notices": SlaNotice.objects.filter(ticket=ticket),
                    "segments": _segments(
                        history, applied.pause_statuses if applied else frozenset()
                    ),
                    "pause_statuses": sorted(applied.pause_statuses) if applied else [],
                    "calendar_name": calendar or "",
                }
            ).data
        )
