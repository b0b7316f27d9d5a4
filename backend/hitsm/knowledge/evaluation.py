"""Scoring search against the labelled staff questions (``content/questions.json``): a hit is
top-1 when the first article is one the question expects, top-3 when one of the first three is.
The ``holdout`` part is never used to tune the dictionary, synonyms or weights."""

from __future__ import annotations

from dataclasses import dataclass, field

from hitsm.knowledge.content import labelled_questions, starter_docs, starter_synonyms
from hitsm.knowledge.engine import Index
from hitsm.knowledge.text import Synonyms


@dataclass
class Score:
    split: str
    questions: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[tuple[str, str, list[str]]] = field(default_factory=list)
    # answered directly (confidence at or above the threshold): right and wrong first articles
    direct_right: int = 0
    direct_wrong: int = 0

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.questions if self.questions else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.questions if self.questions else 0.0


def evaluate(threshold: float = 0.6) -> dict[str, Score]:
    docs, slugs = starter_docs()
    index = Index(docs, Synonyms.of(starter_synonyms()))
    scores = {name: Score(split=name) for name in ("tune", "holdout", "all")}
    for question in labelled_questions():
        answer = index.search(question.text, limit=3, include_it=True)
        found = [slugs[h.id] for h in answer.hits]
        direct = bool(found) and answer.confidence >= threshold
        for name in (question.split, "all"):
            score = scores[name]
            score.questions += 1
            if found[:1] and found[0] in question.expect:
                score.top1 += 1
                score.direct_right += direct
            else:
                score.direct_wrong += direct
            if set(found[:3]) & set(question.expect):
                score.top3 += 1
            elif name == "all":
                score.misses.append((question.text, question.expect[0], found))
    return scores
