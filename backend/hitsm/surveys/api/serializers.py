from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hitsm.catalog.models import CatalogItem
from hitsm.servicedesk.choices import Channel
from hitsm.surveys.models import FollowUp, Survey, SurveyConfig
from hitsm.surveys.selectors import survey_can_answer
from hitsm.surveys.services import ANSWER_CHANNELS, OUTCOME_MAX


class SurveyTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()


class SurveyQuestionSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=30)
    label = serializers.CharField(max_length=30)  # type: ignore[assignment]


SCORES = serializers.DictField(child=serializers.IntegerField(), allow_null=True)


class SurveySerializer(serializers.ModelSerializer[Survey]):
    ticket = SurveyTicketSerializer(read_only=True)
    questions = SurveyQuestionSerializer(many=True, read_only=True)
    scores = serializers.SerializerMethodField()
    requester_name = serializers.CharField(source="requester.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    can_answer = serializers.SerializerMethodField()
    # blank until answered; declared so the schema allows "" (read-only model fields lose it)
    answered_channel = serializers.ChoiceField(
        choices=Channel.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Survey
        fields = (
            "id",
            "ticket",
            "status",
            "status_label",
            "channel",
            "requester_name",
            "questions",
            "scores",
            "comment",
            "answered_channel",
            "created_at",
            "sent_at",
            "answered_at",
            "edited_at",
            "editable_until",
            "expires_at",
            "can_answer",
        )
        read_only_fields = fields

    @extend_schema_field(SCORES)
    def get_scores(self, survey: Survey) -> dict[str, int] | None:
        return survey.scores()

    def get_can_answer(self, survey: Survey) -> bool:
        request = self.context.get("request")
        return request is not None and survey_can_answer(request.user, survey)


class SurveyAnswerSerializer(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="每个评分项 1–5 分：technical、response、attitude 必填，附加项可选",
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(
        choices=[(c, c) for c in ANSWER_CHANNELS], required=False, default="web"
    )


class FollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    ticket = SurveyTicketSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requester_name = serializers.CharField(source="survey.requester.name", read_only=True)
    scores = serializers.SerializerMethodField()
    comment = serializers.CharField(source="survey.comment", read_only=True)
    assignee_name = serializers.CharField(source="assignee.name", read_only=True, default="")
    closed_by_name = serializers.CharField(source="closed_by.name", read_only=True, default="")
    low_scores = serializers.DictField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = FollowUp
        fields = (
            "id",
            "survey",
            "ticket",
            "status",
            "status_label",
            "requester_name",
            "low_scores",
            "scores",
            "comment",
            "assignee",
            "assignee_name",
            "notes",
            "outcome",
            "created_at",
            "closed_by",
            "closed_by_name",
            "closed_at",
        )
        read_only_fields = fields

    @extend_schema_field(SCORES)
    def get_scores(self, follow_up: FollowUp) -> dict[str, int] | None:
        return follow_up.survey.scores()


class FollowUpCloseSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=OUTCOME_MAX)


class SurveyConfigSerializer(serializers.ModelSerializer[SurveyConfig]):
    catalog_item = serializers.PrimaryKeyRelatedField(
        queryset=CatalogItem.objects.all(), allow_null=True, required=False
    )
    catalog_item_name = serializers.CharField(
        source="catalog_item.name", read_only=True, default=""
    )
    questions = SurveyQuestionSerializer(many=True, required=False)
    low_score_threshold = serializers.IntegerField(min_value=1, max_value=4, required=False)

    class Meta:
        model = SurveyConfig
        fields = (
            "id",
            "catalog_item",
            "catalog_item_name",
            "enabled",
            "trigger",
            "questions",
            "low_score_threshold",
            "updated_at",
        )
        read_only_fields = ("id", "catalog_item_name", "updated_at")
        validators: list[Any] = []  # the service checks one row per item


# --- the monthly summary (documentation of the selector's JSON) ---------------------------------


class SurveyTrendPointSerializer(serializers.Serializer):
    month = serializers.CharField()
    sent = serializers.IntegerField()
    answered = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    average = serializers.FloatField(allow_null=True)


class SurveyCommentSerializer(serializers.Serializer):
    survey = serializers.IntegerField()
    ticket = serializers.IntegerField()
    ticket_number = serializers.CharField()
    ticket_title = serializers.CharField()
    average = serializers.FloatField()
    scores = serializers.DictField(child=serializers.IntegerField())
    comment = serializers.CharField()
    department = serializers.CharField()
    engineer = serializers.CharField()
    answered_at = serializers.DateTimeField()


class SurveyStatsSerializer(serializers.Serializer):
    sent = serializers.IntegerField()
    answered = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True, help_text="回收 ÷ 发送")
    average = serializers.FloatField(
        allow_null=True, help_text="三个固定评分项的总分 ÷ (3 × 回收份数)"
    )
    satisfied_rate = serializers.FloatField(
        allow_null=True, help_text="固定评分项平均 ≥ 4 的份数 ÷ 回收份数"
    )
    averages = serializers.DictField(child=serializers.FloatField(allow_null=True))
    distribution = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="每个评分项 1、2、3、4、5 分的份数",
    )
    trend = SurveyTrendPointSerializer(many=True, help_text="前三个月")
    previous_average = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True, help_text="平均分 − 前三个月合计的平均分")
    worst_comments = SurveyCommentSerializer(many=True)


class SurveyGroupStatsSerializer(SurveyStatsSerializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class SurveyPeriodSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class SurveySummarySerializer(serializers.Serializer):
    month = serializers.CharField()
    stored = serializers.BooleanField(help_text="是否为已保存的月报（否则为实时计算）")
    final = serializers.BooleanField(help_text="该月的调查都已不能再评价或修改")
    generated_at = serializers.DateTimeField(allow_null=True)
    period = SurveyPeriodSerializer()
    questions = SurveyQuestionSerializer(many=True)
    overall = SurveyStatsSerializer()
    by_department = SurveyGroupStatsSerializer(many=True)
    by_group = SurveyGroupStatsSerializer(many=True)
    by_engineer = SurveyGroupStatsSerializer(many=True)
    by_item = SurveyGroupStatsSerializer(many=True)


class SurveyMonthSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", help_text="YYYY-MM")
