from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.accounts.roles import IT_STAFF, Role, has_role
from hitsm.accounts.selectors import signed_in_user
from hitsm.api.serializers import ERROR_RESPONSES
from hitsm.api.viewsets import PolicyMixin, PolicyModelViewSet
from hitsm.core.errors import NotFound, ValidationFailed
from hitsm.core.permissions import Policy
from hitsm.core.spreadsheets import XLSX_MIME
from hitsm.workflow import engine, services, webhooks
from hitsm.workflow.actions import actions_all
from hitsm.workflow.api import serializers as s
from hitsm.workflow.exports import raci_workbook
from hitsm.workflow.models import (
    HumanTask,
    ProcessBinding,
    ProcessDefinition,
    ProcessInstance,
    ProcessVersion,
    TaskStatus,
    WebhookCall,
)


class ProcessConfigPolicy(Policy):
    """IT staff read processes; admins draw and publish them."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if has_role(user, *IT_STAFF) else queryset.none()

    def can_list(self, user: Any) -> bool:
        return has_role(user, *IT_STAFF)

    def can_create(self, user: Any) -> bool:
        return has_role(user, Role.ADMIN)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action in ("retrieve", "versions", "validate", "simulate", "raci", "diff"):
            return has_role(user, *IT_STAFF)
        return has_role(user, Role.ADMIN)


class DefinitionViewSet(PolicyModelViewSet):
    """Process definitions: the designer saves the draft BPMN; publishing compiles it into an
    immutable version (running instances keep theirs)."""

    policy = ProcessConfigPolicy()
    pagination_class = None
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> Any:
        return s.DefinitionBriefSerializer if self.action == "list" else s.DefinitionSerializer

    def get_base_queryset(self) -> QuerySet[ProcessDefinition]:
        return (
            ProcessDefinition.objects.select_related("published")
            .prefetch_related("catalog_items")
            .order_by("name", "id")
        )

    @transaction.atomic
    def _save(self, serializer: Any, definition: ProcessDefinition) -> None:
        values = dict(serializer.validated_data)
        items = values.pop("catalog_items", None)
        for name, value in values.items():
            if not (name == "code" and definition.pk):
                setattr(definition, name, value)
        definition.full_clean(exclude=["published"])
        definition.save()
        if items is not None:
            taken = ProcessBinding.objects.filter(catalog_item__in=items).exclude(
                process=definition
            )
            if taken.exists():
                raise ValidationFailed(
                    fields={
                        "catalog_items": [
                            "服务项已绑定其他流程：" + "、".join(b.catalog_item.name for b in taken)
                        ]
                    }
                )
            ProcessBinding.objects.filter(process=definition).exclude(
                catalog_item__in=items
            ).delete()
            for item in items:
                ProcessBinding.objects.get_or_create(process=definition, catalog_item=item)
        serializer.instance = definition

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, ProcessDefinition())

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance)

    @extend_schema(request=None, responses={200: s.ValidationResultSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def validate(self, request: Request, pk: str | None = None) -> Response:
        """Check the saved draft as publishing would: engine parse plus our rules."""
        definition = self.get_object()
        try:
            compiled = services.definition_compile(definition.draft_xml)
        except engine.BpmnRejected as rejected:
            return Response({"valid": False, "problems": rejected.problems, "nodes": {}})
        return Response({"valid": True, "problems": [], "nodes": compiled.nodes})

    @extend_schema(
        request=s.ProcessPublishSerializer, responses={201: s.VersionSerializer, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        definition = self.get_object()
        data = s.ProcessPublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.definition_publish(
            definition=definition, actor=signed_in_user(request), note=data.validated_data["note"]
        )
        return Response(s.VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.SimulateSerializer, responses={200: s.SimulationSerializer, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def simulate(self, request: Request, pk: str | None = None) -> Response:
        """Dry-run the saved draft with sample data: the path it takes (no actions, no timers)."""
        definition = self.get_object()
        data = s.SimulateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            services.definition_simulate(
                definition=definition,
                data=data.validated_data["data"],
                approve=data.validated_data["approve"],
            )
        )

    @extend_schema(
        parameters=[OpenApiParameter("version", int, description="default: the published one")],
        responses={(200, XLSX_MIME): OpenApiResponse(description="xlsx"), **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["get"])
    def raci(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The RACI matrix of a published version as an Excel workbook (for audits)."""
        version = self._version(self.get_object(), request.query_params.get("version"))
        response = HttpResponse(raci_workbook(version), content_type=XLSX_MIME)
        name = quote(f"RACI-{version.definition.name}-v{version.version}.xlsx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True),
            OpenApiParameter("to", int, description="default: the published one"),
        ],
        responses={200: s.DiffSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str | None = None) -> Response:
        """What changed between two versions, node by node."""
        definition = self.get_object()
        old = self._version(definition, request.query_params.get("from") or "0")
        new = self._version(definition, request.query_params.get("to"))
        return Response(services.versions_diff(old, new))

    def _version(self, definition: ProcessDefinition, number: str | None) -> ProcessVersion:
        if number in (None, ""):
            if definition.published is None:
                raise ValidationFailed(_("流程尚未发布"), code="not_published")
            return definition.published
        if not str(number).isdigit():
            raise ValidationFailed(fields={"version": [_("版本须为数字")]})
        version = definition.versions.filter(version=int(str(number))).first()
        if version is None:
            raise NotFound()
        return version

    @extend_schema(responses={200: s.VersionSerializer(many=True), **ERROR_RESPONSES})
    @action(detail=True, methods=["get"])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        definition = self.get_object()
        rows = ProcessVersion.objects.filter(definition=definition).select_related("published_by")
        return Response(s.VersionSerializer(rows.order_by("-version"), many=True).data)


