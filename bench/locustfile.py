"""Locust mix for bench/load.py (run by it; not on its own): the JSM Data Center reference
workload's shape on HITSM's API, against a server on loopback.

Runs in its own virtualenv (locust + gevent never enter the backend's environment) and imports
nothing from Django: bench/load.py writes everything it needs — the users' API tokens, their
tickets, surveys, CI codes, keywords, pre-built WeCom callbacks — to the JSON file named by
``HITSM_LOAD_DATA``, and reads the results from ``HITSM_LOAD_RESULT``.

Users (``fixed_count``), each starting its tasks as a Poisson process (``poisson_pacing``):
- 50 agents, 100 actions/h each × pace (JSM: 5,000 agent actions/h), weights from JSM's
  agent mix: view ticket 24, comment/transition 26, queue views 20, dashboard 14 (JSM's
  reports), keyword search 10 (JSM's browse projects), CMDB lookup 6 (JSM's view customers);
- 150 requesters, 100 actions/h each × pace (JSM: 15,000 customer actions/h): create 16 (half
  with a screenshot), view own tickets 25, view own ticket 15, comment 24, survey 9 (JSM's share
  request), knowledge-base search 11 (JSM's view portal);
- the WeCom callback sender (signed, encrypted callbacks built by load.py, each stamped with its
  planned send time) and the limit probe (the bench-only one-query GET and one-INSERT POST under
  the same load), each as 10 users firing rarely (see SPREAD).

Every latency is recorded exactly (not Locust's rounded histogram) from the moment all users are
spawned, with the server's own split from its ``Server-Timing`` header (time in Django, its CPU
time, time in the database); a greenlet samples the server's process tree (psutil) once a second.
"""

from __future__ import annotations

import json
import os
import random
import struct
import time
import zlib
from typing import Any
from urllib.parse import quote

import gevent
import psutil
from locust import FastHttpUser, events, task

DATA: dict[str, Any] = json.loads(open(os.environ["HITSM_LOAD_DATA"], encoding="utf-8").read())
PACE = float(DATA["pace"])
PER_USER = 100 / 3600 * PACE  # JSM: 100 actions per user and hour
QUEUES = ["intake", "dispatch", "overdue", "unaccepted", "mine", "my_groups", "open"]

samples: dict[str, list[float]] = {}
# per operation, per answered request: [client ms, Django ms, Django CPU ms, database ms, seconds
# into the run at the answer] from the
# server's Server-Timing header (HITSM_SERVER_TIMING=true); client − Django = waiting for a worker
timings: dict[str, list[list[float]]] = {}
failures: dict[str, list[str]] = {}
measuring = {"on": False, "began": 0.0, "ended": 0.0}
server_samples: list[dict[str, float]] = []


