"""WeCom callback benchmark (issue 9): the answer time of ``POST /wecom/callback`` under an
open-loop load of 50 callbacks/s for 60 s, against a production-like server on loopback.

    cd bench && uv run --project ../backend python wecom_callback.py --label postgresql
    cd bench && uv run --project ../backend python wecom_callback.py --label smoke --smoke

Target: callback answer p99 < 200 ms at 50 callbacks/s for 60 s.

1. Creates an empty PostgreSQL database (``hitsm_bench_wecom``; dropped again at the end unless
   ``--keep-db``), migrates it and adds 200 staff with a WeCom account (the callback looks the
   sender up). ``--smoke``: 5 s at 10/s on SQLite in a temporary data directory, no Redis.
2. Starts gunicorn (4 sync workers, production settings: DEBUG off) with WeCom configured from the
   environment (``HITSM_WECOM_*``, the fake WeCom's demo keys) and Redis as cache and Celery
   broker. **No Celery worker runs**: each stored callback's ``process_inbound`` task is published
   to Redis on commit (part of the answer, as in production) and stays queued, so the answer
   time never includes the processing; the queue length is checked against the rows stored and
   then deleted.
3. Limit reference: ``GET /api/v1/system/health/?public=1`` (``SELECT 1``, a cache set/get in
   Redis and the heartbeat query, behind the same stack) at the same rate for the same time.
4. Builds every callback before its phase (distinct MsgIds, text from 200 senders, encrypted and
   signed with the fake WeCom's ``MessageCrypto``, timestamp = build time, so WeCom's 300 s
   freshness window holds) and sends them open-loop: request *i* is due at start + i / rate and
   is handed to a pool of 128 threads at that moment, one new connection each (gunicorn's sync
   workers close every connection, as behind a proxy). Latency runs from the *planned* send time
   to the end of the answer, so queueing anywhere (client pool, listen backlog, workers) counts
   — no coordinated omission.
5. Retries: 10 callbacks sent twice in a row, and 10 sent twice at the same moment; every answer
   must be 200 and each stored once.

Reports p50/p95/p99/max, errors, throughput, rows stored vs sent, tasks queued, CPU seconds (server,
PostgreSQL, Redis, load generator, everything else) and the server's RSS (sum over the gunicorn
processes, sampled every second; from /proc). Writes ``results/wecom-callback-<label>.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

BACKEND = Path(__file__).resolve().parent.parent / "backend"
RESULTS = Path(__file__).resolve().parent / "results"
sys.path.insert(0, str(BACKEND))

PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/hitsm_bench_wecom"
REDIS_DEFAULT = "redis://127.0.0.1:6379/13"
REDIS_PREFIX = "hitsm-bench-wecom"  # cache keys and the Celery queue's name
SECRET_KEY = "bench-wecom-" + "x" * 40
SENDERS = 200
TARGET_P99_MS = 200.0
WECOM_TIMEOUT_S = 5.0  # WeCom gives up on an answer after 5 s and retries
TEXTS = [
    "门诊3楼打印机卡纸，处方打不出来", "急诊分诊台电脑蓝屏了", "HIS登录不上，提示密码错误",
    "检验科条码打印机不出纸", "病房腕带打印机打出来是空白", "PACS看不了片子，一直转圈",
    "医保卡读卡器读不出卡", "护士站Wi-Fi连不上", "叫号屏黑屏", "电子病历保存很慢",
]  # fmt: skip


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- the database and the environment (before Django starts) -----------------------------------


def pg_database(url: str, *, drop: bool) -> None:
    """Create (or, with ``drop``, remove) the database named in ``url``."""
    import psycopg
    from psycopg import sql

    parts = url.rsplit("/", 1)
    name = parts[1].split("?", 1)[0]
    with psycopg.connect(parts[0] + "/postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def environment(args: argparse.Namespace) -> dict[str, str]:
    """What both this process and the server run with."""
    env = {
        "HITSM_DATA_DIR": args.data_dir,
        "HITSM_SECRET_KEY": SECRET_KEY,
        "HITSM_REDIS_PREFIX": REDIS_PREFIX,
        "HITSM_CELERY_EAGER": "false",
        "HITSM_WECOM_ENABLED": "true",
        "HITSM_WECOM_CORP_ID": "wwbench000000001",
        "HITSM_WECOM_AGENT_ID": "1000002",
        "HITSM_WECOM_SECRET": "bench-agent-secret",
        "HITSM_WECOM_TOKEN": "benchtoken",
        "HITSM_WECOM_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        "HITSM_WECOM_BASE_URL": "http://127.0.0.1:9",  # never WeCom itself (nothing calls it)
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


# -- measuring the machine ---------------------------------------------------------------------


def pids_of(parent: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True)
    return [parent, *map(int, children.stdout.split())]


def pids_named(name: str) -> list[int]:
    found = subprocess.run(["pgrep", "-x", name], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def postgres_pids() -> list[int]:
    found = subprocess.run(["pgrep", "-u", "postgres"], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def machine_busy_seconds() -> float:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


class Meter:
    """CPU seconds per party over a phase, and the server's RSS sampled every second."""

    def __init__(self, server_pid: int, db_name: str | None) -> None:
        self.server_pid, self.db_name = server_pid, db_name
        self.backends: dict[int, list[float]] = {}  # pid: [CPU seconds at first sight, last]
        self._running = False
        self.rss: list[float] = []
        self._stop = threading.Event()

    def _parties(self) -> dict[str, list[int]]:
        return {"server": pids_of(self.server_pid), "redis": pids_named("redis-server")}

    def _backends(self) -> None:
        """CPU seconds so far of each PostgreSQL backend serving the bench database. Django
        reconnects every 60 s (CONN_MAX_AGE), so backends come and go during a phase: they are
        found by their process title (``postgres: user database host(port) state``) every
        second; a backend that exits loses at most its last second."""
        if not self.db_name:
            return
        for pid in postgres_pids():
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if f" {self.db_name} " in title:
                seconds = cpu_seconds([pid])
                # a backend first seen after the start began during the phase: all of it counts
                first = seconds if not self._running else 0.0
                self.backends.setdefault(pid, [first, seconds])[1] = seconds

    def _sample(self) -> None:
        while not self._stop.wait(1.0):
            self.rss.append(rss_mb(pids_of(self.server_pid)))
            self._backends()

    def __enter__(self) -> Meter:
        self.parties = self._parties()
        self.before = {name: cpu_seconds(p) for name, p in self.parties.items()}
        self.before["load_generator"] = time.process_time()
        self.before["machine"] = machine_busy_seconds()
        self.load_before = [round(x, 2) for x in os.getloadavg()]
        self.started = time.monotonic()
        self.rss = [rss_mb(self.parties["server"])]
        self._running = False
        self._backends()
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.elapsed = time.monotonic() - self.started
        self._backends()
        after = {name: cpu_seconds(p) for name, p in self.parties.items()}
        after["load_generator"] = time.process_time()
        after["machine"] = machine_busy_seconds()
        used = {name: after[name] - self.before[name] for name in after}
        if self.db_name:
            used["postgresql"] = sum(last - first for first, last in self.backends.values())
        self.rss.append(rss_mb(pids_of(self.server_pid)))
        ours = sum(v for k, v in used.items() if k != "machine")
        self.report = {
            "seconds": round(self.elapsed, 1),
            "cpu_seconds": {
                **{k: round(v, 2) for k, v in used.items() if k != "machine"},
                "other": round(used["machine"] - ours, 2),
                "available": round((os.cpu_count() or 1) * self.elapsed, 1),
            },
            # % of one core; the machine has os.cpu_count() of them
            "server_cpu_percent": round(100 * used["server"] / self.elapsed, 1),
            "machine_busy_percent": round(
                100 * used["machine"] / ((os.cpu_count() or 1) * self.elapsed), 1
            ),
            "server_rss_mb": {"start": self.rss[0], "max": max(self.rss), "end": self.rss[-1]},
            "server_processes": len(self.parties["server"]),
            "postgresql_backends_seen": len(self.backends),
            "load_average_before": self.load_before,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }


