"""WSGI against ASGI for the REST API (issue 11: "serve the REST API through WSGI … unless you
measure otherwise"): the same Django project, the same loaded database, the same number of
worker processes, served by gunicorn (sync workers, WSGI) and by uvicorn (ASGI), loaded by wrk
from a second process on loopback.

    cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/hitsm_bench \\
        HITSM_DATA_DIR=/tmp/hitsm-bench-pg \\
        uv run --project ../backend python servers.py --label SERVERS-HOSP-1M-postgresql

Two requests: the one-query limit view (``HITSM_BENCH_ENDPOINTS=true``) and an agent's ticket
detail with an API token. Each server gets ``--workers`` processes and ``--seconds`` of wrk with
``--connections`` connections after a warm-up; requests/s and wrk's latency percentiles go to
``results/<label>.json``. wrk comes from Debian (``apt-get install wrk``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ["HITSM_BENCH_ENDPOINTS"] = "true"
sys.path.insert(0, str(HERE))
import run  # noqa: E402  (sets Django up against DATABASE_URL / HITSM_DATA_DIR)

from hitsm.accounts.models import ApiToken, User  # noqa: E402
from hitsm.accounts.services import api_token_create  # noqa: E402
from hitsm.servicedesk.models import Ticket  # noqa: E402

SERVERS = {
    "gunicorn (WSGI, sync)": lambda port, n: [
        sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(n), "--log-level", "warning"],
    "uvicorn (ASGI)": lambda port, n: [
        sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(n), "--log-level", "warning", "--no-access-log"],
}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: int, connections: int, token: str | None) -> dict[str, float]:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Token {token}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found: dict[str, float] = {"requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])}
    for pct, value, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        found[f"p{pct}_ms"] = round(float(value) * UNITS[unit], 2)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    found["non_2xx"] = int(errors[1]) if errors else 0
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--label", required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--output", default=str(run.RESULTS))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    agent = User.objects.filter(username__startswith="agent", is_active=True).order_by("username").first()
    ticket = Ticket.objects.filter(assignee=agent).order_by("-id").values_list("id", flat=True).first()
    if agent is None or ticket is None:
        sys.exit("load a HOSP profile first (generate.py)")
    ApiToken.objects.filter(user=agent, name="bench-servers").delete()
    token = api_token_create(user=agent, name="bench-servers", expires_in_days=1)[1]
    env = run.server_env()
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name, command in SERVERS.items():
        port = run.free_port()
        log_path = output / f"{args.label}.{name.split()[0]}.log"
        server = subprocess.Popen(command(port, args.workers), cwd=run.BACKEND, env=env,
                                  stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.time() + 60
            while subprocess.run(["curl", "-sf", "-o", "/dev/null", f"{base}/api/v1/bench/select/"],
                                 check=False).returncode and time.time() < deadline:
                time.sleep(0.5)
            targets = {"one-query view": (f"{base}/api/v1/bench/select/", None),
                       "ticket detail (agent, token)": (f"{base}/api/v1/tickets/{ticket}/", token)}
            results[name] = {}
            for what, (url, key) in targets.items():
                wrk(url, 3, args.connections, key)  # warm every worker
                results[name][what] = wrk(url, args.seconds, args.connections, key)
                print(f"{name:24s} {what:30s} {results[name][what]}", flush=True)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    wsgi, asgi = (results[name] for name in SERVERS)
    ratios = {what: round(wsgi[what]["requests_per_second"] / asgi[what]["requests_per_second"], 2)
              for what in wsgi}
    print(f"WSGI ÷ ASGI requests/s: {ratios}")
    report = {"label": args.label, "date": time.strftime("%Y-%m-%d %H:%M %Z"),
              "workers": args.workers, "seconds": args.seconds, "connections": args.connections,
              "machine": {"cpus": os.cpu_count()}, "results": results,
              "wsgi_over_asgi_requests_per_second": ratios}
    (output / f"{args.label}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
