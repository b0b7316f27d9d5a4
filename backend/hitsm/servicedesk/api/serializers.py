from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hitsm.accounts.api.serializers import UserBriefSerializer
from hitsm.accounts.models import Department, User
from hitsm.catalog.api.serializers import FormAnswerSerializer
from hitsm.catalog.formschema import form_data_mask, form_display_mask
from hitsm.catalog.models import CatalogItem
from hitsm.catalog.selectors import form_answers
from hitsm.cmdb.models import ConfigurationItem
from hitsm.core.masking import PHONE, SensitiveFieldsMixin
from hitsm.servicedesk import playback
from hitsm.servicedesk.choices import (
    Channel,
    EscalationKind,
    PendingReason,
    ResolutionCode,
    TicketKind,
    TicketStatus,
)
from hitsm.servicedesk.models import (
    AssignmentGroup,
    Attachment,
    Category,
    RoutingRule,
    SavedFilter,
    Ticket,
    TicketEvent,
)
from hitsm.servicedesk.selectors import ticket_reveals_sensitive, ticket_visibility
from hitsm.sla.models import Impact, Priority, Urgency


class BriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GroupSerializer(serializers.ModelSerializer[AssignmentGroup]):
    members = UserBriefSerializer(many=True, read_only=True)
    member_ids = serializers.PrimaryKeyRelatedField(
        source="members",
        queryset=User.objects.filter(is_active=True),
        many=True,
        write_only=True,
        required=False,
    )

    class Meta:
        model = AssignmentGroup
        fields = (
            "id",
            "name",
            "code",
            "description",
            "distribution",
            "escalation_group",
            "manager",
            "members",
            "member_ids",
            "is_active",
        )


class CategorySerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = (
            "id",
            "name",
            "code",
            "parent",
            "kind",
            "default_group",
            "sort_order",
            "is_active",
        )


class CIBriefSerializer(serializers.ModelSerializer[ConfigurationItem]):
    ci_class = serializers.CharField(source="ci_class.name")

    class Meta:
        model = ConfigurationItem
        fields = ("id", "name", "code", "ci_class", "status", "clinical_critical")


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    playback_url = serializers.SerializerMethodField(
        help_text="Audio the browser can play (the original, or its MP3 copy); null otherwise."
    )
    playback_status = serializers.SerializerMethodField(
        help_text="pending: a playable copy is being made, offer the download meanwhile; "
        "failed: download only."
    )

    class Meta:
        model = Attachment
        fields = (
            "id",
            "original_name",
            "content_type",
            "kind",
            "size",
            "public",
            "url",
            "thumbnail_url",
            "playback_url",
            "playback_status",
            "created_at",
            "event",
        )

    def get_url(self, obj: Attachment) -> str:
        return reverse("attachment-download", args=[obj.pk])

    def get_thumbnail_url(self, obj: Attachment) -> str | None:
        return reverse("attachment-thumbnail", args=[obj.pk]) if obj.thumbnail else None

    def get_playback_url(self, obj: Attachment) -> str | None:
        return playback.playback_url(obj)

    @extend_schema_field(serializers.ChoiceField(choices=playback.PlaybackState.choices))
    def get_playback_status(self, obj: Attachment) -> str:
        return playback.playback_state(obj)


