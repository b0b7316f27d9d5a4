"""Scenario 3: Redis (cache, broker, channel layer) frozen with SIGSTOP while people create
tickets over HTTP, then thawed with SIGCONT."""

from __future__ import annotations

import os
import time
from collections import Counter

from tests.reliability.harness import (
    CreateLoad,
    Stack,
    assert_no_partial_tickets,
    outbox_settled,
    query,
    running,
    wait_until,
)

PAUSE = float(os.environ.get("HITSM_REL_REDIS_PAUSE_SECONDS", "120"))
BOUND = 5.0  # seconds: the slowest answer allowed to a create request while Redis is frozen


def test_while_redis_is_frozen_creates_answer_201_or_503_fast_and_nothing_is_lost(
    database, redis, smtp, tmp_path
):
    """Pass: while Redis is SIGSTOPped (HITSM_REL_REDIS_PAUSE_SECONDS, default 120 s), every
    create request answers within 5 s with 201 or with 503 and a stable error code (never a
    hang, a 500 or a dropped connection); no ticket is half-created (number, CREATED event,
    both SLA clocks, the requester's notification all there); and after SIGCONT every queued
    notification is delivered, each requester's 'submitted' e-mail reaching the SMTP server."""
    stack = Stack(database, redis.url, tmp_path, smtp_port=smtp.port)
    with running(stack):
        tokens = stack.seed("people")["tokens"]
        stack.beat("only")
        stack.worker("only", concurrency=2, wait=False)
        stack.web()
        warm = CreateLoad(stack.base_url, tokens["nurse_li"], clients=2)
        with warm:  # first requests load the search tokenizer and open connections
            wait_until(lambda: len(warm.results) >= 4, timeout=60, what="warm-up requests")
        # two people at the counter filing a ticket every half second each: far above a
        # hospital's intake, and a backlog the dispatcher drains in about half a minute
        with CreateLoad(stack.base_url, tokens["nurse_li"], clients=2, pause=0.5) as load:
            time.sleep(5)
            frozen_at = time.monotonic()
            redis.pause()
            time.sleep(PAUSE)
            redis.resume()
            thawed_at = time.monotonic()
            time.sleep(10)
        wait_until(lambda: outbox_settled(database), timeout=180, what="the outbox after SIGCONT")
        delivered_in = time.monotonic() - thawed_at

    during = load.between(frozen_at, thawed_at)
    outcomes = Counter((r.status, r.code) for r in load.results)
    bad = [r for r in load.results if r.status not in (201, 503) or r.seconds > BOUND]
    assert not bad, f"hung, failed or slow answers ({len(bad)}): {bad[:5]}; all: {outcomes}"
    assert during, "no requests while Redis was frozen"
    assert all(
        r.code == "service_unavailable" and r.message for r in load.results if r.status == 503
    )
    before = load.between(0, frozen_at)
    after = load.between(thawed_at + 3, float("inf"))
    assert before and all(r.status == 201 for r in before)
    assert after and all(r.status == 201 for r in after), "not back to normal after SIGCONT"

    created = {r.ticket_id for r in load.results if r.status == 201}
    in_db = {row[0] for row in query(database, "SELECT id FROM servicedesk_ticket")}
    assert created <= in_db, "a ticket answered 201 is missing"
    assert_no_partial_tickets(database)
    statuses = dict(
        query(database, "SELECT status, count(*) FROM notifications_notification GROUP BY 1")
    )
    assert set(statuses) == {"sent"}, statuses
    mailed = Counter(m["subject"] for m in smtp.messages if "已提交" in m["subject"])
    numbers = dict(query(database, "SELECT id, number FROM servicedesk_ticket"))
    missing = [pk for pk in in_db if not any(numbers[pk] in s for s in mailed)]
    assert not missing, f"tickets whose 'submitted' e-mail never arrived: {missing[:10]}"
    slowest = max(r.seconds for r in during)
    times = sorted(r.seconds for r in during)
    p99 = times[int(len(times) * 0.99)]
    print(
        f"\nscenario 3: Redis frozen {PAUSE:.0f} s; {len(load.results)} create requests "
        f"({len(during)} while frozen): {dict(outcomes)}; answers while frozen p99 "
        f"{p99:.2f} s, slowest {slowest:.2f} s; {len(in_db)} tickets, all complete; outbox delivered "
        f"{delivered_in:.0f} s after SIGCONT"
    )