def wait_quiet(limit: float | None, max_minutes: float) -> float | None:
    """Wait until the machine is less than ``limit`` % busy over 5 s (the idle server included),
    for at most ``max_minutes``; the last reading."""
    if limit is None:
        return None
    deadline = time.monotonic() + 60 * max_minutes
    while True:
        before = machine_busy_seconds()
        time.sleep(5)
        busy = 100 * (machine_busy_seconds() - before) / (5 * (os.cpu_count() or 1))
        if busy < limit or time.monotonic() > deadline:
            log(f"machine {busy:.0f} % busy" + ("" if busy < limit else "; waited long enough"))
            return round(busy, 1)
        log(f"machine {busy:.0f} % busy (others' work); waiting for < {limit:g} %")


# -- HTTP -----------------------------------------------------------------------------------------


Request = tuple[str, str, bytes | None, dict[str, str]]  # method, path, body, headers


def send(port: int, request: Request, timeout: float = 30.0) -> tuple[int, bytes, float]:
    """One request on a fresh connection: (status, body, seconds); status 599 when it failed."""
    method, path, body, headers = request
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        status = response.status
    except (http.client.HTTPException, OSError) as exc:
        status, data = 599, repr(exc).encode()
    finally:
        conn.close()
    return status, data, time.perf_counter() - started


