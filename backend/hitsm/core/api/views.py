from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.accounts.roles import Role, has_role
from hitsm.api.viewsets import PolicyMixin
from hitsm.core.api.serializers import HealthSerializer, JobSerializer
from hitsm.core.models import Job
from hitsm.core.selectors import JobPolicy, job_list, system_health


class JobViewSet(
    PolicyMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    policy = JobPolicy()
    queryset = Job.objects.none()
    serializer_class = JobSerializer
    filterset_fields = ("kind", "status")
    ordering_fields = ("created_at",)
    ordering = ("-created_at",)

    def get_base_queryset(self) -> QuerySet[Job]:
        return job_list()


class HealthView(APIView):
    """Liveness for load balancers (``?public=1``) and a full report for administrators."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("public", bool)],
        responses={200: HealthSerializer, 503: HealthSerializer},
    )
    def get(self, request: Request) -> Response:
        report: dict[str, Any] = system_health()
        database_ok = bool(report["database"]["ok"])
        full = has_role(request.user, Role.ADMIN, Role.SYSADMIN) and not request.query_params.get(
            "public"
        )
        if not full:
            report = {"status": "ok" if database_ok else "degraded", "version": report["version"]}
        return Response(report, status=200 if database_ok else 503)