class TicketEventSerializer(serializers.ModelSerializer[TicketEvent]):
    actor = UserBriefSerializer(read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display")
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = TicketEvent
        fields = (
            "id",
            "kind",
            "kind_label",
            "created_at",
            "actor",
            "actor_label",
            "public",
            "body",
            "data",
            "attachments",
        )


class TicketListSerializer(SensitiveFieldsMixin, serializers.ModelSerializer[Ticket]):
    requester = UserBriefSerializer(read_only=True)
    assignee = UserBriefSerializer(read_only=True, allow_null=True)
    department = BriefSerializer(read_only=True, allow_null=True)
    assignment_group = BriefSerializer(read_only=True, allow_null=True)
    category = BriefSerializer(read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display")
    kind_label = serializers.CharField(source="get_kind_display")
    channel_label = serializers.CharField(source="get_channel_display")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = (
            "id",
            "number",
            "kind",
            "kind_label",
            "title",
            "status",
            "status_label",
            "priority",
            "impact",
            "urgency",
            "channel",
            "channel_label",
            "requester",
            "department",
            "assignment_group",
            "assignee",
            "category",
            "created_at",
            "updated_at",
            "accepted_at",
            "resolved_at",
            "response_due_at",
            "resolution_due_at",
            "overdue",
            "escalation_level",
            "parent",
        )

    def reveals_sensitive(self, instance: Ticket) -> bool:
        viewer = self.viewer()
        return viewer is not None and ticket_reveals_sensitive(viewer, instance)

    def get_overdue(self, obj: Ticket) -> bool:
        from django.utils import timezone

        return bool(
            obj.is_open and obj.resolution_due_at and obj.resolution_due_at < timezone.now()
        )


class RequesterSerializer(serializers.ModelSerializer[User]):
    display_name = serializers.CharField(source="name")

    class Meta:
        model = User
        fields = ("id", "username", "display_name", "phone_ext", "mobile", "title")


class CatalogItemBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class FormVersionBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    form_name = serializers.CharField()
    schema = serializers.JSONField(help_text="the form schema (docs/catalog.md)")


class TicketDetailSerializer(TicketListSerializer):
    requester = RequesterSerializer(read_only=True)  # type: ignore[assignment]
    submitted_by = UserBriefSerializer(read_only=True)
    accepted_by = UserBriefSerializer(read_only=True, allow_null=True)
    configuration_items = CIBriefSerializer(many=True, read_only=True)
    children = serializers.SerializerMethodField()
    related = serializers.SerializerMethodField()
    merged_into = serializers.SerializerMethodField()
    parent_ticket = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    catalog_item = serializers.SerializerMethodField()
    form_version = serializers.SerializerMethodField()
    form_answers = serializers.SerializerMethodField()

    class Meta(TicketListSerializer.Meta):
        fields = (
            *TicketListSerializer.Meta.fields,
            "description",
            "submitted_by",  # type: ignore[assignment]
            "accepted_by",
            "contact_phone",
            "location",
            "catalog_item",
            "form_version",
            "form_data",
            "form_answers",
            "pending_reason",
            "resolution_code",
            "resolution_notes",
            "closed_at",
            "reopen_count",
            "version",
            "configuration_items",
            "children",
            "related",
            "merged_into",
            "parent_ticket",
            "allowed_actions",
        )
        # the requester's own number, as everywhere in the ticket (hitsm.core.masking)
        extra_sensitive_fields = {"requester.mobile": PHONE}

    def mask_representation(self, instance: Ticket, data: dict[str, Any]) -> dict[str, Any]:
        if self.reveals_sensitive(instance):
            return data
        data = super().mask_representation(instance, data)
        version = instance.form_version
        if version is not None:
            if isinstance(data.get("form_data"), dict):
                data["form_data"] = form_data_mask(version.schema, data["form_data"])
            if isinstance(data.get("form_answers"), list):
                data["form_answers"] = form_display_mask(version.schema, data["form_answers"])
        return data

    @extend_schema_field(CatalogItemBriefSerializer(allow_null=True))
    def get_catalog_item(self, obj: Ticket) -> dict[str, Any] | None:
        item = obj.catalog_item
        if item is None:
            return None
        return {"id": item.pk, "code": item.code, "name": item.name}

    @extend_schema_field(FormVersionBriefSerializer(allow_null=True))
    def get_form_version(self, obj: Ticket) -> dict[str, Any] | None:
        version = obj.form_version
        if version is None:
            return None
        return {
            "id": version.pk,
            "version": version.version,
            "form_name": version.form.name,
            "schema": version.schema,
        }

    @extend_schema_field(FormAnswerSerializer(many=True))
    def get_form_answers(self, obj: Ticket) -> list[dict[str, Any]]:
        """The answers as text in form order (ids resolved to names), for agents and the H5."""
        return form_answers(obj.form_version, obj.form_data or {})

    def _visible(self, tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
        """Linked tickets the viewer may not open are left out: their titles are theirs."""
        rule = ticket_visibility(self.context["request"].user)
        return tickets if rule is None else tickets.filter(rule)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_children(self, obj: Ticket) -> list[dict[str, Any]]:
        return [
            {"id": t.pk, "number": t.number, "title": t.title, "status": t.status}
            for t in self._visible(obj.children.all())[:200]
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_related(self, obj: Ticket) -> list[dict[str, Any]]:
        return [
            {"id": t.pk, "number": t.number, "title": t.title, "status": t.status}
            for t in self._visible(obj.related.all())[:50]
        ]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_merged_into(self, obj: Ticket) -> dict[str, Any] | None:
        target = obj.merged_into
        return {"id": target.pk, "number": target.number} if target else None

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_parent_ticket(self, obj: Ticket) -> dict[str, Any] | None:
        parent = obj.parent
        if parent is None or not self._visible(Ticket.objects.filter(pk=parent.pk)).exists():
            return None
        return {"id": parent.pk, "number": parent.number, "title": parent.title}

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_location(self, obj: Ticket) -> dict[str, str]:
        return {
            "campus": obj.location_campus,
            "building": obj.location_building,
            "floor": obj.location_floor,
            "room": obj.location_room,
            "bed": obj.location_bed,
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, obj: Ticket) -> list[str]:
        from hitsm.servicedesk.selectors import ticket_can
        from hitsm.servicedesk.services import LIFECYCLE

        user = self.context["request"].user
        actions = [
            a
            for a, sources in LIFECYCLE.items()
            if a != "resolve_with_parent" and obj.status in sources and ticket_can(user, a, obj)
        ]
        for extra in ("reply", "note", "update", "link", "merge", "set_parent"):
            if ticket_can(user, extra, obj) and (obj.is_open or extra in ("reply", "note")):
                actions.append(extra)
        return actions


class LocationSerializer(serializers.Serializer):
    campus = serializers.CharField(max_length=40, required=False, allow_blank=True)
    building = serializers.CharField(max_length=40, required=False, allow_blank=True)
    floor = serializers.CharField(max_length=20, required=False, allow_blank=True)
    room = serializers.CharField(max_length=40, required=False, allow_blank=True)
    bed = serializers.CharField(max_length=20, required=False, allow_blank=True)


class TicketCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(TicketKind.choices, default=TicketKind.INCIDENT)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(
        max_length=20000, required=False, allow_blank=True, default=""
    )
    channel = serializers.ChoiceField(Channel.choices, default=Channel.WEB)
    requester = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True), required=False, allow_null=True
    )
    impact = serializers.ChoiceField(Impact.choices, required=False)
    urgency = serializers.ChoiceField(Urgency.choices, required=False)
    configuration_items = serializers.PrimaryKeyRelatedField(
        queryset=ConfigurationItem.objects.all(), many=True, required=False
    )
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    location = LocationSerializer(required=False)
    catalog_item = serializers.PrimaryKeyRelatedField(
        queryset=CatalogItem.objects.select_related("form__published", "ticket_category"),
        required=False,
        allow_null=True,
        help_text="the service menu item; its published form validates form_data, and its "
        "file fields' files come as multipart parts named form_files.<key>",
    )
    form_data = serializers.JSONField(
        required=False, help_text="an object; in a multipart request, the object as JSON text"
    )
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=10)

    def validate_form_data(self, value: Any) -> Any:
        if isinstance(value, str):  # multipart sends the object as JSON text
            try:
                value = json.loads(value) if value.strip() else {}
            except ValueError:
                raise serializers.ValidationError(_("表单数据不是有效的 JSON")) from None
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("表单数据须为对象"))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (
            not attrs.get("catalog_item")
            and not (attrs.get("title") or "").strip()
            and not (attrs.get("description") or "").strip()
        ):
            raise serializers.ValidationError({"title": [_("请填写问题描述")]})
        return attrs