def open_loop(
    port: int, requests: list[Request], rate: float, threads: int = 128
) -> dict[str, Any]:
    """Send request i at start + i / rate whatever the earlier ones are doing; latency from the
    planned time (queueing included), service time from the moment the request left."""
    results: list[tuple[int, bytes, float, float, float]] = []  # status, body, planned, sent, done
    lock = threading.Lock()

    def fire(request: Request, planned: float) -> None:
        sent = time.perf_counter()
        status, body, _seconds = send(port, request)
        done = time.perf_counter()
        with lock:
            results.append((status, body, planned, sent, done))

    with ThreadPoolExecutor(threads) as pool:
        start = time.perf_counter() + 0.2
        late = 0.0
        for i, request in enumerate(requests):
            planned = start + i / rate
            wait = planned - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            else:
                late = max(late, -wait)
            pool.submit(fire, request, planned)
    end = max(r[4] for r in results)
    latencies = [(r[4] - r[2]) * 1000 for r in results]
    service = [(r[4] - r[3]) * 1000 for r in results]
    statuses: dict[str, int] = {}
    for r in results:
        statuses[str(r[0])] = statuses.get(str(r[0]), 0) + 1
    ok = [r for r in results if r[0] == 200]
    return {
        "planned_rate_per_s": rate,
        "sent": len(requests),
        "answered": len(results),
        "statuses": statuses,
        "errors": len(results) - len(ok),
        "answers_with_body": sum(1 for r in ok if r[1]),
        "over_5s": sum(1 for ms in latencies if ms > WECOM_TIMEOUT_S * 1000),
        "throughput_per_s": round(len(ok) / (end - start), 1),
        "latency_ms": percentiles(latencies),
        "service_ms": percentiles(service),  # from the actual send (no client-side queueing)
        "scheduler_max_lag_ms": round(late * 1000, 1),
    }


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "n": len(ordered),
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": round(ordered[-1], 1),
        "mean": round(statistics.fmean(ordered), 1),
    }


def start_server(
    port: int, args: argparse.Namespace, env: dict[str, str], log_file: Path
) -> subprocess.Popen[bytes]:
    server_env = {
        key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")
    }
    server_env.update(
        env, HITSM_DEBUG="false", HITSM_ALLOWED_HOSTS="127.0.0.1", HITSM_LOG_LEVEL="WARNING"
    )
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--worker-class", "sync", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=BACKEND, env=server_env, stdout=log_file.open("wb"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.time() + 90
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited; see {log_file}")
        status, _, _ = send(port, health_request(), timeout=5)
        if status == 200:
            return process
        time.sleep(0.3)
    raise RuntimeError(f"server did not answer its health check; see {log_file}")


