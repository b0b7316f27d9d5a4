"""The starter content shipped with HITSM (``content/``): articles a hospital IT team can
publish on day one, the synonyms and dictionary search uses, and the labelled staff questions the
evaluation command scores search against."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hitsm.knowledge.engine import Doc
from hitsm.knowledge.text import CONTENT_DIR, html_text, words


def _load(name: str) -> Any:
    path = CONTENT_DIR / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def starter_articles() -> list[dict[str, Any]]:
    return list(_load("articles.json"))


def starter_synonyms() -> list[list[str]]:
    return [list(group) for group in _load("synonyms.json")]


@dataclass(frozen=True)
class LabelledQuestion:
    text: str
    expect: tuple[str, ...]  # article slugs that answer it, best first
    split: str  # "tune" or "holdout" (never tuned on)


def labelled_questions() -> list[LabelledQuestion]:
    return [
        LabelledQuestion(text=q["q"], expect=tuple(q["expect"]), split=q.get("split", "tune"))
        for q in _load("questions.json")
    ]


def field_texts(
    *, title: str, summary: str, body_html: str, keywords: list[str], tags: list[str], category: str
) -> tuple[str, str, str]:
    """The three searched fields of an article as plain text."""
    return (
        title,
        " ".join([*keywords, *tags, *category.replace("/", " ").split()]),
        f"{summary} {html_text(body_html)}".strip(),
    )


def doc_of(ident: int, texts: tuple[str, str, str], *, it_only: bool) -> Doc:
    return Doc(
        id=ident,
        title=texts[0],
        keywords=texts[1],
        body=texts[2],
        words=(words(texts[0]), words(texts[1]), words(texts[2])),
        it_only=it_only,
    )


def starter_docs() -> tuple[list[Doc], dict[int, str]]:
    """The starter articles as search documents (ids by position) and id → slug."""
    docs, slugs = [], {}
    for n, article in enumerate(starter_articles()):
        texts = field_texts(
            title=article["title"],
            summary=article.get("summary", ""),
            body_html=article["body"],
            keywords=article.get("keywords", []),
            tags=article.get("tags", []),
            category=article.get("category", ""),
        )
        docs.append(doc_of(n, texts, it_only=article.get("audience") == "it"))
        slugs[n] = article["slug"]
    return docs, slugs
