"""The knowledge base: articles in a category tree with a review lifecycle and versions, the
synonyms search uses, and every question the auto-answer service was asked (deflection is a KPI).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hitsm.core.models import ChangeLoggedModel


class KnowledgeCategory(ChangeLoggedModel):
    code = models.SlugField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("知识分类")
        verbose_name_plural = _("知识分类")
        ordering = ("order", "name", "id")

    def __str__(self) -> str:
        return self.name


class Audience(models.TextChoices):
    ALL = "all", _("全院职工")
    IT = "it", _("仅信息部门")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEW = "review", _("待审核")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已下线")


class Article(ChangeLoggedModel):
    slug = models.SlugField(_("标识"), max_length=80, unique=True)
    title = models.CharField(_("标题"), max_length=120)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("正文"), help_text=_("HTML，保存时清理"))
    category = models.ForeignKey(
        KnowledgeCategory,
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    tags = models.JSONField(_("标签"), default=list, blank=True)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    audience = models.CharField(
        _("适用对象"), max_length=4, choices=Audience.choices, default=Audience.ALL
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("浏览次数"), default=0)
    helpful_count = models.PositiveIntegerField(_("有用"), default=0)
    unhelpful_count = models.PositiveIntegerField(_("没用"), default=0)
    catalog_items: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "catalog.CatalogItem", verbose_name=_("关联服务项"), blank=True, related_name="articles"
    )
    configuration_items: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "cmdb.ConfigurationItem",
        verbose_name=_("关联配置项"),
        blank=True,
        related_name="articles",
    )
    # Known errors: problem records whose cause and workaround the article explains.
    problems: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "servicedesk.Ticket", verbose_name=_("关联已知问题"), blank=True, related_name="articles"
    )
    source_ticket = models.ForeignKey(
        "servicedesk.Ticket",
        verbose_name=_("来源工单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drafted_articles",
    )
    # Search tokens per field, computed on save (the index is rebuilt from these, not the HTML).
    tokens_title = models.TextField(blank=True, editable=False)
    tokens_keywords = models.TextField(blank=True, editable=False)
    tokens_body = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("知识文章")
        verbose_name_plural = _("知识文章")
        ordering = ("-updated_at", "-id")
        indexes = [models.Index(fields=["status", "audience"], name="article_status")]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """What each published version said, and who wrote and approved it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=120)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("正文"))
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("知识版本")
        verbose_name_plural = _("知识版本")
        ordering = ("article", "-version")
        constraints = [
            models.UniqueConstraint(fields=("article", "version"), name="article_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.version}"


class ArticleImage(models.Model):
    """A picture in an article's body, uploaded from the editor and read through
    ``/api/v1/knowledge/images/{id}/download/`` with the article's audience rule. Uploaded before
    the article is first saved it has no article yet (IT staff only read it until a save binds it).
    """

    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="images"
    )
    file = models.FileField(_("文件"), upload_to="knowledge/%Y/%m/", max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    width = models.PositiveIntegerField(_("宽度"), default=0)
    height = models.PositiveIntegerField(_("高度"), default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("知识图片")
        verbose_name_plural = _("知识图片")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.original_name


class Synonym(ChangeLoggedModel):
    """A group of words staff use for the same thing (打不出来 ≈ 无法打印 ≈ 不出纸)."""

    terms = models.JSONField(_("同义词"), help_text=_("同一组中的词在搜索时视为相同"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("同义词")
        verbose_name_plural = _("同义词")
        ordering = ("id",)

    def __str__(self) -> str:
        return " ≈ ".join(self.terms[:4])


class Channel(models.TextChoices):
    WEB = "web", _("网页")
    H5 = "h5", _("移动端")
    WECOM = "wecom", _("企业微信")
    DESKTOP = "desktop", _("桌面助手")
    MINIPROGRAM = "miniprogram", _("小程序")


class Outcome(models.TextChoices):
    NONE = "", _("未反馈")
    SOLVED = "solved", _("已解决")
    UNSOLVED = "unsolved", _("未解决")
    TICKET = "ticket", _("已转工单")


class Question(models.Model):
    """One question put to the auto-answer service, what it answered and how it ended."""

    text = models.CharField(_("问题"), max_length=500)
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    results = models.JSONField(_("候选文章"), default=list)  # [{"article": id, "score": float}]
    confidence = models.FloatField(_("置信度"), default=0)
    answered = models.BooleanField(_("直接答复"), default=False)
    article = models.ForeignKey(
        Article,
        verbose_name=_("答复文章"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(
        _("结果"), max_length=10, choices=Outcome.choices, blank=True, default=Outcome.NONE
    )
    ticket = models.ForeignKey(
        "servicedesk.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(_("提问时间"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("自助问答")
        verbose_name_plural = _("自助问答")
        ordering = ("-asked_at", "-id")

    def __str__(self) -> str:
        return self.text[:40]
