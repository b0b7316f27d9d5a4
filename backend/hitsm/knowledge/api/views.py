from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.accounts.roles import IT_STAFF, Role, has_role
from hitsm.accounts.selectors import signed_in_user
from hitsm.api.serializers import ERROR_RESPONSES, ErrorEnvelopeSerializer
from hitsm.api.viewsets import PolicyMixin, PolicyModelViewSet
from hitsm.core.errors import Forbidden, NotFound, ValidationFailed
from hitsm.core.permissions import Policy
from hitsm.knowledge import services
from hitsm.knowledge.api import serializers as s
from hitsm.knowledge.models import (
    Article,
    ArticleImage,
    ArticleStatus,
    Audience,
    KnowledgeCategory,
    Outcome,
    Question,
    Synonym,
)
from hitsm.knowledge.selectors import (
    ArticleImagePolicy,
    ArticlePolicy,
    articles_search,
    ticket_assistant,
)
from hitsm.servicedesk import attachments as uploads
from hitsm.servicedesk.models import Ticket
from hitsm.servicedesk.selectors import TicketPolicy


class ConfigPolicy(Policy):
    """Everyone signed in reads; IT managers and admins change (categories, synonyms)."""

    def __init__(self, readers: tuple[str, ...] | None = None) -> None:
        self.readers = readers

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.readers is None:
            return queryset if user.is_authenticated else queryset.none()
        return queryset if has_role(user, *self.readers) else queryset.none()

    def can_list(self, user: Any) -> bool:
        if self.readers is None:
            return bool(user.is_authenticated)
        return has_role(user, *self.readers)

    def can_create(self, user: Any) -> bool:
        return has_role(user, Role.MANAGER, Role.ADMIN)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action == "retrieve":
            return self.can_list(user)
        return has_role(user, Role.MANAGER, Role.ADMIN)


