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

from run import BACKEND, RESULTS, Client, create_body, free_port, server_env, start_server, summary

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


def _listen(port: int, cookies: list[str], marker: str, ready: Any, stop: Any,
            results: Any) -> None:
    """Child process: ``len(cookies)`` WebSocket clients; for every ``ticket.created`` frame
    whose title carries ``marker``, (client, sequence number, monotonic arrival time)."""
    import websockets

    arrivals: list[tuple[int, int, float]] = []
    other = [0]

    async def client(index: int, ws: Any) -> None:
        try:
            async for raw in ws:
                arrived = time.monotonic()
                if marker not in raw:
                    other[0] += 1
                    continue
                frame = json.loads(raw)
                if frame["type"] == "ticket.created":
                    arrivals.append((index, int(frame["payload"]["title"].rsplit(" ", 1)[1]),
                                     arrived))
        except websockets.ConnectionClosed:
            return

    async def run() -> None:
        sockets = []
        for cookie in cookies:
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/events/",
                additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
                origin="http://127.0.0.1",  # type: ignore[arg-type]
                max_size=2**20, ping_interval=None,
            )
            hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert hello["type"] == "hello", hello
            sockets.append(ws)
        tasks = [asyncio.create_task(client(i, ws)) for i, ws in enumerate(sockets)]
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for ws in sockets:
            await ws.close()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(run())
    usage = os.times()
    results.send({"arrivals": arrivals, "other_frames": other[0],
                  "cpu_s": round(usage.user + usage.system, 2)})


def publisher(marker: str, start: float, rate: float, total: int) -> None:
    """Child process (``--publisher``, REDIS_URL set): the web worker's after-commit push of
    ``ticket.created`` (``hitsm.core.realtime._send``: role.agent + role.manager through the Redis
    channel layer) for ``total`` existing tickets at their planned times; no database write."""
    from hitsm.core.realtime import _send, role_group
    from hitsm.servicedesk.services import _summary

    tickets = list(Ticket.objects.order_by("-id")[:total])
    payloads = []
    for n in range(total):
        payload = json.loads(json.dumps(_summary(tickets[n % len(tickets)]), default=str))
        payload["title"] = f"看板压测 {marker} {n}"
        payloads.append(payload)
    groups = [role_group("agent"), role_group("manager")]
    _send(groups, "ticket.created", {"title": "warm-up"})
    late = []
    for n in range(total):
        planned = start + n / rate
        delay = planned - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        late.append((time.monotonic() - planned) * 1000)
        _send(groups, "ticket.created", payloads[n])
    usage = os.times()
    print(json.dumps({"late_ms_max": round(max(late), 1),
                      "cpu_s": round(usage.user + usage.system, 2)}), flush=True)


