from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.accounts.models import Department, User
from hitsm.accounts.roles import IT_STAFF, has_role
from hitsm.accounts.selectors import signed_in_user
from hitsm.api.serializers import ERROR_RESPONSES
from hitsm.api.viewsets import PolicyModelViewSet
from hitsm.catalog import selectors, services
from hitsm.catalog.api import serializers as s
from hitsm.catalog.models import (
    ActivityPattern,
    CatalogCategory,
    CatalogItem,
    Form,
    FormVersion,
    NfrRecord,
)
from hitsm.catalog.selectors import CatalogConfigPolicy, CatalogItemPolicy
from hitsm.cmdb.models import ConfigurationItem
from hitsm.core.errors import Forbidden, NotFound, ValidationFailed


class CatalogCategoryViewSet(PolicyModelViewSet):
    """The service menu's headings (a tree). Everyone reads them; admins change them."""

    policy = CatalogConfigPolicy(public_read=True)
    serializer_class = s.CatalogCategorySerializer
    pagination_class = None
    filterset_fields = ("parent", "is_active")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_base_queryset(self) -> QuerySet[CatalogCategory]:
        return CatalogCategory.objects.annotate(item_count=Count("items")).order_by(
            "sort_order", "id"
        )

    def perform_destroy(self, instance: CatalogCategory) -> None:
        if instance.items.exists() or instance.children.exists():
            raise ValidationFailed(
                _("该目录下还有服务项或子目录，请先移走或停用"), code="category_in_use"
            )
        instance.delete()


class ItemFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label="name, keywords, description or category")

    class Meta:
        model = CatalogItem
        fields = ("category", "kind", "is_active", "form", "assignment_group")

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return selectors.item_search(queryset, value)


# IT staff read an item with its administration fields, requesters the short form: the read
# responses are one or the other (the two have disjoint required fields), so a requester's
# answer conforms to the schema too (issue 12).
def _item_for_role(many: bool = False) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="CatalogItemForRole",
        serializers=[s.CatalogItemSerializer, s.RequesterItemSerializer],
        resource_type_field_name=None,
        many=many,
    )


