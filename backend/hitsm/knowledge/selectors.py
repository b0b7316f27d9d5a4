"""Reading the knowledge base: who sees which articles, and the search index (one per process,
rebuilt when a published article, a synonym or a category changes)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from hitsm.accounts.roles import IT_STAFF, Role, has_role
from hitsm.core.permissions import Policy
from hitsm.knowledge.content import field_texts
from hitsm.knowledge.engine import Doc, Index
from hitsm.knowledge.models import (
    Article,
    ArticleStatus,
    Audience,
    KnowledgeCategory,
    Synonym,
)
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


class ArticleImagePolicy(Policy):
    """An article's pictures are read by whoever may read the article (its audience and status:
    staff only those of published articles for everyone); pictures not yet in a saved article,
    and uploads, are IT staff's."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if has_role(user, *IT_STAFF):
            return queryset
        if user.is_authenticated:
            return queryset.filter(
                article__status=ArticleStatus.PUBLISHED, article__audience=Audience.ALL
            )
        return queryset.none()

    def can_list(self, user: Any) -> bool:
        return False

    def can_create(self, user: Any) -> bool:
        return has_role(user, *IT_STAFF)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return action == "download"  # the scope decided


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


_built: tuple[tuple[Any, ...], Index] | None = None
_building = threading.Lock()


def _freshness() -> tuple[Any, ...]:
    """Changes when a published article, a synonym group or a category changes (three small
    aggregate queries; view and helpful counts are UPDATEs that leave ``updated_at`` alone)."""
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED).aggregate(
        n=Count("id"), t=Max("updated_at")
    )
    synonyms = Synonym.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    categories = KnowledgeCategory.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    return tuple(d[k] for d in (published, synonyms, categories) for k in ("n", "t"))


def _current() -> tuple[tuple[Any, ...], Index]:
    global _built
    token = _freshness()
    built = _built
    if built is not None and built[0] == token:
        return built
    with _building:
        if _built is not None and _built[0] == token:
            return _built
        synonyms = Synonyms.of(
            Synonym.objects.filter(is_active=True).values_list("terms", flat=True)
        )
        rows = Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related("category")
        index = Index((_doc_from_row(row) for row in rows.order_by("id")), synonyms)
        _built = (token, index)
        return _built


def article_index() -> Index:
    """The search index over published articles, kept in each process and rebuilt only when
    what it is built from changed (not on a timer, not when other reference data changes)."""
    return _current()[1]


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
    from django.utils import timezone

    from hitsm.accounts.models import User
    from hitsm.servicedesk.models import Ticket
    from hitsm.servicedesk.selectors import recent_resolutions

    now = timezone.now()
    # One pass over the matching tickets (the full-text match is the costly part on a million
    # tickets); counts and handlers are computed from these rows.
    rows = list(
        similar_tickets(ticket, since=now - timedelta(days=365)).values_list(
            "pk", "created_at", "resolved_at", "assignee_id"
        )
    )
    counts = {
        "d30": sum(1 for r in rows if r[1] >= now - timedelta(days=30)),
        "d90": sum(1 for r in rows if r[1] >= now - timedelta(days=90)),
        "d365": len(rows),
    }
    resolved = [r for r in rows if r[2] is not None]
    tally: dict[int, int] = {}
    for r in resolved:
        if r[3] is not None:
            tally[r[3]] = tally.get(r[3], 0) + 1
    top = sorted(tally.items(), key=lambda item: (-item[1], item[0]))[:5]
    people = User.objects.in_bulk([user_id for user_id, _n in top])
    handlers = [
        {"assignee": user_id, "name": people[user_id].name, "count": n}
        for user_id, n in top
        if user_id in people
    ]
    latest = [r[0] for r in sorted(resolved, key=lambda r: r[2], reverse=True)[:50]]
    recent_ids = [r[0] for r in sorted(rows, key=lambda r: r[1], reverse=True)[:1000]]
    question = f"{ticket.title} {ticket.description[:200]}"
    found = articles_search(user, question, limit=5)
    known_errors = (
        Ticket.objects.filter(kind="problem")
        .filter(
            Q(related__in=recent_ids) | Q(related=ticket) | Q(articles__in=[a.pk for a, _ in found])
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
            {"user_id": h["assignee"], "name": h["name"], "count": h["count"]} for h in handlers
        ],
        "resolutions": recent_resolutions(Ticket.objects.filter(pk__in=latest)),
        "articles": [
            {"id": a.pk, "title": a.title, "summary": a.summary, "score": round(score, 3)}
            for a, score in found
        ],
        "known_errors": [
            {"ticket_id": p.pk, "number": p.number, "title": p.title, "status": p.status}
            for p in known_errors
        ],
    }
