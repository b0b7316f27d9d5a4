from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.accounts.selectors import signed_in_user
from hitsm.notifications.models import (
    REQUESTER_ALWAYS,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
)
from hitsm.notifications.services import channels_enabled, notifications_mark_read, preference_set


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Notification
        fields = (
            "id",
            "kind",
            "kind_label",
            "title",
            "body",
            "link",
            "ticket_id",
            "created_at",
            "read_at",
        )


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=500)


class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(NotificationKind.choices)
    kind_label = serializers.CharField(read_only=True)
    channel = serializers.ChoiceField(NotificationChannel.choices)
    enabled = serializers.BooleanField()
    locked = serializers.BooleanField(read_only=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="only unread notifications")]
    )
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """My in-app notifications (the bell)."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filterset_fields = ("kind",)

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        rows = Notification.objects.filter(
            recipient=signed_in_user(self.request), channel=NotificationChannel.INAPP
        )
        if self.request.query_params.get("unread") in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        return rows

    @extend_schema(responses={200: UnreadSerializer})
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})

    @extend_schema(request=MarkReadSerializer, responses={200: UnreadSerializer})
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request: Request) -> Response:
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notifications_mark_read(user=signed_in_user(request), ids=data.validated_data.get("ids"))
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})


class PreferencesView(APIView):
    """Which events reach me on which channel; requesters always hear about their tickets."""

    def _rows(self, request: Request) -> list[dict[str, Any]]:
        user = signed_in_user(request)
        saved = {
            (p.kind, p.channel): p.enabled for p in NotificationPreference.objects.filter(user=user)
        }
        return [
            {
                "kind": kind,
                "kind_label": str(label),
                "channel": channel,
                "enabled": saved.get((kind, channel), True),
                "locked": kind in REQUESTER_ALWAYS and channel == NotificationChannel.INAPP,
            }
            for kind, label in NotificationKind.choices
            for channel in channels_enabled()
        ]

    @extend_schema(responses={200: PreferenceSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(self._rows(request))

    @extend_schema(
        request=PreferenceSerializer(many=True), responses={200: PreferenceSerializer(many=True)}
    )
    def put(self, request: Request) -> Response:
        data = PreferenceSerializer(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        for row in data.validated_data:
            preference_set(
                user=signed_in_user(request),
                kind=row["kind"],
                channel=row["channel"],
                enabled=row["enabled"],
            )
        return Response(self._rows(request))