def health_request() -> Request:
    return ("GET", "/api/v1/system/health/?public=1", None, {"Accept": "application/json"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True, help="results/wecom-callback-<label>.json")
    parser.add_argument("--rate", type=float, help="callbacks per second (50; smoke 10)")
    parser.add_argument("--seconds", type=float, help="length of each phase (60; smoke 5)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--smoke", action="store_true", help="5 s at 10/s on SQLite, no Redis")
    parser.add_argument(
        "--database-url",
        help=f"PostgreSQL database to create, use and drop "
        f"(default {PG_DEFAULT}; smoke: SQLite in the data directory)",
    )
    parser.add_argument(
        "--redis-url", help=f"cache and Celery broker (default {REDIS_DEFAULT}; smoke: none)"
    )
    parser.add_argument("--data-dir", help="HITSM_DATA_DIR (default: a new temporary directory)")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database after")
    parser.add_argument("--no-reference", action="store_true", help="skip the limit reference")
    parser.add_argument("--output", default=str(RESULTS), help="folder for the JSON and log")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        metavar="PERCENT",
        help="before each phase, wait until the machine is less busy than this",
    )
    parser.add_argument("--wait-minutes", type=float, default=20, help="longest wait (20)")
    args = parser.parse_args()
    args.rate = args.rate or (10.0 if args.smoke else 50.0)
    args.seconds = args.seconds or (5.0 if args.smoke else 60.0)
    if not args.smoke:
        args.database_url = args.database_url or PG_DEFAULT
        args.redis_url = args.redis_url or REDIS_DEFAULT
    args.data_dir = args.data_dir or tempfile.mkdtemp(prefix="hitsm-bench-wecom-")
    env = environment(args)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("HITSM_DEBUG", "true")
    postgres = bool(args.database_url and args.database_url.startswith("postgres"))
    if postgres:
        pg_database(args.database_url, drop=False)
    try:
        run(args, env)
    finally:
        if postgres and not args.keep_db:
            from django.db import connections

            connections.close_all()
            pg_database(args.database_url, drop=True)


