"""Service boards benchmark (issue 10): the desk board and the wallboard over real HTTP, and the
time from a ticket's creation to its frame reaching WebSocket clients.

    cd bench && HITSM_DATA_DIR=/tmp/hitsm-bench-sqlite uv run --project ../backend \\
        python boards.py --label BOARDS-HOSP-100K-sqlite [--redis redis://127.0.0.1:6379/15]

1. Loads: gunicorn (4 sync workers, production settings, as run.py) on the loaded HOSP profile;
   ``GET /api/v1/boards/desk/`` and ``/boards/wall/`` as an agent, p50/p95/p99 (the queue
   counts alone as the reference). The wallboard's KPI tiles come from the KPI engine's cache
   (5 minutes for the running month), so its first call pays the whole KPI set: reported apart.
2. Frames: uvicorn serves the ASGI side (``config.asgi``); N agents' WebSocket clients
   (``websockets``) listen on ``/ws/events/``; tickets are created one at a time over HTTP and
   each client's wait from just before the POST to the ``ticket.created`` frame is recorded.
   Without ``--redis`` the web server writes the frame to ``RealtimeEvent`` and the ASGI process
   relays it (embedded mode: polled every second); with ``--redis`` it goes through the Redis
   channel layer (production).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import os as _os

# the servers' secret (run.py gives them this one): the sessions made here must be valid there
_os.environ.setdefault("HITSM_SECRET_KEY", "bench-" + "x" * 40)

from run import BACKEND, RESULTS, Client, create_body, free_port, start_server, summary

from django.conf import settings  # noqa: E402  (run.py has set Django up)
from django.db import connection  # noqa: E402
from django.test import Client as DjangoClient  # noqa: E402

from hitsm.accounts.models import User  # noqa: E402
from hitsm.accounts.services import api_token_create, user_set_roles  # noqa: E402
from hitsm.servicedesk.models import Ticket  # noqa: E402


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def start_asgi(port: int, env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=BACKEND, env=env, stdout=log_path.open("wb"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("ASGI server did not start; see " + str(log_path))


def clocks_sql() -> int:
    """Two clock rows per ticket whose clock stopped (accepted / resolved), from its columns, in
    one statement per metric, as sla.py does on PostgreSQL (business-time exactness does not
    change the cost of reading them). The generator writes tickets without clock rows."""
    from django.utils import timezone

    from hitsm.servicedesk.models import TicketClock

    if TicketClock.objects.exists():
        return TicketClock.objects.count()
    if connection.vendor == "postgresql":
        minutes = "EXTRACT(EPOCH FROM (t.{a} - t.created_at)) / 60"
        biggest = "GREATEST"
    else:
        minutes = "(julianday(t.{a}) - julianday(t.created_at)) * 1440"
        biggest = "MAX"
    with connection.cursor() as cursor:
        for metric, stop, due in (("response", "accepted_at", "response_due_at"),
                                  ("resolution", "resolved_at", "resolution_due_at")):
            cursor.execute(
                f"""
                INSERT INTO servicedesk_ticketclock
                    (ticket_id, metric, opened_at, policy_name, target_minutes, elapsed_minutes,
                     state, due_at, breached_at, stopped_at, pause_reason, next_check_at,
                     computed_at)
                SELECT t.id, %s, t.created_at, '标准服务（工作时间）',
                       CAST({biggest}(1, {minutes.format(a=due)}) AS INTEGER),
                       {biggest}(0, {minutes.format(a=stop)}),
                       CASE WHEN t.{stop} > t.{due} THEN 'breached' ELSE 'met' END,
                       t.{due}, CASE WHEN t.{stop} > t.{due} THEN t.{due} END, t.{stop}, '',
                       NULL, %s
                FROM servicedesk_ticket t
                WHERE t.{stop} IS NOT NULL AND t.{due} IS NOT NULL
                """,  # noqa: S608
                [metric, timezone.now()],
            )
    return TicketClock.objects.count()


def session_cookie(user: User) -> str:
    client = DjangoClient()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def measure_loads(client: Client, repeat: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    # the wallboard's tiles come from the cached KPI set; what a cold cache costs once in 5 min:
    status, fresh = client.call("GET", "/api/v1/kpis/?refresh=1")
    results["kpi_set_recompute_ms"] = round(fresh, 1)
    for name, path in (("queue_counts", "/api/v1/tickets/queues/"),
                       ("desk_board", "/api/v1/boards/desk/"),
                       ("wallboard", "/api/v1/boards/wall/")):
        samples, errors = [], 0
        for _ in range(repeat):
            code, ms = client.call("GET", path)
            samples.append(ms)
            errors += code >= 400
        results[name] = summary(samples, errors)
        log(f"{name}: {results[name]}")
    return results


async def measure_frames(port: int, http_port: int, token: str, cookies: list[str],
                         creations: int, spacing: float) -> dict[str, Any]:
    import websockets

    sockets = []
    for cookie in cookies:
        ws = await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/events/",
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
            origin="http://127.0.0.1",  # type: ignore[arg-type]
            max_size=2**20,
        )
        hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert hello["type"] == "hello", hello
        sockets.append(ws)
    log(f"{len(sockets)} WebSocket clients connected")
    creator = Client(http_port, token)
    latencies: list[float] = []
    posts: list[float] = []
    missed = 0
    for n in range(creations):
        title = f"看板压测 {n} {time.time_ns()}"
        body = {**create_body(n), "title": title}

        async def wait_for(ws: Any) -> float | None:
            deadline = time.perf_counter() + 10
            while time.perf_counter() < deadline:
                try:
                    raw = await asyncio.wait_for(ws.recv(), deadline - time.perf_counter())
                except TimeoutError:
                    return None
                frame = json.loads(raw)
                if frame["type"] == "ticket.created" and frame["payload"].get("title") == title:
                    return time.perf_counter()
            return None

        waiters = [asyncio.create_task(wait_for(ws)) for ws in sockets]
        started = time.perf_counter()
        code, post_ms = await asyncio.to_thread(creator.call, "POST", "/api/v1/tickets/", body)
        posts.append(post_ms)
        for arrived in await asyncio.gather(*waiters):
            if arrived is None:
                missed += 1
            else:
                latencies.append((arrived - started) * 1000)
        await asyncio.sleep(spacing)
    for ws in sockets:
        await ws.close()
    return {"clients": len(sockets), "creations": creations, "missed_frames": missed,
            "create_to_frame": summary(latencies) if latencies else None,
            "create_http": summary(posts),
            "mean_frame_after_http_ms": round(statistics.fmean(latencies) - statistics.fmean(posts), 1)
            if latencies else None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20, help="WebSocket clients")
    parser.add_argument("--creations", type=int, default=30)
    parser.add_argument("--spacing", type=float, default=0.5, help="seconds between creations")
    parser.add_argument("--redis", default="", help="REDIS_URL for the servers (channel layer)")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    args.worker_class, args.threads, args.server_debug = "sync", 1, False

    agent, _ = User.objects.get_or_create(username="bench_agent",
                                          defaults={"display_name": "压测坐席"})
    user_set_roles(user=agent, roles=["agent"])
    _, token = api_token_create(user=agent, name="bench-boards")
    watchers = []
    for n in range(args.clients):
        user, _ = User.objects.get_or_create(username=f"bench_board_{n:02d}",
                                             defaults={"display_name": f"看板{n}"})
        user_set_roles(user=user, roles=["agent"])
        watchers.append(user)
    cookies = [session_cookie(u) for u in watchers]
    tickets = Ticket.objects.count()
    started = time.perf_counter()
    clocks = clocks_sql()
    log(f"{clocks} clock rows ({time.perf_counter() - started:.1f} s)")
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
        os.environ["HITSM_REDIS_PREFIX"] = "hitsm-bench-boards"
    http_port, asgi_port = free_port(), free_port()
    server = start_server(http_port, args, output / f"{args.label}.server.log")
    env = dict(os.environ, HITSM_ALLOWED_HOSTS="127.0.0.1", HITSM_LOG_LEVEL="WARNING",
               HITSM_DEBUG="false")
    env.setdefault("HITSM_SECRET_KEY", "bench-" + "x" * 40)
    asgi = start_asgi(asgi_port, env, output / f"{args.label}.asgi.log")
    try:
        client = Client(http_port, token)
        for _ in range(4 * args.workers):  # warm every worker
            client.call("GET", "/api/v1/tickets/queues/")
            client.call("GET", "/api/v1/boards/desk/")
        results = measure_loads(client, args.repeat)
        results["frames"] = asyncio.run(measure_frames(asgi_port, http_port, token, cookies,
                                                       args.creations, args.spacing))
        log(f"frames: {results['frames']}")
    finally:
        for process in (server, asgi):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    report = {
        "label": args.label, "date": time.strftime("%Y-%m-%d %H:%M"),
        "database": connection.vendor, "tickets_in_database": tickets, "clocks": clocks,
        "server": f"gunicorn {args.workers} sync workers + uvicorn (ASGI)",
        "realtime": "redis channel layer" if args.redis else "embedded (RealtimeEvent relay, 1 s)",
        "machine": {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]},
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True, cwd=BACKEND).stdout.strip(),
        "results": results,
    }
    if args.redis:  # the cache, channel groups and the tasks queued with no worker: all ours
        import redis

        connection_ = redis.Redis.from_url(args.redis)
        keys = list(connection_.scan_iter("hitsm-bench-boards*"))
        if keys:
            connection_.delete(*keys)
    (output / f"{args.label}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
