"""A peer side by side (issue 11): django-helpdesk (PyPI) and HITSM on the same machine, the same
database engine (PostgreSQL, each its own database), the same dataset size, the same server
(gunicorn, ``--workers`` sync workers, DEBUG off) and the same client code.

    cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/hitsm_bench100k \\
        HITSM_DATA_DIR=/tmp/hitsm-bench100k REDIS_URL=redis://127.0.0.1:6379/11 \\
        uv run --project ../backend python peer.py --label PEER-HOSP-100K-postgresql

1. django-helpdesk goes into a throwaway virtualenv (``--peer-venv``, /tmp/hitsm-peer; created
   with uv, version pinned in ``PEER``), never into the repository. The script writes the peer's
   minimal Django project there (settings: PostgreSQL ``--peer-db``, teams mode off, e-mail to
   the dummy backend so no notification leaves, DEBUG off).
2. ``--reset`` (or a missing database) creates the peer's database, migrates it and bulk-loads
   (COPY) as many tickets as HITSM's database holds, titles and descriptions from workload.py's
   vocabulary (the same 16 places × 32 reports), ~4 follow-ups per ticket like HITSM's ~4
   timeline events, 2 % of them open, 5 years spread over 8 queues, one staff user.
3. Both servers are measured one after the other with the same client (run.py's):
   ticket create (sequential, then ``--clients`` concurrent clients for ``--create-seconds``),
   list page 1 (open tickets, newest first, 20–25 rows), keyword search (the 20 keywords of
   run.py) and ticket detail (100 random tickets).
   Equivalent authentication: HITSM with an API token (``Authorization: Token``) as an agent;
   django-helpdesk with a staff session (``sessionid`` cookie + CSRF header, what its web UI
   sends; its ticket API accepts session or Basic, Basic hashes the password on every request).
   Peer endpoints: ``POST /api/tickets/`` (its REST API), ``GET /datatables_ticket_list/<query>``
   (the JSON its staff ticket list page loads; ``search_string`` for the keyword), ``GET
   /api/tickets/<id>/``.
4. Writes ``results/<label>.json`` with both sides' p50/p95/p99, tickets/s and ours ÷ peer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PEER = ["django-helpdesk==2.6.1", "gunicorn==23.0.0", "psycopg[binary]==3.3.9"]
sys.path.insert(0, str(HERE))
import run  # noqa: E402  (Django set up against DATABASE_URL)
from django.db import connection  # noqa: E402

from hitsm.accounts.models import User  # noqa: E402
from hitsm.accounts.services import api_token_create, user_set_roles  # noqa: E402
from hitsm.servicedesk.models import Ticket  # noqa: E402

SETTINGS = '''
import os
SECRET_KEY = "peer-bench-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.sites", "django.contrib.messages",
    "django.contrib.humanize", "django.contrib.staticfiles", "rest_framework", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peer_urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [],
              "APP_DIRS": True, "OPTIONS": {"context_processors": [
                  "django.template.context_processors.request",
                  "django.contrib.auth.context_processors.auth",
                  "django.contrib.messages.context_processors.messages"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ["PEER_DB"],
                         "USER": "postgres", "HOST": "127.0.0.1", "PORT": "5432"}}
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
SITE_ID = 1
STATIC_URL = "/static/"
MEDIA_ROOT = "/tmp/hitsm-peer/media"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"  # notifications off
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_API_ENABLED = True
LOGGING = {"version": 1, "root": {"level": "WARNING"}}
'''

URLS = '''
from django.urls import include, path
urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
'''

LOADER = '''
"""Bulk-load the peer's database (run with the peer's python; prints the session JSON)."""
import datetime as dt
import json
import os
import random
import sys

import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.utils import timezone
from helpdesk.models import FollowUp, Queue, Ticket

sys.path.insert(0, os.environ["BENCH_DIR"])
from workload import PLACES, PROBLEMS, person_name

def copy(model, rows):
    fields = list(model._meta.concrete_fields)
    defaults = {f.attname: f.get_default() for f in fields if f.has_default()}
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    n = 0
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {model._meta.db_table} ({cols}) FROM STDIN") as out:
        for row in rows:
            out.write_row([f.get_db_prep_save(row.get(f.attname, defaults.get(f.attname)), connection)
                           for f in fields])
            n += 1
    return n

count = int(sys.argv[1])
User = get_user_model()
staff, _ = User.objects.get_or_create(username="peer_agent", defaults={"is_staff": True,
                                      "is_superuser": True, "email": "agent@hospital.test"})
if not Ticket.objects.exists():
    rng = random.Random(20261125)
    queues = [Queue.objects.create(title=f"支持组{g}", slug=f"group{g}") for g in range(8)]
    now = timezone.now().replace(microsecond=0)
    span = dt.timedelta(days=365 * 5)
    combos = [(f"{p}{t}", d) for p in PLACES for _k, t, d in PROBLEMS]
    emails = [f"staff{i:05d}@hospital.test" for i in range(8000)]
    followups = []
    def tickets():
        for n in range(count):
            created = now - span + span * (n / count)
            title, description = rng.choice(combos)
            status = 1 if n >= count - count // 50 else 4
            tid = n + 1
            yield {"id": tid, "title": title, "queue_id": queues[n % 8].id, "created": created,
                   "modified": created, "submitter_email": rng.choice(emails),
                   "assigned_to_id": staff.id if status != 1 else None, "status": status,
                   "on_hold": False, "description": description,
                   "resolution": "已处理" if status == 4 else "", "priority": rng.choice([1, 2, 3, 4, 5]),
                   "due_date": None, "last_escalation": None, "secret_key": f"{rng.getrandbits(40):010x}",
                   "kbitem_id": None, "merged_to_id": None}
            for k, (t, c) in enumerate([("Ticket Opened", description), ("已受理", ""),
                                        ("已派发", ""), ("Resolved", "已处理")][: 4 if status == 4 else 1]):
                followups.append({"id": len(followups) + 1, "ticket_id": tid, "date": created + dt.timedelta(minutes=10 * k),
                                  "title": t, "comment": c, "public": True, "user_id": staff.id,
                                  "new_status": None, "message_id": None, "time_spent": None,
                                  "email_recipients": []})
    with transaction.atomic():
        loaded = copy(Ticket, tickets())
        events = copy(FollowUp, followups)
    with connection.cursor() as cursor:
        for table in ("helpdesk_ticket", "helpdesk_followup"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT MAX(id) FROM {table}))")
        cursor.execute("ANALYZE")
    print(json.dumps({"loaded": loaded, "followups": events}), file=sys.stderr)
session = SessionStore()
session["_auth_user_id"] = str(staff.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = staff.get_session_auth_hash()
session.create()
print(json.dumps({"session": session.session_key, "tickets": Ticket.objects.count(),
                  "queue": Queue.objects.order_by("id").first().id,
                  "ids": list(Ticket.objects.order_by("-id").values_list("id", flat=True)[:2000])}))
'''


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def peer_env(venv: Path, db: str) -> dict[str, str]:
    project = venv / "project"
    return dict(os.environ, PEER_DB=db, DJANGO_SETTINGS_MODULE="peer_settings",
                PYTHONPATH=str(project), BENCH_DIR=str(HERE))


def setup_peer(venv: Path, db: str, tickets: int, reset: bool) -> dict[str, Any]:
    python = venv / "bin" / "python"
    uv = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
    if not python.exists():
        log(f"creating {venv} with {' '.join(PEER)}")
        subprocess.run([uv, "venv", "-q", "-p", "3.11", str(venv)], check=True)
    subprocess.run([uv, "pip", "install", "-q", "--python", str(python), *PEER], check=True)
    project = venv / "project"
    project.mkdir(parents=True, exist_ok=True)
    (project / "peer_settings.py").write_text(SETTINGS)
    (project / "peer_urls.py").write_text(URLS)
    (project / "load_peer.py").write_text(LOADER)
    exists = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
                             f"SELECT 1 FROM pg_database WHERE datname = '{db}'"],
                            capture_output=True, text=True).stdout.strip() == "1"
    if reset or not exists:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    env = peer_env(venv, db)
    subprocess.run([str(python), "-m", "django", "migrate", "-v0"], env=env, check=True,
                   cwd=project)
    started = time.monotonic()
    out = subprocess.run([str(python), "load_peer.py", str(tickets)], env=env, cwd=project,
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"loading the peer failed:\n{out.stderr[-3000:]}")
    if out.stderr.strip():
        log(f"peer loaded in {time.monotonic() - started:.0f} s: {out.stderr.strip()[-300:]}")
    return dict(json.loads(out.stdout))


def start_peer(venv: Path, db: str, port: int, workers: int, log_path: Path) -> subprocess.Popen[bytes]:
    command = [str(venv / "bin" / "python"), "-m", "gunicorn", "peer_wsgi:application", "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"]
    (venv / "project" / "peer_wsgi.py").write_text(
        "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n")
    process = subprocess.Popen(command, cwd=venv / "project", env=peer_env(venv, db),
                               stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            import socket

            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"peer did not start; see {log_path}")


class Side:
    """One server under test: how to create, list, search and read a ticket."""

    def __init__(self, name: str, port: int, headers: dict[str, str], ids: list[int]) -> None:
        self.name, self.port, self.headers, self.ids = name, port, headers, ids

    def call(self, conn: Any, method: str, path: str, body: Any = None) -> tuple[int, float]:
        import http.client

        headers = dict(self.headers)
        payload = None
        if body is not None:
            payload, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        started = time.perf_counter()
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            response.read()
        except (http.client.HTTPException, OSError):
            conn.close()
            return 599, (time.perf_counter() - started) * 1000
        return response.status, (time.perf_counter() - started) * 1000

    def connection(self) -> Any:
        import http.client

        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)


class Ours(Side):
    def create(self, n: int) -> tuple[str, str, dict[str, Any], int]:
        return ("POST", "/api/v1/tickets/", run.create_body(n), 201)

    def page(self) -> str:
        return "/api/v1/tickets/?queue=open&page_size=20"

    def search(self, keyword: str) -> str:
        return f"/api/v1/tickets/?q={quote(keyword)}&page_size=20"

    def detail(self, ticket: int) -> str:
        return f"/api/v1/tickets/{ticket}/"


class Peer(Side):
    queue = 1

    def create(self, n: int) -> tuple[str, str, dict[str, Any], int]:
        body = run.create_body(n)
        return ("POST", "/api/tickets/", {"queue": self.queue, "title": body["title"],
                                          "description": body["description"], "priority": 3,
                                          "submitter_email": "staff00001@hospital.test"}, 201)

    def _datatables(self, search: str) -> str:
        query = {"filtering": {"status__in": [1, 2, 3]}, "sorting": "created",
                 "sortreverse": True, "search_string": search}
        from base64 import b64encode

        encoded = b64encode(json.dumps(query).encode()).decode()
        return (f"/datatables_ticket_list/{encoded}?draw=1&start=0&length=25"
                "&order%5B0%5D%5Bcolumn%5D=5&order%5B0%5D%5Bdir%5D=desc")

    def page(self) -> str:
        return self._datatables("")

    def search(self, keyword: str) -> str:
        query = {"filtering": {}, "sorting": "created", "sortreverse": True,
                 "search_string": keyword}
        from base64 import b64encode

        encoded = b64encode(json.dumps(query).encode()).decode()
        return (f"/datatables_ticket_list/{encoded}?draw=1&start=0&length=25"
                "&order%5B0%5D%5Bcolumn%5D=5&order%5B0%5D%5Bdir%5D=desc")

    def detail(self, ticket: int) -> str:
        """The staff ticket page (HTML): its API's ``GET /api/tickets/<id>/`` first walks every
        accessible ticket (``TicketViewSet.get_queryset`` calls ``set_custom_field_values`` on
        each) and does not answer within gunicorn's 30 s at 100,000 tickets (measured apart)."""
        return f"/tickets/{ticket}/"

    def detail_api(self, ticket: int) -> str:
        return f"/api/tickets/{ticket}/"