def screenshot_png(width: int = 1280, height: int = 720, seed: int = 1) -> bytes:
    """A real PNG (what a phone screenshot of an error dialog weighs, ~100–200 KB)."""
    rng = random.Random(seed)
    rows = []
    for y in range(height):
        if y % 40 < 20:
            row = bytes([240, 240, 240]) * width
        else:
            row = bytes(rng.getrandbits(8) for _ in range(width // 8)) * 24
        rows.append(b"\x00" + row)
    raw = zlib.compress(b"".join(rows), 6)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


SCREENSHOT = screenshot_png()


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    boundary = "----hitsmbench" + "".join(random.choices("abcdef0123456789", k=16))
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, filename, content, content_type in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                     + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def server_timing(header: str) -> dict[str, float]:
    """``app;dur=12.3, cpu;dur=8.0, db;dur=4.1;desc="5 queries"`` → {"app": 12.3, …}."""
    found = {}
    for metric in header.split(","):
        name, _, rest = metric.strip().partition(";")
        for part in rest.split(";"):
            if part.startswith("dur="):
                found[name] = float(part[4:])
    return found


@events.request.add_listener
def _record(name: str, response_time: float, exception: Exception | None, response: Any = None,
            **_: Any) -> None:
    if not measuring["on"]:
        return
    samples.setdefault(name, []).append(response_time)
    header = response.headers.get("Server-Timing") if response is not None else None
    if header:
        spent = server_timing(header)
        timings.setdefault(name, []).append(
            [response_time, spent.get("app", 0.0), spent.get("cpu", 0.0), spent.get("db", 0.0),
             round(time.time() - measuring["began"], 3)])
    if exception is not None:
        failures.setdefault(name, []).append(str(exception)[:200])


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_: Any) -> None:
    measuring["on"], measuring["began"] = True, time.time()


def _sample_server() -> None:
    root = psutil.Process(int(DATA["server_pid"]))
    seen: dict[int, psutil.Process] = {}
    while True:
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        cpu = rss = 0.0
        for process in tree:
            process = seen.setdefault(process.pid, process)  # keep one object: cpu_times delta
            try:
                times = process.cpu_times()
                cpu += times.user + times.system
                rss += process.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        server_samples.append({"t": time.time(), "cpu_s": cpu, "rss_mb": rss / 2**20,
                               "machine_cpu_percent": psutil.cpu_percent(None)})
        gevent.sleep(1.0)


@events.test_start.add_listener
def _start(environment: Any, **_: Any) -> None:
    psutil.cpu_percent(None)
    gevent.spawn(_sample_server)


@events.test_stopping.add_listener
def _stopping(environment: Any, **_: Any) -> None:
    """The window ends when the run's time is up, not when the last user has wound down (users
    still in their first ``on_start`` sleep hold Locust up to ``--stop-timeout``); answers that
    arrive after it are not counted."""
    measuring["on"], measuring["ended"] = False, time.time()


@events.quitting.add_listener
def _quit(environment: Any, **_: Any) -> None:
    measuring["ended"] = measuring["ended"] or time.time()
    window = [s for s in server_samples if s["t"] >= measuring["began"]]
    result = {"samples": samples, "timings": timings, "failures": failures, "began": measuring["began"],
              "ended": measuring["ended"], "server": window,
              "machine_cpu_percent_mean": round(
                  sum(s["machine_cpu_percent"] for s in window) / max(1, len(window)), 1)}
    with open(os.environ["HITSM_LOAD_RESULT"], "w", encoding="utf-8") as out:
        json.dump(result, out)


def poisson_pacing(rate: float) -> Any:
    """Locust ``wait_time``: the starts of a user's tasks form a Poisson process of ``rate`` a
    second: each gap is an exponential draw counted from the previous task's start, so a slow
    answer does not slow the user down (an open arrival process, as independent people are);
    after a task that overran the gap the next starts at once.

    Not Locust's ``constant_throughput``: it counts its first gap from the moment the user was
    spawned, and Locust spawns a second's users together, so whatever phase ``on_start`` gave
    them, each second's batch fired again in the same millisecond every 36 s — 10–20 requests
    at once, which queued for the 4 workers 200–300 ms (the tails of the earlier runs in
    RESULTS.md)."""

    def wait(user: Any) -> float:
        now = time.perf_counter()
        user.next_start = max(getattr(user, "next_start", now) + user.rng.expovariate(rate), now)
        return user.next_start - now

    return wait


def start_at_random(user: Any, rate: float) -> None:
    """``on_start``: begin at an exponential offset, so first tasks are not bunched either."""
    gevent.sleep(user.rng.expovariate(rate))
    user.next_start = time.perf_counter()


class _Api(FastHttpUser):
    abstract = True
    token = ""

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}", "Accept": "application/json", **extra}

    def get(self, path: str, name: str) -> None:
        self.client.get(path, headers=self.headers(), name=name)

    def post(self, path: str, body: dict[str, Any], name: str, expect: int = 200) -> Any:
        with self.client.post(path, data=json.dumps(body, ensure_ascii=False).encode(),
                              headers=self.headers(**{"Content-Type": "application/json"}),
                              name=name, catch_response=True) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}: {response.text[:160]}")
            return response


class Agent(_Api):
    """An IT service-desk agent (an ``agent…`` account of the HOSP dataset)."""

    fixed_count = int(DATA["agents_count"])
    wait_time = poisson_pacing(PER_USER)
    _next = 0

    def on_start(self) -> None:
        Agent._next += 1
        me = DATA["agents"][(Agent._next - 1) % len(DATA["agents"])]
        self.token, self.tickets = me["token"], me["tickets"]
        self.working, self.pended = list(me["in_progress"]), []
        self.rng = random.Random(Agent._next)
        start_at_random(self, PER_USER)

    @task(24)
    def view_ticket(self) -> None:
        ticket = self.rng.choice(self.tickets)
        self.get(f"/api/v1/tickets/{ticket}/", "agent: ticket detail")
        self.get(f"/api/v1/tickets/{ticket}/events/", "agent: ticket timeline")

    @task(18)
    def comment(self) -> None:
        ticket = self.rng.choice(self.tickets)
        internal = self.rng.random() < 0.5
        self.post(f"/api/v1/tickets/{ticket}/reply/",
                  {"body": "已远程查看，正在处理。", "internal": internal},
                  "agent: comment", expect=201)

    @task(8)
    def transition(self) -> None:
        """Pend a ticket the agent works on (waiting for the requester), resume a pended one."""
        if self.pended and (not self.working or self.rng.random() < 0.5):
            ticket = self.pended.pop()
            self.post(f"/api/v1/tickets/{ticket}/resume/", {"note": "报修人已回复"},
                      "agent: transition (resume)")
            self.working.append(ticket)
        elif self.working:
            ticket = self.working.pop()
            self.post(f"/api/v1/tickets/{ticket}/pend/",
                      {"reason": "requester", "note": "请确认打印机型号"},
                      "agent: transition (pend)")
            self.pended.append(ticket)

    @task(14)
    def queue_page(self) -> None:
        queue = self.rng.choice(QUEUES)
        self.get(f"/api/v1/tickets/?queue={queue}&page_size=20", "agent: queue page")

    @task(6)
    def queue_counts(self) -> None:
        self.get("/api/v1/tickets/queues/", "agent: queue counts")

    @task(14)
    def dashboard(self) -> None:
        self.get("/api/v1/boards/home/", "agent: dashboard (home)")

    @task(10)
    def search(self) -> None:
        keyword = self.rng.choice(DATA["keywords"])
        self.get(f"/api/v1/tickets/?q={quote(keyword)}&page_size=20", "agent: keyword search")

    @task(6)
    def cmdb_lookup(self) -> None:
        code = self.rng.choice(DATA["ci_terms"])
        self.get(f"/api/v1/configuration-items/?search={quote(code)}", "agent: CMDB lookup")


