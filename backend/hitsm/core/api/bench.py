"""The machine's limit reference for bench/load.py: the same stack (gunicorn, middleware, DRF,
authentication, the database connection) answering a one-query view and a one-INSERT view.

Routed only when ``HITSM_BENCH_ENDPOINTS=true`` (``config/urls.py``); absent otherwise, so a
production server answers 404. Anonymous on purpose: the point is the stack's own cost."""

from __future__ import annotations

from django.db import connection
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.core.services import bench_probe_create


class BenchSelectView(APIView):
    """``SELECT 1`` and a two-key JSON answer."""

    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            (value,) = cursor.fetchone()
        return Response({"ok": value == 1, "vendor": connection.vendor})


class BenchInsertView(APIView):
    """One ``INSERT`` into ``core_benchprobe`` (autocommit) and its id back."""

    permission_classes = [AllowAny]

    @extend_schema(
        exclude=True,
        request=None,
        responses={201: inline_serializer("BenchProbe", {"id": serializers.IntegerField()})},
    )
    def post(self, request: Request) -> Response:
        probe = bench_probe_create()
        return Response({"id": probe.pk}, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("select/", BenchSelectView.as_view(), name="bench-select"),
    path("insert/", BenchInsertView.as_view(), name="bench-insert"),
]
