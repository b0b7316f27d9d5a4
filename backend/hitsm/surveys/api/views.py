"""Satisfaction surveys over the API: the surveys (answered by their requesters), the follow-ups
(IT managers), the configuration per catalog item, and the monthly summary with its exports."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.accounts.roles import has_role
from hitsm.accounts.selectors import signed_in_user
from hitsm.api.serializers import ERROR_RESPONSES
from hitsm.api.viewsets import PolicyMixin, PolicyModelViewSet
from hitsm.core.errors import Forbidden, ValidationFailed
from hitsm.core.spreadsheets import XLSX_MIME
from hitsm.surveys import services
from hitsm.surveys.api import serializers as s
from hitsm.surveys.exports import summary_pdf, summary_xlsx
from hitsm.surveys.models import (
    FollowUp,
    FollowUpStatus,
    MonthlySummary,
    SurveyConfig,
    SurveyStatus,
)
from hitsm.surveys.selectors import (
    DESK,
    MANAGERS,
    FollowUpPolicy,
    SurveyConfigPolicy,
    SurveyPolicy,
    follow_up_list,
    survey_list,
)
from hitsm.surveys.summaries import month_label, month_parse, month_shift, survey_summary

PDF_MIME = "application/pdf"


@extend_schema(
    parameters=[
        OpenApiParameter("ticket", int, description="工单 ID"),
        OpenApiParameter("status", str, enum=SurveyStatus.values),
    ]
)
class SurveyViewSet(PolicyMixin, viewsets.ReadOnlyModelViewSet):
    """Satisfaction surveys: requesters see (and answer) their own; IT staff see the surveys of
    the tickets they may see."""

    policy = SurveyPolicy()
    serializer_class = s.SurveySerializer
    lookup_value_regex = r"\d+"

    def get_base_queryset(self) -> QuerySet[Any]:
        rows = survey_list()
        params = self.request.query_params
        if params.get("ticket", "").isdigit():
            rows = rows.filter(ticket_id=int(params["ticket"]))
        if params.get("status") in SurveyStatus.values:
            rows = rows.filter(status=params["status"])
        return rows

    @extend_schema(
        request=s.SurveyAnswerSerializer, responses={200: s.SurveySerializer, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """Answer (or, within the edit window, change the answer to) a survey."""
        survey = self.get_object()
        data = s.SurveyAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        survey = services.survey_answer(
            survey=survey,
            actor=signed_in_user(request),
            scores=data.validated_data["scores"],
            comment=data.validated_data["comment"],
            channel=data.validated_data["channel"],
        )
        survey = survey_list().get(pk=survey.pk)
        return Response(s.SurveySerializer(survey, context={"request": request}).data)


@extend_schema(parameters=[OpenApiParameter("status", str, enum=FollowUpStatus.values)])
class FollowUpViewSet(PolicyMixin, viewsets.ReadOnlyModelViewSet):
    """回访: low-score surveys the desk manager follows up on."""

    policy = FollowUpPolicy()
    serializer_class = s.FollowUpSerializer

    def get_base_queryset(self) -> QuerySet[Any]:
        rows = follow_up_list()
        if self.request.query_params.get("status") in FollowUpStatus.values:
            rows = rows.filter(status=self.request.query_params["status"])
        return rows

    def _answer(self, follow_up: FollowUp) -> Response:
        return Response(s.FollowUpSerializer(follow_up_list().get(pk=follow_up.pk)).data)

    @extend_schema(request=None, responses={200: s.FollowUpSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def take(self, request: Request, pk: str | None = None) -> Response:
        """I will call the requester (assign the follow-up to me)."""
        follow_up = services.follow_up_take(
            follow_up=self.get_object(), actor=signed_in_user(request)
        )
        return self._answer(follow_up)

    @extend_schema(
        request=s.FollowUpCloseSerializer, responses={200: s.FollowUpSerializer, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close with the outcome of the call."""
        follow_up = self.get_object()
        data = s.FollowUpCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow_up = services.follow_up_close(
            follow_up=follow_up,
            actor=signed_in_user(request),
            outcome=data.validated_data["outcome"],
        )
        return self._answer(follow_up)


