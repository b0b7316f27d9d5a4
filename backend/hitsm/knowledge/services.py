"""Writing the knowledge base: articles through draft → review → published → retired with
versions, the auto-answer service every channel uses, drafting an article from a resolved
ticket, and loading the starter content."""

from __future__ import annotations

import re
from typing import Any

import nh3
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hitsm.accounts.models import User
from hitsm.accounts.roles import IT_STAFF, has_role
from hitsm.core.errors import Conflict, ValidationFailed
from hitsm.knowledge.content import starter_articles, starter_synonyms
from hitsm.knowledge.images import image_check, image_id
from hitsm.knowledge.models import (
    Article,
    ArticleImage,
    ArticleStatus,
    ArticleVersion,
    KnowledgeCategory,
    Outcome,
    Question,
    Synonym,
)
from hitsm.knowledge.selectors import article_index, is_reviewer
from hitsm.knowledge.text import words

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "ol", "ul", "li", "strong", "em", "b", "i", "u", "code", "pre",
    "blockquote", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "span", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "p": {"class"},
    "span": {"class"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
MAX_BODY = 200_000


# After cleaning, an <img> whose src was dropped (not one of our article images) goes too.
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_IMG_SRC = re.compile(r'<img[^>]*\ssrc="([^"]*)"[^>]*>')


def _keep_own_images(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return value if image_id(value) is not None else None
    return value


def body_clean(html: str) -> str:
    """Rich text from the editor, reduced to what an article needs (no scripts, styles,
    event handlers or foreign schemes). Images only from our own image download view
    (``/api/v1/knowledge/images/{id}/download/``): a picture from elsewhere is removed."""
    if len(html) > MAX_BODY:
        raise ValidationFailed(fields={"body": [_("正文过长（上限 20 万字符）")]})
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=_keep_own_images,
    )
    return _IMG_WITHOUT_SRC.sub("", cleaned)


def body_image_ids(html: str) -> list[int]:
    """The article images a (cleaned) body shows, in order."""
    found = (image_id(src) for src in _IMG_SRC.findall(html))
    return list(dict.fromkeys(pk for pk in found if pk is not None))


def _bind_images(article: Article) -> None:
    """An image belongs to one article, whose audience decides who reads it: images uploaded
    before the article's first save are bound to it now; a picture of another article is
    removed from the body (upload it again here)."""
    wanted = body_image_ids(article.body)
    if not wanted:
        return
    ArticleImage.objects.filter(pk__in=wanted, article__isnull=True).update(article=article)
    own = set(
        ArticleImage.objects.filter(pk__in=wanted, article=article).values_list("pk", flat=True)
    )
    foreign = set(wanted) - own
    if foreign:

        def keep(match: re.Match[str]) -> str:
            return "" if image_id(match.group(1)) in foreign else match.group(0)

        article.body = _IMG_SRC.sub(keep, article.body)
        article.save(update_fields=["body"])


@transaction.atomic
def article_image_upload(
    *, upload: UploadedFile, actor: User, article: Article | None
) -> ArticleImage:
    """A picture for an article's body (checked like a ticket attachment, pictures only). Without
    an article (a new one, not saved yet) it is bound to the article whose body first uses it."""
    checked, width, height = image_check(upload)
    image = ArticleImage(
        article=article,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=len(checked.content),
        width=width,
        height=height,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    image.file.save(checked.storage_name, ContentFile(checked.content), save=False)
    image.save()
    return image


def _tokens(article: Article) -> None:
    from hitsm.knowledge.content import field_texts

    texts = field_texts(
        title=article.title,
        summary=article.summary,
        body_html=article.body,
        keywords=list(article.keywords),
        tags=list(article.tags),
        category=article.category.name if article.category_id and article.category else "",
    )
    article.tokens_title = " ".join(words(texts[0]))
    article.tokens_keywords = " ".join(words(texts[1]))
    article.tokens_body = " ".join(words(texts[2]))


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60] or "article"
    slug, n = base, 1
    while Article.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


EDITABLE = (
    "title",
    "summary",
    "body",
    "category",
    "tags",
    "keywords",
    "audience",
)


@transaction.atomic
def article_save(
    *, article: Article | None, actor: User, data: dict[str, Any], relations: dict[str, Any]
) -> Article:
    """Create or edit an article. A published article edited by someone who is not a reviewer
    goes back to review (hidden from staff until a reviewer publishes it again)."""
    creating = article is None
    if article is None:
        article = Article(author=actor, slug=data.get("slug") or _unique_slug(data["title"]))
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
    for key in EDITABLE:
        if key in data:
            setattr(article, key, data[key])
    article.body = body_clean(article.body)
    if not article.body.strip():
        raise ValidationFailed(fields={"body": [_("请填写正文")]})
    article.keywords = [str(k).strip() for k in article.keywords if str(k).strip()][:30]
    article.tags = [str(t).strip() for t in article.tags if str(t).strip()][:20]
    if not creating and article.status == ArticleStatus.PUBLISHED and not is_reviewer(actor):
        article.status = ArticleStatus.REVIEW
    _tokens(article)
    article.save()
    _bind_images(article)
    for name, values in relations.items():
        getattr(article, name).set(values)
    return article


def _move(article: Article, allowed: tuple[str, ...], to: str) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status not in allowed:
        raise Conflict(
            _("文章当前为「%(s)s」，不能执行此操作") % {"s": article.get_status_display()},
            code="knowledge.invalid_transition",
        )
    article.status = to
    return article


@transaction.atomic
def article_submit(*, article: Article, actor: User) -> Article:
    article = _move(article, (ArticleStatus.DRAFT,), ArticleStatus.REVIEW)
    article.save(update_fields=["status", "updated_at"])
    return article


@transaction.atomic
def article_publish(*, article: Article, actor: User) -> Article:
    """A reviewer publishes: the article is searchable at once and its text kept as a version."""
    article = _move(
        article,
        (ArticleStatus.DRAFT, ArticleStatus.REVIEW, ArticleStatus.RETIRED, ArticleStatus.PUBLISHED),
        ArticleStatus.PUBLISHED,
    )
    if article.versions.exists():
        article.version += 1
    article.reviewer = actor
    article.published_at = timezone.now()
    article.save()
    ArticleVersion.objects.create(
        article=article,
        version=article.version,
        title=article.title,
        summary=article.summary,
        body=article.body,
        keywords=article.keywords,
        author=article.author,
        reviewer=actor,
        published_at=article.published_at,
    )
    return article


@transaction.atomic
def article_retire(*, article: Article, actor: User) -> Article:
    article = _move(article, (ArticleStatus.PUBLISHED,), ArticleStatus.RETIRED)
    article.save(update_fields=["status", "updated_at"])
    return article


VIEW_WINDOW_SECONDS = 3600


def article_viewed(*, article: Article, user: Any) -> bool:
    """Count a read of the article; True when it counted. The rule: only a published article
    read by someone other than its author, and once per person per article per hour (a cache
    key taken with ``add``, atomic in Redis). The editor's and the preview's fetches never
    come here (the API's ``?edit=true``)."""
    if article.status != ArticleStatus.PUBLISHED or not getattr(user, "is_authenticated", False):
        return False
    if article.author_id is not None and article.author_id == user.pk:
        return False
    if not cache.add(f"kb:viewed:{article.pk}:{user.pk}", 1, timeout=VIEW_WINDOW_SECONDS):
        return False
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    return True


def article_feedback(*, article: Article, helpful: bool) -> None:
    counter = "helpful_count" if helpful else "unhelpful_count"
    Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})


