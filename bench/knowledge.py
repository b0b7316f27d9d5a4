"""Knowledge benchmarks (issue 8): the auto-answer service with 2,000 published articles, and the
ticket information assistant's similar-ticket search over a loaded HOSP profile.

    cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/hitsm_bench \\
        uv run --project ../backend python knowledge.py --label KB-HOSP-1M-postgresql

1. Articles: the 175 starter articles, plus variants of them up to 2,000 (each variant is a
   starter article rewritten for another ward, with its own title, so the index really holds
   2,000 different documents of realistic length). Building the index is timed.
2. Auto-answer: every labelled staff question (313) asked three times through the service
   (``question_ask``: search, confidence, the article rows and the ``Question`` row written) —
   p50/p95/p99. Target: p95 < 50 ms.
3. Information assistant: ``ticket_assistant`` for 100 random open tickets (similar tickets in
   the last 30/90/365 days with counts, top handlers, latest resolutions, articles, known
   errors) — p50/p95/p99. Target: p95 < 300 ms over 1,000,000 tickets on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BACKEND = Path(__file__).resolve().parent.parent / "backend"
RESULTS = Path(__file__).resolve().parent / "results"
sys.path.insert(0, str(BACKEND))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("HITSM_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from hitsm.accounts.models import User  # noqa: E402
from hitsm.core.context import acting_as  # noqa: E402
from hitsm.knowledge.content import labelled_questions, starter_articles  # noqa: E402
from hitsm.knowledge.models import Article, ArticleStatus, Question  # noqa: E402
from hitsm.knowledge.selectors import article_index, ticket_assistant  # noqa: E402
from hitsm.knowledge.services import _tokens, body_clean, question_ask, starter_load  # noqa: E402
from hitsm.servicedesk.models import Ticket  # noqa: E402

WARDS = [
    "门诊一楼", "门诊二楼", "急诊科", "心内科病房", "检验科", "放射科", "药剂科", "儿科门诊",
    "妇产科", "骨科病房", "手术室", "ICU", "体检中心", "康复科", "口腔科", "眼科",
]  # fmt: skip


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 2),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": round(ordered[-1], 2),
    }


def articles_to(total: int) -> int:
    with acting_as(label="bench:knowledge"):
        starter_load(publish=True)
    have = Article.objects.filter(status=ArticleStatus.PUBLISHED).count()
    starters = starter_articles()
    made = []
    n = 0
    while have + len(made) < total:
        source = starters[n % len(starters)]
        ward = WARDS[(n // len(starters)) % len(WARDS)]
        slug = f"bench-{n:05d}-{source['slug']}"[:80]
        n += 1
        if Article.objects.filter(slug=slug).exists():
            continue
        article = Article(
            slug=slug,
            title=f"{ward}：{source['title']}"[:120],
            summary=source.get("summary", "")[:300],
            body=body_clean(source["body"].replace("服务台", f"{ward}信息联络员或服务台")),
            tags=source.get("tags", []),
            keywords=[*source.get("keywords", []), ward],
            audience=source.get("audience", "all"),
            status=ArticleStatus.PUBLISHED,
            published_at=timezone.now(),
        )
        _tokens(article)
        made.append(article)
    Article.objects.bulk_create(made, batch_size=500)
    return Article.objects.filter(status=ArticleStatus.PUBLISHED).count()


def bench_answer(rounds: int) -> dict[str, Any]:
    started = time.perf_counter()
    index = article_index()
    build = time.perf_counter() - started
    asker = User.objects.filter(is_active=True).order_by("pk").first()
    questions = [q.text for q in labelled_questions()]
    question_ask(text=questions[0], channel="web", user=asker)  # warm (jieba, caches)
    samples = []
    for _round in range(rounds):
        for text in questions:
            t0 = time.perf_counter()
            question_ask(text=text, channel="web", user=asker)
            samples.append((time.perf_counter() - t0) * 1000)
    return {"articles": len(index), "index_build_s": round(build, 2), **percentiles(samples)}


def bench_assistant(count: int) -> dict[str, Any]:
    agent = User.objects.filter(is_active=True, groups__name="agent").order_by("pk").first()
    if agent is None:
        agent = User.objects.filter(is_superuser=True).first() or User.objects.first()
    ids = list(
        Ticket.objects.filter(status__in=("new", "accepted", "assigned", "in_progress"))
        .order_by("?")
        .values_list("pk", flat=True)[:count]
    )
    ticket_assistant(Ticket.objects.get(pk=ids[0]), agent)  # warm
    samples, similar = [], []
    for ticket_id in ids:
        ticket = Ticket.objects.get(pk=ticket_id)
        t0 = time.perf_counter()
        answer = ticket_assistant(ticket, agent)
        samples.append((time.perf_counter() - t0) * 1000)
        similar.append(answer["similar"]["last_365_days"])
    return {
        "tickets_in_database": Ticket.objects.count(),
        "median_similar_last_365_days": statistics.median(similar),
        **percentiles(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--assistant", type=int, default=100)
    args = parser.parse_args()
    log(f"database: {connection.vendor}; loading articles up to {args.articles}")
    published = articles_to(args.articles)
    log(f"{published} published articles; asking {len(labelled_questions())} questions")
    answer = bench_answer(args.rounds)
    log(f"auto-answer: {answer}")
    assistant = bench_assistant(args.assistant)
    log(f"assistant: {assistant}")
    Question.objects.filter(text__in=[q.text for q in labelled_questions()]).delete()
    result = {
        "label": args.label,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "database": connection.vendor,
        "auto_answer_ms": answer,
        "assistant_ms": assistant,
        "load_average": os.getloadavg(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.label}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    log(f"written results/{args.label}.json")


if __name__ == "__main__":
    main()
