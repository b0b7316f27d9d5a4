"""Where one ticket creation spends its time: SQL (count, time, statements) and Python (cProfile).

    cd bench && HITSM_DATA_DIR=/tmp/hitsm-bench-pg DATABASE_URL=postgres://postgres@127.0.0.1:5432/hitsm_bench \\
        REDIS_URL=redis://127.0.0.1:6379/15 uv run --project ../backend python profile_create.py

Runs POST /api/v1/tickets/ in-process through Django's test client with the benchmark's token
and body (production settings: DEBUG off), after a warm-up. Prints the per-request wall time,
the statements of one request with their times, and the top functions by cumulative time.
Each run adds tickets to the database it points at, like run.py does.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BACKEND = Path(__file__).resolve().parent.parent / "backend"
sys.path.insert(0, str(BACKEND))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("HITSM_SECRET_KEY", "bench-" + "x" * 40)
os.environ.setdefault("HITSM_ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("HITSM_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from hitsm.accounts.models import User  # noqa: E402
from hitsm.accounts.services import api_token_create, user_set_roles  # noqa: E402

BODY = {"kind": "incident", "title": "压测工单 0 门诊打印机卡纸", "description": "处方打不出来",
        "channel": "api"}


class Recorder:
    def __init__(self) -> None:
        self.rows: list[tuple[float, str]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool,
                 context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.rows.append(((time.perf_counter() - started) * 1000, sql))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=50, help="timed creations")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--dump", help="also write the cProfile data to this file")
    parser.add_argument("--cpu", action="store_true",
                        help="profile CPU time only (waits for the database are left out)")
    args = parser.parse_args()
    agent, _ = User.objects.get_or_create(username="bench_agent",
                                          defaults={"display_name": "压测坐席"})
    user_set_roles(user=agent, roles=["agent"])
    _, token = api_token_create(user=agent, name="profile")
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json")

    def post() -> Any:
        response = client.post("/api/v1/tickets/", json.dumps(BODY),
                               content_type="application/json")
        assert response.status_code == 201, response.content
        return response

    for _ in range(10):
        post()
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        response = post()
    sql_ms = sum(ms for ms, _ in recorder.rows)
    print(f"database: {connection.vendor}; response {len(response.content)} bytes")
    print(f"one request: {len(recorder.rows)} statements, {sql_ms:.1f} ms in the database driver")
    for ms, sql in recorder.rows:
        print(f"  {ms:6.2f} ms  {sql[:150]}")

    started = time.perf_counter()
    for _ in range(args.n):
        post()
    wall = (time.perf_counter() - started) * 1000 / args.n
    cpu_started = time.process_time()
    for _ in range(args.n):
        post()
    cpu = (time.process_time() - cpu_started) * 1000 / args.n
    print(f"\nper request: {wall:.1f} ms wall, {cpu:.1f} ms CPU of this process "
          f"(the rest is the database and Redis)")

    profiler = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
    profiler.enable()
    for _ in range(args.n):
        post()
    profiler.disable()
    if args.dump:
        profiler.dump_stats(args.dump)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