class Requester(_Api):
    """Hospital staff reporting problems (``staff…`` accounts with tickets of their own)."""

    fixed_count = int(DATA["requesters_count"])
    wait_time = poisson_pacing(PER_USER)
    _next = 0

    def on_start(self) -> None:
        Requester._next += 1
        me = DATA["requesters"][(Requester._next - 1) % len(DATA["requesters"])]
        self.token, self.tickets, self.survey = me["token"], me["tickets"], me["survey"]
        self.rng = random.Random(10_000 + Requester._next)
        start_at_random(self, PER_USER)

    def _problem(self) -> tuple[str, str]:
        place = self.rng.choice(DATA["places"])
        title, description = self.rng.choice(DATA["problems"])
        return f"{place}{title}", description

    @task(8)
    def create(self) -> None:
        title, description = self._problem()
        self.post("/api/v1/tickets/", {"title": title, "description": description,
                                       "channel": "web"}, "requester: create", expect=201)

    @task(8)
    def create_with_screenshot(self) -> None:
        title, description = self._problem()
        body, content_type = multipart(
            {"title": title, "description": description, "channel": "h5"},
            [("files", "screenshot.png", SCREENSHOT, "image/png")])
        with self.client.post("/api/v1/tickets/", data=body, name="requester: create + screenshot",
                              headers=self.headers(**{"Content-Type": content_type}),
                              catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:160]}")

    @task(25)
    def my_tickets(self) -> None:
        self.get("/api/v1/tickets/?page_size=20", "requester: my tickets")

    @task(15)
    def my_ticket(self) -> None:
        ticket = self.rng.choice(self.tickets)
        self.get(f"/api/v1/tickets/{ticket}/", "requester: ticket detail")

    @task(24)
    def comment(self) -> None:
        ticket = self.rng.choice(self.tickets)
        self.post(f"/api/v1/tickets/{ticket}/reply/", {"body": "还是不行，麻烦再看一下。"},
                  "requester: comment", expect=201)

    @task(9)
    def survey(self) -> None:
        if self.survey is None:
            return
        score = self.rng.choice([4, 5])
        self.post(f"/api/v1/surveys/{self.survey}/answer/",
                  {"scores": {"technical": score, "response": score, "attitude": 5},
                   "comment": "处理及时"}, "requester: survey answer")

    @task(11)
    def kb_search(self) -> None:
        question = self.rng.choice(DATA["kb_questions"])
        self.post("/api/v1/knowledge/answer/", {"question": question, "channel": "web"},
                  "requester: KB auto-answer")


# The WeCom sender and the limit probe are spread over SPREAD users each firing rarely, like the
# agents and requesters: one closed-loop user would fire again at once after a slow answer and
# wait after a fast one, so its samples would crowd into the server's quiet moments.
SPREAD = 10


class _Spread(FastHttpUser):
    abstract = True
    rate = 1.0  # requests a second over all SPREAD users of the class
    _seeded = 0

    def on_start(self) -> None:
        _Spread._seeded += 1
        self.rng = random.Random(20_000 + _Spread._seeded)
        start_at_random(self, self.rate / SPREAD)


class WeComCallback(_Spread):
    """WeCom's servers posting staff messages (text to the service-desk bot)."""

    fixed_count = SPREAD if DATA["callbacks"] else 0
    rate = float(DATA["callback_rate"]) or 1.0
    wait_time = poisson_pacing(rate / SPREAD)
    _sent = 0

    @task
    def callback(self) -> None:
        if WeComCallback._sent >= len(DATA["callbacks"]):
            gevent.sleep(1)
            return
        path, body = DATA["callbacks"][WeComCallback._sent]
        WeComCallback._sent += 1
        with self.client.post(path, data=body.encode(), name="wecom: callback",
                              headers={"Content-Type": "text/xml; charset=utf-8"},
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:160]}")


class LimitProbe(_Spread):
    """The machine's limit reference under the same load: one query, one INSERT."""

    fixed_count = SPREAD
    rate = float(DATA["limit_rate"])
    wait_time = poisson_pacing(rate / SPREAD)

    @task
    def select_one(self) -> None:
        self.client.get("/api/v1/bench/select/", name="limit: one-query view")

    @task
    def insert_one(self) -> None:
        with self.client.post("/api/v1/bench/insert/", name="limit: one-INSERT view",
                              catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}")
