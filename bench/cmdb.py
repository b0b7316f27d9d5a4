"""CMDB impact-analysis benchmark: a 50,000-CI, ~200,000-relation OBASHI graph.

    cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/hitsm_bench_cmdb \\
        uv run --project ../backend python cmdb.py --label CMDB-50K-postgresql

Loads the graph (COPY on PostgreSQL, executemany on SQLite) into a migrated, otherwise empty
database, then asks the impact API (``GET /api/v1/cmdb/items/{id}/impact/`` through Django's
test client: routing, authentication, permission, the recursive CTE, serialisation) for a
sample of CIs weighted towards the layers incidents hit (hardware, systems, infrastructure),
and the dependencies API for business activities. Reports p50/p95/p99 and the size of each
answer. The graph is a DAG for every acyclic relation type, like the service layer enforces.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BACKEND = Path(__file__).resolve().parent.parent / "backend"
RESULTS = Path(__file__).resolve().parent / "results"
sys.path.insert(0, str(BACKEND))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("HITSM_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from generate import bulk_load  # noqa: E402
from hitsm.accounts.models import User  # noqa: E402
from hitsm.accounts.roles import Role  # noqa: E402
from hitsm.cmdb.graph import graph_changed, graph_snapshot  # noqa: E402
from hitsm.cmdb.models import CIClass, ConfigurationItem, Relation, RelationType  # noqa: E402

# layer, class code, count
SHAPE = [
    ("owner", 200),
    ("business_activity", 1_000),
    ("business_data", 800),
    ("application", 1_500),
    ("database", 4_000),
    ("middleware", 4_000),
    ("virtual_machine", 22_000),
    ("physical_server", 4_000),
    ("storage", 500),
    ("terminal", 8_000),
    ("printer", 2_500),
    ("network_device", 1_200),
    ("security_device", 100),
    ("rack", 180),
    ("datacenter_room", 10),
    ("power", 10),
]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def build(seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    classes = {c.code: c for c in CIClass.objects.all()}
    types = {t.code: t.pk for t in RelationType.objects.all()}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cmdb_configurationitem")
        next_id = cursor.fetchone()[0] + 1
    ids: dict[str, list[int]] = {}
    rows = []
    now = timezone.now()
    for code, count in SHAPE:
        ids[code] = list(range(next_id, next_id + count))
        for pk in ids[code]:
            rows.append(
                {
                    "id": pk,
                    "ci_class_id": classes[code].pk,
                    "name": f"{classes[code].name}-{pk}",
                    "code": f"B-{code[:4]}-{pk}",
                    "status": "in_use",
                    "description": "",
                    "location": "",
                    "operable_from_incident": False,
                    "clinical_critical": rng.random() < 0.3,
                    "attributes": {},
                    "created_at": now,
                    "updated_at": now,
                }
            )
        next_id += count
    edges: set[tuple[int, int, int]] = set()

    def add(sources: list[int], targets: list[int], kind: str, per_source: float) -> None:
        for source in sources:
            n = int(per_source) + (1 if rng.random() < per_source % 1 else 0)
            for target in rng.sample(targets, min(n, len(targets))):
                edges.add((source, target, types[kind]))

    systems = ids["database"] + ids["middleware"] + ids["virtual_machine"]
    servers = ids["physical_server"]
    access = ids["network_device"][20:]
    core = ids["network_device"][:20]
    add(ids["owner"], ids["business_activity"], "owns", 5)
    add(ids["business_activity"], ids["application"], "uses", 4)
    add(ids["application"], ids["virtual_machine"], "runs_on", 14)
    add(ids["application"], ids["database"], "depends_on", 2.7)
    add(ids["application"], ids["middleware"], "depends_on", 2.7)
    add(ids["virtual_machine"], ids["database"], "depends_on", 1)
    add(ids["middleware"], ids["database"], "depends_on", 1)
    add(systems, servers, "hosted_in", 3)
    add(servers, ids["storage"], "depends_on", 2)
    add(servers + ids["storage"], access, "connected_to", 2)
    add(ids["terminal"] + ids["printer"], access, "connected_to", 1.5)
    add(ids["business_activity"], ids["terminal"] + ids["printer"], "uses", 6)
    add(access, core, "connected_to", 2)
    add(core, ids["security_device"], "connected_to", 1)
    add(servers + ids["storage"] + ids["network_device"], ids["rack"], "hosted_in", 1)
    add(ids["rack"], ids["datacenter_room"], "hosted_in", 1)
    add(ids["datacenter_room"], ids["power"], "depends_on", 2)
    for _ in range(5_000):  # data flows between applications, each carrying a data set
        a, b = rng.sample(ids["application"], 2)
        edges.add((a, b, types["data_flow"]))
    flows = {e for e in edges if e[2] == types["data_flow"]}
    relation_rows = [
        {
            "id": n,
            "source_id": s,
            "target_id": t,
            "type_id": k,
            "data_set_id": rng.choice(ids["business_data"]) if (s, t, k) in flows else None,
            "description": "",
            "created_at": now,
            "updated_at": now,
        }
        for n, (s, t, k) in enumerate(sorted(edges), start=1)
    ]
    with transaction.atomic():
        items = bulk_load(ConfigurationItem, rows)
        relations = bulk_load(Relation, relation_rows)
        graph_changed()  # bulk loading bypasses the signals that do this
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("cmdb_configurationitem", "cmdb_relation"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
            cursor.execute("ANALYZE cmdb_configurationitem; ANALYZE cmdb_relation;")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"items": items, "relations": relations}


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def measure(client: APIClient, ids: list[int], path: str) -> dict[str, Any]:
    times: list[float] = []
    sizes: list[int] = []
    for pk in ids:
        started = time.perf_counter()
        response = client.get(path.format(pk=pk))
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        sizes.append(response.json()["total"])
    return {
        "n": len(times),
        "p50_ms": pct(times, 0.50),
        "p95_ms": pct(times, 0.95),
        "p99_ms": pct(times, 0.99),
        "max_ms": round(max(times), 1),
        "mean_ms": round(statistics.mean(times), 1),
        "answer_size_median": int(statistics.median(sizes)),
        "answer_size_max": max(sizes),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--skip-load", action="store_true", help="reuse the loaded graph")
    args = parser.parse_args()
    subprocess.run(
        [sys.executable, str(BACKEND / "manage.py"), "migrate", "-v0"], check=True, cwd=BACKEND
    )
    if not args.skip_load:
        if Relation.objects.exists() or ConfigurationItem.objects.exists():
            sys.exit("the database already holds CIs; use an empty database or --skip-load")
        started = time.perf_counter()
        counts = build(args.seed)
        log(f"loaded {counts} in {time.perf_counter() - started:.1f} s")
    setup_test_environment()
    user, _ = User.objects.get_or_create(username="bench_engineer", defaults={"display_name": "压测"})
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get_or_create(name=Role.ENGINEER)[0])
    client = APIClient()
    client.force_authenticate(user)
    rng = random.Random(args.seed)
    by_class = {
        code: list(
            ConfigurationItem.objects.filter(ci_class__code=code).values_list("id", flat=True)
        )
        for code, _count in SHAPE
    }
    weights = [  # where incidents land
        ("virtual_machine", 0.25), ("physical_server", 0.15), ("database", 0.10),
        ("middleware", 0.05), ("network_device", 0.15), ("storage", 0.05),
        ("terminal", 0.10), ("printer", 0.05), ("application", 0.07),
        ("datacenter_room", 0.01), ("power", 0.01), ("rack", 0.01),
    ]
    sample = [
        rng.choice(by_class[rng.choices([c for c, _ in weights], [w for _, w in weights])[0]])
        for _ in range(args.samples)
    ]
    graph_changed()  # time the rebuild every process pays once after a change to the graph
    started = time.perf_counter()
    graph_snapshot()
    rebuild_ms = round((time.perf_counter() - started) * 1000, 1)
    warm = [rng.choice(by_class["virtual_machine"]) for _ in range(10)]
    measure(client, warm, "/api/v1/cmdb/items/{pk}/impact/")
    results: dict[str, Any] = {
        "label": args.label,
        "database": connection.vendor,
        "items": ConfigurationItem.objects.count(),
        "relations": Relation.objects.count(),
        "load_average": list(os.getloadavg()),
        "graph_copy_rebuild_ms": rebuild_ms,
        "impact": measure(client, sample, "/api/v1/cmdb/items/{pk}/impact/"),
        "impact_worst_case_rooms_and_power": measure(
            client,
            by_class["datacenter_room"] + by_class["power"],
            "/api/v1/cmdb/items/{pk}/impact/",
        ),
        "dependencies_of_business_activities": measure(
            client,
            [rng.choice(by_class["business_activity"]) for _ in range(args.samples // 2)],
            "/api/v1/cmdb/items/{pk}/dependencies/",
        ),
    }
    results["load_average_after"] = list(os.getloadavg())
    Path(args.output).mkdir(parents=True, exist_ok=True)
    out = Path(args.output) / f"{args.label}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