def run(args: argparse.Namespace, env: dict[str, str]) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from hitsm.accounts.models import User
    from hitsm.wecom.fake import FakeWeCom
    from hitsm.wecom.models import InboundMessage

    started = time.monotonic()
    subprocess.run([sys.executable, str(BACKEND / "manage.py"), "migrate", "-v0"], check=True,
                   cwd=BACKEND, env=dict(os.environ))  # fmt: skip
    log(f"migrated {connection.vendor} in {time.monotonic() - started:.1f} s")
    User.objects.bulk_create(
        User(username=f"wecom_staff_{n:03d}", display_name=f"员工{n:03d}", password="!",
             wecom_userid=f"staff{n:03d}")
        for n in range(SENDERS)
    )  # fmt: skip
    fake = FakeWeCom(
        corp_id=env["HITSM_WECOM_CORP_ID"], token=env["HITSM_WECOM_TOKEN"],
        encoding_aes_key=env["HITSM_WECOM_AES_KEY"], agent_id=int(env["HITSM_WECOM_AGENT_ID"]),
        secret=env["HITSM_WECOM_SECRET"],
    )  # fmt: skip
    next_msg_id = [secrets.randbelow(2**60) + 2**60]

    def callback(n: int, timestamp: str) -> tuple[Request, str]:
        msg_id = next_msg_id[0]
        next_msg_id[0] += 1
        xml = fake.text_message(f"staff{n % SENDERS:03d}", TEXTS[n % len(TEXTS)], msg_id=msg_id)
        nonce = str(secrets.randbelow(9_000_000_000) + 1_000_000_000)
        encrypted, signature = fake.crypto.seal(xml.encode(), timestamp=timestamp, nonce=nonce)
        path = f"/wecom/callback?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}"
        headers = {"Content-Type": "text/xml; charset=utf-8"}
        return ("POST", path, fake.envelope(encrypted).encode(), headers), f"msg:{msg_id}"

    def build(count: int) -> tuple[list[Request], list[str]]:
        timestamp = str(int(time.time()))
        built = [callback(n, timestamp) for n in range(count)]
        return [b[0] for b in built], [b[1] for b in built]

    def stored(keys: list[str]) -> int:
        return sum(
            InboundMessage.objects.filter(dedupe_key__in=keys[i : i + 1000]).count()
            for i in range(0, len(keys), 1000)
        )

    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    name = f"wecom-callback-{args.label}"
    pg_name = (
        str(settings.DATABASES["default"]["NAME"]) if connection.vendor == "postgresql" else None
    )
    port = free_port()
    server = start_server(port, args, env, output / f"{name}.server.log")
    results: dict[str, Any] = {}
    try:
        log(f"server up on :{port} ({args.workers} sync workers); warming every worker")
        warm, warm_keys = build(12 * args.workers)
        with ThreadPoolExecutor(args.workers * 2) as pool:
            warm_statuses = list(
                pool.map(lambda r: send(port, r)[0], warm + [health_request()] * 12 * args.workers)
            )
        if any(status != 200 for status in warm_statuses):
            raise RuntimeError(f"warm-up failed: {sorted(set(warm_statuses))}; see the server log")
        total = int(args.rate * args.seconds)
        if not args.no_reference:
            quiet = wait_quiet(args.wait_quiet, args.wait_minutes)
            log(f"limit reference: {total} × health at {args.rate:g}/s")
            with Meter(server.pid, pg_name) as meter:
                results["limit_reference_health"] = open_loop(
                    port, [health_request()] * total, args.rate
                )
            results["limit_reference_health"]["machine"] = meter.report
            results["limit_reference_health"]["machine"]["busy_percent_just_before"] = quiet
            log(f"  {results['limit_reference_health']['latency_ms']}")
        quiet = wait_quiet(args.wait_quiet, args.wait_minutes)
        started = time.perf_counter()
        requests, keys = build(total)
        build_s = time.perf_counter() - started
        log(f"built {total} encrypted callbacks in {build_s:.2f} s; sending at {args.rate:g}/s")
        with Meter(server.pid, pg_name) as meter:
            phase = open_loop(port, requests, args.rate)
        phase["machine"] = meter.report
        phase["machine"]["busy_percent_just_before"] = quiet
        phase["build_seconds"] = round(build_s, 2)
        phase["rows_stored"] = stored(keys)
        results["callback"] = phase
        log(f"  {phase['latency_ms']}; errors {phase['errors']}; stored {phase['rows_stored']}")
        results["duplicates"] = duplicates(port, build, stored)
        log(f"duplicates: {results['duplicates']}")
        results["rows_total"] = InboundMessage.objects.count()
        results["rows_expected"] = len(warm_keys) + total + 20
        results["tasks_queued"] = queued(args.redis_url)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    callback_phase = results["callback"]
    p99 = callback_phase["latency_ms"]["p99"]
    met = (
        p99 < TARGET_P99_MS
        and callback_phase["errors"] == 0
        and callback_phase["rows_stored"] == total
        and callback_phase["throughput_per_s"] >= 0.98 * args.rate
        and results["duplicates"]["ok"]
    )
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=BACKEND).stdout.strip()  # fmt: skip
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "."], capture_output=True,
                           text=True, cwd=BACKEND).stdout.strip()  # fmt: skip
    report = {
        "label": args.label,
        "date": time.strftime("%Y-%m-%d %H:%M %z"),
        "commit": commit + ("+uncommitted backend changes" if dirty else ""),
        "target": f"callback answer p99 < {TARGET_P99_MS:g} ms at 50/s for 60 s",
        "verdict": "smoke, not judged" if args.smoke else ("met" if met else "not met"),
        "smoke": args.smoke,
        "database": f"{connection.vendor} (empty, migrated: {pg_name or 'SQLite'})",
        "redis": args.redis_url or None,
        "celery": ("broker Redis, no worker: tasks stay queued" if args.redis_url
                   else "filesystem broker, no worker: tasks stay queued"),
        "server": f"gunicorn {args.workers} sync workers, WSGI, DEBUG off",
        "load_generator": "same machine, one process, open loop, 128 threads, "
                          "a new connection per request",
        "rate_per_s": args.rate,
        "seconds": args.seconds,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "kernel": platform.release()},
        "results": results,
    }  # fmt: skip
    path = output / f"{name}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print_table(report)
    log(f"written {path}")
    if callback_phase["errors"] or not results["duplicates"]["ok"]:
        sys.exit("callbacks failed; see " + str(output / f"{name}.server.log"))


