"""A real Celery worker with embedded beat, started as a process against the test database."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from hitsm.core.models import Heartbeat, Job, JobStatus

BACKEND = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    queue = f"hitsm-test-{uuid.uuid4().hex[:8]}"  # parallel test runs share one Redis
    env = {k: v for k, v in os.environ.items() if k != "HITSM_CELERY_EAGER"}
    # Same data directory as this test process: the embedded broker's queue lives there.
    env.update(
        {
            "DATABASE_URL": _database_url(),
            "HITSM_DATA_DIR": str(settings.DATA_DIR),
            "HITSM_CELERY_EAGER": "false",
            "HITSM_HEARTBEAT_SECONDS": "2",
            "HITSM_CELERY_QUEUE": queue,
        }
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--beat",
            "--pool",
            "threads",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--schedule",
            str(tmp_path / "beat-schedule"),
        ],
        cwd=BACKEND,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    env["_process"] = process  # type: ignore[assignment]
    yield env
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _output(worker_env) -> str:
    process = worker_env["_process"]
    process.send_signal(signal.SIGTERM)
    try:
        out, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out[-3000:]


def _wait_for(predicate, timeout: float = 40.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_worker_and_beat_run_the_heartbeat(worker):
    assert _wait_for(lambda: Heartbeat.objects.filter(name="beat").exists()), (
        "beat never scheduled the heartbeat (or no worker ran it)"
    )
    assert Heartbeat.objects.filter(name="worker").exists()


def test_a_job_queued_through_the_broker_is_run_by_the_worker(worker, agent_chen, settings):
    from hitsm.core.tasks import run_job

    settings.CELERY_TASK_ALWAYS_EAGER = False
    run_job.app.conf.task_always_eager = False
    run_job.app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        job = Job.objects.create(
            kind="accounts.user_import",
            created_by=agent_chen,
            params={"path": "imports/missing.xlsx", "filename": "x.xlsx"},
        )
        run_job.apply_async((job.pk,), queue=worker["HITSM_CELERY_QUEUE"])
        finished = _wait_for(lambda: Job.objects.get(pk=job.pk).status == JobStatus.FAILED)
        assert finished, _output(worker)
        assert "FileNotFoundError" in Job.objects.get(pk=job.pk).log
    finally:
        run_job.app.conf.task_always_eager = True