def sequential(side: Side, paths: list[str], budget_s: float) -> dict[str, Any]:
    """GET each path in turn, stopping early once ``budget_s`` is spent."""
    conn, samples, errors, first_error = side.connection(), [], 0, ""
    began = time.monotonic()
    for path in paths:
        if samples and time.monotonic() - began > budget_s:
            break
        status, ms = side.call(conn, "GET", path)
        samples.append(ms)
        if status >= 400:
            errors += 1
            first_error = first_error or f"{status} {path[:80]}"
        conn = side.connection()  # gunicorn sync closes every connection
    return {**run.summary(samples, errors), "first_error": first_error,
            "planned": len(paths)}


def creations(side: Side, sequential_n: int, clients: int, seconds: float,
              budget_s: float) -> dict[str, Any]:
    samples, errors = [], 0
    began = time.monotonic()
    for n in range(sequential_n):
        if samples and time.monotonic() - began > budget_s:
            break
        method, path, body, expect = side.create(n)
        status, ms = side.call(side.connection(), method, path, body)
        samples.append(ms)
        errors += status != expect
    one = run.summary(samples, errors)
    lock, latencies, failures = threading.Lock(), [], [0]
    stop = time.monotonic() + seconds

    def creator(k: int) -> None:
        n = 0
        while time.monotonic() < stop:
            method, path, body, expect = side.create(k * 100_000 + n)
            status, ms = side.call(side.connection(), method, path, body)
            n += 1
            with lock:
                latencies.append(ms)
                failures[0] += status != expect

    began = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(creator, range(clients)))
    elapsed = time.monotonic() - began
    return {"sequential": one, "concurrent": {
        **run.summary(latencies, failures[0]), "clients": clients,
        "tickets_per_second": round((len(latencies) - failures[0]) / elapsed, 1)}}


