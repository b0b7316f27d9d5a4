"""Scenario 2: beat deployed twice and two workers scanning SLA clocks at the same time."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections import Counter

from celery import Celery

from tests.reliability.harness import Stack, query, running, scalar, wait_until

TICKETS = 40
SCAN_RESULT = re.compile(r"sla_scan\[[^\]]+\] succeeded in ([\d.]+)s: (\d+)")
SCAN_LINE = re.compile(
    r"^\[(\S+ \S+): INFO/\S+\] Task hitsm\.servicedesk\.tasks\.sla_scan\[[^\]]+\] "
    r"succeeded in ([\d.]+)s: (\d+)",
    re.M,
)


def scan_intervals(text: str) -> list[tuple[float, float, int]]:
    """(start, end, notices fired) of each scan a worker ran, from its log."""
    spans = []
    for stamp, seconds, fired in SCAN_LINE.findall(text):
        # the log's local time: only compared with the other worker's, on the same clock
        end = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=dt.UTC)
        end = end.timestamp()
        spans.append((end - float(seconds), end, int(fired)))
    return spans


def scan_bursts(stack: Stack, stop: threading.Event) -> None:
    """Two sla_scan tasks at the same moment, every second, through the stack's own broker."""
    app = Celery(broker=stack.redis_url)
    queue = stack.env["HITSM_CELERY_QUEUE"]
    try:
        while not stop.wait(1.0):
            for _ in range(2):
                app.send_task("hitsm.servicedesk.tasks.sla_scan", queue=queue)
    finally:
        app.close()


def test_two_beats_and_two_scanning_workers_fire_every_notice_exactly_once(
    database, redis, tmp_path
):
    """Pass: with two beat schedulers and two workers running sla_scan concurrently over
    tickets coming due one after another, every ticket gets its complete set of warnings,
    breaches and escalation levels, each exactly once as a row and as a notification per person
    and channel; and the two workers did scan at the same time while notices were firing (from their
    logs), so the test is not passing by running one scanner after the other."""
    stack = Stack(database, redis.url, tmp_path)
    with running(stack):
        stack.seed("people")
        # one process each: two scans at the same moment are two workers, not one worker's pool
        workers = [stack.worker(name, concurrency=1, wait=False) for name in ("east", "west")]
        stack.beat("one")
        stack.beat("two")
        stack.wait_ready(*workers)
        # the tickets come due one after another over 20 s, while both beats send scans and
        # an impatient operator (this thread) sends two more at once every second
        stop = threading.Event()
        burst = threading.Thread(target=scan_bursts, args=(stack, stop), daemon=True)
        burst.start()
        stack.seed("overdue", "--tickets", str(TICKETS), "--spread", "20")
        wait_until(
            lambda: (
                not scalar(
                    database,
                    "SELECT count(*) FROM servicedesk_ticketclock WHERE next_check_at <= now() + interval '10 minutes'",
                )
                and scalar(database, "SELECT count(*) FROM servicedesk_slanotice") > 0
            ),
            timeout=150,
            what="all clocks scanned",
        )
        stop.set()
        burst.join(timeout=10)

        # a scan's log line comes just after its commit: let the last ones be written before
        # the workers stop (a sum that never matches fails below with the numbers)
        def logged() -> int:
            return sum(int(n) for w in workers for _, n in SCAN_RESULT.findall(w.log.read_text()))

        total_rows = scalar(database, "SELECT count(*) FROM servicedesk_slanotice")
        with contextlib.suppress(AssertionError):
            wait_until(lambda: logged() >= total_rows, timeout=30, what="scan results logged")
    # read after the workers stopped (warm shutdown: a scan in flight finishes and logs)
    fired_by = {
        w.name: sum(int(n) for _, n in SCAN_RESULT.findall(w.log.read_text())) for w in workers
    }
    east, west = (scan_intervals(w.log.read_text()) for w in workers)
    scans = {"east": len(east), "west": len(west)}
    overlapping = [
        (a, b) for a in east for b in west if a[0] < b[1] and b[0] < a[1] and a[2] + b[2] > 0
    ]
    assert overlapping, f"the two workers never scanned at the same time: {east} {west}"
    assert not query(
        database,
        """SELECT ticket_id, metric, kind, level FROM servicedesk_slanotice
            GROUP BY 1, 2, 3, 4 HAVING count(*) > 1""",
    )
    per_ticket = Counter(
        row[0] for row in query(database, "SELECT ticket_id FROM servicedesk_slanotice")
    )
    assert len(per_ticket) == TICKETS and len(set(per_ticket.values())) == 1, (
        f"tickets with a different set of notices: {per_ticket}"
    )
    total = sum(per_ticket.values())
    assert sum(fired_by.values()) == total, (fired_by, total)  # each notice by exactly one scan
    assert not query(
        database,
        """SELECT recipient_id, channel, dedupe_key FROM notifications_notification
            GROUP BY 1, 2, 3 HAVING count(*) > 1""",
    )
    sla_rows = scalar(
        database, "SELECT count(*) FROM notifications_notification WHERE dedupe_key LIKE 'sla:%%'"
    )
    assert sla_rows >= total  # every notice told someone
    print(
        f"\nscenario 2: {TICKETS} tickets, {total} notices ({total // TICKETS} each), "
        f"fired by worker {fired_by} in {scans} scans ({len(overlapping)} overlapping pairs), {sla_rows} notifications, none twice"
    )