@extend_schema_view(
    list=extend_schema(responses={200: _item_for_role(many=True)}),
    retrieve=extend_schema(responses={200: _item_for_role()}),
)
class CatalogItemViewSet(PolicyModelViewSet):
    """Catalog items. Requesters list the items open to them, in a short form (what the item is
    and its defaults); IT staff see every item with its administration fields (they submit on
    behalf of others); admins define them."""

    policy = CatalogItemPolicy()
    pagination_class = None
    filterset_class = ItemFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_base_queryset(self) -> QuerySet[CatalogItem]:
        return (
            CatalogItem.objects.select_related(
                "category", "form__published", "assignment_group", "ticket_category"
            )
            .prefetch_related(
                "departments",
                Prefetch(
                    "configuration_items",
                    queryset=ConfigurationItem.objects.select_related("ci_class"),
                ),
            )
            .order_by("category__sort_order", "category_id", "sort_order", "id")
        )

    def get_serializer_class(self) -> Any:
        if getattr(self, "swagger_fake_view", False) or has_role(self.request.user, *IT_STAFF):
            return s.CatalogItemSerializer
        return s.RequesterItemSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        user = self.request.user
        if user and user.is_authenticated:
            context["favourite_ids"] = set(
                user.catalog_favourites.values_list("item_id", flat=True)
            )
        return context

    def _save(self, serializer: Any, item: CatalogItem) -> None:
        values = dict(serializer.validated_data)
        departments = values.pop("departments", None)
        cis = values.pop("configuration_items", None)
        for name, value in values.items():
            setattr(item, name, value)
        serializer.instance = services.item_save(
            item=item, departments=departments, configuration_items=cis
        )

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, CatalogItem())

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance: CatalogItem) -> None:
        if instance.tickets.exists():
            raise ValidationFailed(
                _("已有工单使用该服务项，不能删除；请改为停用"), code="item_in_use"
            )
        instance.delete()

    @extend_schema(responses={200: s.ItemFormSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["get"])
    def form(self, request: Request, pk: str | None = None) -> Response:
        """The published form version a submission of this item is checked against."""
        item = self.get_object()
        version = item.form.published if item.form_id and item.form else None
        return Response(
            {
                "form_id": item.form_id,
                "version_id": version.pk if version else None,
                "version": version.version if version else None,
                "schema": version.schema if version else None,
            }
        )

    @extend_schema(request=None, responses={204: None, **ERROR_RESPONSES})
    @action(detail=True, methods=["post", "delete"])
    def favourite(self, request: Request, pk: str | None = None) -> Response:
        """Star (POST) or unstar (DELETE) the item in the user's menu."""
        item = self.get_object()
        if request.method == "POST" and not selectors.item_visible_to(item, request.user):
            raise ValidationFailed(_("该服务项对您不可见"), code="item_not_visible")
        services.favourite_set(user=signed_in_user(request), item=item, on=request.method == "POST")
        return Response(status=status.HTTP_204_NO_CONTENT)


class MenuView(APIView):
    """The service menu of the signed-in user (or, for IT staff submitting on someone's
    behalf, of ``for_user``): favourites, frequently used, and the items by category."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="search words"),
            OpenApiParameter("for_user", int, description="IT staff: the requester's menu"),
        ],
        responses={200: s.MenuSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        for_user = request.query_params.get("for_user")
        if for_user:
            if not has_role(user, *IT_STAFF):
                raise NotFound()
            try:
                user = User.objects.get(pk=int(for_user), is_active=True)
            except (ValueError, User.DoesNotExist):
                raise ValidationFailed(fields={"for_user": [_("找不到该用户")]}) from None
        menu = selectors.menu_for(user, q=request.query_params.get("q", ""))
        context = {"favourite_ids": menu["favourite_ids"]}
        return Response(s.MenuSerializer(menu, context=context).data)


class FormViewSet(PolicyModelViewSet):
    """Catalog forms: the designer saves the draft; publishing freezes it as a new version."""

    policy = CatalogConfigPolicy()
    serializer_class = s.FormSerializer
    pagination_class = None
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_base_queryset(self) -> QuerySet[Form]:
        queryset = (
            Form.objects.select_related("published")
            .annotate(item_count=Count("items"))
            .order_by("name", "id")
        )
        q = self.request.query_params.get("q", "").strip()
        if q:
            queryset = queryset.filter(Q(name__icontains=q) | Q(code__icontains=q))
        return queryset

    def perform_create(self, serializer: Any) -> None:
        form = Form(**serializer.validated_data)
        form.draft_schema = form.draft_schema or {"fields": []}
        serializer.instance = services.form_save(form=form)

    def perform_update(self, serializer: Any) -> None:
        form = serializer.instance
        for name, value in serializer.validated_data.items():
            if name != "code":  # tickets and exports name forms by code
                setattr(form, name, value)
        serializer.instance = services.form_save(form=form)

    def perform_destroy(self, instance: Form) -> None:
        if instance.items.exists() or instance.versions.filter(tickets__isnull=False).exists():
            raise ValidationFailed(_("表单已被服务项或工单使用，不能删除"), code="form_in_use")
        instance.delete()

    @extend_schema(
        request=s.PublishSerializer, responses={201: s.FormVersionSerializer, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        form = self.get_object()
        data = s.PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.form_publish(
            form=form, actor=signed_in_user(request), note=data.validated_data["note"]
        )
        return Response(s.FormVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.FormVersionSerializer(many=True), **ERROR_RESPONSES})
    @action(detail=True, methods=["get"])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        form = self.get_object()
        rows = FormVersion.objects.filter(form=form).select_related("published_by")
        return Response(s.FormVersionSerializer(rows.order_by("-version"), many=True).data)

    @extend_schema(
        request=s.DraftCheckSerializer,
        responses={200: s.DraftCheckResultSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def check(self, request: Request, pk: str | None = None) -> Response:
        """Validate sample answers against the saved draft exactly as a submission is checked."""
        form = self.get_object()
        data = s.DraftCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.draft_check(form=form, data=data.validated_data["data"]))


class OptionsView(APIView):
    """Choices for a form's person, department and CI fields (id + name), searched by ``q``."""

    LIMIT = 30

    @extend_schema(
        parameters=[
            OpenApiParameter("source", str, enum=["users", "departments", "cis"], required=True),
            OpenApiParameter("q", str),
            OpenApiParameter("ci_class", str, description="cis: the class code"),
            OpenApiParameter("ids", str, description="comma-separated ids to label"),
        ],
        responses={200: s.OptionSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        source = request.query_params.get("source")
        q = request.query_params.get("q", "").strip()
        ids = [int(i) for i in request.query_params.get("ids", "").split(",") if i.isdigit()]
        if source == "users":
            users = User.objects.filter(is_active=True).select_related("department")
            if ids:
                users = users.filter(pk__in=ids)
            elif q:
                users = users.filter(
                    Q(display_name__icontains=q) | Q(username__icontains=q) | Q(employee_no=q)
                )
            rows = [
                {
                    "value": u.pk,
                    "label": u.display_name or u.username,
                    "hint": u.department.name if u.department else "",
                }
                for u in users.order_by("display_name", "id")[: self.LIMIT]
            ]
        elif source == "departments":
            departments = Department.objects.filter(is_active=True)
            if ids:
                departments = departments.filter(pk__in=ids)
            elif q:
                departments = departments.filter(name__icontains=q)
            rows = [
                {"value": d.pk, "label": d.name, "hint": d.get_kind_display()}
                for d in departments.order_by("sort_order", "name")[: self.LIMIT]
            ]
        elif source == "cis":
            items = ConfigurationItem.objects.select_related("ci_class")
            if request.query_params.get("ci_class"):
                items = items.filter(ci_class__code=request.query_params["ci_class"])
            if ids:
                items = items.filter(pk__in=ids)
            elif q:
                items = items.filter(Q(name__icontains=q) | Q(code__icontains=q))
            rows = [
                {"value": c.pk, "label": c.name, "hint": c.ci_class.name}
                for c in items.order_by("name")[: self.LIMIT]
            ]
        else:
            raise ValidationFailed(fields={"source": [_("数据来源须为 users、departments 或 cis")]})
        return Response(rows)


class NfrFilter(filters.FilterSet):
    catalog_item = filters.NumberFilter(
        field_name="application__catalog_items", label="applications linked to this item"
    )

    class Meta:
        model = NfrRecord
        fields = ("application",)


class NfrRecordViewSet(PolicyModelViewSet):
    """Non-functional requirements per application CI; ``totals`` sums them (capacity)."""

    policy = CatalogConfigPolicy(readers=frozenset(IT_STAFF))
    serializer_class = s.NfrRecordSerializer
    pagination_class = None
    filterset_class = NfrFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_base_queryset(self) -> QuerySet[NfrRecord]:
        return NfrRecord.objects.select_related("application").order_by("application__name")

    def _save(self, serializer: Any, application: ConfigurationItem) -> None:
        values = dict(serializer.validated_data)
        values.pop("application", None)
        serializer.instance = services.nfr_save(application=application, values=values)

    def perform_create(self, serializer: Any) -> None:
        application = serializer.validated_data["application"]
        if NfrRecord.objects.filter(application=application).exists():
            raise ValidationFailed(
                fields={"application": [_("该应用系统已有非功能性需求记录，请直接修改")]}
            )
        self._save(serializer, application)

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance.application)

    @extend_schema(responses={200: s.NfrTotalsSerializer, **ERROR_RESPONSES})
    @action(detail=False, methods=["get"])
    def totals(self, request: Request) -> Response:
        """Sums over the (filtered) records: accounts, concurrency, storage, growth, bandwidth."""
        if not self.policy.can_list(request.user):
            raise Forbidden()
        totals = selectors.nfr_totals(self.filter_queryset(self.get_queryset()))
        return Response(
            {
                "applications": totals.applications,
                "recorded": totals.recorded,
                "totals": totals.totals,
            }
        )


class PatternFilter(filters.FilterSet):
    application = filters.NumberFilter(field_name="applications")
    catalog_item = filters.NumberFilter(
        field_name="applications__catalog_items", label="patterns of the item's applications"
    )

    class Meta:
        model = ActivityPattern
        fields = ("code",)


class ActivityPatternViewSet(PolicyModelViewSet):
    """Patterns of business activity (PBA): business calendar, peaks, activities, stakeholders."""

    policy = CatalogConfigPolicy(readers=frozenset(IT_STAFF))
    serializer_class = s.ActivityPatternSerializer
    pagination_class = None
    filterset_class = PatternFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_base_queryset(self) -> QuerySet[ActivityPattern]:
        ci = ConfigurationItem.objects.select_related("ci_class")
        return (
            ActivityPattern.objects.prefetch_related(
                Prefetch("activities", queryset=ci),
                Prefetch("applications", queryset=ci),
                "stakeholders__department",
                "stakeholders__user",
            )
            .distinct()
            .order_by("name", "id")
        )

    def _save(self, serializer: Any, pattern: ActivityPattern) -> None:
        values = dict(serializer.validated_data)
        activities = values.pop("activities", None)
        applications = values.pop("applications", None)
        stakeholders = values.pop("stakeholders", None)
        for name, value in values.items():
            setattr(pattern, name, value)
        serializer.instance = services.pattern_save(
            pattern=pattern,
            activities=activities,
            applications=applications,
            stakeholders=stakeholders,
        )

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, ActivityPattern())

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance)