def measure(side: Side, args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(7)
    warm = [side.page(), side.search("打印机"), side.detail(side.ids[0])] * 2 * args.workers
    with ThreadPoolExecutor(args.workers) as pool:
        for _ in range(2):
            list(pool.map(lambda p: side.call(side.connection(), "GET", p), warm))
        # a worker's first creation loads what creating needs (jieba's dictionary, numbering)
        list(pool.map(lambda n: side.call(side.connection(), *side.create(900_000 + n)[:3]),
                      range(3 * args.workers)))
    log(f"{side.name}: warmed; measuring")
    budget = args.op_seconds
    results = {
        "list_page_1": sequential(side, [side.page()] * args.repeat, budget),
        "keyword_search": sequential(side, [side.search(k) for k in run.KEYWORDS]
                                     * max(1, args.repeat // 20), budget),
        "ticket_detail": sequential(
            side, [side.detail(rng.choice(side.ids)) for _ in range(100)], budget),
    }
    if isinstance(side, Peer):  # its JSON detail, for the record (times out at 100K tickets)
        results["ticket_detail_api"] = sequential(
            side, [side.detail_api(rng.choice(side.ids)) for _ in range(2)], budget)
    results["ticket_create"] = creations(side, args.repeat, args.clients, args.create_seconds,
                                         budget)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--label", required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--create-seconds", type=float, default=15.0)
    parser.add_argument("--op-seconds", type=float, default=60.0,
                        help="time budget per operation: stop taking samples after it")
    parser.add_argument("--peer-venv", default="/tmp/hitsm-peer")
    parser.add_argument("--peer-db", default="hitsm_bench_peer")
    parser.add_argument("--reset", action="store_true", help="recreate and reload the peer's db")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    args.worker_class, args.threads, args.server_debug = "sync", 1, False
    if connection.vendor != "postgresql":
        sys.exit("the peer runs on PostgreSQL: point DATABASE_URL at a loaded HOSP database")
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    venv = Path(args.peer_venv)
    tickets = Ticket.objects.count()
    peer_info = setup_peer(venv, args.peer_db, tickets, args.reset)
    log(f"peer: {peer_info['tickets']:,} tickets; ours: {tickets:,}")

    agent, _ = User.objects.get_or_create(username="bench_agent",
                                          defaults={"display_name": "压测坐席"})
    user_set_roles(user=agent, roles=["agent"])
    _, token = api_token_create(user=agent, name="bench-peer", expires_in_days=1)
    ours_ids = list(Ticket.objects.order_by("-id").values_list("id", flat=True)[:2000])
    report: dict[str, Any] = {
        "label": args.label, "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "server": f"gunicorn {args.workers} sync workers, DEBUG off, PostgreSQL",
        "tickets": {"ours": tickets, "peer": peer_info["tickets"]}, "peer": PEER,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True, cwd=HERE).stdout.strip()}

    port = run.free_port()
    report["load_average_before_ours"] = run.load_average()
    server = run.start_server(port, args, output / f"{args.label}.ours.log")
    try:
        ours = Ours("HITSM", port, {"Authorization": f"Token {token}",
                                    "Accept": "application/json"}, ours_ids)
        report["ours"] = measure(ours, args)
        (output / f"{args.label}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    port = run.free_port()
    report["load_average_before_peer"] = run.load_average()
    server = start_peer(venv, args.peer_db, port, args.workers, output / f"{args.label}.peer.log")
    try:
        csrf = "b" * 32
        peer = Peer("django-helpdesk", port, {
            "Cookie": f"sessionid={peer_info['session']}; csrftoken={csrf}",
            "X-CSRFToken": csrf, "Accept": "application/json", "Referer": "http://127.0.0.1/"},
            peer_info["ids"])
        peer.queue = peer_info["queue"]
        report["peer_results"] = measure(peer, args)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    report["load_average_after"] = run.load_average()
    report["ratios_ours_over_peer"] = ratios(report["ours"], report["peer_results"])
    (output / f"{args.label}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print_table(report)


def flat(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rows = {k: v for k, v in results.items() if k != "ticket_create"}
    rows["ticket_create (1 client)"] = results["ticket_create"]["sequential"]
    rows[f"ticket_create ({results['ticket_create']['concurrent']['clients']} clients)"] = (
        results["ticket_create"]["concurrent"])
    return rows


def ratios(ours: dict[str, Any], peer: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    peer_rows = flat(peer)
    for name, row in flat(ours).items():
        other = peer_rows[name]
        out[name] = {key: (round(row[key] / other[key], 3) if other[key] else None)
                     for key in ("p50_ms", "p95_ms")}
        if "tickets_per_second" in row:
            out[name]["throughput_ours_over_peer"] = (
                round(row["tickets_per_second"] / other["tickets_per_second"], 2)
                if other["tickets_per_second"] else None)
    return out


def print_table(report: dict[str, Any]) -> None:
    print(f"\n## {report['label']}: HITSM vs django-helpdesk ({report['tickets']})\n")
    print("| operation | HITSM p50 / p95 ms | django-helpdesk p50 / p95 ms | ours ÷ peer p50 / p95 "
          "| errors ours / peer |")
    print("|---|---|---|---|---|")
    peer_rows = flat(report["peer_results"])
    for name, row in flat(report["ours"]).items():
        other, ratio = peer_rows[name], report["ratios_ours_over_peer"][name]
        extra = ""
        if "tickets_per_second" in row:
            extra = f" ({row['tickets_per_second']} vs {other['tickets_per_second']} tickets/s)"
        print(f"| {name}{extra} | {row['p50_ms']} / {row['p95_ms']} | {other['p50_ms']} / "
              f"{other['p95_ms']} | {ratio['p50_ms']} / {ratio['p95_ms']} | {row['errors']} / "
              f"{other['errors']} |")
    api = report["peer_results"].get("ticket_detail_api")
    if api:
        print(f"\ndjango-helpdesk's JSON ticket detail (GET /api/tickets/<id>/): {api['n']} tries, "
              f"{api['errors']} errors, p50 {api['p50_ms']} ms")
    print(f"\nload average before ours {report['load_average_before_ours']}, before peer "
          f"{report['load_average_before_peer']}, after {report['load_average_after']}")


if __name__ == "__main__":
    main()