class SurveyConfigViewSet(PolicyModelViewSet):
    """Survey configuration per catalog item; the row without an item is the default."""

    policy = SurveyConfigPolicy()
    serializer_class = s.SurveyConfigSerializer
    pagination_class = None

    def get_base_queryset(self) -> QuerySet[Any]:
        return SurveyConfig.objects.select_related("catalog_item")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.survey_config_save(
            config=None, actor=signed_in_user(self.request), data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.survey_config_save(
            config=serializer.instance,
            actor=signed_in_user(self.request),
            data=dict(serializer.validated_data),
        )


# --- the monthly summary ------------------------------------------------------------------------

MONTH_PARAM = OpenApiParameter("month", str, description="YYYY-MM，默认上个月")


def _month(request: Request) -> str:
    value = request.query_params.get("month", "")
    if not value:
        today = timezone.localdate()
        return month_label(*month_shift(today.year, today.month, -1))
    year, number = month_parse(value)
    return month_label(year, number)


def _summary(month: str) -> dict[str, Any]:
    """The stored summary when there is one, else computed now."""
    stored = MonthlySummary.objects.filter(month=month).first()
    if stored is not None:
        return {
            **stored.data,
            "stored": True,
            "final": stored.final,
            "generated_at": stored.generated_at.isoformat(),
        }
    return {**survey_summary(month), "stored": False, "final": False, "generated_at": None}


def _require_desk(request: Request) -> None:
    if not has_role(request.user, *DESK):
        raise Forbidden()


class SummaryView(APIView):
    """The month's results per department, support group, engineer and catalog item (the desk:
    agents, IT managers, admins)."""

    @extend_schema(
        parameters=[MONTH_PARAM], responses={200: s.SurveySummarySerializer, **ERROR_RESPONSES}
    )
    def get(self, request: Request) -> Response:
        _require_desk(request)
        return Response(_summary(_month(request)))


class IgnoreFormatParameter(BaseContentNegotiation):
    """``?format=`` names the file to export here, not a DRF renderer: answers (the errors) are
    JSON whatever it says."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        renderer = renderers[0]
        return renderer, renderer.media_type


class SummaryExportView(APIView):
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(
        parameters=[MONTH_PARAM, OpenApiParameter("format", str, enum=["xlsx", "pdf"])],
        responses={
            (200, XLSX_MIME): OpenApiResponse(OpenApiTypes.BINARY, description="xlsx"),
            (200, PDF_MIME): OpenApiResponse(OpenApiTypes.BINARY, description="pdf"),
            **ERROR_RESPONSES,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        """The month's summary as Excel (default) or PDF."""
        _require_desk(request)
        kind = request.query_params.get("format", "xlsx")
        if kind not in ("xlsx", "pdf"):
            raise ValidationFailed(fields={"format": [_("只支持 xlsx 或 pdf")]})
        month = _month(request)
        summary = _summary(month)
        if kind == "pdf":
            response = HttpResponse(summary_pdf(summary), content_type=PDF_MIME)
        else:
            response = HttpResponse(summary_xlsx(summary), content_type=XLSX_MIME)
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''satisfaction-{month}.{kind}"
        )
        return response


class SummaryGenerateView(APIView):
    """Compute and store a month's summary now (IT managers and admins)."""

    @extend_schema(
        request=s.SurveyMonthSerializer,
        responses={201: s.SurveySummarySerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request) -> Response:
        if not has_role(request.user, *MANAGERS):
            raise Forbidden()
        data = s.SurveyMonthSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        summary = services.summary_generate(
            month=data.validated_data["month"], actor=signed_in_user(request)
        )
        return Response(_summary(summary.month), status=status.HTTP_201_CREATED)
