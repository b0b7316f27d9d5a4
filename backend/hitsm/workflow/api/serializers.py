from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hitsm.catalog.models import CatalogItem
from hitsm.workflow.models import (
    HumanTask,
    MessageStatus,
    ProcessDefinition,
    ProcessInstance,
    ProcessMessage,
    ProcessVersion,
    WebhookCall,
)


class DefinitionSerializer(serializers.ModelSerializer[ProcessDefinition]):
    draft_xml = serializers.CharField(required=False, allow_blank=True, max_length=2 * 1024 * 1024)
    published_version = serializers.IntegerField(
        source="published.version", read_only=True, default=None, allow_null=True
    )
    published_at = serializers.DateTimeField(
        source="published.published_at", read_only=True, default=None, allow_null=True
    )
    published_process_id = serializers.CharField(
        source="published.process_id",
        read_only=True,
        default=None,
        allow_null=True,
        help_text="the BPMN process id a call activity names",
    )
    catalog_items = serializers.PrimaryKeyRelatedField(
        queryset=CatalogItem.objects.all(), many=True, required=False
    )

    class Meta:
        model = ProcessDefinition
        fields = (
            "id",
            "code",
            "name",
            "description",
            "draft_xml",
            "published_version",
            "published_at",
            "published_process_id",
            "default_for_kind",
            "holds_ticket",
            "is_active",
            "catalog_items",
            "updated_at",
        )
        read_only_fields = ("updated_at",)


class DefinitionBriefSerializer(DefinitionSerializer):
    class Meta(DefinitionSerializer.Meta):
        fields = tuple(  # type: ignore[assignment]
            f for f in DefinitionSerializer.Meta.fields if f != "draft_xml"
        )


class ProblemSerializer(serializers.Serializer):
    element = serializers.CharField()
    message = serializers.CharField()


class ValidationResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    problems = ProblemSerializer(many=True)
    nodes = serializers.DictField(help_text="node id → settings, when valid")


class VersionSerializer(serializers.ModelSerializer[ProcessVersion]):
    published_by_name = serializers.SerializerMethodField()

    class Meta:
        model = ProcessVersion
        fields = (
            "id",
            "definition",
            "version",
            "xml",
            "process_id",
            "nodes",
            "lanes",
            "note",
            "published_at",
            "published_by_name",
        )

    def get_published_by_name(self, obj: ProcessVersion) -> str:
        user = obj.published_by
        return (user.display_name or user.username) if user else ""


class ProcessPublishSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    params = serializers.ListField(child=serializers.CharField())
    subject_type = serializers.CharField()


class TaskSerializer(serializers.ModelSerializer[HumanTask]):
    subject_type = serializers.CharField(source="instance.subject_type", read_only=True)
    subject_id = serializers.IntegerField(source="instance.subject_id", read_only=True)
    process_name = serializers.CharField(source="instance.version.definition.name", read_only=True)
    subject_label = serializers.SerializerMethodField(
        help_text="e.g. the ticket's number and title"
    )
    responsible_names = serializers.SerializerMethodField()
    completed_by_name = serializers.SerializerMethodField()
    votes = serializers.SerializerMethodField()

    class Meta:
        model = HumanTask
        fields = (
            "id",
            "instance",
            "parent",
            "subject_type",
            "subject_id",
            "subject_label",
            "process_name",
            "node_id",
            "name",
            "kind",
            "approval_mode",
            "status",
            "responsible_names",
            "accountable",
            "fields",
            "due_at",
            "created_at",
            "completed_at",
            "completed_by_name",
            "outcome",
            "comment",
            "votes",
        )

    def get_subject_label(self, obj: HumanTask) -> str:
        from hitsm.workflow.services import subject_label

        return subject_label(obj.instance.subject_type, obj.instance.subject_id)

    def get_responsible_names(self, obj: HumanTask) -> list[str]:
        people = [u.display_name or u.username for u in obj.responsible.all()]
        return people + [g.name for g in obj.responsible_groups.all()]

    def get_completed_by_name(self, obj: HumanTask) -> str:
        user = obj.completed_by
        return (user.display_name or user.username) if user else ""

    def get_votes(self, obj: HumanTask) -> list[dict[str, Any]]:
        return [
            {
                "user": v.user.display_name or v.user.username,
                "approve": v.approve,
                "comment": v.comment,
                "at": v.created_at,
            }
            for v in obj.votes.all()
        ]


class CompleteSerializer(serializers.Serializer):
    values = serializers.DictField(required=False, default=dict, help_text='{"form": {key: value}}')
    approve = serializers.BooleanField(required=False, allow_null=True, default=None)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


