"""Mixed-workload load test (issue 11): Locust, headless, in a second process on loopback, against
gunicorn on a loaded HOSP profile, with the machine's limit reference in the same run.

    cd bench && HITSM_DATA_DIR=/tmp/hitsm-bench100k \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/hitsm_bench100k \\
        REDIS_URL=redis://127.0.0.1:6379/11 \\
        uv run --project ../backend python load.py --label LOAD-HOSP-100K-postgresql

1. Migrates the loaded database (a no-op unless migrations came after generate.py), takes the
   users from the generated dataset — 50 agent sessions over the ``agent…`` accounts (HOSP-100K
   has 30, so some accounts serve two sessions; HOSP-1M has 60) and 150 ``staff…`` requesters —
   and gives each account an API token (``Authorization: Token``, as run.py). Each requester gets
   a pending satisfaction survey on one of their closed tickets; the starter knowledge base is
   loaded if the database has no published article.
2. Starts gunicorn (``--workers`` sync workers, or ``--worker-class gthread --threads N``;
   production settings, DEBUG off) with ``HITSM_BENCH_ENDPOINTS=true`` (the one-query and
   one-INSERT limit views), ``HITSM_SERVER_TIMING=true`` (each answer says how long it spent in
   Django and in the database, so a latency splits into work and waiting) and WeCom configured
   (the fake WeCom's demo keys). With ``REDIS_URL`` set no Celery worker runs: tasks queued by the
   requests (notifications, WeCom processing) stay in Redis and are deleted at the end, so
   answers never include background work.
3. Builds the WeCom callbacks (encrypted and signed, each stamped with its planned send time) and
   runs ``locustfile.py`` headless from a throwaway virtualenv (``--locust-venv``, created with
   uv if missing; locust pinned in ``LOCUST``) for ``--seconds`` after spawning: 50 agents and
   150 requesters at the JSM Data Center reference pace × ``--pace``, the WeCom sender and the
   limit probe.
4. Writes ``results/<label>.json``: per operation n, errors, p50/p95/p99/max, requests/s, the
   ratio of its p50/p95 to the one-query and one-INSERT views measured in the same run, the
   targets and whether each is met; server CPU seconds (and % of one core) and RSS (psutil over
   gunicorn's process tree), the load average before and after.

There is no Alertmanager (monitoring webhook) endpoint in the backend, so none is loaded.
``--smoke``: 8 s, 10 agents and 10 requesters at 20× pace, for CI (HOSP-SMOKE on SQLite).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BACKEND = HERE.parent / "backend"
RESULTS = HERE / "results"
LOCUST = "locust==2.47.0"  # the version the figures in RESULTS.md were taken with
REDIS_PREFIX = "hitsm-bench-load"
WECOM_ENV = {
    "HITSM_WECOM_ENABLED": "true",
    "HITSM_WECOM_CORP_ID": "wwbench000000001",
    "HITSM_WECOM_AGENT_ID": "1000002",
    "HITSM_WECOM_SECRET": "bench-agent-secret",
    "HITSM_WECOM_TOKEN": "benchtoken",
    "HITSM_WECOM_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "HITSM_WECOM_BASE_URL": "http://127.0.0.1:9",  # never WeCom itself (nothing calls out)
}
# The targets (p95, ms) by operation name in locustfile.py
TARGETS = {
    "requester: create": 300.0,
    "requester: create + screenshot": 300.0,
    "agent: queue page": 300.0,
    "agent: ticket detail": 300.0,
    "requester: ticket detail": 300.0,
    "agent: keyword search": 800.0,
    "requester: KB auto-answer": 100.0,
}

os.environ.update({**WECOM_ENV, "HITSM_REDIS_PREFIX": REDIS_PREFIX, "HITSM_BENCH_ENDPOINTS": "true",
                   "HITSM_CELERY_EAGER": "false", "HITSM_SERVER_TIMING": "true"})
sys.path.insert(0, str(HERE))
import run  # noqa: E402  (sets Django up against DATABASE_URL / HITSM_DATA_DIR)
from django.db import connection, transaction  # noqa: E402

from hitsm.accounts.models import ApiToken, User  # noqa: E402
from hitsm.accounts.services import api_token_create  # noqa: E402
from hitsm.knowledge.content import labelled_questions  # noqa: E402
from hitsm.knowledge.models import Article, ArticleStatus  # noqa: E402
from hitsm.knowledge.services import starter_load  # noqa: E402
from hitsm.servicedesk.models import Ticket  # noqa: E402
from hitsm.surveys.models import Survey  # noqa: E402
from hitsm.surveys.services import survey_open  # noqa: E402
from wecom_callback import wait_quiet  # noqa: E402
from workload import PLACES, PROBLEMS  # noqa: E402

OPEN = ["new", "accepted", "assigned", "in_progress", "pending"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def locust_python(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        uv = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
        log(f"creating {venv} with {LOCUST}")
        subprocess.run([uv, "venv", "-q", "-p", "3.11", str(venv)], check=True)
        subprocess.run([uv, "pip", "install", "-q", "--python", str(python), LOCUST], check=True)
    return python


def tokens_for(users: list[User]) -> dict[int, str]:
    ApiToken.objects.filter(user__in=users, name="bench-load").delete()
    return {u.pk: api_token_create(user=u, name="bench-load", expires_in_days=1)[1] for u in users}


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    agents = list(User.objects.filter(username__startswith="agent", is_active=True)
                  .order_by("username")[: args.agents])
    requesters = list(User.objects.filter(username__startswith="staff", is_active=True,
                                          requested_tickets__status="closed")
                      .distinct().order_by("username")[: args.requesters])
    if not agents or not requesters:
        sys.exit("no agent… / staff… users: load a HOSP profile first (generate.py)")
    keys = tokens_for(agents + requesters)
    requester_ids = [u.pk for u in requesters]
    agent_rows = []
    for n in range(args.agents):
        account = agents[n % len(agents)]
        shares = (args.agents - 1 - n % len(agents)) // len(agents) + 1  # sessions on this account
        share = n // len(agents)
        mine = Ticket.objects.filter(assignee=account, status__in=OPEN).exclude(
            requester_id__in=requester_ids)
        working = list(mine.filter(status="in_progress").order_by("id")
                       .values_list("id", flat=True))[share::shares]
        seen = list(mine.order_by("-id").values_list("id", flat=True)[:40])
        agent_rows.append({"username": account.username, "token": keys[account.pk],
                           "tickets": seen or working, "in_progress": working})
    requester_rows = []
    for user in requesters:
        closed = list(Ticket.objects.filter(requester=user, status="closed").exclude(
            channel="monitoring").order_by("-id").values_list("id", flat=True)[:20])
        with transaction.atomic():
            survey = survey_open(ticket=Ticket.objects.get(pk=closed[0]), trigger="resolved")
        if survey is None:  # answered in an earlier run: answering again edits the answer
            survey = Survey.objects.filter(ticket_id=closed[0]).first()
        requester_rows.append({"username": user.username, "token": keys[user.pk],
                               "tickets": closed, "survey": survey.pk if survey else None})
    if not Article.objects.filter(status=ArticleStatus.PUBLISHED).exists():
        log(f"knowledge base: {starter_load()}")
    cis = [f"配置项{n:05d}" for n in range(0, 1000, 7)] + ["B-CI0001", "打印机", "HIS"]
    questions = sorted({q.text for q in labelled_questions()})
    return {"agents": agent_rows, "requesters": requester_rows, "agents_count": args.agents,
            "requesters_count": args.requesters, "keywords": run.KEYWORDS, "ci_terms": cis,
            "kb_questions": questions, "places": PLACES,
            "problems": [[title, description] for _kind, title, description in PROBLEMS],
            "pace": args.pace, "limit_rate": args.limit_rate}


def callbacks(count: int, rate: float, start: float) -> list[list[str]]:
    """Text messages to the bot from the dataset's staff (wecom_userid bench…), each signed with
    the timestamp of its planned send time (WeCom's 300 s freshness window holds all run)."""
    from hitsm.wecom.fake import FakeWeCom

    fake = FakeWeCom(
        corp_id=WECOM_ENV["HITSM_WECOM_CORP_ID"], token=WECOM_ENV["HITSM_WECOM_TOKEN"],
        encoding_aes_key=WECOM_ENV["HITSM_WECOM_AES_KEY"],
        agent_id=int(WECOM_ENV["HITSM_WECOM_AGENT_ID"]), secret=WECOM_ENV["HITSM_WECOM_SECRET"])
    senders = list(User.objects.filter(username__startswith="staff").exclude(wecom_userid="")
                   .order_by("username").values_list("wecom_userid", flat=True)[:300])
    first = secrets.randbelow(2**60) + 2**60
    built = []
    for n in range(count):
        stamp = str(int(start + n / rate))
        place, (_k, title, _d) = PLACES[n % len(PLACES)], PROBLEMS[n % len(PROBLEMS)]
        xml = fake.text_message(senders[n % len(senders)], f"{place}{title}", msg_id=first + n)
        nonce = str(secrets.randbelow(9_000_000_000) + 1_000_000_000)
        encrypted, signature = fake.crypto.seal(xml.encode(), timestamp=stamp, nonce=nonce)
        built.append([f"/wecom/callback?msg_signature={signature}&timestamp={stamp}&nonce={nonce}",
                      fake.envelope(encrypted)])
    return built


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": at(1.0)}


def analyse(raw: dict[str, Any], seconds: float) -> dict[str, Any]:
    operations: dict[str, Any] = {}
    for name, values in sorted(raw["samples"].items()):
        errors = raw["failures"].get(name, [])
        operations[name] = {"n": len(values), "errors": len(errors),
                            "first_errors": sorted(set(errors))[:3],
                            "per_second": round(len(values) / seconds, 2), **percentiles(values)}
        timed = raw.get("timings", {}).get(name)
        if timed:  # the server's own split (Server-Timing): where the client's time went
            operations[name]["server"] = {
                "django": percentiles([t[1] for t in timed]),
                "django_cpu": percentiles([t[2] for t in timed]),
                "database": percentiles([t[3] for t in timed]),
                "waiting": percentiles([max(t[0] - t[1], 0.0) for t in timed])}
    select = operations.get("limit: one-query view")
    insert = operations.get("limit: one-INSERT view")
    for name, row in operations.items():
        for ref_name, ref in (("select", select), ("insert", insert)):
            if ref:
                row[f"p50_x_{ref_name}"] = round(row["p50_ms"] / max(ref["p50_ms"], 0.1), 1)
                row[f"p95_x_{ref_name}"] = round(row["p95_ms"] / max(ref["p95_ms"], 0.1), 1)
        if name in TARGETS:
            row["target_p95_ms"] = TARGETS[name]
            row["target_met"] = row["p95_ms"] <= TARGETS[name] and row["errors"] == 0
    server = raw["server"]
    cpu = round(server[-1]["cpu_s"] - server[0]["cpu_s"], 1) if len(server) > 1 else None
    span = server[-1]["t"] - server[0]["t"] if len(server) > 1 else 0
    everything = [v for name, values in raw["samples"].items() for v in values
                  if not name.startswith("limit:")]
    overall = percentiles(everything) if everything else {}
    return {
        "operations": operations,
        # the sustained-load target: p99 of every user and WeCom request (not the probes) ≤ 1 s
        "all_requests": {**overall, "target_p99_ms": 1000.0,
                         "target_met": bool(overall) and overall["p99_ms"] <= 1000.0},
        "requests": sum(r["n"] for r in operations.values()),
        "errors": sum(r["errors"] for r in operations.values()),
        "requests_per_second": round(sum(r["n"] for r in operations.values()) / seconds, 1),
        "server": {
            "cpu_seconds": cpu,
            "cpu_percent_of_one_core": round(100 * cpu / span, 1) if cpu and span else None,
            "rss_mb_max": round(max((s["rss_mb"] for s in server), default=0), 1),
            "rss_mb_last": round(server[-1]["rss_mb"], 1) if server else None,
            "samples": len(server)},
        "machine_cpu_percent_mean": raw["machine_cpu_percent_mean"],
    }


def warm(port: int, data: dict[str, Any], workers: int, limit_s: float = 180.0) -> None:
    """Every worker's first requests load the URLconf, jieba's dictionary, the knowledge index:
    seconds each on a busy machine. Rounds of concurrent requests (so that every worker takes
    some) until a whole round answers within a second, at least three rounds."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import quote

    token = data["agents"][0]["token"]
    ticket = data["agents"][0]["tickets"][0]
    paths = ["/api/v1/bench/select/", "/api/v1/tickets/queues/", f"/api/v1/tickets/{ticket}/",
             f"/api/v1/tickets/?q={quote('打印机')}&page_size=20", "/api/v1/boards/home/"]

    def one(n: int) -> float:
        client = run.Client(port, token)
        started = time.perf_counter()
        client.call("GET", paths[n % len(paths)])
        if n % 3 == 0:
            client.call("POST", "/api/v1/knowledge/answer/", {"question": "打印机卡纸"})
        return time.perf_counter() - started

    began, rounds = time.monotonic(), 0
    with ThreadPoolExecutor(2 * workers) as pool:
        while time.monotonic() - began < limit_s:
            slowest = max(pool.map(one, range(4 * workers)))
            rounds += 1
            if rounds >= 3 and slowest < 1.0:
                break
    log(f"warmed in {time.monotonic() - began:.0f} s ({rounds} rounds, last slowest "
        f"{slowest:.2f} s)")


# locustfile.py's requesters: create + create with a screenshot are 16 of 100 actions an hour
CREATE_SHARE = 16 / 100
WORKING_HOURS_PER_YEAR = 250 * 8  # 250 working days of 8 hours
PEAK_FACTOR = 3.0  # the busiest hour (Monday 08:00–09:00) against a working hour's average


def creations_per_hour_at_pace_1(args: argparse.Namespace) -> float:
    return args.requesters * 100 * CREATE_SHARE


def dataset_peak_rate() -> dict[str, float]:
    """The request rate the loaded history stands for: its tickets a year, as if all were created
    in working hours (250 days × 8 h), times PEAK_FACTOR for the busiest hour. HOSP-1M: 1,000,000
    tickets in 5 years → 100 an hour on average in working hours → 300 in the peak hour."""
    from django.db.models import Max, Min

    span = Ticket.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    count = Ticket.objects.count()
    years = max((span["last"] - span["first"]).days / 365.25, 1 / 365.25) if count else 1.0
    working = count / years / WORKING_HOURS_PER_YEAR
    return {"tickets": count, "years": round(years, 2),
            "working_hour_creations": round(working, 1),
            "peak_creations_per_hour": round(working * PEAK_FACTOR, 1),
            "peak_factor": PEAK_FACTOR}


def server_kind(args: argparse.Namespace) -> str:
    if args.worker_class == "gthread":
        return f"{args.workers} gthread workers × {args.threads} threads"
    return f"{args.workers} sync workers"


def start_background(args: argparse.Namespace, output: Path) -> list[subprocess.Popen[bytes]]:
    """A Celery worker and beat against the same database and Redis, as in production
    (deploy/systemd/hitsm-worker.service, hitsm-beat.service), so that notifications, WeCom
    processing and the SLA scanner compete for the same two cores."""
    env = run.server_env()
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    commands = {
        "worker": [*celery, "worker", "--concurrency", str(args.worker_concurrency),
                   "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        "beat": [*celery, "beat", "--loglevel", "WARNING"],
    }
    started = []
    for name, command in commands.items():
        log_file = (output / f"{args.label}.{name}.log").open("wb")
        started.append(subprocess.Popen(command, cwd=BACKEND, env=env, stdout=log_file,
                                        stderr=subprocess.STDOUT, start_new_session=True))
    log(f"celery worker (--concurrency {args.worker_concurrency}) and beat started")
    return started


def clear_backlog() -> dict[str, int | None]:
    """Before a run with a worker: the notifications that earlier runs without one left pending
    (their tasks were dropped) are marked failed, and leftover queued tasks are dropped, so the
    worker's CPU in this run is this run's work, not a drain of old backlog."""
    from hitsm.notifications.models import DeliveryStatus, Notification

    stale = Notification.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]).update(
        status=DeliveryStatus.FAILED)
    found = {"stale_notifications_marked_failed": stale, "queued_tasks_dropped": drop_queued_tasks()}
    log(f"backlog from earlier runs cleared: {found}")
    return found


def drop_queued_tasks() -> int | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    import redis

    client = redis.Redis.from_url(url)
    keys = [k for k in client.scan_iter(f"*{REDIS_PREFIX}*")]
    queued = int(client.llen(REDIS_PREFIX)) if client.exists(REDIS_PREFIX) else 0
    if keys:
        client.delete(*keys)
    return queued


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--label", required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--seconds", type=float, default=180.0, help="measured, after spawning")
    parser.add_argument("--pace", type=float, default=1.0,
                        help="× the JSM reference pace (100 actions per user and hour)")
    parser.add_argument("--with-worker", action="store_true",
                        help="run a Celery worker and beat as production does (their CPU is "
                             "counted); without, queued tasks wait and are dropped after the run")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--times-peak", type=float, default=None, metavar="N",
                        help="set the pace to N × the dataset's peak hour of creations "
                             "(see dataset_peak_rate); overrides --pace")
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--requesters", type=int, default=150)
    parser.add_argument("--callback-rate", type=float, default=0.5,
                        help="WeCom callbacks per second at pace 1 (× --pace); 0: none")
    parser.add_argument("--limit-rate", type=float, default=2.0,
                        help="limit-probe requests per second (half one-query, half INSERT)")
    parser.add_argument("--spawn-rate", type=float, default=20.0)
    parser.add_argument("--locust-venv", default="/tmp/hitsm-locust")
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--wait-quiet", type=float, default=None, metavar="PERCENT",
                        help="before the run, wait until the machine is less busy than this")
    parser.add_argument("--wait-minutes", type=float, default=10.0)
    parser.add_argument("--smoke", action="store_true",
                        help="8 s, 10 agents, 10 requesters at 20× pace (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.agents, args.requesters, args.pace = 8.0, 10, 10, 20.0
        args.workers, args.spawn_rate = 2, 50.0
    args.server_debug = False

    peak = dataset_peak_rate()
    if args.times_peak:
        args.pace = round(args.times_peak * peak["peak_creations_per_hour"]
                          / creations_per_hour_at_pace_1(args), 3)
        log(f"pace ×{args.pace}: {args.times_peak} × the dataset's peak hour "
            f"({peak['peak_creations_per_hour']:.0f} creations/h)")
    python = locust_python(Path(args.locust_venv))
    subprocess.run([sys.executable, str(BACKEND / "manage.py"), "migrate", "-v0"], check=True,
                   cwd=BACKEND)
    tickets_before = Ticket.objects.count()
    data = prepare(args)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    port = run.free_port()
    load_before = run.load_average()
    log(f"load average {load_before}; starting gunicorn ({server_kind(args)})")
    server = run.start_server(port, args, output / f"{args.label}.server.log")
    backlog = clear_backlog() if args.with_worker else None
    background = start_background(args, output) if args.with_worker else []
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"hitsm-load-{args.label}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        warm(port, data, args.workers)
        busy_before = wait_quiet(args.wait_quiet, args.wait_minutes)
        rate = args.callback_rate * args.pace
        spawn = (args.agents + args.requesters + 20) / args.spawn_rate
        data["callback_rate"] = rate
        data["callbacks"] = (callbacks(int(rate * (args.seconds + spawn + 10)) + 1, rate,
                                       time.time() + 5) if rate else [])
        data["server_pid"] = server.pid
        (work / "data.json").write_text(json.dumps(data, ensure_ascii=False))
        users = args.agents + args.requesters + 10 + (10 if data["callbacks"] else 0)  # SPREAD
        command = [str(python), "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
                   "--host", f"http://127.0.0.1:{port}", "-u", str(users), "-r",
                   str(args.spawn_rate), "-t", f"{int(args.seconds + spawn)}s", "--only-summary",
                   "--stop-timeout", "10", "--loglevel", "WARNING"]
        log(f"locust: {users} users for {args.seconds:.0f} s after {spawn:.0f} s of spawning, "
            f"pace ×{args.pace}, {len(data['callbacks'])} WeCom callbacks at {rate}/s")
        env = dict(os.environ, HITSM_LOAD_DATA=str(work / "data.json"),
                   HITSM_LOAD_RESULT=str(work / "result.json"))
        load_before = run.load_average()
        servers, databases = run.server_pids(server.pid), run.postgres_pids()
        celery = [pid for process in background for pid in run.server_pids(process.pid)]
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_before = (run.cpu_seconds(servers), run.cpu_seconds(databases),
                      run.cpu_seconds(celery), run.machine_busy_seconds(), time.monotonic())
        with (output / f"{args.label}.locust.log").open("wb") as locust_log:
            subprocess.run(command, env=env, stdout=locust_log, stderr=subprocess.STDOUT,
                           timeout=args.seconds + spawn + 120)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = [round(b - a, 1) for a, b in zip(cpu_before, (
            run.cpu_seconds(servers), run.cpu_seconds(databases), run.cpu_seconds(celery),
            run.machine_busy_seconds(), time.monotonic()), strict=True)]
        locust_cpu = round(after.ru_utime + after.ru_stime - children.ru_utime
                           - children.ru_stime, 1)
        # PostgreSQL's backends come and go (connections live 60 s): those that did not live
        # through the whole run are counted under "other".
        cpu_split = {"server": used[0], "postgresql_long_lived": max(used[1], 0.0),
                     "celery_worker_and_beat": used[2], "locust": locust_cpu,
                     "other": round(used[3] - used[0] - max(used[1], 0.0) - used[2]
                                    - locust_cpu, 1),
                     "available": round((os.cpu_count() or 1) * used[4], 1),
                     "machine_busy_percent_before": busy_before}
        load_after = run.load_average()
    finally:
        for process in [server, *background]:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    raw = json.loads((work / "result.json").read_text())
    measured = raw["ended"] - raw["began"]
    results = analyse(raw, measured)
    report = {
        "label": args.label, "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "database": connection.vendor, "tickets_in_database": tickets_before,
        "server": f"gunicorn {server_kind(args)}", "redis": bool(os.environ.get("REDIS_URL")),
        "users": {"agents": args.agents, "agent_accounts": len({a["username"] for a in data["agents"]}),
                  "requesters": args.requesters, "wecom_callbacks_per_second": rate,
                  "limit_probe_per_second": args.limit_rate},
        "pace": args.pace, "times_peak": args.times_peak, "dataset_rate": peak,
        "creations_per_hour_at_this_pace": round(creations_per_hour_at_pace_1(args) * args.pace),
        "measured_seconds": round(measured, 1),
        "load_average_before": load_before, "load_average_after": load_after,
        "cpu_seconds_during_run": cpu_split,
        "celery": (f"worker (--concurrency {args.worker_concurrency}) and beat running"
                   if args.with_worker else "no worker: queued tasks dropped after the run"),
        "backlog_cleared_before": backlog,
        "celery_tasks_left_queued": drop_queued_tasks(),
        "alertmanager": "no such endpoint in the backend; not loaded",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "kernel": platform.release()},
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True, cwd=BACKEND).stdout.strip(),
        "locust": LOCUST, "results": results}
    (output / f"{args.label}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print_table(report)
    if results["errors"]:
        sys.exit(f"{results['errors']} requests failed; see {output / (args.label + '.json')}")
    untimed = [name for name, row in results["operations"].items() if "server" not in row]
    if untimed:  # the split into work and waiting is the point of the run: its absence is a fault
        sys.exit(f"no Server-Timing header on {', '.join(untimed)}")


def print_table(report: dict[str, Any]) -> None:
    results = report["results"]
    print(f"\n## {report['label']} ({report['tickets_in_database']:,} tickets, {report['database']},"
          f" {report['server']}, pace ×{report['pace']}, {report['measured_seconds']} s)\n")
    print("| operation | n | errors | p50 ms | p95 ms | p99 ms | in Django p50 / p95 | waiting p95 "
          "| p50 ÷ 1-query | p95 ÷ 1-INSERT | target p95 | met |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, row in results["operations"].items():
        target = row.get("target_p95_ms", "—")
        met = {True: "yes", False: "**no**"}.get(row.get("target_met"), "—")  # type: ignore[call-overload]
        split = row.get("server")
        django = f"{split['django']['p50_ms']} / {split['django']['p95_ms']}" if split else "—"
        waiting = split["waiting"]["p95_ms"] if split else "—"
        print(f"| {name} | {row['n']} | {row['errors']} | {row['p50_ms']} | {row['p95_ms']} | "
              f"{row['p99_ms']} | {django} | {waiting} | {row.get('p50_x_select', '—')} | "
              f"{row.get('p95_x_insert', '—')} | {target} | {met} |")
    overall = results["all_requests"]
    if overall.get("p99_ms") is not None:
        print(f"\nAll user and WeCom requests: p50 {overall['p50_ms']} / p95 {overall['p95_ms']} / "
              f"p99 {overall['p99_ms']} / max {overall['max_ms']} ms (p99 ≤ 1,000 ms: "
              f"{'met' if overall['target_met'] else 'NOT met'})")
    server = results["server"]
    print(f"\n{results['requests']} requests, {results['requests_per_second']}/s, "
          f"{results['errors']} errors; server CPU {server['cpu_seconds']} s "
          f"({server['cpu_percent_of_one_core']} % of one core), RSS max {server['rss_mb_max']} MB;"
          f" machine CPU {results['machine_cpu_percent_mean']} %; load average "
          f"{report['load_average_before']} → {report['load_average_after']}")
    print(f"CPU seconds during the run: {report['cpu_seconds_during_run']}")


if __name__ == "__main__":
    main()
