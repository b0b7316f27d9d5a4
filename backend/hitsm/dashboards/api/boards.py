"""The service boards' API (docs/boards.md): desk board, wallboard, role homes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.accounts.permissions import PasswordNotExpired, role_permission
from hitsm.api.serializers import ERROR_RESPONSES
from hitsm.dashboards.api.views import KpiValueSerializer
from hitsm.dashboards.boards import desk_board, role_home, wallboard
from hitsm.servicedesk.api.serializers import QueueCountsSerializer  # /tickets/queues/'s shape
from hitsm.servicedesk.choices import Channel, TicketStatus
from hitsm.servicedesk.selectors import DESK_ROLES


class BoardChannelCountSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # (a field named like Field.label)
    count = serializers.IntegerField()


class BoardTodaySerializer(serializers.Serializer):
    new = serializers.IntegerField()
    resolved = serializers.IntegerField()
    avg_response_minutes = serializers.FloatField(allow_null=True)
    avg_resolution_minutes = serializers.FloatField(allow_null=True)
    response_attainment = serializers.FloatField(allow_null=True, help_text="% (0–100)")
    resolution_attainment = serializers.FloatField(allow_null=True, help_text="% (0–100)")
    by_channel = BoardChannelCountSerializer(many=True)


class BoardPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class BoardUnacceptedTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    priority = serializers.IntegerField()
    department = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    waiting_minutes = serializers.IntegerField()


class BoardOverdueTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    priority = serializers.IntegerField()
    assignee = BoardPersonSerializer(allow_null=True)
    resolution_due_at = serializers.DateTimeField()


class DeskBoardSerializer(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    queues = QueueCountsSerializer()
    today = BoardTodaySerializer()
    unaccepted = BoardUnacceptedTicketSerializer(many=True)
    overdue = BoardOverdueTicketSerializer(many=True)


class BoardSatisfactionSerializer(serializers.Serializer):
    sent = serializers.IntegerField()
    answered = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True, help_text="0–1")
    technical = serializers.FloatField(allow_null=True)
    response = serializers.FloatField(allow_null=True)
    attitude = serializers.FloatField(allow_null=True)
    average = serializers.FloatField(allow_null=True)
    satisfied_rate = serializers.FloatField(allow_null=True, help_text="0–1")


class WallBoardSerializer(DeskBoardSerializer):
    period = serializers.CharField()
    kpis = KpiValueSerializer(many=True)
    satisfaction = BoardSatisfactionSerializer()


class BoardDueTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    priority = serializers.IntegerField()
    status = serializers.ChoiceField(choices=TicketStatus.choices)
    assignee_id = serializers.IntegerField(allow_null=True)
    resolution_due_at = serializers.DateTimeField()
    breached = serializers.BooleanField()


class EngineerHomeSerializer(serializers.Serializer):
    my_open = serializers.IntegerField()
    my_due_soon = BoardDueTicketSerializer(many=True)
    my_resolved_today = serializers.IntegerField()


class TeamLoadRowSerializer(serializers.Serializer):
    user = BoardPersonSerializer()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    resolved_this_week = serializers.IntegerField()


class BoardGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ManagerHomeSerializer(serializers.Serializer):
    groups = BoardGroupSerializer(many=True)
    team = TeamLoadRowSerializer(many=True)
    breaches_this_week = serializers.IntegerField()
    satisfaction_this_month = BoardSatisfactionSerializer()
    open_follow_ups = serializers.IntegerField()


class RequesterHomeSerializer(serializers.Serializer):
    my_open = serializers.IntegerField()
    waiting_for_me = serializers.IntegerField()
    surveys_to_answer = serializers.IntegerField()


class HomeBoardSerializer(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    roles = serializers.ListField(child=serializers.CharField())
    engineer = EngineerHomeSerializer(allow_null=True)
    manager = ManagerHomeSerializer(allow_null=True)
    requester = RequesterHomeSerializer(allow_null=True)


class DeskBoardView(APIView):
    """The service desk's board: queues, today's figures, the oldest unaccepted and the most
    overdue tickets. Agents, IT managers and admins."""

    permission_classes = [IsAuthenticated, PasswordNotExpired, role_permission(*DESK_ROLES)]

    @extend_schema(
        operation_id="boards_desk", responses={200: DeskBoardSerializer, **ERROR_RESPONSES}
    )
    def get(self, request: Request) -> Response:
        return Response(DeskBoardSerializer(desk_board(user=request.user)).data)


class WallboardView(APIView):
    """The wall screen: the desk board, this month's headline KPIs and satisfaction."""

    permission_classes = [IsAuthenticated, PasswordNotExpired, role_permission(*DESK_ROLES)]

    @extend_schema(
        operation_id="boards_wall", responses={200: WallBoardSerializer, **ERROR_RESPONSES}
    )
    def get(self, request: Request) -> Response:
        return Response(WallBoardSerializer(wallboard(user=request.user)).data)


class RoleHomeView(APIView):
    """The caller's home: the parts their roles give (engineer, manager, requester)."""

    permission_classes = [IsAuthenticated, PasswordNotExpired]

    @extend_schema(
        operation_id="boards_home", responses={200: HomeBoardSerializer, **ERROR_RESPONSES}
    )
    def get(self, request: Request) -> Response:
        return Response(HomeBoardSerializer(role_home(user=request.user)).data)
