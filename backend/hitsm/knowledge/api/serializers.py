from __future__ import annotations

from typing import Any

from rest_framework import serializers

from hitsm.catalog.models import CatalogItem
from hitsm.cmdb.models import ConfigurationItem
from hitsm.knowledge.images import image_url
from hitsm.knowledge.models import (
    Article,
    ArticleImage,
    ArticleVersion,
    Channel,
    KnowledgeCategory,
    Outcome,
    Question,
    Synonym,
)
from hitsm.servicedesk.api.catalog_views import HandlerSerializer, ResolutionSerializer
from hitsm.servicedesk.models import Ticket


class KnowledgeCategorySerializer(serializers.ModelSerializer[KnowledgeCategory]):
    article_count = serializers.IntegerField(read_only=True, default=0)
    code = serializers.SlugField(
        max_length=60, required=False, help_text="made from the name when left out"
    )

    def validate_code(self, value: str) -> str:
        others = KnowledgeCategory.objects.filter(code=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("该编码已被使用")
        return value

    class Meta:
        model = KnowledgeCategory
        fields = ("id", "code", "name", "parent", "order", "article_count")


class ArticleBriefSerializer(serializers.ModelSerializer[Article]):
    category_name = serializers.CharField(source="category.name", read_only=True, default="")

    class Meta:
        model = Article
        fields = (
            "id",
            "slug",
            "title",
            "summary",
            "category",
            "category_name",
            "tags",
            "audience",
            "status",
            "version",
            "view_count",
            "helpful_count",
            "unhelpful_count",
            "published_at",
            "updated_at",
        )
        read_only_fields = fields


class LinkedProblemSerializer(serializers.ModelSerializer[Ticket]):
    """A linked known error (problem record), labelled for the editor's picker."""

    class Meta:
        model = Ticket
        fields = ("id", "number", "title", "status")
        read_only_fields = fields


class ArticleSerializer(serializers.ModelSerializer[Article]):
    category_name = serializers.CharField(source="category.name", read_only=True, default="")
    author_name = serializers.CharField(source="author.name", read_only=True, default="")
    reviewer_name = serializers.CharField(source="reviewer.name", read_only=True, default="")
    slug = serializers.SlugField(max_length=80, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False)
    keywords = serializers.ListField(child=serializers.CharField(max_length=30), required=False)
    catalog_items = serializers.PrimaryKeyRelatedField(
        queryset=CatalogItem.objects.all(), many=True, required=False
    )
    configuration_items = serializers.PrimaryKeyRelatedField(
        queryset=ConfigurationItem.objects.all(), many=True, required=False
    )
    problems = serializers.PrimaryKeyRelatedField(
        queryset=Ticket.objects.filter(kind="problem"), many=True, required=False
    )
    problem_details = LinkedProblemSerializer(source="problems", many=True, read_only=True)

    class Meta:
        model = Article
        fields = (
            "id",
            "slug",
            "title",
            "summary",
            "body",
            "category",
            "category_name",
            "tags",
            "keywords",
            "audience",
            "status",
            "version",
            "author_name",
            "reviewer_name",
            "published_at",
            "view_count",
            "helpful_count",
            "unhelpful_count",
            "catalog_items",
            "configuration_items",
            "problems",
            "problem_details",
            "source_ticket",
            "created_at",
            "updated_at",
        )
        read_only_fields = (
            "status",
            "version",
            "published_at",
            "view_count",
            "helpful_count",
            "unhelpful_count",
            "source_ticket",
            "created_at",
            "updated_at",
        )

    def validate_slug(self, value: str) -> str:
        others = Article.objects.filter(slug=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("该标识已被使用")
        return value


class ArticleImageUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    article = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="left out for an unsaved article"
    )


class ArticleImageSerializer(serializers.ModelSerializer[ArticleImage]):
    url = serializers.SerializerMethodField(help_text="the <img src> an article body keeps")

    class Meta:
        model = ArticleImage
        fields = (
            "id",
            "article",
            "url",
            "original_name",
            "content_type",
            "size",
            "width",
            "height",
        )
        read_only_fields = fields

    def get_url(self, obj: ArticleImage) -> str:
        return image_url(obj.pk)


class ArticleVersionSerializer(serializers.ModelSerializer[ArticleVersion]):
    author_name = serializers.CharField(source="author.name", read_only=True, default="")
    reviewer_name = serializers.CharField(source="reviewer.name", read_only=True, default="")

    class Meta:
        model = ArticleVersion
        fields = (
            "version",
            "title",
            "summary",
            "body",
            "keywords",
            "author_name",
            "reviewer_name",
            "published_at",
        )


class FeedbackSerializer(serializers.Serializer):
    helpful = serializers.BooleanField()


class FromTicketSerializer(serializers.Serializer):
    ticket = serializers.IntegerField()


class SearchHitSerializer(serializers.Serializer):
    article = ArticleBriefSerializer()
    score = serializers.FloatField()


class AskSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=500)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WEB)


class AnswerSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    answered = serializers.BooleanField(help_text="confident enough to answer directly")
    confidence = serializers.FloatField()
    articles = ArticleBriefSerializer(many=True)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[
            (Outcome.SOLVED, "已解决"),
            (Outcome.UNSOLVED, "未解决"),
            (Outcome.TICKET, "已转工单"),
        ]
    )
    ticket = serializers.IntegerField(required=False, allow_null=True, default=None)
    article = serializers.IntegerField(required=False, allow_null=True, default=None)


class QuestionSerializer(serializers.ModelSerializer[Question]):
    asked_by_name = serializers.CharField(source="asked_by.name", read_only=True, default="")
    article_title = serializers.CharField(source="article.title", read_only=True, default="")
    ticket_number = serializers.CharField(source="ticket.number", read_only=True, default="")

    class Meta:
        model = Question
        fields = (
            "id",
            "text",
            "channel",
            "asked_by_name",
            "confidence",
            "answered",
            "article",
            "article_title",
            "outcome",
            "ticket",
            "ticket_number",
            "asked_at",
            "closed_at",
        )


class SynonymSerializer(serializers.ModelSerializer[Synonym]):
    terms = serializers.ListField(
        child=serializers.CharField(min_length=2, max_length=40), min_length=2, max_length=20
    )

    class Meta:
        model = Synonym
        fields = ("id", "terms", "is_active")


class KnowledgeStatsSerializer(serializers.Serializer):
    questions = serializers.IntegerField()
    answered = serializers.IntegerField()
    solved = serializers.IntegerField()
    tickets = serializers.IntegerField()
    deflection_rate = serializers.FloatField(
        allow_null=True, help_text="solved ÷ questions with an outcome"
    )
    by_channel = serializers.DictField(child=serializers.IntegerField())
    top_unanswered = serializers.ListField(child=serializers.DictField())


def brief(article: Article) -> dict[str, Any]:
    return dict(ArticleBriefSerializer(article).data)


class SimilarCountsSerializer(serializers.Serializer):
    last_30_days = serializers.IntegerField()
    last_90_days = serializers.IntegerField()
    last_365_days = serializers.IntegerField()


class AssistantArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    score = serializers.FloatField()


class KnownErrorSerializer(serializers.Serializer):
    ticket_id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()


class TicketAssistantSerializer(serializers.Serializer):
    similar = SimilarCountsSerializer()
    handlers = HandlerSerializer(many=True)
    resolutions = ResolutionSerializer(many=True)
    articles = AssistantArticleSerializer(many=True)
    known_errors = KnownErrorSerializer(many=True)