# Not the full detail: the web and H5 apps show the number and open the ticket, which reads its
# detail anyway; building the detail here as well cost a fifth of a creation (bench/RESULTS.md).
class TicketCreatedSerializer(serializers.Serializer):
    """The answer to a creation: the new ticket's number, state and deadlines. Its detail is
    at ``GET /tickets/{id}/``, the answer's Location."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.ChoiceField(TicketKind.choices)
    title = serializers.CharField()
    status = serializers.ChoiceField(TicketStatus.choices)
    priority = serializers.ChoiceField(Priority.choices)
    assignment_group_id = serializers.IntegerField(
        allow_null=True, help_text="the support group routing chose, if any"
    )
    assignee_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    response_due_at = serializers.DateTimeField(allow_null=True)
    resolution_due_at = serializers.DateTimeField(allow_null=True)


class TicketUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    kind = serializers.ChoiceField(TicketKind.choices, required=False)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    impact = serializers.ChoiceField(Impact.choices, required=False)
    urgency = serializers.ChoiceField(Urgency.choices, required=False)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    configuration_items = serializers.PrimaryKeyRelatedField(
        queryset=ConfigurationItem.objects.all(), many=True, required=False
    )
    version = serializers.IntegerField(required=False)


class AssignSerializer(serializers.Serializer):
    group = serializers.PrimaryKeyRelatedField(
        queryset=AssignmentGroup.objects.filter(is_active=True), required=False, allow_null=True
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PendSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(PendingReason.choices)
    note = serializers.CharField(max_length=2000)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ResolveSerializer(serializers.Serializer):
    code = serializers.ChoiceField(ResolutionCode.choices)
    notes = serializers.CharField(max_length=5000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class EscalateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(EscalationKind.choices)
    reason = serializers.CharField(max_length=2000)


class TransferSerializer(serializers.Serializer):
    group = serializers.PrimaryKeyRelatedField(
        queryset=AssignmentGroup.objects.filter(is_active=True)
    )
    reason = serializers.CharField(max_length=2000)


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    internal = serializers.BooleanField(default=False)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=10)


class AttachSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=10)
    internal = serializers.BooleanField(default=False)


class TicketRefSerializer(serializers.Serializer):
    ticket = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.all(), allow_null=True)


class BulkSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=200)
    action = serializers.ChoiceField(["accept", "assign", "close", "merge"])
    group = serializers.PrimaryKeyRelatedField(
        queryset=AssignmentGroup.objects.all(), required=False, allow_null=True
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    into = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.all(), required=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class BulkResultSerializer(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField())
    failed = serializers.ListField(child=serializers.DictField())


class QueueCountsSerializer(serializers.Serializer):
    intake = serializers.IntegerField()
    dispatch = serializers.IntegerField()
    overdue = serializers.IntegerField()
    unaccepted = serializers.IntegerField()
    mine = serializers.IntegerField()
    my_groups = serializers.IntegerField()
    open = serializers.IntegerField()
    unaccepted_minutes = serializers.IntegerField(help_text="threshold of the 无人受理 queue")


class RoutingRuleSerializer(serializers.ModelSerializer[RoutingRule]):
    class Meta:
        model = RoutingRule
        fields = (
            "id",
            "name",
            "order",
            "is_active",
            "kind",
            "category",
            "department",
            "configuration_item",
            "keywords",
            "target_group",
            "auto_assign",
        )


class SavedFilterSerializer(serializers.ModelSerializer[SavedFilter]):
    owner = UserBriefSerializer(read_only=True)
    params = serializers.DictField(allow_empty=True)

    class Meta:
        model = SavedFilter
        fields = ("id", "name", "params", "shared", "owner")
