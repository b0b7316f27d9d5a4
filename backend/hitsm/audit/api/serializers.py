from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hitsm.accounts.models import LoginEvent
from hitsm.audit.choices import AuditResult
from hitsm.audit.models import AuditSeal
from hitsm.audit.selectors import content_type_label
from hitsm.core.models import ChangeLog

RESULT_FIELD = serializers.ChoiceField(choices=AuditResult.choices)


class AuditChangeSerializer(serializers.ModelSerializer[ChangeLog]):
    object_type = serializers.SerializerMethodField(help_text="app_label.model")
    result = serializers.SerializerMethodField(
        help_text="every recorded change was committed, so always success"
    )
    changed_fields = serializers.ListField(child=serializers.CharField())
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)

    class Meta:
        model = ChangeLog
        fields = (
            "id",
            "time",
            "actor",
            "actor_label",
            "ip_address",
            "request_id",
            "action",
            "result",
            "object_type",
            "object_id",
            "object_repr",
            "changed_fields",
            "before",
            "after",
        )
        read_only_fields = fields

    def get_object_type(self, obj: ChangeLog) -> str:
        return content_type_label(obj)

    @extend_schema_field(RESULT_FIELD)
    def get_result(self, obj: ChangeLog) -> str:
        return AuditResult.SUCCESS


class AuditLoginSerializer(serializers.ModelSerializer[LoginEvent]):
    result = serializers.SerializerMethodField()

    class Meta:
        model = LoginEvent
        fields = (
            "id",
            "time",
            "kind",
            "result",
            "user",
            "username",
            "ip_address",
            "user_agent",
            "detail",
        )
        read_only_fields = fields

    @extend_schema_field(RESULT_FIELD)
    def get_result(self, obj: LoginEvent) -> str:
        return AuditResult.SUCCESS if obj.succeeded else AuditResult.FAILURE


class AuditSealSerializer(serializers.ModelSerializer[AuditSeal]):
    class Meta:
        model = AuditSeal
        fields = (
            "sequence",
            "created_at",
            "changelog_last_id",
            "changelog_count",
            "loginevent_last_id",
            "loginevent_count",
            "latest_row_time",
            "purged_through",
            "rows_digest",
            "prev_hash",
            "hash",
        )
        read_only_fields = fields


class AuditProblemSerializer(serializers.Serializer):
    sequence = serializers.IntegerField()
    kind = serializers.CharField(
        help_text="seal_missing | chain_broken | seal_altered | rows_deleted | rows_inserted | "
        "rows_modified | rows_in_purged_range | range_backwards"
    )
    detail = serializers.CharField()


class AuditVerifyQuerySerializer(serializers.Serializer):
    seals = serializers.IntegerField(min_value=1, max_value=20, default=10)


class AuditVerifySerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    verified_at = serializers.DateTimeField()
    seals = serializers.IntegerField(help_text="seals that verified, newest last")
    last_sequence = serializers.IntegerField(allow_null=True)
    head = serializers.CharField(help_text="hash of the newest verified seal")
    purged_through = serializers.IntegerField()
    rows_checked = serializers.DictField(child=serializers.IntegerField())
    unsealed = serializers.DictField(
        child=serializers.IntegerField(), help_text="rows written after the newest seal"
    )
    problem = AuditProblemSerializer(allow_null=True)