# --- the category tree -------------------------------------------------------------------------

CATEGORY_FIELDS = ("code", "name", "parent", "order")


@transaction.atomic
def category_save(
    *, category: KnowledgeCategory | None, actor: User, data: dict[str, Any]
) -> KnowledgeCategory:
    """Create, rename, move (another parent) or reorder a category. A category cannot be moved
    under itself or one of its own sub-categories."""
    if category is None:
        category = KnowledgeCategory()
    else:
        category = KnowledgeCategory.objects.select_for_update().get(pk=category.pk)
    for key in CATEGORY_FIELDS:
        if key in data:
            setattr(category, key, data[key])
    if not category.code:
        category.code = _unique_category_code(category.name)
    parent = category.parent
    seen: set[int] = set()
    while parent is not None and category.pk is not None:
        if parent.pk == category.pk or parent.pk in seen:
            raise ValidationFailed(
                _("不能移到自身或其下级分类之下"),
                code="knowledge.category_cycle",
                fields={"parent": [_("不能移到自身或其下级分类之下")]},
            )
        seen.add(parent.pk)
        parent = parent.parent
    try:
        category.full_clean()
    except DjangoValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    category.save()
    return category


def _unique_category_code(name: str) -> str:
    base = slugify(name)[:50] or "category"
    code, n = base, 1
    while KnowledgeCategory.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def category_delete(*, category: KnowledgeCategory, actor: User) -> None:
    """Only an empty category goes: one with articles (of any status) or sub-categories is in use."""
    category = KnowledgeCategory.objects.select_for_update().get(pk=category.pk)
    if category.articles.exists() or category.children.exists():
        raise Conflict(
            _("该分类下还有文章或子分类，请先移走"),
            code="in_use",
        )
    category.delete()


# --- the auto-answer service ----------------------------------------------------------------


def question_ask(*, text: str, channel: str, user: User | None) -> tuple[Question, list[Article]]:
    """Every channel asks here: the best articles with a confidence; above the threshold the
    channel answers directly ("did this solve it?"), below it opens the ticket flow. Each
    question is recorded with what was shown."""
    text = text.strip()
    if not text:
        raise ValidationFailed(fields={"question": [_("请输入问题")]})
    include_it = user is not None and has_role(user, *IT_STAFF)
    answer = article_index().search(text[:500], limit=5, include_it=include_it)
    articles_by_id = Article.objects.in_bulk([hit.id for hit in answer.hits])
    articles = [articles_by_id[h.id] for h in answer.hits if h.id in articles_by_id]
    answered = bool(articles) and answer.confidence >= settings.KNOWLEDGE_ANSWER_THRESHOLD
    question = Question.objects.create(
        text=text[:500],
        channel=channel,
        asked_by=user,
        results=[{"article": h.id, "score": round(h.score, 4)} for h in answer.hits],
        confidence=answer.confidence,
        answered=answered,
        article=articles[0] if answered else None,
    )
    return question, articles


