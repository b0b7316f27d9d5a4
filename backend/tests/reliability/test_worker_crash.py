"""Scenario 1: a Celery worker is killed with SIGKILL while notifications and SLA escalations
are in flight; a second worker takes over."""

from __future__ import annotations

import time
from collections import Counter

from tests.reliability.harness import (
    Stack,
    outbox_settled,
    query,
    running,
    scalar,
    wait_until,
)

TICKETS = 30


def sla_duplicates(url: str) -> list[tuple[object, ...]]:
    return query(
        url,
        """SELECT ticket_id, metric, kind, level, count(*) FROM servicedesk_slanotice
            GROUP BY 1, 2, 3, 4 HAVING count(*) > 1""",
    )


def scan_done(url: str) -> bool:
    return not scalar(
        url, "SELECT count(*) FROM servicedesk_ticketclock WHERE next_check_at <= now()"
    )


def test_after_kill_9_every_notification_reaches_smtp_once_and_no_level_fires_twice(
    database, redis, smtp, tmp_path
):
    """Pass: after SIGKILL of the worker mid-delivery and a second worker taking over, every
    outbox row is 'sent'; the SMTP server got each e-mail notification exactly once (the only
    allowed repeat is a row the dead worker had claimed, at most once more: delivery is at least
    once, docs/reliability.md); every ticket has its full escalation ladder, each level once in
    the database and once per recipient at the SMTP server."""
    smtp.delay = 0.04  # a real mail relay takes a while: keeps deliveries in flight at the kill
    stack = Stack(
        database,
        redis.url,
        tmp_path,
        smtp_port=smtp.port,
        extra_env={"HITSM_NOTIFICATION_LEASE_SECONDS": "30"},
    )
    with running(stack):
        stack.seed("people")
        tickets = stack.seed("overdue", "--tickets", str(TICKETS))["tickets"]
        stack.beat("only")
        first = stack.worker("first", concurrency=2)
        wait_until(
            lambda: (
                scalar(database, "SELECT count(*) FROM servicedesk_slanotice") > 0
                and len(smtp.messages) >= 40
            ),
            timeout=90,
            what="escalations and deliveries under way",
        )
        first.kill9()
        killed_at = time.monotonic()
        cut_off = {
            row[0]
            for row in query(
                database,
                "SELECT id FROM notifications_notification WHERE status = 'sending'",
            )
        }
        assert not outbox_settled(database), "all delivered before the kill: nothing was tested"
        stack.worker("second", concurrency=2)
        wait_until(
            lambda: scan_done(database) and outbox_settled(database),
            timeout=180,
            what="the second worker to finish the SLA scan and the outbox",
        )
        recovered_in = time.monotonic() - killed_at

    statuses = dict(
        query(database, "SELECT status, count(*) FROM notifications_notification GROUP BY 1")
    )
    assert set(statuses) == {"sent"}, statuses

    emails = {
        row[0]: row[1]
        for row in query(
            database,
            "SELECT id, dedupe_key FROM notifications_notification WHERE channel = 'email'",
        )
    }
    seen = smtp.counts()
    host = "127.0.0.1"
    expected = {f"<hitsm-notification-{pk}@{host}>": pk for pk in emails}
    assert set(seen) == set(expected), "e-mails missing or unknown at the SMTP server"
    repeated = {expected[mid]: n for mid, n in seen.items() if n > 1}
    assert all(pk in cut_off and n == 2 for pk, n in repeated.items()), (
        f"repeated e-mails {repeated}; only rows cut off by the kill ({sorted(cut_off)}) may be"
    )

    assert not sla_duplicates(database)
    ladders = Counter(
        row[0]
        for row in query(
            database,
            """SELECT ticket_id FROM servicedesk_slanotice
                WHERE metric = 'resolution' AND kind = 'escalation'""",
        )
    )
    assert ladders == dict.fromkeys(tickets, 4), (
        "each ticket: levels 1-4 (15, 30, 60, 120 min), once"
    )
    levels = query(database, "SELECT id, escalation_level FROM servicedesk_ticket")
    assert {level for _, level in levels} == {4}
    # the people told of each level, once: one notification per recipient and subject
    rows_by_subject: dict[tuple[str, str], set[int]] = {}
    for m in smtp.messages:
        if "升级" in m["subject"]:
            rows_by_subject.setdefault((m["to"], m["subject"]), set()).add(
                expected[m["message_id"]]
            )
    assert rows_by_subject, "no escalation e-mails: nothing was tested"
    twice = {k: v for k, v in rows_by_subject.items() if len(v) > 1}
    assert not twice, f"an escalation level told twice: {twice}"
    print(
        f"\nscenario 1: {TICKETS} tickets, {sum(statuses.values())} outbox rows, "
        f"{len(smtp.messages)} e-mails, {len(cut_off)} cut off by the kill, "
        f"{len(repeated)} repeated, recovered in {recovered_in:.1f} s"
    )