def _peer(message: ProcessMessage, instance: ProcessInstance) -> str:
    """The other side: who sent a received message, who received a sent one."""
    from hitsm.workflow.services import subject_label

    if message.receiver_id == instance.pk:
        return str(message.payload.get("from", ""))
    if message.receiver is not None:
        return subject_label(message.receiver.subject_type, message.receiver.subject_id)
    return ""


class MessageSerializer(serializers.Serializer):
    name = serializers.CharField()
    direction = serializers.ChoiceField(choices=[("sent", "发出"), ("received", "收到")])
    status = serializers.ChoiceField(choices=MessageStatus.choices)
    peer = serializers.CharField()
    created_at = serializers.DateTimeField()


class WebhookCallSerializer(serializers.ModelSerializer[WebhookCall]):
    process_name = serializers.CharField(source="instance.version.definition.name", read_only=True)
    subject_type = serializers.CharField(source="instance.subject_type", read_only=True)
    subject_id = serializers.IntegerField(source="instance.subject_id", read_only=True)
    node_name = serializers.SerializerMethodField()
    finished_by_name = serializers.CharField(source="finished_by.name", read_only=True, default="")

    class Meta:
        model = WebhookCall
        fields = (
            "id",
            "key",
            "instance",
            "process_name",
            "subject_type",
            "subject_id",
            "node_id",
            "node_name",
            "url",
            "policy",
            "status",
            "attempts",
            "max_attempts",
            "next_at",
            "response_status",
            "last_error",
            "note",
            "finished_by_name",
            "created_at",
            "finished_at",
        )
        read_only_fields = fields

    def get_node_name(self, obj: WebhookCall) -> str:
        node = obj.instance.version.nodes.get(obj.node_id) or {}
        return str(node.get("name") or obj.node_id)


class WebhookSkipSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class InstanceSerializer(serializers.ModelSerializer[ProcessInstance]):
    process_name = serializers.CharField(source="version.definition.name", read_only=True)
    holds_ticket = serializers.BooleanField(
        source="version.definition.holds_ticket", read_only=True
    )
    version_number = serializers.IntegerField(source="version.version", read_only=True)
    xml = serializers.CharField(source="version.xml", read_only=True)
    nodes = serializers.JSONField(source="version.nodes", read_only=True)
    trail = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()

    class Meta:
        model = ProcessInstance
        fields = (
            "id",
            "subject_type",
            "subject_id",
            "process_name",
            "holds_ticket",
            "version_number",
            "status",
            "started_at",
            "finished_at",
            "waiting_for",
            "xml",
            "nodes",
            "trail",
            "tasks",
            "messages",
        )

    @extend_schema_field(MessageSerializer(many=True))
    def get_messages(self, obj: ProcessInstance) -> list[dict[str, Any]]:
        """Messages this process sent or received (e.g. 问题已解决 from the linked problem)."""
        rows = (
            ProcessMessage.objects.filter(Q(sender=obj) | Q(receiver=obj))
            .select_related("receiver")
            .order_by("id")
        )
        return [
            {
                "name": m.name,
                "direction": "sent" if m.sender_id == obj.pk else "received",
                "status": m.status,
                "peer": _peer(m, obj),
                "created_at": m.created_at,
            }
            for m in rows
        ]

    def get_trail(self, obj: ProcessInstance) -> dict[str, list[str]]:
        from hitsm.workflow.services import instance_trail

        return instance_trail(obj)

    def get_tasks(self, obj: ProcessInstance) -> list[dict[str, Any]]:
        rows = obj.tasks.select_related("completed_by").prefetch_related(
            "responsible", "responsible_groups", "votes__user"
        )
        return TaskSerializer(rows, many=True).data  # type: ignore[return-value]


class SimulateSerializer(serializers.Serializer):
    data = serializers.DictField(  # type: ignore[assignment]
        required=False, default=dict, help_text='{"form": {...}, "ticket": {"priority": 2}}'
    )
    approve = serializers.BooleanField(required=False, default=True)


class SimulatedStepSerializer(serializers.Serializer):
    node_id = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class SimulationSerializer(serializers.Serializer):
    finished = serializers.BooleanField()
    path = SimulatedStepSerializer(many=True)


class NodeChangeSerializer(serializers.Serializer):
    node_id = serializers.CharField()
    name = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField(), required=False)  # type: ignore[assignment]
    before = serializers.DictField(required=False)
    after = serializers.DictField(required=False)


class DiffSerializer(serializers.Serializer):
    to = serializers.IntegerField(help_text="the newer version number; `from`: the older")
    added = NodeChangeSerializer(many=True)
    removed = NodeChangeSerializer(many=True)
    changed = NodeChangeSerializer(many=True)


DiffSerializer._declared_fields["from"] = serializers.IntegerField()