class ActionsView(APIView):
    """The service-task actions a process may call (the designer's choice list)."""

    @extend_schema(responses={200: s.ActionSerializer(many=True), **ERROR_RESPONSES})
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "name": a.name,
                    "label": a.label,
                    "params": list(a.params),
                    "subject_type": a.subject_type,
                }
                for a in actions_all()
            ]
        )


class TaskPolicy(Policy):
    """Everyone sees the tasks they may act on; IT staff see their groups' too."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        direct = Q(responsible=user) | Q(responsible_groups__members=user)
        if connection.features.supports_json_field_contains:
            direct |= Q(supportive__contains=[user.pk]) | Q(accountable__contains=[user.pk])
            return queryset.filter(pk__in=HumanTask.objects.filter(direct).values("pk"))
        # SQLite: JSON lists of helpers and sign-off people are matched here.
        helping = [
            pk
            for pk, helpers, signers in HumanTask.objects.filter(
                status__in=[TaskStatus.OPEN, TaskStatus.SIGNOFF]
            ).values_list("pk", "supportive", "accountable")
            if user.pk in (helpers or []) or user.pk in (signers or [])
        ]
        return queryset.filter(
            pk__in=HumanTask.objects.filter(direct | Q(pk__in=helping)).values("pk")
        )

    def can_list(self, user: Any) -> bool:
        return bool(user.is_authenticated)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return True  # complete checks RACI itself and says why


class TaskViewSet(
    PolicyMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The task inbox: open tasks the user is responsible for (directly or through a group),
    helps with, signs off or is consulted on."""

    policy = TaskPolicy()
    serializer_class = s.TaskSerializer

    def get_base_queryset(self) -> QuerySet[HumanTask]:
        queryset = HumanTask.objects.select_related(
            "instance__version__definition", "completed_by"
        ).prefetch_related("responsible", "responsible_groups", "votes__user")
        state = self.request.query_params.get("status", "open")
        if state == "open":
            queryset = queryset.filter(status__in=[TaskStatus.OPEN, TaskStatus.SIGNOFF])
        elif state == "done":
            queryset = queryset.filter(status=TaskStatus.COMPLETED)
        return queryset.order_by("-created_at", "-id")

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=["open", "done", "all"])],
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.CompleteSerializer, responses={200: s.TaskSerializer, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        data = s.CompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_complete(
            task=task,
            actor=signed_in_user(request),
            values=data.validated_data["values"],
            approve=data.validated_data["approve"],
            comment=data.validated_data["comment"],
        )
        task.refresh_from_db()
        return Response(s.TaskSerializer(task).data)


class SubjectInstancesView(APIView):
    """The processes of one subject (a ticket) with the diagram, where they are and who did
    what: the process-instance viewer."""

    @extend_schema(
        parameters=[
            OpenApiParameter("subject_type", str, required=True),
            OpenApiParameter("subject_id", int, required=True),
        ],
        responses={200: s.InstanceSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        subject_type = request.query_params.get("subject_type", "")
        subject_id = request.query_params.get("subject_id", "")
        if not subject_id.isdigit():
            raise ValidationFailed(fields={"subject_id": ["须为数字"]})
        if not services.subject_visible(request.user, subject_type, int(subject_id)):
            raise NotFound()
        rows = ProcessInstance.objects.filter(
            subject_type=subject_type, subject_id=int(subject_id)
        ).select_related("version__definition")
        return Response(s.InstanceSerializer(rows.order_by("id"), many=True).data)


class WebhookPolicy(Policy):
    """IT staff see the process webhooks and what went wrong; IT managers and admins decide
    the calls left to a person (retry or skip)."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if has_role(user, *IT_STAFF) else queryset.none()

    def can_list(self, user: Any) -> bool:
        return has_role(user, *IT_STAFF)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action == "retrieve":
            return has_role(user, *IT_STAFF)
        return has_role(user, Role.MANAGER, Role.ADMIN)


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, description="pending, manual, failed …"),
        OpenApiParameter("subject_id", int, description="the ticket's id"),
        OpenApiParameter("subject_type", str, description="default ticket"),
    ]
)
class WebhookViewSet(PolicyMixin, viewsets.ReadOnlyModelViewSet):
    """The HTTP calls processes make to other systems: the ones waiting for a person first."""

    policy = WebhookPolicy()
    serializer_class = s.WebhookCallSerializer

    def get_base_queryset(self) -> QuerySet[WebhookCall]:
        rows = WebhookCall.objects.select_related("instance__version__definition", "finished_by")
        status_filter = self.request.query_params.get("status", "")
        if status_filter:
            rows = rows.filter(status=status_filter)
        subject_id = self.request.query_params.get("subject_id", "")
        if subject_id.isdigit():
            subject_type = self.request.query_params.get("subject_type", "ticket")
            rows = rows.filter(
                instance__subject_type=subject_type, instance__subject_id=int(subject_id)
            )
        return rows.order_by("-created_at", "-id")

    @extend_schema(request=None, responses={200: s.WebhookCallSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        call = webhooks.webhook_retry(call=self.get_object(), actor=signed_in_user(request))
        return Response(s.WebhookCallSerializer(call).data)

    @extend_schema(
        request=s.WebhookSkipSerializer, responses={200: s.WebhookCallSerializer, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def skip(self, request: Request, pk: str | None = None) -> Response:
        data = s.WebhookSkipSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call = webhooks.webhook_skip(
            call=self.get_object(), actor=signed_in_user(request), note=data.validated_data["note"]
        )
        return Response(s.WebhookCallSerializer(call).data)