class CategoryViewSet(PolicyModelViewSet):
    """The category tree (flat list with ``parent``), with published article counts."""

    policy = ConfigPolicy()
    serializer_class = s.KnowledgeCategorySerializer
    pagination_class = None

    def get_base_queryset(self) -> QuerySet[KnowledgeCategory]:
        counted = Q(articles__status=ArticleStatus.PUBLISHED)
        if not has_role(self.request.user, *IT_STAFF):
            counted &= Q(articles__audience=Audience.ALL)  # what staff can open
        return KnowledgeCategory.objects.annotate(article_count=Count("articles", filter=counted))

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.category_save(
            category=None,
            actor=signed_in_user(self.request),
            data=dict(serializer.validated_data),
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.category_save(
            category=serializer.instance,
            actor=signed_in_user(self.request),
            data=dict(serializer.validated_data),
        )

    def perform_destroy(self, instance: KnowledgeCategory) -> None:
        """409 ``in_use`` while it holds articles (of any status) or sub-categories."""
        services.category_delete(category=instance, actor=signed_in_user(self.request))


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="搜索（中文分词、同义词、BM25）"),
        OpenApiParameter("category", int),
        OpenApiParameter("status", str),
    ]
)
class ArticleViewSet(PolicyModelViewSet):
    """Knowledge articles. Staff see published articles for everyone; IT staff all of them."""

    policy = ArticlePolicy()

    def get_serializer_class(self) -> Any:
        return s.ArticleBriefSerializer if self.action == "list" else s.ArticleSerializer

    def get_base_queryset(self) -> QuerySet[Article]:
        rows = Article.objects.select_related("category", "author", "reviewer")
        if self.action == "list":
            category = self.request.query_params.get("category", "")
            if category.isdigit():
                rows = rows.filter(
                    Q(category_id=int(category)) | Q(category__parent_id=int(category))
                )
            state = self.request.query_params.get("status", "")
            if state:
                rows = rows.filter(status=state)
        return rows

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = request.query_params.get("q", "").strip()
        if not query:
            return super().list(request, *args, **kwargs)
        allowed = set(self.get_queryset().values_list("pk", flat=True))
        found = [
            a
            for a, _score in articles_search(request.user, query, include_drafts=True)
            if a.pk in allowed
        ]
        page: list[Article] | None = self.paginate_queryset(found)  # type: ignore[arg-type]
        return self.get_paginated_response(s.ArticleBriefSerializer(page, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "edit",
                bool,
                description="the editor's or preview's fetch: not counted as a view",
            )
        ]
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One article. A read counts as a view only when it is published, read by someone
        other than its author, not the editor's fetch (``edit=true``), and once per person
        per hour."""
        article = self.get_object()
        editing = request.query_params.get("edit") in ("true", "1")
        if not editing and services.article_viewed(article=article, user=request.user):
            article.view_count += 1
        return Response(s.ArticleSerializer(article).data)

    def _relations(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            name: data.pop(name)
            for name in ("catalog_items", "configuration_items", "problems")
            if name in data
        }

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        relations = self._relations(data)
        serializer.instance = services.article_save(
            article=None, actor=signed_in_user(self.request), data=data, relations=relations
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        relations = self._relations(data)
        serializer.instance = services.article_save(
            article=serializer.instance,
            actor=signed_in_user(self.request),
            data=data,
            relations=relations,
        )

    def perform_destroy(self, instance: Article) -> None:
        if instance.status == ArticleStatus.PUBLISHED:
            raise ValidationFailed(_("已发布的文章请先下线"), code="knowledge.published")
        instance.delete()

    def _act(self, func: Any) -> Response:
        article = func(article=self.get_object(), actor=signed_in_user(self.request))
        return Response(s.ArticleSerializer(article).data)

    @extend_schema(request=None, responses={200: s.ArticleSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Draft → review."""
        return self._act(services.article_submit)

    @extend_schema(request=None, responses={200: s.ArticleSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """A reviewer publishes: searchable at once, the text kept as a version."""
        return self._act(services.article_publish)

    @extend_schema(request=None, responses={200: s.ArticleSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str | None = None) -> Response:
        return self._act(services.article_retire)

    @extend_schema(request=s.FeedbackSerializer, responses={204: None, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def feedback(self, request: Request, pk: str | None = None) -> Response:
        """这篇文章有用吗？"""
        data = s.FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.article_feedback(article=self.get_object(), helpful=data.validated_data["helpful"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: s.ArticleVersionSerializer(many=True), **ERROR_RESPONSES})
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, not a page
    def versions(self, request: Request, pk: str | None = None) -> Response:
        rows = self.get_object().versions.select_related("author", "reviewer")
        return Response(s.ArticleVersionSerializer(rows, many=True).data)

    @extend_schema(
        request=s.FromTicketSerializer, responses={201: s.ArticleSerializer, **ERROR_RESPONSES}
    )
    @action(detail=False, methods=["post"], url_path="from-ticket")
    def from_ticket(self, request: Request) -> Response:
        """Knowledge capture: a draft from a resolved ticket's description and resolution."""
        if not has_role(request.user, *IT_STAFF):
            raise Forbidden()
        data = s.FromTicketSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = signed_in_user(request)
        ticket = (
            TicketPolicy()
            .scope(user, Ticket.objects.all())
            .filter(pk=data.validated_data["ticket"])
            .first()
        )
        if ticket is None:
            raise NotFound()
        article = services.article_from_ticket(ticket=ticket, actor=user)
        return Response(s.ArticleSerializer(article).data, status=status.HTTP_201_CREATED)


class ArticleImageViewSet(PolicyMixin, viewsets.GenericViewSet):
    """Pictures in article bodies: IT staff upload them from the editor (checked like ticket
    attachments, pictures only); ``download`` serves one to whoever may read its article."""

    policy = ArticleImagePolicy()
    serializer_class = s.ArticleImageSerializer
    queryset = ArticleImage.objects.select_related("article")

    @extend_schema(
        request={"multipart/form-data": s.ArticleImageUploadSerializer},
        responses={201: s.ArticleImageSerializer, **ERROR_RESPONSES},
    )
    def create(self, request: Request) -> Response:
        data = s.ArticleImageUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = signed_in_user(request)
        article = None
        if data.validated_data["article"] is not None:
            article = (
                ArticlePolicy()
                .scope(user, Article.objects.all())
                .filter(pk=data.validated_data["article"])
                .first()
            )
            if article is None:
                raise ValidationFailed(fields={"article": [_("文章不存在")]})
        image = services.article_image_upload(
            upload=data.validated_data["file"], actor=user, article=article
        )
        return Response(s.ArticleImageSerializer(image).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "image/*"): bytes, 302: None, 404: ErrorEnvelopeSerializer},
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        if not str(pk).isdigit():
            raise NotFound()
        image = get_object_or_404(self.get_queryset(), pk=pk)
        self.check_object_permissions(request, image)
        if settings.S3_DOWNLOADS == "redirect" and uploads.in_bucket(image.file):
            redirect = HttpResponseRedirect(
                uploads.bucket_download_url(
                    image.file, content_type=image.content_type, disposition="inline"
                )
            )
            redirect["Cache-Control"] = "private, no-store"
            return redirect
        try:
            stored = uploads.stored_open(image.file)
        except FileNotFoundError:
            raise NotFound() from None
        try:
            content = b"".join(stored)
        finally:
            stored.close()
        response = HttpResponse(content, content_type=image.content_type)
        response["Content-Disposition"] = "inline"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, max-age=3600"
        return response


class AnswerView(APIView):
    """The auto-answer service every channel uses: a question → the best articles with a
    confidence; ``answered`` says whether to answer directly (ask "解决了吗？") or open the
    ticket flow with the question pre-filled."""

    @extend_schema(request=s.AskSerializer, responses={200: s.AnswerSerializer, **ERROR_RESPONSES})
    def post(self, request: Request) -> Response:
        data = s.AskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question, articles = services.question_ask(
            text=data.validated_data["question"],
            channel=data.validated_data["channel"],
            user=signed_in_user(request),
        )
        return Response(
            {
                "question_id": question.pk,
                "answered": question.answered,
                "confidence": question.confidence,
                "articles": [s.brief(a) for a in articles],
            }
        )


class QuestionPolicy(Policy):
    """IT staff read the question log; an asker reports the outcome of their own question."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if has_role(user, *IT_STAFF):
            return queryset
        return queryset.filter(asked_by=user) if user.is_authenticated else queryset.none()

    def can_list(self, user: Any) -> bool:
        return has_role(user, *IT_STAFF)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action == "outcome":
            return bool(obj.asked_by_id == user.pk)
        return has_role(user, *IT_STAFF)


@extend_schema(
    parameters=[
        OpenApiParameter("outcome", str),
        OpenApiParameter("answered", bool),
        OpenApiParameter("channel", str),
    ]
)
class QuestionViewSet(PolicyMixin, viewsets.ReadOnlyModelViewSet):
    """The questions asked, what was answered and how they ended."""

    policy = QuestionPolicy()
    serializer_class = s.QuestionSerializer

    def get_base_queryset(self) -> QuerySet[Question]:
        rows = Question.objects.select_related("asked_by", "article", "ticket")
        params = self.request.query_params
        if params.get("outcome") is not None and self.action == "list":
            rows = rows.filter(outcome=params["outcome"])
        if params.get("answered") in ("true", "false"):
            rows = rows.filter(answered=params["answered"] == "true")
        if params.get("channel"):
            rows = rows.filter(channel=params["channel"])
        return rows

    @extend_schema(
        request=s.OutcomeSerializer, responses={200: s.QuestionSerializer, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str | None = None) -> Response:
        """解决了吗？ — solved, not solved, or a ticket was created from it."""
        question = self.get_object()
        data = s.OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = signed_in_user(request)
        ticket = None
        if data.validated_data["ticket"]:
            ticket = (
                TicketPolicy()
                .scope(user, Ticket.objects.all())
                .filter(pk=data.validated_data["ticket"])
                .first()
            )
            if ticket is None:
                raise ValidationFailed(fields={"ticket": ["工单不存在"]})
        article = None
        if data.validated_data["article"]:
            article = (
                ArticlePolicy()
                .scope(user, Article.objects.all())
                .filter(pk=data.validated_data["article"])
                .first()
            )
            if article is None:
                raise ValidationFailed(fields={"article": ["文章不存在"]})
        question = services.question_close(
            question=question,
            outcome=data.validated_data["outcome"],
            ticket=ticket,
            article=article,
        )
        return Response(s.QuestionSerializer(question).data)


class SynonymViewSet(PolicyMixin, viewsets.ModelViewSet):
    """Synonym groups search folds together (打不出来 ≈ 无法打印)."""

    policy = ConfigPolicy(readers=tuple(IT_STAFF))
    serializer_class = s.SynonymSerializer
    pagination_class = None
    queryset = Synonym.objects.all()


class StatsView(APIView):
    """Self-service results: questions asked, answered directly, solved without a ticket
    (deflection), tickets created, by channel, and the most asked questions nothing answered."""

    @extend_schema(
        parameters=[OpenApiParameter("days", int, description="默认 30")],
        responses={200: s.KnowledgeStatsSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        if not has_role(request.user, *IT_STAFF):
            raise Forbidden()
        days = request.query_params.get("days", "30")
        if not days.isdigit() or not 1 <= int(days) <= 366:
            raise ValidationFailed(fields={"days": ["须为 1–366"]})
        since = timezone.now() - dt.timedelta(days=int(days))
        rows = Question.objects.filter(asked_at__gte=since)
        total = rows.count()
        solved = rows.filter(outcome=Outcome.SOLVED).count()
        tickets = rows.filter(outcome=Outcome.TICKET).count()
        closed = rows.exclude(outcome="").count()
        by_channel = dict(rows.values_list("channel").annotate(n=Count("id")).order_by())
        unanswered = (
            rows.filter(answered=False)
            .values("text")
            .annotate(n=Count("id"))
            .order_by("-n", "text")[:10]
        )
        return Response(
            {
                "questions": total,
                "answered": rows.filter(answered=True).count(),
                "solved": solved,
                "tickets": tickets,
                "deflection_rate": round(solved / closed, 4) if closed else None,
                "by_channel": by_channel,
                "top_unanswered": [{"text": r["text"], "count": r["n"]} for r in unanswered],
            }
        )


class TicketAssistantView(APIView):
    """信息助手 on a ticket (IT staff): similar past tickets in the last 30/90/365 days, who
    handled them, how they were resolved, the articles and known errors that explain it."""

    @extend_schema(
        parameters=[OpenApiParameter("ticket", int, required=True)],
        responses={200: s.TicketAssistantSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        if not has_role(request.user, *IT_STAFF):
            raise Forbidden()
        ticket_id = request.query_params.get("ticket", "")
        if not ticket_id.isdigit():
            raise ValidationFailed(fields={"ticket": ["须为工单编号"]})
        user = signed_in_user(request)
        ticket = TicketPolicy().scope(user, Ticket.objects.all()).filter(pk=int(ticket_id)).first()
        if ticket is None:
            raise NotFound()
        return Response(s.TicketAssistantSerializer(ticket_assistant(ticket, user)).data)
