"""Service-desk benchmark against a real server (gunicorn, loopback), on a loaded HOSP profile.

    cd bench && HITSM_DATA_DIR=/tmp/hitsm-bench DATABASE_URL=... uv run --project ../backend \\
        python run.py --label HOSP-1M-postgresql

Measures, as p50/p95/p99 over real HTTP: queue counts, the first page of every queue, keyword
search, ticket detail, and ticket creation throughput with 20 concurrent clients; plus the limit
reference (the same server answering a one-query JSON view). Writes bench/results/<label>.json.
``--only create`` runs the creation part alone. The server runs with production settings
(DEBUG off) unless ``--server-debug``; during creation the CPU time of the load generator, the
server and PostgreSQL is recorded, to show what the two cores were spent on.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
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

from hitsm.accounts.models import User  # noqa: E402
from hitsm.accounts.services import api_token_create, user_set_roles  # noqa: E402
from hitsm.servicedesk.models import Ticket  # noqa: E402

QUEUES = ["intake", "dispatch", "overdue", "unaccepted", "mine", "my_groups", "open", "all"]
KEYWORDS = ["打印机", "HIS", "卡纸", "蓝屏", "医保卡", "腕带", "Wi-Fi", "PACS", "账号开通", "网络不通",
            "读卡器", "叫号屏", "电子病历", "手麻系统", "密码重置", "门诊3楼 打印机", "急诊 腕带",
            "检验报告", "扫码枪", "企业微信"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, float]:
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 599, (time.perf_counter() - started) * 1000
        return response.status, (time.perf_counter() - started) * 1000


def summary(samples: list[float], errors: int = 0) -> dict[str, float | int]:
    ordered = sorted(samples)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"n": len(samples), "errors": errors, "p50_ms": pct(0.50), "p95_ms": pct(0.95),
            "p99_ms": pct(0.99), "mean_ms": round(statistics.fmean(samples), 1)}


def measure(client: Client, paths: list[str], repeat: int) -> dict[str, float | int]:
    samples, errors = [], 0
    for _ in range(repeat):
        for path in paths:
            status, ms = client.call("GET", path)
            samples.append(ms)
            errors += status >= 400
    return summary(samples, errors)


def server_env(debug: bool = False) -> dict[str, str]:
    """The environment every process a benchmark starts (gunicorn, uvicorn, Celery) runs with:
    this process's, loopback only, quiet logs, DEBUG off unless asked, a fixed bench secret."""
    env = dict(os.environ, HITSM_ALLOWED_HOSTS="127.0.0.1", HITSM_LOG_LEVEL="WARNING",
               HITSM_DEBUG="true" if debug else "false")
    env.setdefault("HITSM_SECRET_KEY", "bench-" + "x" * 40)
    return env


