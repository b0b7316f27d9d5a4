from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.accounts.permissions import role_permission
from hitsm.accounts.roles import Role
from hitsm.api.pagination import CappedCountPagination
from hitsm.api.serializers import ERROR_RESPONSES
from hitsm.api.viewsets import PolicyMixin, PolicyModelViewSet
from hitsm.cmdb import selectors, services
from hitsm.cmdb.api import serializers as s
from hitsm.cmdb.imports import EXPORT_LIMIT, export_workbook
from hitsm.cmdb.models import (
    CIAttribute,
    CIClass,
    ConfigurationItem,
    ObashiLayer,
    Relation,
    RelationType,
)
from hitsm.cmdb.selectors import CMDBItemPolicy, CMDBSchemaPolicy
from hitsm.core.api.serializers import JobSerializer
from hitsm.core.errors import ValidationFailed
from hitsm.core.jobs import job_enqueue
from hitsm.core.models import ChangeLog
from hitsm.core.spreadsheets import XLSX_MIME, import_upload_store

XLSX_RESPONSE = {(200, XLSX_MIME): OpenApiResponse(description="xlsx")}


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


class CIClassViewSet(PolicyModelViewSet):
    """CI classes with their attributes (OBASHI layer, icon)."""

    policy = CMDBSchemaPolicy()
    serializer_class = s.CIClassSerializer
    pagination_class = None
    filterset_fields = ("layer", "is_active")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self) -> QuerySet[CIClass]:
        return (
            CIClass.objects.prefetch_related("attributes")
            .annotate(item_count=Count("items"))
            .order_by("sort_order", "code")
        )

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.ci_class_save(ci_class=CIClass(**serializer.validated_data))

    def perform_update(self, serializer: Any) -> None:
        ci_class = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(ci_class, name, value)
        serializer.instance = services.ci_class_save(ci_class=ci_class)


class AttributeViewSet(PolicyMixin, viewsets.ModelViewSet):
    """Attribute definitions of a class (typed, required, unique, choices, format)."""

    policy = CMDBSchemaPolicy()
    serializer_class = s.AttributeSerializer
    pagination_class = None
    filterset_fields = ("ci_class",)
    queryset = CIAttribute.objects.select_related("ci_class").order_by(
        "ci_class__sort_order", "sort_order", "id"
    )
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer: Any) -> None:
        attribute = CIAttribute(**serializer.validated_data)
        serializer.instance = services.attribute_save(attribute=attribute)

    def perform_update(self, serializer: Any) -> None:
        attribute = serializer.instance
        for name, value in serializer.validated_data.items():
            if name != "ci_class":  # an attribute stays with its class
                setattr(attribute, name, value)
        serializer.instance = services.attribute_save(attribute=attribute)


class RelationTypeViewSet(PolicyMixin, viewsets.ModelViewSet):
    policy = CMDBSchemaPolicy()
    serializer_class = s.RelationTypeSerializer
    pagination_class = None
    queryset = RelationType.objects.order_by("sort_order", "code")
    http_method_names = ["get", "post", "patch", "head", "options"]


