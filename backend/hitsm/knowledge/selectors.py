"""Reading the knowledge base: who sees which articles, and the search index (one per process,
rebuilt when an article or synonym changes — ``hitsm.core.refcache``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet

from hitsm.accounts.roles import IT_STAFF, Role, has_role
from hitsm.core.permissions import Policy
from hitsm.core.refcache import cached
from hitsm.knowledge.content import doc_of, field_texts
from hitsm.knowledge.engine import Doc, Index
from hitsm.knowledge.models import Article, ArticleStatus, Audience, Synonym
from hitsm.knowledge.text import Synonyms

REVIEWERS = (Role.MANAGER, Role.ADMIN)


def is_reviewer(user: Any) -> bool:
    return has_role(user, *REVIEWERS)


class ArticlePolicy(Policy):
    """Staff read published articles for everyone; IT staff read and write all (drafts too);
    reviewers (IT managers, admins) publish and retire."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if has_role(user, *IT_STAFF):
            return queryset
        if user.is_authenticated:
            return queryset.filter(status=ArticleStatus.PUBLISHED, audience=Audience.ALL)
        return queryset.none()

    def can_list(self, user: Any) -> bool:
        return bool(user.is_authenticated)

    def can_create(self, user: Any) -> bool:
        return has_role(user, *IT_STAFF)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action in ("retrieve", "feedback"):
            return True  # the scope decided
        if action in ("publish", "retire", "destroy"):
            return is_reviewer(user)
        return has_role(user, *IT_STAFF)


def synonyms_current() -> Synonyms:
    def load() -> Synonyms:
        return Synonyms.of(Synonym.objects.filter(is_active=True).values_list("terms", flat=True))

    return cached("knowledge.synonyms", load)


def article_doc(article: Article) -> Doc:
    texts = field_texts(
        title=article.title,
        summary=article.summary,
        body_html=article.body,
        keywords=list(article.keywords),
        tags=list(article.tags),
        category=article.category.name if article.category_id and article.category else "",
    )
    return doc_of(article.pk, texts, it_only=article.audience == Audience.IT)


def _doc_from_row(row: Article) -> Doc:
    """A published article as a search document, from the tokens stored when it was saved."""
    texts = field_texts(
        title=row.title,
        summary=row.summary,
        body_html=row.body,
        keywords=list(row.keywords),
        tags=list(row.tags),
        category=row.category.name if row.category else "",
    )
    return Doc(
        id=row.pk,
        title=texts[0],
        keywords=texts[1],
        body=texts[2],
        words=(row.tokens_title.split(), row.tokens_keywords.split(), row.tokens_body.split()),
        it_only=row.audience == Audience.IT,
    )


def article_index() -> Index:
    """The search index over published articles."""

    def load() -> Index:
        rows = Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related("category")
        return Index((_doc_from_row(row) for row in rows.order_by("id")), synonyms_current())

    return cached("knowledge.index", load)


def articles_search(
    user: Any, text: str, *, limit: int = 20, include_drafts: bool = False
) -> list[tuple[Article, float]]:
    """Articles for a search box, best first. Drafts (IT staff) match by title words."""
    include_it = has_role(user, *IT_STAFF)
    answer = article_index().search(text, limit=limit, include_it=include_it)
    rows = Article.objects.in_bulk([hit.id for hit in answer.hits])
    found = [(rows[hit.id], hit.score) for hit in answer.hits if hit.id in rows]
    if include_drafts and include_it:
        seen = {a.pk for a, _score in found}
        words = [w for w in text.split() if w]
        drafts = Article.objects.exclude(status=ArticleStatus.PUBLISHED).exclude(pk__in=seen)
        condition = Q()
        for word in words:
            condition |= Q(title__icontains=word)
        if words:
            found += [(a, 0.0) for a in drafts.filter(condition)[:limit]]
    return found


# --- the information assistant (信息助手) --------------------------------------------------------