@transaction.atomic
def question_close(
    *, question: Question, outcome: str, ticket: Any = None, article: Article | None = None
) -> Question:
    """The asker says how it ended: solved (by the article shown, or one they chose), not
    solved, or a ticket was created (with the question pre-filled)."""
    if outcome not in (Outcome.SOLVED, Outcome.UNSOLVED, Outcome.TICKET):
        raise ValidationFailed(fields={"outcome": [_("结果无效")]})
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.outcome == Outcome.TICKET and outcome != Outcome.TICKET:
        raise Conflict(_("该问题已转为工单"), code="knowledge.question_closed")
    question.outcome = outcome
    question.closed_at = timezone.now()
    if ticket is not None:
        question.ticket = ticket
    if article is not None:
        question.article = article
    question.save(update_fields=["outcome", "closed_at", "ticket", "article"])
    if question.article is not None and outcome in (Outcome.SOLVED, Outcome.UNSOLVED):
        article_feedback(article=question.article, helpful=outcome == Outcome.SOLVED)
    return question


# --- knowledge capture -----------------------------------------------------------------------


@transaction.atomic
def article_from_ticket(*, ticket: Any, actor: User) -> Article:
    """One click on a resolved ticket: a draft article from its description and resolution,
    linked to the ticket, its catalog item and its configuration items."""
    if ticket.status not in ("resolved", "closed"):
        raise Conflict(_("只有已解决或已关闭的工单可以生成知识"), code="knowledge.ticket_open")
    from django.utils.html import escape

    resolution = ticket.resolution_notes or ""
    body = (
        f"<h3>{escape(_('现象'))}</h3><p>{escape(ticket.description or ticket.title)}</p>"
        f"<h3>{escape(_('处理方法'))}</h3><p>{escape(resolution)}</p>"
        f"<h3>{escape(_('仍未解决？'))}</h3><p>{escape(_('请联系服务台并注明参考工单 %(n)s。') % {'n': ticket.number})}</p>"
    )
    article = article_save(
        article=None,
        actor=actor,
        data={
            "title": ticket.title[:120],
            "summary": resolution[:300],
            "body": body,
            "keywords": [],
            "tags": [],
        },
        relations={
            "catalog_items": [ticket.catalog_item_id] if ticket.catalog_item_id else [],
            "configuration_items": list(ticket.configuration_items.values_list("pk", flat=True)),
        },
    )
    article.source_ticket = ticket
    article.save(update_fields=["source_ticket"])
    return article


# --- starter content -------------------------------------------------------------------------


def _category(path: str) -> KnowledgeCategory | None:
    parent = None
    for order, name in enumerate(p for p in path.split("/") if p):
        code = slugify(name, allow_unicode=False)[:50] or f"c{abs(hash(name)) % 10**8}"
        found = KnowledgeCategory.objects.filter(name=name, parent=parent).first()
        if found is None:
            unique, n = code, 1
            while KnowledgeCategory.objects.filter(code=unique).exists():
                n += 1
                unique = f"{code}-{n}"
            found = KnowledgeCategory.objects.create(
                name=name, code=unique, parent=parent, order=order
            )
        parent = found
    return parent


@transaction.atomic
def starter_load(*, publish: bool = True) -> dict[str, int]:
    """The starter articles (published, or as drafts), categories and synonyms; an article
    whose slug exists is left as it is (admins may have edited it)."""
    from hitsm.catalog.models import CatalogItem
    from hitsm.cmdb.models import ConfigurationItem

    created = 0
    if not Synonym.objects.exists():
        Synonym.objects.bulk_create(Synonym(terms=group) for group in starter_synonyms())
    for item in starter_articles():
        if Article.objects.filter(slug=item["slug"]).exists():
            continue
        article = Article(
            slug=item["slug"],
            title=item["title"][:120],
            summary=item.get("summary", "")[:300],
            body=body_clean(item["body"]),
            category=_category(item.get("category", "")),
            tags=item.get("tags", []),
            keywords=item.get("keywords", []),
            audience=item.get("audience", "all"),
            status=ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT,
            published_at=timezone.now() if publish else None,
        )
        _tokens(article)
        article.save()
        article.catalog_items.set(
            CatalogItem.objects.filter(code__in=item.get("catalog_items", []))
        )
        article.configuration_items.set(
            ConfigurationItem.objects.filter(code__in=item.get("systems", []))
        )
        if publish:
            ArticleVersion.objects.create(
                article=article,
                version=1,
                title=article.title,
                summary=article.summary,
                body=article.body,
                keywords=article.keywords,
                published_at=article.published_at or timezone.now(),
            )
        created += 1
    return {"articles": created, "synonyms": Synonym.objects.count()}
