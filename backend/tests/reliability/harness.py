"""Real processes for the fault-injection suite: Redis, PostgreSQL, Celery, beat, gunicorn.

Every process runs in its own session (process group) so a test can SIGKILL or SIGSTOP exactly
that process and its children, and nothing else on the machine. Each process's output goes to a
log file under the test's temporary directory; a failing test prints the tails.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

logging.getLogger("httpx").setLevel(logging.WARNING)

BACKEND = Path(__file__).resolve().parents[2]
PY = sys.executable
SHARED_PG = os.environ.get("HITSM_REL_PG", "postgres://postgres@127.0.0.1:5432")
# Variables the pytest process sets for its own (in-process) tests that must not leak into the
# production-like processes started here.
_SCRUB = ("HITSM_TESTING", "HITSM_CELERY_EAGER", "HITSM_REDIS_PREFIX", "DATABASE_URL", "REDIS_URL")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Callable[[], Any], *, timeout: float, what: str, every: float = 0.25) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except Exception as exc:  # the thing waited for may not be up yet
            last = exc
        else:
            if last:
                return last
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


class Proc:
    """One child process in its own process group, output to a log file."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        *,
        env: dict[str, str],
        log_dir: Path,
        cwd: Path = BACKEND,
        user: str | None = None,
    ) -> None:
        self.name = name
        self.log = log_dir / f"{name}.log"
        if user:
            argv = ["runuser", "-u", user, "--", *argv]
        self._file = self.log.open("ab")
        self.popen = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdout=self._file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.alive():
            os.killpg(self.popen.pid, sig)

    def kill9(self) -> None:
        """SIGKILL the process and every child (a crashed worker host, an OOM kill)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        if self.alive():
            try:
                os.killpg(self.popen.pid, signal.SIGCONT)
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill9()
            except ProcessLookupError:
                pass
        self._file.close()

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(text[-lines:])


# --- PostgreSQL ---------------------------------------------------------------------------


def pg_exec(server_url: str, sql: str) -> None:
    with psycopg.connect(f"{server_url}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def db_create(server_url: str, name: str, template: str | None = None) -> str:
    pg_exec(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    pg_exec(
        server_url, f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    )
    return f"{server_url}/{name}"


def db_drop(server_url: str, name: str) -> None:
    pg_exec(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, connect_timeout=5) as conn:
        return list(conn.execute(sql, params).fetchall())  # type: ignore[arg-type]


def scalar(url: str, sql: str, params: tuple[Any, ...] = ()) -> Any:
    rows = query(url, sql, params)
    return rows[0][0] if rows else None


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb in a temp dir, run as the postgres user), so a
    test can stop and start the server without touching the machine's shared cluster."""

    def __init__(self, root: Path) -> None:
        self.bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"
        root.mkdir(parents=True, exist_ok=True)
        shutil.chown(root, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C.UTF-8",
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{root}'\nfsync = on\nmax_connections = 100\n"
            )

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bin / tool), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode:
            raise AssertionError(f"{tool} failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")

    def start(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        if self.running():
            with contextlib.suppress(AssertionError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


# --- Redis --------------------------------------------------------------------------------


class Redis:
    """A private redis-server: SIGSTOP on it never affects anyone using the shared 6379."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = Proc(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(log_dir),
            ],
            env=dict(os.environ),
            log_dir=log_dir,
        )
        wait_until(self.ping, timeout=15, what="redis-server")

    def ping(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    def pause(self) -> None:
        self.proc.signal_group(signal.SIGSTOP)

    def resume(self) -> None:
        self.proc.signal_group(signal.SIGCONT)

    def stop(self) -> None:
        self.proc.stop()


# --- An SMTP server that counts what it is given --------------------------------------------


class _SmtpHandler(socketserver.StreamRequestHandler):
    def _say(self, line: bytes) -> None:
        self.wfile.write(line + b"\r\n")

    def handle(self) -> None:
        sink: SmtpSink = self.server.sink  # type: ignore[attr-defined]
        self._say(b"220 reliability-sink ESMTP")
        data: list[bytes] | None = None
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if data is not None:
                if line.rstrip(b"\r\n") == b".":
                    sink.record(b"".join(data))
                    data = None
                    self._say(b"250 OK queued")
                else:
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self._say(b"250-reliability-sink")
                self._say(b"250 8BITMIME")
            elif verb == b"DATA":
                self._say(b"354 go ahead")
                data = []
            elif verb == b"QUIT":
                self._say(b"221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self._say(b"250 OK")


class _ThreadingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """The real transport at the end of the e-mail channel: every message HITSM hands to SMTP
    is counted here by its Message-ID (one per notification, hitsm.notifications)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[dict[str, str]] = []
        self.delay = 0.0  # seconds a message takes to be accepted
        self._lock = threading.Lock()
        self.server = _ThreadingServer(("127.0.0.1", self.port), _SmtpHandler)
        self.server.sink = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def record(self, raw: bytes) -> None:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.messages.append(
                {
                    "message_id": str(message.get("Message-ID", "")),
                    "to": str(message.get("To", "")),
                    "subject": str(message.get("Subject", "")),
                }
            )

    def counts(self) -> Counter[str]:
        with self._lock:
            return Counter(m["message_id"] for m in self.messages)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- The HITSM processes -------------------------------------------------------------------


@dataclass
class Stack:
    """HITSM in production shape: DATABASE_URL (PostgreSQL), REDIS_URL (a private Redis),
    HITSM_DEBUG=false with a secret key, its own Celery queue and data directory."""

    database_url: str
    redis_url: str
    workdir: Path
    smtp_port: int | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: list[Proc] = field(default_factory=list)
    web_port: int = 0

    def __post_init__(self) -> None:
        self.data_dir = self.workdir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.tag = secrets.token_hex(4)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
        env.update(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            HITSM_DATA_DIR=str(self.data_dir),
            HITSM_DEBUG="false",
            HITSM_SECRET_KEY="reliability-" + "k" * 40,
            HITSM_REDIS_PREFIX=f"hitsm-rel-{self.tag}",
            HITSM_CELERY_QUEUE=f"hitsm-rel-{self.tag}",
            HITSM_ALLOWED_HOSTS="127.0.0.1,localhost",
            HITSM_SLA_SCAN_SECONDS="5",
            HITSM_HEARTBEAT_SECONDS="5",
            HITSM_LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        if self.smtp_port:
            env.update(HITSM_EMAIL_HOST="127.0.0.1", HITSM_EMAIL_PORT=str(self.smtp_port))
        env.update(self.extra_env)
        return env

    def _start(self, name: str, argv: list[str]) -> Proc:
        proc = Proc(name, argv, env=self.env, log_dir=self.workdir)
        self.procs.append(proc)
        return proc

    def manage(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [PY, "manage.py", *args],
            cwd=BACKEND,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def seed(self, *args: str, timeout: float = 300) -> dict[str, Any]:
        done = subprocess.run(
            [PY, str(Path(__file__).with_name("seed.py")), *args],
            cwd=BACKEND,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(f"seed {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    def worker(self, name: str, *, concurrency: int = 2, wait: bool = True) -> Proc:
        proc = self._start(
            f"worker-{name}",
            [
                PY,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-n",
                f"{name}-{self.tag}@%h",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
        )
        if wait:
            self.wait_ready(proc)
        return proc

    @staticmethod
    def wait_ready(*workers: Proc) -> None:
        for proc in workers:
            wait_until(
                lambda p=proc: "ready." in p.log.read_text(errors="replace") or not p.alive(),
                timeout=60,
                what=f"{proc.name} ready",
            )
            assert proc.alive(), proc.tail()

    def beat(self, name: str) -> Proc:
        return self._start(
            f"beat-{name}",
            [
                PY,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel",
                "INFO",
                "--pidfile",
                str(self.workdir / f"beat-{name}.pid"),
            ],
        )

    def web(self, *, workers: int = 2, threads: int = 4) -> Proc:
        self.web_port = free_port()
        proc = self._start(
            "web",
            [
                PY,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--access-logfile",
                "-",
                "--access-logformat",
                "%(r)s %(s)s %(L)s",
            ],
        )
        import httpx

        wait_until(
            lambda: (
                httpx.get(f"{self.base_url}/api/v1/system/health/?public=1", timeout=2).status_code
                in (200, 503)
            ),
            timeout=60,
            what="gunicorn",
        )
        return proc

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def stop(self) -> None:
        """SIGTERM to every process at once, then wait (SIGKILL what is left after 15 s)."""
        for proc in self.procs:
            try:
                proc.signal_group(signal.SIGCONT)
                proc.signal_group(signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 15
        for proc in self.procs:
            try:
                proc.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill9()
            proc.stop()

    def tails(self) -> str:
        return "\n\n".join(f"--- {p.name} ({p.log}) ---\n{p.tail()}" for p in self.procs)


@contextmanager
def running(stack: Stack) -> Iterator[Stack]:
    try:
        yield stack
    except BaseException:
        print(stack.tails())
        raise
    finally:
        stack.stop()


# --- Consistency checks shared by the scenarios --------------------------------------------


def partial_tickets(url: str) -> list[tuple[Any, ...]]:
    """Tickets missing what ticket_create writes in one transaction: a number, the CREATED
    timeline event, the submitted notification and both SLA clocks (P1-P4 all have policies)."""
    return query(
        url,
        """
        SELECT t.id, t.number,
               (SELECT count(*) FROM servicedesk_ticketevent e
                 WHERE e.ticket_id = t.id AND e.kind = 'created') AS created_events,
               (SELECT count(*) FROM servicedesk_ticketclock c WHERE c.ticket_id = t.id) AS clocks,
               (SELECT count(*) FROM notifications_notification n
                 WHERE n.ticket_id = t.id AND n.dedupe_key = 't' || t.id || ':submitted') AS told
          FROM servicedesk_ticket t
        """,
    )


def assert_no_partial_tickets(url: str) -> int:
    rows = partial_tickets(url)
    bad = [r for r in rows if not r[1] or r[2] != 1 or r[3] != 2 or r[4] < 1]
    assert not bad, f"half-created tickets (id, number, created events, clocks, notified): {bad}"
    return len(rows)


def outbox_settled(url: str) -> bool:
    return not scalar(
        url,
        "SELECT count(*) FROM notifications_notification WHERE status IN ('pending', 'sending')",
    )


# --- Load: people creating tickets over HTTP ------------------------------------------------


@dataclass
class Result:
    started: float  # monotonic
    seconds: float
    status: int  # 0: no answer (timeout, connection refused or reset)
    code: str = ""
    message: str = ""
    ticket_id: int | None = None


class CreateLoad:
    """``clients`` threads creating tickets through POST /api/v1/tickets/ until stopped."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        clients: int = 4,
        timeout: float = 30,
        pause: float = 0.1,
    ) -> None:
        import httpx

        self.results: list[Result] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._pause = pause
        self._clients = [
            httpx.Client(
                base_url=base_url, timeout=timeout, headers={"Authorization": f"Token {token}"}
            )
            for _ in range(clients)
        ]
        self._threads = [
            threading.Thread(target=self._run, args=(c, n), daemon=True)
            for n, c in enumerate(self._clients)
        ]

    def _run(self, client: Any, n: int) -> None:
        import httpx

        i = 0
        while not self._stop.is_set():
            i += 1
            started = time.monotonic()
            try:
                response = client.post(
                    "/api/v1/tickets/",
                    json={"title": f"病区{n}打印机卡纸 #{i}", "impact": 2, "urgency": 2},
                )
            except httpx.HTTPError as exc:
                result = Result(started, time.monotonic() - started, 0, type(exc).__name__)
            else:
                body: dict[str, Any] = {}
                with contextlib.suppress(ValueError):
                    body = response.json()
                error = body.get("error") or {}
                result = Result(
                    started,
                    time.monotonic() - started,
                    response.status_code,
                    str(error.get("code", "")),
                    str(error.get("message", "")),
                    body.get("id") if response.status_code == 201 else None,
                )
            with self._lock:
                self.results.append(result)
            self._stop.wait(self._pause)

    def __enter__(self) -> CreateLoad:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
        for client in self._clients:
            client.close()

    def between(self, start: float, end: float) -> list[Result]:
        with self._lock:
            return [r for r in self.results if start <= r.started < end]