def item_articles(item_id: int, user: Any) -> list[dict[str, Any]]:
    """Published articles linked to a catalog item, that the user may read (no user: those
    for all staff)."""
    rows = Article.objects.filter(catalog_items=item_id, status=ArticleStatus.PUBLISHED)
    if user is None or not has_role(user, *IT_STAFF):
        rows = rows.filter(audience=Audience.ALL)
    return [
        {"id": a.pk, "title": a.title, "summary": a.summary}
        for a in rows.order_by("-helpful_count", "-view_count")[:5]
    ]


def similar_tickets(ticket: Any, *, since: Any) -> QuerySet[Any]:
    """Past tickets about the same thing: the two most specific words of the title (longest
    first) must both appear (ticket full-text search, GIN-indexed on PostgreSQL)."""
    from hitsm.servicedesk.models import Ticket
    from hitsm.servicedesk.search import query_tokens
    from hitsm.servicedesk.selectors import ticket_search

    keywords = sorted(
        (w for w in query_tokens(ticket.title) if len(w) >= 2 and w not in STOP),
        key=len,
        reverse=True,
    )[:2]
    rows = Ticket.objects.filter(created_at__gte=since).exclude(pk=ticket.pk)
    if not keywords:
        return rows.none()
    return ticket_search(rows, " ".join(keywords))


STOP = frozenset({"无法", "不能", "问题", "故障", "申请", "报修", "一直", "没有", "出现"})


def ticket_assistant(ticket: Any, user: Any) -> dict[str, Any]:
    """For the engineer on a ticket: how often this happened (30/90/365 days), who handled it
    best, how it was resolved, the articles and the known errors that explain it."""
    from django.db.models import Count
    from django.utils import timezone

    from hitsm.servicedesk.models import Ticket

    now = timezone.now()
    year = similar_tickets(ticket, since=now - timedelta(days=365))
    counts = year.aggregate(
        d30=Count("id", filter=Q(created_at__gte=now - timedelta(days=30))),
        d90=Count("id", filter=Q(created_at__gte=now - timedelta(days=90))),
        d365=Count("id"),
    )
    resolved = year.filter(resolved_at__isnull=False)
    handlers = (
        resolved.filter(assignee__isnull=False)
        .values("assignee", "assignee__display_name", "assignee__username")
        .annotate(count=Count("id"))
        .order_by("-count", "assignee")[:5]
    )
    resolutions = (
        resolved.exclude(resolution_notes="")
        .select_related("assignee")
        .order_by("-resolved_at")[:5]
    )
    question = f"{ticket.title} {ticket.description[:200]}"
    found = articles_search(user, question, limit=5)
    known_errors = (
        Ticket.objects.filter(kind="problem")
        .filter(
            Q(related__in=year.values("pk"))
            | Q(related=ticket)
            | Q(articles__in=[a.pk for a, _ in found])
        )
        .distinct()[:5]
    )
    return {
        "similar": {
            "last_30_days": counts["d30"],
            "last_90_days": counts["d90"],
            "last_365_days": counts["d365"],
        },
        "handlers": [
            {
                "user_id": row["assignee"],
                "name": row["assignee__display_name"] or row["assignee__username"],
                "count": row["count"],
            }
            for row in handlers
        ],
        "resolutions": [
            {
                "ticket_id": t.pk,
                "number": t.number,
                "title": t.title,
                "resolution_code": t.resolution_code,
                "resolution_notes": t.resolution_notes[:500],
                "resolved_by": t.assignee.name if t.assignee else "",
                "resolved_at": t.resolved_at,
            }
            for t in resolutions
        ],
        "articles": [
            {"id": a.pk, "title": a.title, "summary": a.summary, "score": round(score, 3)}
            for a, score in found
        ],
        "known_errors": [
            {"ticket_id": p.pk, "number": p.number, "title": p.title, "status": p.status}
            for p in known_errors
        ],
    }
