"""The audit log for auditors: read-only lists with filters, Excel exports and the seals.

Nothing here writes: the viewsets offer GET only, and the rows refuse changes themselves
(``hitsm.core.models.AppendOnlyModel``).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from hitsm.accounts.models import LoginEvent
from hitsm.accounts.permissions import PasswordNotExpired
from hitsm.api.pagination import CappedCountPagination
from hitsm.api.serializers import ErrorEnvelopeSerializer
from hitsm.audit.api.serializers import (
    AuditChangeSerializer,
    AuditLoginSerializer,
    AuditSealSerializer,
    AuditVerifyQuerySerializer,
    AuditVerifySerializer,
)
from hitsm.audit.chain import chain_verify_recent
from hitsm.audit.filtersets import AuditChangeFilter, AuditLoginFilter
from hitsm.audit.models import AuditSeal
from hitsm.audit.selectors import (
    AuditReader,
    audit_change_list,
    audit_login_list,
    audit_seal_list,
    content_type_label,
)
from hitsm.core.errors import ValidationFailed
from hitsm.core.models import ChangeLog
from hitsm.core.spreadsheets import XLSX_MIME, xlsx_download

EXPORT_LIMIT = 50_000
ERRORS = {400: ErrorEnvelopeSerializer, 403: ErrorEnvelopeSerializer}
XLSX: dict[Any, Any] = {(200, XLSX_MIME): OpenApiResponse(description="xlsx"), **ERRORS}


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


class AuditViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, PasswordNotExpired, AuditReader]
    pagination_class = CappedCountPagination
    filter_backends = [DjangoFilterBackend]

    def _export_rows(self) -> QuerySet[Any]:
        queryset = self.filter_queryset(self.get_queryset())
        if queryset.values_list("pk", flat=True)[EXPORT_LIMIT : EXPORT_LIMIT + 1]:
            raise ValidationFailed(
                _("导出结果超过 %(n)d 条，请缩小筛选范围") % {"n": EXPORT_LIMIT},
                code="export.too_large",
            )
        return queryset


@extend_schema_view(
    list=extend_schema(summary="The change log: every change with actor, time and address"),
    retrieve=extend_schema(summary="One change log row"),
)
class AuditChangeViewSet(AuditViewSet):
    queryset = ChangeLog.objects.none()
    serializer_class = AuditChangeSerializer
    filterset_class = AuditChangeFilter

    def get_queryset(self) -> QuerySet[ChangeLog]:
        return audit_change_list()

    @extend_schema(summary="The filtered change log as Excel", filters=True, responses=XLSX)
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request) -> HttpResponse:
        rows = (
            (
                _local(row.time),
                row.actor_label,
                row.ip_address or "",
                row.get_action_display(),
                content_type_label(row),
                row.object_id,
                row.object_repr,
                ", ".join(row.changed_fields or []),
                _json(row.before),
                _json(row.after),
                row.request_id,
            )
            for row in self._export_rows().iterator(chunk_size=2000)
        )
        return xlsx_download(
            sheet="变更记录",
            header=[
                "时间",
                "操作人",
                "IP 地址",
                "操作",
                "对象类型",
                "对象编号",
                "对象",
                "变更字段",
                "修改前",
                "修改后",
                "请求编号",
            ],
            rows=rows,
            filename=f"audit-changes-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        )


@extend_schema_view(
    list=extend_schema(summary="The login log: sign-ins, failures, lockouts, password changes"),
    retrieve=extend_schema(summary="One login log row"),
)
class AuditLoginViewSet(AuditViewSet):
    queryset = LoginEvent.objects.none()
    serializer_class = AuditLoginSerializer
    filterset_class = AuditLoginFilter

    def get_queryset(self) -> QuerySet[LoginEvent]:
        return audit_login_list()

    @extend_schema(summary="The filtered login log as Excel", filters=True, responses=XLSX)
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request) -> HttpResponse:
        rows = (
            (
                _local(row.time),
                row.username,
                row.ip_address or "",
                row.get_kind_display(),
                _("成功") if row.succeeded else _("失败"),
                row.user_agent,
                row.detail,
            )
            for row in self._export_rows().iterator(chunk_size=2000)
        )
        return xlsx_download(
            sheet="登录审计",
            header=["时间", "用户名", "IP 地址", "事件", "结果", "客户端", "说明"],
            rows=rows,
            filename=f"audit-logins-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        )


@extend_schema_view(
    list=extend_schema(
        summary="The seals of the audit log's hash chain, newest first (note a hash to verify "
        "against later: manage.py audit_verify --anchor SEQUENCE:HASH)"
    ),
)
class AuditSealViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, PasswordNotExpired, AuditReader]
    queryset = AuditSeal.objects.none()
    serializer_class = AuditSealSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[AuditSeal]:
        return audit_seal_list()

    @extend_schema(
        summary="Verify the newest seals now (links, headers and the rows they cover); the whole "
        "chain is checked by manage.py audit_verify",
        parameters=[AuditVerifyQuerySerializer],
        responses={200: AuditVerifySerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def verify(self, request: Request) -> Response:
        query = AuditVerifyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = chain_verify_recent(seals=query.validated_data["seals"])
        last = audit_seal_list().values_list("sequence", flat=True).first()
        return Response(
            AuditVerifySerializer(
                {
                    "ok": report.ok,
                    "verified_at": timezone.now(),
                    "seals": report.seals,
                    "last_sequence": last,
                    "head": report.head,
                    "purged_through": report.purged_through,
                    "rows_checked": report.rows_checked,
                    "unsealed": report.unsealed,
                    "problem": asdict(report.problem) if report.problem else None,
                }
            ).data
        )
