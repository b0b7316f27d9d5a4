"""Scenario 4: PostgreSQL stopped and started again under ticket creation over HTTP.

The server stopped is a private cluster (initdb in the test's temp dir, run as the postgres
user): the machine's shared cluster on 5432 is never touched."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.reliability.harness import (
    SHARED_PG,
    CreateLoad,
    PrivatePostgres,
    Stack,
    assert_no_partial_tickets,
    outbox_settled,
    query,
    running,
    wait_until,
)

DOWN = float(os.environ.get("HITSM_REL_PG_DOWN_SECONDS", "15"))
BOUND = 2.0  # seconds: the slowest answer allowed while the database is down


def test_while_postgres_is_down_the_api_answers_503_within_2s_and_no_ticket_is_lost(
    template_db, redis, tmp_path
):
    """Pass: while PostgreSQL is stopped, every create request answers 503 with the code
    database_unavailable and a Chinese message within 2 s (none hangs, none is a 500); after
    it starts again, requests succeed within seconds, the worker and beat are alive (a
    heartbeat and the outbox delivered after the restart), every ticket answered 201 is in the
    database and no ticket is half-created."""
    # outside pytest's temp dir, whose parents only root may enter
    pg = PrivatePostgres(Path(tempfile.mkdtemp(prefix="hitsm-rel-pg-")))
    try:
        pg.start()
        dump = subprocess.run(
            [str(pg.bin / "pg_dump"), "--no-owner", f"{SHARED_PG}/{template_db}"],
            check=True,
            capture_output=True,
            timeout=120,
        ).stdout
        subprocess.run(
            [
                str(pg.bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(pg.port),
                "-U",
                "postgres",
                "hitsm",
            ],
            check=True,
            timeout=30,
        )
        subprocess.run(
            [str(pg.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", f"{pg.url}/hitsm"],
            input=dump,
            check=True,
            capture_output=True,
            timeout=120,
        )
        url = f"{pg.url}/hitsm"
        # a delivery cut off by the shutdown is retried after its lease (30 s here, 300 s default)
        stack = Stack(
            url,
            redis.url,
            tmp_path / "stack",
            extra_env={"HITSM_NOTIFICATION_LEASE_SECONDS": "30"},
        )
        with running(stack):
            tokens = stack.seed("people")["tokens"]
            stack.beat("only")
            stack.worker("only", concurrency=2, wait=False)
            stack.web()
            warm = CreateLoad(stack.base_url, tokens["nurse_li"], clients=2)
            with warm:
                wait_until(lambda: len(warm.results) >= 4, timeout=60, what="warm-up requests")
            with CreateLoad(stack.base_url, tokens["nurse_li"], clients=4) as load:
                time.sleep(5)
                stopping = time.monotonic()
                pg.stop("fast")
                down_at = time.monotonic()
                time.sleep(DOWN)
                pg.start()
                up_at = time.monotonic()
                restarted = dt.datetime.now(dt.UTC)
                time.sleep(10)
            wait_until(
                lambda: query(
                    url,
                    "SELECT 1 FROM core_heartbeat WHERE name = 'worker' AND last_beat_at > %s",
                    (restarted,),
                ),
                timeout=60,
                what="a worker heartbeat after the restart",
            )
            wait_until(lambda: outbox_settled(url), timeout=90, what="the outbox after the restart")
            assert all(p.alive() for p in stack.procs), "a process died with the database"
        outcomes = Counter((r.status, r.code) for r in load.results)
        while_down = load.between(down_at, up_at - 1)
        assert while_down, "no requests while the database was down"
        slow_or_wrong = [
            r
            for r in while_down
            if r.status != 503
            or r.code != "database_unavailable"
            or not r.message
            or r.seconds > BOUND
        ]
        assert not slow_or_wrong, f"{slow_or_wrong[:5]}; all: {outcomes}"
        assert not [r for r in load.results if r.status not in (201, 503)], outcomes
        after = load.between(up_at + 5, float("inf"))
        assert after and all(r.status == 201 for r in after), "not back to normal after restart"
        created = {r.ticket_id for r in load.results if r.status == 201}
        in_db = {row[0] for row in query(url, "SELECT id FROM servicedesk_ticket")}
        assert created <= in_db, f"committed tickets lost: {sorted(created - in_db)}"
        total = assert_no_partial_tickets(url)
        slowest = max(r.seconds for r in while_down)
        print(
            f"\nscenario 4: PostgreSQL down {DOWN:.0f} s (fast shutdown took "
            f"{down_at - stopping:.1f} s); {len(load.results)} requests: {dict(outcomes)}; "
            f"slowest 503 while down {slowest:.2f} s; {total} tickets, {len(created)} answered "
            f"201, none lost or partial"
        )
    finally:
        pg.destroy()