def start_server(port: int, args: argparse.Namespace, log: Path) -> subprocess.Popen[bytes]:
    env = server_env(args.server_debug)
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
               f"127.0.0.1:{port}", "--workers", str(args.workers), "--log-level", "warning",
               "--worker-class", args.worker_class]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    process = subprocess.Popen(
        command, cwd=BACKEND, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start; see " + str(log))


def rss_mb(pid: int) -> float:
    total = 0
    for child in [pid, *map(int, subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                text=True).stdout.split())]:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return round(total / 1024, 1)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def process_cpu() -> dict[int, tuple[str, float]]:
    """Every process's command name and CPU seconds so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        fields = raw.rsplit(")", 1)[1].split()
        found[int(entry.name)] = (raw[raw.index("(") + 1:raw.rindex(")")],
                                  (int(fields[11]) + int(fields[12])) / ticks)
    return found


def others(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]],
           ours: set[int]) -> dict[str, float]:
    """CPU seconds of the processes that are not part of the benchmark, by command name."""
    used: dict[str, float] = {}
    for pid, (name, seconds) in after.items():
        if pid not in ours:
            used[name] = used.get(name, 0.0) + seconds - before.get(pid, (name, 0.0))[1]
    top = sorted(used.items(), key=lambda item: -item[1])[:4]
    return {name: round(seconds, 1) for name, seconds in top if seconds >= 0.1}


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used since boot (busy, not idle/iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def server_pids(pid: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [pid, *map(int, children.stdout.split())]


def postgres_pids() -> list[int]:
    if connection.vendor != "postgresql":
        return []
    found = subprocess.run(["pgrep", "-u", "postgres"], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--create-seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--output", default=str(RESULTS), help="folder for the JSON and log")
    parser.add_argument("--only", choices=["all", "create"], default="all",
                        help="create: only the concurrent creation (skips the read measurements)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--server-debug", action="store_true",
                        help="run the server with HITSM_DEBUG=true (not the production setting)")
    args = parser.parse_args()

    agent, _ = User.objects.get_or_create(username="bench_agent",
                                          defaults={"display_name": "压测坐席"})
    user_set_roles(user=agent, roles=["agent"])
    _, token = api_token_create(user=agent, name="bench")
    tickets = Ticket.objects.count()
    ids = list(Ticket.objects.order_by("-id").values_list("id", flat=True)[:2000])
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    port = free_port()
    load_before = load_average()
    server = start_server(port, args, output / f"{args.label}.server.log")
    try:
        client = Client(port, token)
        for path in ["/api/v1/system/health/?public=1", "/api/v1/tickets/queues/",
                     "/api/v1/tickets/?q=%E6%89%93%E5%8D%B0%E6%9C%BA"] * 3 * args.workers:  # warm every worker
            client.call("GET", path)
        results: dict[str, Any] = {}
        if args.only == "all":
            measure_reads(client, ids, args.repeat, results)
        else:  # a worker's first creation sets things up (jieba's dictionary, connections)
            for n in range(4 * args.workers):
                client.call("POST", "/api/v1/tickets/", create_body(n))
        results["ticket_create_concurrent"] = measure_creation(port, token, server.pid, args)
        results["server_rss_mb"] = rss_mb(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    report = {
        "label": args.label, "date": time.strftime("%Y-%m-%d %H:%M"), "database": connection.vendor,
        "tickets_in_database": tickets, "server": server_description(args),
        "redis": bool(os.environ.get("REDIS_URL")), "load_average_before": load_before,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "kernel": platform.release()},
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True, cwd=BACKEND).stdout.strip(),
        "results": results}
    (output / f"{args.label}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"\n## {args.label} ({tickets:,} tickets, {connection.vendor}, "
          f"{report['server']}, redis: {report['redis']})\n")
    print("| operation | n | errors | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for name, row in results.items():
        if isinstance(row, dict):
            extra = f" ({row['tickets_per_second']} tickets/s)" if "tickets_per_second" in row else ""
            print(f"| {name}{extra} | {row['n']} | {row['errors']} | {row['p50_ms']} | "
                  f"{row['p95_ms']} | {row['p99_ms']} |")
    create = results["ticket_create_concurrent"]
    print(f"\nserver RSS: {results['server_rss_mb']} MB; load average before: {load_before}, "
          f"after creation: {create['load_average_after']}")
    print(f"CPU seconds during creation: {create['cpu_seconds']}; "
          f"busiest other processes: {create['busiest_other_processes']}")
    total_errors = sum(r["errors"] for r in results.values() if isinstance(r, dict))
    if total_errors:
        sys.exit(f"{total_errors} requests failed; see {output / (args.label + '.server.log')}")


def server_description(args: argparse.Namespace) -> str:
    text = f"gunicorn {args.workers} {args.worker_class} workers"
    if args.worker_class == "gthread":
        text += f" x {args.threads} threads"
    return text + (" (DEBUG on)" if args.server_debug else "")


def measure_reads(client: Client, ids: list[int], repeat: int, results: dict[str, Any]) -> None:
    from urllib.parse import quote

    results["limit_reference_health"] = measure(client, ["/api/v1/system/health/?public=1"],
                                                repeat * 5)
    results["queue_counts"] = measure(client, ["/api/v1/tickets/queues/"], repeat * 5)
    for queue in QUEUES:
        results[f"queue_first_page_{queue}"] = measure(
            client, [f"/api/v1/tickets/?queue={queue}&page_size=20"], repeat)
    results["keyword_search"] = measure(
        client, [f"/api/v1/tickets/?q={quote(k)}&page_size=20" for k in KEYWORDS],
        max(1, repeat // 4))
    rng = random.Random(7)
    results["ticket_detail"] = measure(
        client, [f"/api/v1/tickets/{rng.choice(ids)}/" for _ in range(100)], 1)
    results["ticket_timeline"] = measure(
        client, [f"/api/v1/tickets/{rng.choice(ids)}/events/" for _ in range(100)], 1)


def create_body(n: int) -> dict[str, str]:
    return {"kind": "incident", "title": f"压测工单 {n} 门诊打印机卡纸",
            "description": "处方打不出来", "channel": "api"}


def measure_creation(port: int, token: str, server_pid: int,
                     args: argparse.Namespace) -> dict[str, Any]:
    """``args.clients`` threads each POST tickets back to back for ``args.create_seconds``;
    with the CPU seconds the load generator, the server and PostgreSQL used meanwhile."""
    stop = time.monotonic() + args.create_seconds
    lock = threading.Lock()
    latencies: list[float] = []
    failures = [0]

    def creator(n: int) -> None:
        own = Client(port, token)
        while time.monotonic() < stop:
            status, ms = own.call("POST", "/api/v1/tickets/", create_body(n))
            with lock:
                latencies.append(ms)
                failures[0] += status != 201

    servers, databases = server_pids(server_pid), postgres_pids()
    everyone = process_cpu()
    cpu_before = (time.process_time(), cpu_seconds(servers), cpu_seconds(databases),
                  machine_busy_seconds())
    began = time.monotonic()
    with ThreadPoolExecutor(args.clients) as pool:
        list(pool.map(creator, range(args.clients)))
    elapsed = time.monotonic() - began
    cpu_after = (time.process_time(), cpu_seconds(servers), cpu_seconds(databases),
                 machine_busy_seconds())
    busiest_others = others(everyone, process_cpu(), {os.getpid(), *servers, *databases})
    used = [round(after - before, 1) for before, after in zip(cpu_before, cpu_after, strict=True)]
    return {
        **summary(latencies, failures[0]), "clients": args.clients,
        "tickets_per_second": round((len(latencies) - failures[0]) / elapsed, 1),
        "seconds": round(elapsed, 1),
        # CPU seconds each party used during the run, of cpus x seconds available
        # ("other": everything else on the machine: Redis, the kernel, other people's work,
        # including processes that started and ended during the run, which no snapshot shows)
        "cpu_seconds": {"load_generator": used[0], "server": used[1], "postgresql": used[2],
                        "other": round(used[3] - used[0] - used[1] - used[2], 1),
                        "available": round((os.cpu_count() or 1) * elapsed, 1)},
        "busiest_other_processes": busiest_others,
        "load_average_after": load_average()}


if __name__ == "__main__":
    main()
