from __future__ import annotations

import io
import re
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import (
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from openpyxl import Workbook
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from hitsm.accounts.permissions import role_permission
from hitsm.accounts.roles import IT_STAFF, Role, has_role
from hitsm.accounts.selectors import department_descendant_ids, signed_in_user
from hitsm.api.pagination import CappedCountPagination
from hitsm.api.serializers import ERROR_RESPONSES, ErrorEnvelopeSerializer
from hitsm.api.viewsets import PolicyMixin
from hitsm.cmdb.models import ConfigurationItem
from hitsm.core.errors import NotFound, ValidationFailed
from hitsm.core.masking import mask_value, sensitive_fields_of
from hitsm.core.permissions import Policy
from hitsm.servicedesk import attachments as uploads
from hitsm.servicedesk import playback, services
from hitsm.servicedesk.api import serializers as s
from hitsm.servicedesk.choices import TicketStatus
from hitsm.servicedesk.models import (
    AssignmentGroup,
    Attachment,
    Category,
    RoutingRule,
    SavedFilter,
    Ticket,
)
from hitsm.servicedesk.selectors import (
    QUEUES,
    TicketPolicy,
    queue_counts,
    queue_filter,
    ticket_detail,
    ticket_events,
    ticket_hidden_attachment_ids,
    ticket_list,
    ticket_reveals_sensitive,
    ticket_search,
)

ERRORS = ERROR_RESPONSES
EXPORT_LIMIT = 100_000


class TicketFilter(filters.FilterSet):
    queue = filters.ChoiceFilter(choices=[(q, q) for q in QUEUES], method="filter_queue")
    status = filters.MultipleChoiceFilter(choices=TicketStatus.choices)
    department = filters.NumberFilter(method="filter_department")
    created_after = filters.DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = filters.DateTimeFilter(field_name="created_at", lookup_expr="lt")
    configuration_item = filters.NumberFilter(field_name="configuration_items")
    q = filters.CharFilter(method="filter_q", label="单号或关键词")
    unassigned = filters.BooleanFilter(
        field_name="assignee", lookup_expr="isnull", label="无处理人（待领取）"
    )

    class Meta:
        model = Ticket
        fields = (
            "queue",
            "status",
            "kind",
            "priority",
            "channel",
            "department",
            "requester",
            "assignee",
            "assignment_group",
            "category",
            "configuration_item",
            "parent",
        )

    def filter_queue(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return queryset.filter(queue_filter(value, self.request.user))

    def filter_department(
        self, queryset: QuerySet[Ticket], name: str, value: int
    ) -> QuerySet[Ticket]:
        return queryset.filter(department_id__in=department_descendant_ids(int(value)))

    def filter_q(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        return ticket_search(queryset, value)


def _ticket(view: Any) -> Ticket:
    ticket: Ticket = view.get_object()
    return ticket


class TicketViewSet(
    PolicyMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Service desk tickets (requests and incidents). Transitions are explicit POST actions."""

    policy = TicketPolicy()
    queryset = Ticket.objects.none()
    filterset_class = TicketFilter
    ordering_fields = ("created_at", "updated_at", "priority", "resolution_due_at", "number")
    ordering = ("-created_at",)
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    pagination_class = CappedCountPagination

    def get_base_queryset(self) -> QuerySet[Ticket]:
        return ticket_detail() if self.action != "list" else ticket_list()

    def get_serializer_class(self) -> Any:
        return s.TicketListSerializer if self.action == "list" else s.TicketDetailSerializer

    def _detail(self, ticket: Ticket, code: int = 200) -> Response:
        fresh = ticket_detail().get(pk=ticket.pk)
        return Response(
            s.TicketDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(
        request={
            "application/json": s.TicketCreateSerializer,
            "multipart/form-data": s.TicketCreateSerializer,
        },
        responses={201: s.TicketCreatedSerializer, **ERRORS},
        parameters=[
            OpenApiParameter(
                "Location",
                str,
                OpenApiParameter.HEADER,
                response=[201],
                description="the new ticket's detail, GET /api/v1/tickets/{id}/",
            )
        ],
        description="Answers the new ticket's number, state and deadlines (its detail is at "
        "the Location given, GET /tickets/{id}/).",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        actor = signed_in_user(request)
        requester = values.pop("requester", None) or actor
        # A catalog form's file fields arrive as multipart parts named form_files.<key>.
        form_files = {
            name.removeprefix("form_files."): request.FILES.getlist(name)
            for name in request.FILES
            if name.startswith("form_files.")
        }
        ticket = services.ticket_create(
            requester=requester,
            submitted_by=actor,
            files=values.pop("files", []),
            configuration_items=values.pop("configuration_items", []),
            form_files=form_files,
            **values,
        )
        return Response(
            s.TicketCreatedSerializer(ticket).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("ticket-detail", args=[ticket.pk])},
        )

    @extend_schema(
        request=s.TicketUpdateSerializer, responses={200: s.TicketDetailSerializer, **ERRORS}
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ticket = _ticket(self)
        data = s.TicketUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        cis = values.pop("configuration_items", None)
        version = values.pop("version", None)
        ticket = services.ticket_update(
            ticket=ticket,
            actor=signed_in_user(request),
            changes=values,
            configuration_items=cis,
            expected_version=version,
        )
        return self._detail(ticket)

    # --- transitions (one explicit action each) ---------------------------------------------

    def _run(self, request: Request, serializer: Any, func: Any, **extra: Any) -> Response:
        ticket = _ticket(self)
        params: dict[str, Any] = {}
        if serializer is not None:
            data = serializer(data=request.data)
            data.is_valid(raise_exception=True)
            params = dict(data.validated_data)
        params.update(extra)
        result = func(ticket=ticket, actor=signed_in_user(request), **params)
        return self._detail(result if isinstance(result, Ticket) else ticket)

    @extend_schema(
        request=None,
        responses={200: s.TicketDetailSerializer, **ERRORS},
        summary="受理 Accept a new ticket",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, None, services.ticket_accept)

    @extend_schema(
        request=s.AssignSerializer,
        responses={200: s.TicketDetailSerializer, **ERRORS},
        summary="派发 Dispatch to a group and/or engineer",
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, s.AssignSerializer, services.ticket_assign)

    @extend_schema(request=None, responses={200: s.TicketDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, None, services.ticket_start)

    @extend_schema(request=s.PendSerializer, responses={200: s.TicketDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def pend(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, s.PendSerializer, services.ticket_pend)

    @extend_schema(request=s.NoteSerializer, responses={200: s.TicketDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, s.NoteSerializer, services.ticket_resume)

    @extend_schema(request=s.ResolveSerializer, responses={200: s.TicketDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, s.ResolveSerializer, services.ticket_resolve)

    @extend_schema(
        request=None,
        responses={200: s.TicketDetailSerializer, **ERRORS},
        summary="The requester confirms the fix (closes the ticket)",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, None, services.ticket_confirm)

    @extend_schema(request=s.NoteSerializer, responses={200: s.TicketDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, s.NoteSerializer, services.ticket_close)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.TicketDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, s.ReasonSerializer, services.ticket_reopen)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.TicketDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, s.ReasonSerializer, services.ticket_cancel)

    @extend_schema(
        request=s.EscalateSerializer, responses={200: s.TicketDetailSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, s.EscalateSerializer, services.ticket_escalate)

    @extend_schema(
        request=s.TransferSerializer, responses={200: s.TicketDetailSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, s.TransferSerializer, services.ticket_transfer)

    @extend_schema(
        request={"application/json": s.ReplySerializer, "multipart/form-data": s.ReplySerializer},
        responses={201: s.TicketEventSerializer, **ERRORS},
        summary="Public reply or internal note (internal=true), with files",
    )
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        ticket = _ticket(self)
        data = s.ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.ticket_reply(
            ticket=ticket,
            actor=signed_in_user(request),
            body=data.validated_data.get("body", ""),
            internal=data.validated_data["internal"],
            files=data.validated_data.get("files", []),
        )
        return Response(s.TicketEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": s.AttachSerializer},
        responses={201: s.AttachmentSerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["post"], pagination_class=None)  # a plain list, not a page
    def attach(self, request: Request, pk: str | None = None) -> Response:
        ticket = _ticket(self)
        data = s.AttachSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = services.ticket_attach(
            ticket=ticket,
            actor=signed_in_user(request),
            files=data.validated_data["files"],
            internal=data.validated_data["internal"],
        )
        return Response(
            s.AttachmentSerializer(items, many=True).data, status=status.HTTP_201_CREATED
        )

    def _other(self, request: Request) -> Ticket | None:
        data = s.TicketRefSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        other: Ticket | None = data.validated_data["ticket"]
        if (
            other is not None
            and not self.policy.scope(request.user, Ticket.objects.filter(pk=other.pk)).exists()
        ):
            raise NotFound()
        return other

    @extend_schema(
        request=s.TicketRefSerializer, responses={200: s.TicketDetailSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def link(self, request: Request, pk: str | None = None) -> Response:
        other = self._other(request)
        if other is None:
            raise ValidationFailed(fields={"ticket": [_("请选择工单")]})
        return self._detail(
            services.ticket_link(ticket=_ticket(self), actor=signed_in_user(request), other=other)
        )

    @extend_schema(
        request=s.TicketRefSerializer,
        responses={200: s.TicketDetailSerializer, **ERRORS},
        summary="Make this ticket a child of another (ticket=null to detach)",
    )
    @action(detail=True, methods=["post"], url_path="set-parent")
    def set_parent(self, request: Request, pk: str | None = None) -> Response:
        other = self._other(request)
        return self._detail(
            services.ticket_set_parent(
                ticket=_ticket(self), actor=signed_in_user(request), parent=other
            )
        )

    @extend_schema(
        request=s.TicketRefSerializer,
        responses={200: s.TicketDetailSerializer, **ERRORS},
        summary="Merge this (duplicate) ticket into another",
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        other = self._other(request)
        if other is None:
            raise ValidationFailed(fields={"ticket": [_("请选择要合并到的工单")]})
        return self._detail(
            services.ticket_merge(ticket=_ticket(self), actor=signed_in_user(request), into=other)
        )

    @extend_schema(responses={200: s.TicketEventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: str | None = None) -> Response:
        ticket = _ticket(self)
        events = ticket_events(ticket=ticket, user=request.user)
        data = s.TicketEventSerializer(events, many=True).data
        hidden = ticket_hidden_attachment_ids(request.user, ticket)
        if hidden:  # a sensitive form file (an ID-card scan) for a viewer who sees it masked
            for event in data:
                event["attachments"] = [a for a in event["attachments"] if a["id"] not in hidden]
        return Response(data)

    @extend_schema(responses={200: s.QueueCountsSerializer})
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def queues(self, request: Request) -> Response:
        from django.conf import settings

        return Response(
            {
                **queue_counts(user=request.user),
                "unaccepted_minutes": settings.TICKET_UNACCEPTED_MINUTES,
            }
        )

    @extend_schema(request=s.BulkSerializer, responses={200: s.BulkResultSerializer, **ERRORS})
    @action(detail=False, methods=["post"], filterset_class=None)
    def bulk(self, request: Request) -> Response:
        data = s.BulkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        action_name = values.pop("action")
        ids = values.pop("ids")
        params: dict[str, Any] = {}
        if action_name == "assign":
            params = {
                "group": values.get("group"),
                "assignee": values.get("assignee"),
                "note": values.get("note", ""),
            }
        elif action_name == "close":
            params = {"note": values.get("note", "")}
        elif action_name == "merge":
            if values.get("into") is None:
                raise ValidationFailed(fields={"into": [_("请选择要合并到的工单")]})
            params = {"into": values["into"]}
        return Response(
            services.bulk_apply(
                ids=ids, actor=signed_in_user(request), action=action_name, **params
            )
        )

    @extend_schema(
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes
        },
        parameters=[OpenApiParameter("q", str)],
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request) -> HttpResponse:
        queryset = self.filter_queryset(self.get_queryset())
        if queryset.count() > EXPORT_LIMIT:
            raise ValidationFailed(
                _("导出结果超过 %(n)d 条，请缩小筛选范围") % {"n": EXPORT_LIMIT},
                code="export.too_large",
            )
        return _export_xlsx(queryset, viewer=request.user)


EXPORT_COLUMNS = [
    ("单号", "number"),
    ("类型", "kind"),
    ("标题", "title"),
    ("状态", "status"),
    ("优先级", "priority"),
    ("渠道", "channel"),
    ("报修人", "requester"),
    ("科室", "department"),
    ("支持组", "assignment_group"),
    ("处理人", "assignee"),
    ("联系电话", "contact_phone"),
    ("分类", "category"),
    ("提交时间", "created_at"),
    ("受理时间", "accepted_at"),
    ("解决时间", "resolved_at"),
    ("解决截止", "resolution_due_at"),
    ("升级级别", "escalation_level"),
]


def _cell(ticket: Ticket, field: str) -> Any:
    value = getattr(ticket, field)
    if field in ("kind", "status", "channel"):
        return getattr(ticket, f"get_{field}_display")()
    if field == "priority":
        return f"P{value}"
    if hasattr(value, "isoformat"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def _export_row(ticket: Ticket, viewer: Any) -> list[Any]:
    """One row; the sensitive columns masked by the same rule as the API (hitsm.core.masking)."""
    sensitive = {} if ticket_reveals_sensitive(viewer, ticket) else sensitive_fields_of(Ticket)
    return [
        mask_value(sensitive[field], _cell(ticket, field))
        if field in sensitive
        else _cell(ticket, field)
        for _label, field in EXPORT_COLUMNS
    ]


def _export_xlsx(queryset: QuerySet[Ticket], *, viewer: Any) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("工单")
    sheet.append([label for label, _field in EXPORT_COLUMNS])
    for ticket in queryset.iterator(chunk_size=2000):
        sheet.append(_export_row(ticket, viewer))
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        buffer.getvalue(),
        content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''tickets-{stamp}.xlsx"
    return response


class AttachmentViewSet(viewsets.GenericViewSet):
    """Downloads go through the ticket's permissions; images and audio open inline.

    Bytes are streamed from the storage (local disk or the bucket) with single-range support,
    which iOS needs to play audio; with ``HITSM_S3_DOWNLOADS=redirect`` the answer is instead
    a redirect to a presigned bucket URL that expires in ``HITSM_S3_URL_SECONDS``.
    """

    queryset = Attachment.objects.none()
    serializer_class = s.AttachmentSerializer

    def _attachment(self, request: Request, pk: str | None) -> Attachment:
        if not str(pk).isdigit():
            raise NotFound()
        visible = TicketPolicy().scope(request.user, Ticket.objects.all())
        attachment = get_object_or_404(Attachment.objects.filter(ticket__in=visible), pk=pk)
        if not attachment.public and not has_role(request.user, *IT_STAFF):
            raise NotFound()
        if attachment.pk in ticket_hidden_attachment_ids(request.user, attachment.ticket):
            raise NotFound()
        return attachment

    def _send(
        self,
        request: Request,
        attachment: Attachment,
        file: FieldFile,
        content_type: str,
        *,
        filename: str | None = None,
    ) -> HttpResponseBase:
        inline = attachment.kind in ("image", "audio", "video") or content_type == "application/pdf"
        disposition = (
            content_disposition_header(not inline, filename or attachment.original_name) or "inline"
        )
        if settings.S3_DOWNLOADS == "redirect" and uploads.in_bucket(file):
            url = uploads.bucket_download_url(
                file, content_type=content_type, disposition=disposition
            )
            redirect = HttpResponseRedirect(url)
            redirect["Cache-Control"] = "private, no-store"  # the URL expires: never reuse it
            return redirect
        try:
            stored = uploads.stored_open(file)
        except FileNotFoundError:
            raise NotFound() from None
        try:
            wanted = _byte_range(request.headers.get("Range", ""), stored.size)
        except _Unsatisfiable:
            stored.close()
            response: HttpResponseBase = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{stored.size}"
            return response
        start, stop = wanted or (0, stored.size)
        response = StreamingHttpResponse(
            stored.part(start, stop),
            status=206 if wanted else 200,
            content_type=content_type,
        )
        response["Content-Length"] = str(stop - start)
        if wanted:
            response["Content-Range"] = f"bytes {start}-{stop - 1}/{stored.size}"
        response["Accept-Ranges"] = "bytes"
        response["Content-Disposition"] = disposition
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, max-age=3600"
        return response

    @extend_schema(
        responses={
            (200, "application/octet-stream"): bytes,
            (206, "application/octet-stream"): bytes,
            302: None,
            404: ErrorEnvelopeSerializer,
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        attachment = self._attachment(request, pk)
        return self._send(request, attachment, attachment.file, attachment.content_type)

    @extend_schema(responses={(200, "image/jpeg"): bytes, 302: None, 404: ErrorEnvelopeSerializer})
    @action(detail=True, methods=["get"])
    def thumbnail(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        attachment = self._attachment(request, pk)
        if not attachment.thumbnail:
            raise NotFound()
        return self._send(request, attachment, attachment.thumbnail, "image/jpeg")

    @extend_schema(
        description="The MP3 copy of a voice message browsers cannot play (AMR, Ogg, WebM); "
        "404 until it is made (see playback_status).",
        responses={
            (200, "audio/mpeg"): bytes,
            (206, "audio/mpeg"): bytes,
            302: None,
            404: ErrorEnvelopeSerializer,
        },
    )
    @action(detail=True, methods=["get"])
    def playback(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        attachment = self._attachment(request, pk)
        if playback.playback_state(attachment) != playback.PlaybackState.READY or (
            not attachment.playback
        ):
            raise NotFound()
        return self._send(
            request,
            attachment,
            attachment.playback,
            playback.PLAYBACK_TYPE,
            filename=playback.playback_name(attachment),
        )


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class _Unsatisfiable(Exception):
    pass


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """One ``bytes=`` range as (start, stop); None to send everything (no header, several
    ranges, or a malformed one: RFC 9110 says ignore it); _Unsatisfiable for a 416."""
    match = _RANGE.match(header.strip())
    if not match or not (match[1] or match[2]):
        return None
    if not match[1]:  # bytes=-N: the last N bytes
        suffix = int(match[2])
        if not suffix:
            raise _Unsatisfiable
        return max(0, size - suffix), size
    start = int(match[1])
    if match[2] and int(match[2]) < start:
        return None
    if start >= size:
        raise _Unsatisfiable
    end = min(int(match[2]), size - 1) if match[2] else size - 1
    return start, end + 1


class ReadAllWriteAdmin(Policy):
    """Reference data: IT staff read it; admins change it."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset

    def can_list(self, user: Any) -> bool:
        return bool(user.is_authenticated)

    def can_create(self, user: Any) -> bool:
        return has_role(user, Role.ADMIN)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return action == "retrieve" or has_role(user, Role.ADMIN)


class AssignmentGroupViewSet(PolicyMixin, viewsets.ModelViewSet):
    policy = ReadAllWriteAdmin()
    queryset = AssignmentGroup.objects.prefetch_related("members").order_by("name")
    serializer_class = s.GroupSerializer
    search_fields = ("name", "code")
    filterset_fields = ("is_active",)
    http_method_names = ["get", "post", "patch", "head", "options"]


class CategoryViewSet(PolicyMixin, viewsets.ModelViewSet):
    policy = ReadAllWriteAdmin()
    queryset = Category.objects.order_by("sort_order", "name")
    serializer_class = s.CategorySerializer
    pagination_class = None
    filterset_fields = ("kind", "is_active", "parent")
    http_method_names = ["get", "post", "patch", "head", "options"]


class ConfigurationItemLookupViewSet(PolicyMixin, viewsets.ReadOnlyModelViewSet):
    """Look up configuration items to link to tickets (full CMDB API comes with the CMDB)."""

    policy = ReadAllWriteAdmin()
    queryset = ConfigurationItem.objects.select_related("ci_class").order_by("name")
    serializer_class = s.CIBriefSerializer
    search_fields = ("name", "code")
    filterset_fields = ("ci_class__code", "status")


class RoutingRuleViewSet(PolicyMixin, viewsets.ModelViewSet):
    policy = ReadAllWriteAdmin()
    queryset = RoutingRule.objects.select_related("target_group").order_by("order", "id")
    serializer_class = s.RoutingRuleSerializer
    pagination_class = None
    permission_classes = [role_permission(*IT_STAFF)]


class SavedFilterPolicy(Policy):
    """Everyone keeps their own filters; a shared one (共享给服务台) is for IT staff only."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if has_role(user, *IT_STAFF):
            return queryset.filter(Q(owner=user) | Q(shared=True))
        return queryset.filter(owner=user)

    def can_list(self, user: Any) -> bool:
        return bool(user.is_authenticated)

    def can_create(self, user: Any) -> bool:
        return bool(user.is_authenticated)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return action == "retrieve" or obj.owner_id == user.pk


class SavedFilterViewSet(PolicyMixin, viewsets.ModelViewSet):
    policy = SavedFilterPolicy()
    queryset = SavedFilter.objects.select_related("owner").order_by("name")
    serializer_class = s.SavedFilterSerializer
    pagination_class = None

    def perform_create(self, serializer: Any) -> None:
        serializer.save(owner=self.request.user)
