"""The search engine behind the knowledge base and the auto-answer service: BM25 (bm25s) over
three fields with weights — title ×3, keywords/tags/category ×2, summary and body ×1 — on the
tokens of :mod:`hitsm.knowledge.text`.

An :class:`Index` is built from plain documents, so the same code serves the database-backed
index (``selectors.article_index``) and the evaluation command, which builds one from the
starter content files.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import bm25s
import numpy as np

from hitsm.knowledge.text import Synonyms, precise_words, query_tokens

logging.getLogger("bm25s").setLevel(logging.WARNING)

WEIGHTS = (3.0, 2.0, 1.0)  # title, keywords, body
K1, B = 1.2, 0.75


@dataclass(frozen=True)
class Doc:
    id: int
    title: str
    keywords: str  # keywords, tags and category, space-separated
    body: str  # summary and body as plain text
    words: tuple[Sequence[str], Sequence[str], Sequence[str]]  # per field, from text.words
    it_only: bool = False


@dataclass(frozen=True)
class Hit:
    id: int
    score: float


@dataclass(frozen=True)
class Answer:
    hits: list[Hit]
    confidence: float  # 0..1: how sure the best hit answers the question
    matched: list[str] = field(default_factory=list)  # the question's terms the best hit has


class Index:
    def __init__(self, docs: Iterable[Doc], synonyms: Synonyms) -> None:
        self.docs = list(docs)
        self.synonyms = synonyms
        self.ids = np.array([d.id for d in self.docs], dtype=np.int64)
        self.it_only = np.array([d.it_only for d in self.docs], dtype=bool)
        self.fields: list[bm25s.BM25 | None] = []
        self.terms: list[set[str]] = [set() for _ in self.docs]
        for position in range(3):
            corpus = []
            for n, doc in enumerate(self.docs):
                text = (doc.title, doc.keywords, doc.body)[position]
                doc_tokens = [*doc.words[position], *synonyms.markers(text)]
                corpus.append(doc_tokens or ["\u0000"])  # bm25s needs a token per document
                self.terms[n].update(doc_tokens)
            if self.docs:
                retriever = bm25s.BM25(k1=K1, b=B)
                retriever.index(corpus, show_progress=False)
                self.fields.append(retriever)
            else:
                self.fields.append(None)

    def __len__(self) -> int:
        return len(self.docs)

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        total = np.zeros(len(self.docs), dtype=np.float64)
        if not self.docs or not terms:
            return total
        for weight, retriever in zip(WEIGHTS, self.fields, strict=True):
            if retriever is not None:
                total += weight * np.asarray(retriever.get_scores(list(terms)), dtype=np.float64)
        return total

    def search(self, question: str, *, limit: int = 5, include_it: bool = False) -> Answer:
        terms = query_tokens(question, self.synonyms)
        scores = self.scores(terms)
        if not include_it and len(scores):
            scores[self.it_only] = 0.0
        order = np.argsort(-scores, kind="stable")[:limit]
        hits = [Hit(id=int(self.ids[i]), score=float(scores[i])) for i in order if scores[i] > 0]
        if not hits:
            return Answer(hits=[], confidence=0.0)
        best = int(order[0])
        coverage, matched = self._coverage(question, self.terms[best])
        second = hits[1].score if len(hits) > 1 else 0.0
        margin = 1.0 - second / hits[0].score if hits[0].score > 0 else 0.0
        confidence = round(min(1.0, 0.75 * coverage + 0.25 * margin), 3)
        return Answer(hits=hits, confidence=confidence, matched=matched)

    def _coverage(self, question: str, terms: set[str]) -> tuple[float, list[str]]:
        """The share of the question's words (longest words; a synonym counts through its
        group) and synonym phrases that the article has."""
        units = precise_words(question)
        unit_markers = {unit: set(self.synonyms.markers(unit)) for unit in units}
        phrases = set(self.synonyms.markers(question)) - set().union(*unit_markers.values())
        matched = [u for u in units if u in terms or unit_markers[u] & terms]
        matched += [p for p in sorted(phrases) if p in terms]
        total = len(units) + len(phrases)
        return (len(matched) / total if total else 0.0), matched
