from __future__ import annotations

from rest_framework import serializers

from hitsm.accounts.models import AssignmentGroup, Department
from hitsm.cmdb.models import (
    CIAttribute,
    CIClass,
    CIStatus,
    ConfigurationItem,
    ObashiLayer,
    Relation,
    RelationType,
)
from hitsm.core.models import ChangeLog


class AttributeSerializer(serializers.ModelSerializer[CIAttribute]):
    choices = serializers.ListField(child=serializers.CharField(max_length=60), required=False)

    class Meta:
        model = CIAttribute
        fields = (
            "id",
            "ci_class",
            "code",
            "name",
            "type",
            "required",
            "unique",
            "choices",
            "pattern",
            "help_text",
            "sort_order",
        )


class CIClassSerializer(serializers.ModelSerializer[CIClass]):
    attributes = AttributeSerializer(many=True, read_only=True)
    item_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = CIClass
        fields = (
            "id",
            "code",
            "name",
            "layer",
            "icon",
            "description",
            "sort_order",
            "is_active",
            "attributes",
            "item_count",
        )


class RelationTypeSerializer(serializers.ModelSerializer[RelationType]):
    class Meta:
        model = RelationType
        fields = (
            "id",
            "code",
            "name",
            "reverse_name",
            "acyclic",
            "propagates_impact",
            "is_data_flow",
            "sort_order",
        )


class CIClassBriefSerializer(serializers.ModelSerializer[CIClass]):
    class Meta:
        model = CIClass
        fields = ("id", "code", "name", "layer", "icon")


class DepartmentRefSerializer(serializers.ModelSerializer[Department]):
    class Meta:
        model = Department
        fields = ("id", "code", "name")


class GroupRefSerializer(serializers.ModelSerializer[AssignmentGroup]):
    class Meta:
        model = AssignmentGroup
        fields = ("id", "code", "name")


class ConfigurationItemSerializer(serializers.ModelSerializer[ConfigurationItem]):
    ci_class = CIClassBriefSerializer(read_only=True)
    owner_department = DepartmentRefSerializer(read_only=True, allow_null=True)
    support_group = GroupRefSerializer(read_only=True, allow_null=True)
    attributes = serializers.DictField(read_only=True)

    class Meta:
        model = ConfigurationItem
        fields = (
            "id",
            "code",
            "name",
            "ci_class",
            "status",
            "owner_department",
            "support_group",
            "clinical_critical",
            "operable_from_incident",
            "location",
            "description",
            "attributes",
            "created_at",
            "updated_at",
        )


class ConfigurationItemWriteSerializer(serializers.Serializer):
    ci_class = serializers.PrimaryKeyRelatedField(queryset=CIClass.objects.all())
    code = serializers.CharField(max_length=60)
    name = serializers.CharField(max_length=120)
    status = serializers.ChoiceField(choices=CIStatus.choices, required=False)
    owner_department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False
    )
    support_group = serializers.PrimaryKeyRelatedField(
        queryset=AssignmentGroup.objects.all(), allow_null=True, required=False
    )
    clinical_critical = serializers.BooleanField(required=False)
    operable_from_incident = serializers.BooleanField(required=False)
    location = serializers.CharField(max_length=120, allow_blank=True, required=False)
    description = serializers.CharField(allow_blank=True, required=False)
    attributes = serializers.DictField(required=False)


class CIRefSerializer(serializers.ModelSerializer[ConfigurationItem]):
    ci_class = CIClassBriefSerializer(read_only=True)

    class Meta:
        model = ConfigurationItem
        fields = ("id", "code", "name", "status", "ci_class")


class RelationSerializer(serializers.ModelSerializer[Relation]):
    source = CIRefSerializer(read_only=True)  # type: ignore[assignment]
    target = CIRefSerializer(read_only=True)
    data_set = CIRefSerializer(read_only=True, allow_null=True)
    type = RelationTypeSerializer(read_only=True)

    class Meta:
        model = Relation
        fields = ("id", "source", "target", "type", "data_set", "description", "created_at")


class RelationWriteSerializer(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(queryset=ConfigurationItem.objects.all())  # type: ignore[assignment]
    target = serializers.PrimaryKeyRelatedField(queryset=ConfigurationItem.objects.all())
    type = serializers.SlugRelatedField(slug_field="code", queryset=RelationType.objects.all())
    data_set = serializers.PrimaryKeyRelatedField(
        queryset=ConfigurationItem.objects.all(), allow_null=True, required=False
    )
    description = serializers.CharField(max_length=200, allow_blank=True, required=False)


class GraphDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GraphNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    class_code = serializers.CharField()
    class_name = serializers.CharField()
    layer = serializers.ChoiceField(choices=ObashiLayer.choices)
    icon = serializers.CharField()
    clinical_critical = serializers.BooleanField()
    owner_department = GraphDepartmentSerializer(allow_null=True)
    depth = serializers.IntegerField(allow_null=True, required=False)


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DataFlowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = NamedRefSerializer()  # type: ignore[assignment]
    target = NamedRefSerializer()
    data_set = NamedRefSerializer(allow_null=True)


class ImpactSerializer(serializers.Serializer):
    item = GraphNodeSerializer()
    total = serializers.IntegerField(help_text="CIs that depend on this one, directly or not")
    by_layer = serializers.DictField(child=serializers.IntegerField())
    clinical_critical = serializers.BooleanField()
    business_activities = GraphNodeSerializer(many=True)
    applications = GraphNodeSerializer(many=True)
    owners = GraphNodeSerializer(many=True)
    departments = GraphDepartmentSerializer(many=True)
    data_flows = DataFlowSerializer(many=True)


class DependenciesSerializer(serializers.Serializer):
    item = GraphNodeSerializer()
    total = serializers.IntegerField()
    by_layer = serializers.DictField(child=serializers.IntegerField())
    items = GraphNodeSerializer(many=True)
    truncated = serializers.BooleanField()


class DiagramEdgeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.IntegerField()  # type: ignore[assignment]
    target = serializers.IntegerField()
    type = serializers.CharField()
    type_name = serializers.CharField()
    data_flow = serializers.BooleanField()
    data_set = serializers.CharField(allow_null=True)


class DiagramSerializer(serializers.Serializer):
    nodes = GraphNodeSerializer(many=True)
    edges = DiagramEdgeSerializer(many=True)
    truncated = serializers.BooleanField()


class ChangeLogSerializer(serializers.ModelSerializer[ChangeLog]):
    object_type = serializers.SerializerMethodField()
    actor_name = serializers.SerializerMethodField()
    changed_fields = serializers.ListField(child=serializers.CharField())
    before = serializers.DictField(allow_null=True)
    after = serializers.DictField(allow_null=True)

    class Meta:
        model = ChangeLog
        fields = (
            "id",
            "time",
            "actor_label",
            "actor_name",
            "action",
            "object_type",
            "object_repr",
            "changed_fields",
            "before",
            "after",
        )

    def get_object_type(self, obj: ChangeLog) -> str:
        return str(obj.content_type.model)

    def get_actor_name(self, obj: ChangeLog) -> str:
        """The person's display name (the label for system actors such as imports)."""
        return obj.actor.name if obj.actor is not None else obj.actor_label
