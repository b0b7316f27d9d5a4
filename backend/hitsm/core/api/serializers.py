from __future__ import annotations

from rest_framework import serializers

from hitsm.accounts.api.serializers import UserBriefSerializer
from hitsm.core.jobs import job_kind_label
from hitsm.core.models import Job


class JobSerializer(serializers.ModelSerializer[Job]):
    kind_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    created_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Job
        fields = (
            "id",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "progress",
            "total",
            "message",
            "log",
            "result",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        )
        read_only_fields = fields

    def get_kind_label(self, obj: Job) -> str:
        return job_kind_label(obj.kind)


class ComponentHealthSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    last_heartbeat = serializers.DateTimeField(allow_null=True, required=False)
    detail = serializers.CharField(required=False, allow_blank=True)


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "degraded"])
    version = serializers.CharField()
    database = ComponentHealthSerializer(required=False)
    cache = ComponentHealthSerializer(required=False)
    worker = ComponentHealthSerializer(required=False)
    beat = ComponentHealthSerializer(required=False)