def duplicates(port: int, build: Any, stored: Any) -> dict[str, Any]:
    """10 callbacks sent twice in a row (WeCom's retry) and 10 sent twice at once (a retry that
    overtakes a slow first answer): all 200, each stored once."""
    requests, keys = build(20)
    statuses, ms = [], []
    for request in requests[:10]:
        for _ in range(2):
            status, _, seconds = send(port, request)
            statuses.append(status)
            ms.append(seconds * 1000)
    with ThreadPoolExecutor(2) as pool:
        for request in requests[10:]:
            for status, _, seconds in pool.map(lambda r: send(port, r), [request, request]):
                statuses.append(status)
                ms.append(seconds * 1000)
    sequential, simultaneous = stored(keys[:10]), stored(keys[10:])
    return {
        "callbacks": 20, "requests": len(statuses),
        "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "rows_sequential_retries": sequential, "rows_simultaneous_pairs": simultaneous,
        "max_ms": round(max(ms), 1),
        "ok": all(s == 200 for s in statuses) and sequential == 10 and simultaneous == 10,
    }  # fmt: skip


def queued(redis_url: str | None) -> int | None:
    """Tasks left in the Celery queue (nobody consumes it); the queue is deleted afterwards."""
    if not redis_url:
        return None
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = [k for k in client.scan_iter(f"{REDIS_PREFIX}*") if client.type(k) == b"list"]
    count = sum(int(client.llen(k)) for k in keys)  # type: ignore[misc,arg-type]
    for key in client.scan_iter(f"*{REDIS_PREFIX}*"):
        client.delete(key)
    client.delete("_kombu.binding." + REDIS_PREFIX)
    return count


def print_table(report: dict[str, Any]) -> None:
    results = report["results"]
    print(f"\n## WeCom callback, {report['rate_per_s']:g}/s for {report['seconds']:g} s "
          f"({report['database']}, {report['server']}) — {report['verdict']}\n")  # fmt: skip
    print("| phase | sent | errors | throughput /s | p50 | p95 | p99 | max ms | server CPU % | "
          "server RSS max MB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in ("limit_reference_health", "callback"):
        if name not in results:
            continue
        row = results[name]
        lat, machine = row["latency_ms"], row["machine"]
        print(f"| {name} | {row['sent']} | {row['errors']} | {row['throughput_per_s']} | "
              f"{lat['p50']} | {lat['p95']} | {lat['p99']} | {lat['max']} | "
              f"{machine['server_cpu_percent']} | {machine['server_rss_mb']['max']} |")  # fmt: skip
    callback = results["callback"]
    print(f"\nrows stored {callback['rows_stored']} of {callback['sent']}; tasks queued (all "
          f"phases): {results['tasks_queued']}; rows in total {results['rows_total']} "
          f"(expected {results['rows_expected']})")  # fmt: skip
    print(f"CPU seconds during callbacks: {callback['machine']['cpu_seconds']}")
    print(f"duplicates: {results['duplicates']}")


if __name__ == "__main__":
    main()