def measure_burst(port: int, http_port: int, token: str, cookies: list[str], rate: float,
                  seconds: float, drain: float, server_pid: int, asgi_pid: int,
                  senders: int, source: str = "api", redis_url: str = "") -> dict[str, Any]:
    """Open loop: ``rate`` ticket creations a second for ``seconds`` over HTTP (gunicorn), each
    POST issued at its planned time by a pool of ``senders`` threads; every latency (the POST's
    and each client's frame) counted from the planned time, so a late send is not hidden.
    The WebSocket clients run in a separate (forked) process."""
    import multiprocessing
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from run import (
        cpu_seconds,
        machine_busy_seconds,
        others,
        postgres_pids,
        process_cpu,
        server_pids,
    )

    def warm(n: int) -> None:  # each worker's first creation loads jieba etc.
        Client(http_port, token).call("POST", "/api/v1/tickets/", create_body(n))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(warm, range(16)))
    ctx = multiprocessing.get_context("fork")
    ready, stop = ctx.Event(), ctx.Event()
    receive, send = ctx.Pipe(duplex=False)
    marker = f"burst{time.time_ns() % 10**9}"  # ASCII: frames escape non-ASCII
    connection.close()  # no shared database connection across the fork
    listener = ctx.Process(target=_listen, args=(port, cookies, marker, ready, stop, send))
    listener.start()
    if not ready.wait(120):
        listener.kill()
        raise RuntimeError("WebSocket clients did not connect")
    log(f"{len(cookies)} WebSocket clients connected (pid {listener.pid}); burst {rate}/s "
        f"for {seconds} s")
    total = int(rate * seconds)
    planned: list[float] = [0.0] * total
    posted: list[float | None] = [None] * total
    status: list[int] = [0] * total
    local = threading.local()

    def create(n: int) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = Client(http_port, token)
        body = {**create_body(n), "title": f"看板压测 {marker} {n}"}
        code, _ = client.call("POST", "/api/v1/tickets/", body)
        status[n] = code
        posted[n] = time.monotonic()

    ours = {os.getpid(), listener.pid, *server_pids(server_pid), *server_pids(asgi_pid),
            *postgres_pids()}
    pids = {"server": server_pids(server_pid), "asgi": server_pids(asgi_pid),
            "postgresql": postgres_pids(), "clients": [listener.pid], "sender": [os.getpid()]}
    cpu_before = {k: cpu_seconds(v) for k, v in pids.items()}
    all_before, busy_before = process_cpu(), machine_busy_seconds()
    load_before = [round(x, 2) for x in os.getloadavg()]
    late_dispatch: list[float] = []
    if source == "publish":
        start = time.monotonic() + 8.0  # the child sets Django up first
        env = dict(os.environ, REDIS_URL=redis_url, HITSM_REDIS_PREFIX="hitsm-bench-boards")
        child = subprocess.Popen(
            [sys.executable, __file__, "--label", "publisher", "--publisher", marker,
             "--publisher-start", repr(start), "--burst-rate", str(rate), "--burst-seconds",
             str(seconds)], env=env, stdout=subprocess.PIPE, cwd=Path(__file__).parent)
        pids["sender"] = [child.pid]
        cpu_before["sender"] = 0.0
        out, _ = child.communicate(timeout=seconds + 120)
        publisher_report = json.loads(out.decode().strip().splitlines()[-1])
        planned = [start + n / rate for n in range(total)]
        status = [201] * total
        late_dispatch = [publisher_report["late_ms_max"]]
        dispatched = sent_done = time.monotonic()
    else:
        with ThreadPoolExecutor(max_workers=senders) as pool:
            start = time.monotonic() + 0.5
            for n in range(total):
                planned[n] = start + n / rate
                delay = planned[n] - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                late_dispatch.append((time.monotonic() - planned[n]) * 1000)
                pool.submit(create, n)
            dispatched = time.monotonic()
    sent_done = time.monotonic()
    time.sleep(drain)  # let the last frames arrive
    # new PostgreSQL backends of the server's workers count as PostgreSQL, not "other"
    pids["postgresql"] = postgres_pids()
    ours |= set(pids["postgresql"])
    cpu_after = {k: cpu_seconds(v) for k, v in pids.items()}
    all_after, busy_after = process_cpu(), machine_busy_seconds()
    stop.set()
    found = receive.recv()
    listener.join(30)
    clients = len(cookies)
    created = [n for n in range(total) if status[n] == 201]
    by_event: dict[int, list[float]] = {}
    duplicates = 0
    seen: set[tuple[int, int]] = set()
    for index, n, arrived in found["arrivals"]:
        if (index, n) in seen:
            duplicates += 1
            continue
        seen.add((index, n))
        by_event.setdefault(n, []).append((arrived - planned[n]) * 1000)
    frame_ms = [ms for n in created for ms in by_event.get(n, [])]
    last_frame = [max(by_event[n]) for n in created if n in by_event]
    lost = sum(clients - len(by_event.get(n, [])) for n in created)
    post_ms = [(posted[n] - planned[n]) * 1000 for n in range(total) if posted[n] is not None]
    elapsed = sent_done - start
    used = {k: round(cpu_after[k] - cpu_before[k], 1) for k in pids}
    if source == "publish":
        used["sender"] = publisher_report["cpu_s"]
    busy = round(busy_after - busy_before, 1)
    return {
        "mode": ("open loop over HTTP (gunicorn POST /api/v1/tickets/)" if source == "api" else
                 "open loop, one separate process calling the after-commit push "
                 "(hitsm.core.realtime._send) for existing tickets, no ticket written")
        + "; latency from planned time",
        "rate_per_s": rate, "seconds": seconds, "planned": total, "created": len(created),
        "errors": total - len(created), "clients": clients,
        "expected_frames": len(created) * clients, "received_frames": len(frame_ms),
        "lost_frames": lost, "duplicate_frames": duplicates,
        "frame_latency": (summary(frame_ms) | {"max_ms": round(max(frame_ms), 1)})
        if frame_ms else None,
        "frames_over_2s": sum(ms > 2000 for ms in frame_ms),
        "event_last_client": (summary(last_frame) | {"max_ms": round(max(last_frame), 1)})
        if last_frame else None,
        "post_from_planned": (summary(post_ms) | {"max_ms": round(max(post_ms), 1)})
        if post_ms else None,
        "dispatch_late_ms": {"p99": round(sorted(late_dispatch)[int(0.99 * (len(late_dispatch) - 1))], 1),
                             "max": round(max(late_dispatch), 1)},
        "dispatch_window_s": round(dispatched - start, 2),
        "last_post_done_s": round(elapsed, 2), "drain_s": drain,
        "cpu_seconds": used | {"clients_process_total": found["cpu_s"],
                               "machine_busy": busy,
                               "other": round(busy - sum(used.values()), 1)},
        "other_processes": others(all_before, all_after, ours),
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20, help="WebSocket clients")
    parser.add_argument("--creations", type=int, default=30)
    parser.add_argument("--spacing", type=float, default=0.5, help="seconds between creations")
    parser.add_argument("--redis", default="", help="REDIS_URL for the servers (channel layer)")
    parser.add_argument("--burst-clients", type=int, default=0,
                        help="WebSocket clients for the open-loop burst (0: no burst)")
    parser.add_argument("--burst-rate", type=float, default=100.0, help="creations per second")
    parser.add_argument("--burst-seconds", type=float, default=10.0)
    parser.add_argument("--burst-senders", type=int, default=64, help="HTTP sender threads")
    parser.add_argument("--drain", type=float, default=15.0, help="seconds to wait for frames")
    parser.add_argument("--burst-source", choices=["api", "publish"], default="api",
                        help="api: create tickets over HTTP; publish: push frames only")
    parser.add_argument("--publisher", default="", help=argparse.SUPPRESS)
    parser.add_argument("--publisher-start", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--skip-loads", action="store_true")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    args.worker_class, args.threads, args.server_debug = "sync", 1, False
    if args.publisher:
        publisher(args.publisher, args.publisher_start, args.burst_rate,
                  int(args.burst_rate * args.burst_seconds))
        return

    agent, _ = User.objects.get_or_create(username="bench_agent",
                                          defaults={"display_name": "压测坐席"})
    user_set_roles(user=agent, roles=["agent"])
    _, token = api_token_create(user=agent, name="bench-boards")
    watchers = []
    for n in range(max(args.clients, args.burst_clients)):
        user, _ = User.objects.get_or_create(username=f"bench_board_{n:02d}",
                                             defaults={"display_name": f"看板{n}"})
        user_set_roles(user=user, roles=["agent"])
        watchers.append(user)
    cookies = [session_cookie(u) for u in watchers]
    load_before = [round(x, 2) for x in os.getloadavg()]
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
    env = server_env()
    asgi = start_asgi(asgi_port, env, output / f"{args.label}.asgi.log")
    try:
        client = Client(http_port, token)
        for _ in range(4 * args.workers):  # warm every worker
            client.call("GET", "/api/v1/tickets/queues/")
            client.call("GET", "/api/v1/boards/desk/")
        results = {} if args.skip_loads else measure_loads(client, args.repeat)
        if args.creations:
            results["frames"] = asyncio.run(measure_frames(
                asgi_port, http_port, token, cookies[:args.clients], args.creations,
                args.spacing))
            log(f"frames: {results['frames']}")
        if args.burst_clients:
            results["burst"] = measure_burst(
                asgi_port, http_port, token, cookies[:args.burst_clients], args.burst_rate,
                args.burst_seconds, args.drain, server.pid, asgi.pid, args.burst_senders,
                args.burst_source, args.redis)
            log(f"burst: {json.dumps(results['burst'], ensure_ascii=False)}")
    finally:
        for process in (server, asgi):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    report = {
        "label": args.label, "date": time.strftime("%Y-%m-%d %H:%M"),
        "database": connection.vendor, "tickets_in_database": tickets, "clocks": clocks,
        "server": f"gunicorn {args.workers} sync workers + uvicorn (ASGI)",
        "realtime": "redis channel layer" if args.redis else "embedded (RealtimeEvent relay, 1 s)",
        "machine": {"cpus": os.cpu_count(), "load_average_before": load_before,
                    "load_average": [round(x, 2) for x in os.getloadavg()]},
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True, cwd=BACKEND).stdout.strip(),
        "results": results,
    }
    if args.redis:  # the cache, channel groups and the tasks queued with no worker: all ours
        import redis

        connection_ = redis.Redis.from_url(args.redis)
        keys = list(connection_.scan_iter("*hitsm-bench-boards*"))
        if keys:
            connection_.delete(*keys)
    (output / f"{args.label}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
