"""Process-engine benchmarks (issue 4): task completion with 10,000 running instances, and
1,000 due timers fired by two workers.

    createdb -h 127.0.0.1 -U postgres hitsm_bench_wf
    cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/hitsm_bench_wf \\
        uv run --project ../backend python workflow.py --label WF-10K-postgresql

1. Migrates, publishes two processes (a triage process with a 15-minute reminder timer, and the
   same with a 1-second timer for the timer run), starts one real instance of each and clones it
   into 10,000 + 1,000 running instances (instance rows, inbox tasks with their responsible
   people, timer rows) with bulk inserts: every clone is a real engine state the service loads.
2. Completes the triage task of a random sample of instances through
   ``hitsm.workflow.services.task_complete`` — lock the instance, load the engine state, check
   RACI, complete, advance (gateway, next task), write tasks/timers/state — and reports
   p50/p95/p99. Target: p95 under 30 ms.
3. Starts two worker processes running ``timers_fire`` until no timer is due and reports how
   long 1,000 due timers took, how many each worker fired, and how many times the timer's
   service action ran per instance (exactly once each, or it is a duplicate or a miss).
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
sys.path.insert(0, str(BACKEND / "hitsm" / "workflow" / "tests"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("HITSM_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from hitsm.accounts.models import User  # noqa: E402
from hitsm.core.context import acting_as  # noqa: E402
from hitsm.workflow import services  # noqa: E402
from hitsm.workflow.actions import ActionContext, action_register  # noqa: E402
from hitsm.workflow.models import (  # noqa: E402
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
    TimerJob,
)

HITS_TABLE = "bench_timer_hits"


@action_register("bench_hit", "基准：记录触发")
def _hit(context: ActionContext) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {HITS_TABLE} (instance_id) VALUES (%s)", [context.instance.pk])


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def process_xml(duration: str) -> str:
    import bpmn  # hitsm/workflow/tests/bpmn.py: the documents the tests use

    return (
        bpmn.triage_process(responsible="role:agent")
        .replace("<bpmn:timeDuration>PT15M</bpmn:timeDuration>", f"<bpmn:timeDuration>{duration}</bpmn:timeDuration>")
        .replace(bpmn.service("remind", "ticket_note", text="分诊已超过15分钟"), bpmn.service("remind", "bench_hit"))
    )


def clone(template: ProcessInstance, count: int) -> list[int]:
    """``count`` copies of a started instance, with their open task, responsible people and
    timer, inserted in bulk."""
    task = template.tasks.get()
    responsible = list(task.responsible.values_list("pk", flat=True))
    timer = template.timers.get()
    ids: list[int] = []
    for start in range(0, count, 2000):
        size = min(2000, count - start)
        instances = ProcessInstance.objects.bulk_create(
            ProcessInstance(
                version=template.version,
                subject_type="bench",
                subject_id=start + i,
                state_json=template.state_json,
                revision=1,
            )
            for i in range(size)
        )
        tasks = HumanTask.objects.bulk_create(
            HumanTask(
                instance=instance,
                engine_task_id=task.engine_task_id,
                node_id=task.node_id,
                name=task.name,
                kind=task.kind,
                fields=task.fields,
            )
            for instance in instances
        )
        through = HumanTask.responsible.through
        through.objects.bulk_create(
            through(humantask_id=t.pk, user_id=user_id) for t in tasks for user_id in responsible
        )
        TimerJob.objects.bulk_create(
            TimerJob(
                instance=instance,
                engine_task_id=timer.engine_task_id,
                node_id=timer.node_id,
                due_at=timer.due_at,
            )
            for instance in instances
        )
        ids.extend(i.pk for i in instances)
    return ids


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def setup(instances: int, timers: int) -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {HITS_TABLE} (instance_id bigint NOT NULL)")
        cursor.execute(f"DELETE FROM {HITS_TABLE}")
    ProcessInstance.objects.all().delete()
    ProcessDefinition.objects.filter(code__startswith="bench-").delete()
    from hitsm.accounts.tests.factories import UserFactory
    from hitsm.accounts.roles import Role

    agent = User.objects.filter(username="bench_agent").first() or UserFactory(
        username="bench_agent", roles=[Role.AGENT]
    )
    versions = {}
    for code, duration in (("bench-triage", "PT15M"), ("bench-timers", "PT1S")):
        definition = ProcessDefinition.objects.create(code=code, name=code, draft_xml=process_xml(duration))
        versions[code] = services.definition_publish(definition=definition, actor=None)
    log("starting templates")
    main = services.instance_start(version=versions["bench-triage"], subject_type="bench", subject_id=0, actor=None)
    fast = services.instance_start(version=versions["bench-timers"], subject_type="bench", subject_id=0, actor=None)
    started = time.perf_counter()
    with transaction.atomic():
        running = clone(main, instances)
    log(f"{instances} running instances cloned in {time.perf_counter() - started:.1f}s")
    with transaction.atomic():
        due = clone(fast, timers)
    log(f"{timers} instances with a 1-second timer cloned")
    return {"agent": agent, "running": running, "due": due}


def bench_complete(agent: User, running: list[int], sample: int) -> dict[str, float]:
    chosen = random.Random(7).sample(running, sample)
    tasks = {t.instance_id: t for t in HumanTask.objects.filter(instance_id__in=chosen, status="open")}
    durations = []
    with acting_as(label="bench"):
        for instance_id in chosen:
            task = tasks[instance_id]
            started = time.perf_counter()
            services.task_complete(task=task, actor=agent, comment="bench")
            durations.append((time.perf_counter() - started) * 1000)
    return {
        "samples": len(durations),
        "p50_ms": round(statistics.median(durations), 1),
        "p95_ms": round(percentile(durations, 95), 1),
        "p99_ms": round(percentile(durations, 99), 1),
        "max_ms": round(max(durations), 1),
    }


def worker() -> None:
    """One timer worker: fire until nothing is due for two passes in a row."""
    fired, idle = 0, 0
    with acting_as(label="bench-worker"):
        while idle < 2:
            count = services.timers_fire(limit=100)
            fired += count
            idle = idle + 1 if count == 0 else 0
    print(json.dumps({"fired": fired}))


def bench_timers(due: list[int]) -> dict[str, Any]:
    time.sleep(1.5)  # the clones' 1-second timers pass
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker"], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
        )
        for _ in range(2)
    ]
    outputs = [json.loads(w.communicate()[0].strip().splitlines()[-1]) for w in workers]
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT instance_id, count(*) FROM {HITS_TABLE} WHERE instance_id = ANY(%s) GROUP BY instance_id",
            [due],
        )
        hits = dict(cursor.fetchall())
    return {
        "timers": len(due),
        "seconds": round(seconds, 1),
        "fired_per_worker": [o["fired"] for o in outputs],
        "instances_fired_once": sum(1 for i in due if hits.get(i) == 1),
        "duplicates": sum(max(0, n - 1) for n in hits.values()),
        "misses": sum(1 for i in due if i not in hits),
        "still_waiting": TimerJob.objects.filter(instance_id__in=due, status="waiting").count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label")
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--timers", type=int, default=1_000)
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    if not args.label:
        parser.error("--label is required")
    prepared = setup(args.instances, args.timers)
    log("completing tasks")
    complete = bench_complete(prepared["agent"], prepared["running"], args.sample)
    log(f"complete-task-and-persist: {complete}")
    log("firing timers with two workers")
    timers = bench_timers(prepared["due"])
    log(f"timers: {timers}")
    result = {
        "label": args.label,
        "engine": connection.vendor,
        "running_instances": args.instances,
        "complete_task": complete,
        "timers": timers,
    }
    Path(args.output).mkdir(parents=True, exist_ok=True)
    path = Path(args.output) / f"{args.label}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    log(f"written {path}")


if __name__ == "__main__":
    main()