class ItemFilter(filters.FilterSet):
    layer = filters.ChoiceFilter(field_name="ci_class__layer", choices=ObashiLayer.choices)
    class_code = filters.CharFilter(field_name="ci_class__code")
    q = filters.CharFilter(method="search", label="name or code contains")

    class Meta:
        model = ConfigurationItem
        fields = ("ci_class", "status", "owner_department", "support_group", "clinical_critical")

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class ConfigurationItemViewSet(PolicyMixin, viewsets.ModelViewSet):
    """Configuration items: attributes, relations, impact analysis, history, Excel export."""

    policy = CMDBItemPolicy()
    serializer_class = s.ConfigurationItemSerializer
    filterset_class = ItemFilter
    pagination_class = CappedCountPagination
    ordering_fields = ("name", "code", "updated_at")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_base_queryset(self) -> QuerySet[ConfigurationItem]:
        return ConfigurationItem.objects.select_related(
            "ci_class", "owner_department", "support_group"
        ).order_by("ci_class__sort_order", "name")

    @extend_schema(
        request=s.ConfigurationItemWriteSerializer,
        responses={201: s.ConfigurationItemSerializer, **ERROR_RESPONSES},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.ConfigurationItemWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.ci_create(**data.validated_data)
        return Response(self._out(item), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ConfigurationItemWriteSerializer(partial=True),
        responses={200: s.ConfigurationItemSerializer, **ERROR_RESPONSES},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        data = s.ConfigurationItemWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        item = services.ci_update(item=item, **data.validated_data)
        return Response(self._out(item))

    @extend_schema(responses={204: None, **ERROR_RESPONSES})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.ci_delete(item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _out(self, item: ConfigurationItem) -> dict[str, Any]:
        return s.ConfigurationItemSerializer(self.get_base_queryset().get(pk=item.pk)).data

    @extend_schema(responses={200: s.ImpactSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["get"])
    def impact(self, request: Request, pk: str | None = None) -> Response:
        """Upstream impact: the business activities, applications, owners and departments that
        a failure of this CI hurts, and the data flows of the affected applications."""
        return Response(selectors.impact_analysis(self.get_object()))

    @extend_schema(responses={200: s.DependenciesSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["get"])
    def dependencies(self, request: Request, pk: str | None = None) -> Response:
        """Downstream: every CI this one depends on (for a business activity, its whole stack)."""
        return Response(selectors.dependencies(self.get_object()))

    @extend_schema(
        parameters=[
            OpenApiParameter("depth", int, description="1–6, default 2"),
            OpenApiParameter("direction", str, enum=["down", "up", "both"]),
        ],
        responses={200: s.DiagramSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["get"])
    def diagram(self, request: Request, pk: str | None = None) -> Response:
        """The OBASHI Business & IT diagram around this CI."""
        try:
            depth = int(request.query_params.get("depth", 2))
        except ValueError:
            raise ValidationFailed(fields={"depth": [_("请输入 1–6 的整数")]}) from None
        direction = request.query_params.get("direction", "down")
        if direction not in ("down", "up", "both"):
            raise ValidationFailed(fields={"direction": [_("只能是 down、up 或 both")]})
        result = selectors.diagram(self.get_object(), depth=depth, direction=direction)  # type: ignore[arg-type]
        return Response(
            {"nodes": result.nodes, "edges": result.edges, "truncated": result.truncated}
        )

    @extend_schema(responses={200: s.RelationSerializer(many=True), **ERROR_RESPONSES})
    @action(detail=True, methods=["get"], pagination_class=None)
    def relations(self, request: Request, pk: str | None = None) -> Response:
        """Relations where this CI is the source or the target (and data flows carrying it)."""
        item = self.get_object()
        relations = (
            Relation.objects.filter(Q(source=item) | Q(target=item) | Q(data_set=item))
            .select_related("type", "source__ci_class", "target__ci_class", "data_set__ci_class")
            .order_by("type__sort_order", "id")[:1000]
        )
        return Response(s.RelationSerializer(relations, many=True).data)

    @extend_schema(responses={200: s.ChangeLogSerializer(many=True), **ERROR_RESPONSES})
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Who changed what and when: the item itself and relations from or to it."""
        item = self.get_object()
        item_type = ContentType.objects.get_for_model(ConfigurationItem)
        relation_type = ContentType.objects.get_for_model(Relation)
        logs = (
            ChangeLog.objects.filter(
                Q(content_type=item_type, object_id=str(item.pk))
                | Q(content_type=relation_type)
                & (
                    Q(after__source_id=item.pk)
                    | Q(after__target_id=item.pk)
                    | Q(before__source_id=item.pk)
                    | Q(before__target_id=item.pk)
                )
            )
            .select_related("content_type", "actor")
            .order_by("-time", "-id")[:200]
        )
        return Response(s.ChangeLogSerializer(logs, many=True).data)

    @extend_schema(filters=True, responses={**XLSX_RESPONSE, **ERROR_RESPONSES})
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request) -> HttpResponse:
        """The filtered list as Excel, one sheet per class with its attributes."""
        queryset = self.filter_queryset(self.get_queryset())
        if queryset.count() > EXPORT_LIMIT:
            raise ValidationFailed(
                _("导出结果超过 %(n)d 条，请缩小筛选范围") % {"n": EXPORT_LIMIT},
                code="export.too_large",
            )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _xlsx(export_workbook(queryset), f"cmdb-{stamp}.xlsx")

    @extend_schema(responses={**XLSX_RESPONSE, **ERROR_RESPONSES})
    @action(detail=False, methods=["get"], url_path="import-template", pagination_class=None)
    def import_template(self, request: Request) -> HttpResponse:
        return _xlsx(export_workbook(None), "cmdb-import-template.xlsx")


class RelationFilter(filters.FilterSet):
    type = filters.CharFilter(field_name="type__code")
    item = filters.NumberFilter(method="touching", label="source or target")
    among = filters.BaseInFilter(
        method="within", label="comma-separated CI ids: relations with both ends among them"
    )

    class Meta:
        model = Relation
        fields = ("source", "target", "data_set")

    def touching(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        return queryset.filter(Q(source_id=value) | Q(target_id=value))

    def within(self, queryset: QuerySet[Any], name: str, value: list[str]) -> QuerySet[Any]:
        try:
            ids = [int(v) for v in value][:1000]
        except ValueError:
            raise ValidationFailed(fields={"among": [_("请填写以逗号分隔的配置项编号")]}) from None
        return queryset.filter(source_id__in=ids, target_id__in=ids)


class RelationViewSet(
    PolicyMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Typed, directional relations: the source depends on the target. Data flows go from a
    source application to a target application and carry a business data set."""

    policy = CMDBItemPolicy()
    serializer_class = s.RelationSerializer
    filterset_class = RelationFilter
    pagination_class = CappedCountPagination

    def get_base_queryset(self) -> QuerySet[Relation]:
        return Relation.objects.select_related(
            "type", "source__ci_class", "target__ci_class", "data_set__ci_class"
        ).order_by("id")

    @extend_schema(
        request=s.RelationWriteSerializer,
        responses={201: s.RelationSerializer, **ERROR_RESPONSES},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.RelationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        relation = services.relation_create(**data.validated_data)
        return Response(
            s.RelationSerializer(self.get_base_queryset().get(pk=relation.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={204: None, **ERROR_RESPONSES})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.relation_delete(relation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class CIImportView(APIView):
    parser_classes = [MultiPartParser]
    permission_classes = [role_permission(Role.ADMIN, Role.SYSADMIN, Role.ENGINEER)]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        responses={202: JobSerializer, **ERROR_RESPONSES},
        summary="Import configuration items from .xlsx or .csv (a background job; good rows are "
        "imported, bad rows reported)",
    )
    def post(self, request: Request) -> Response:
        path, name = import_upload_store(request.FILES.get("file"))
        job = job_enqueue(
            kind="cmdb.ci_import",
            created_by_id=request.user.pk,
            params={"path": path, "filename": name},
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
