"""Background jobs: a database row per long operation, run by a Celery worker.

Register a handler with :func:`job_handler`; enqueue with :func:`job_enqueue`. The worker claims
the row with a conditional UPDATE (queued → running), so a redelivered task never runs a job
twice. Progress and log lines are saved on the row and pushed to the job's creator.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise

from hitsm.core.context import acting_as
from hitsm.core.models import Job, JobStatus
from hitsm.core.realtime import publish, user_group

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobKind:
    kind: str
    label: str | Promise
    handler: Callable[[Job, JobReporter], dict[str, Any]]


JOB_KINDS: dict[str, JobKind] = {}


def job_handler(
    kind: str, *, label: str | Promise
) -> Callable[
    [Callable[[Job, JobReporter], dict[str, Any]]], Callable[[Job, JobReporter], dict[str, Any]]
]:
    def register(
        func: Callable[[Job, JobReporter], dict[str, Any]],
    ) -> Callable[[Job, JobReporter], dict[str, Any]]:
        JOB_KINDS[kind] = JobKind(kind=kind, label=label, handler=func)
        return func

    return register


def job_kind_label(kind: str) -> str:
    entry = JOB_KINDS.get(kind)
    return str(entry.label) if entry else kind


def job_payload(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "total": job.total,
        "message": job.message,
    }


def _push(job: Job) -> None:
    if job.created_by_id:
        publish([user_group(job.created_by_id)], "job.updated", job_payload(job))


class JobReporter:
    """Handed to a handler: records progress and log lines, pushing at most twice a second."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last_push = 0.0

    def set_total(self, total: int) -> None:
        self.job.total = total
        self.job.save(update_fields=["total", "updated_at"])
        self._maybe_push(force=True)

    def advance(self, step: int = 1, message: str = "") -> None:
        self.job.progress += step
        fields = ["progress", "updated_at"]
        if message:
            self.job.message = message[:300]
            fields.append("message")
        self.job.save(update_fields=fields)
        self._maybe_push()

    def log(self, line: str) -> None:
        stamp = timezone.localtime().strftime("%H:%M:%S")
        self.job.log += f"[{stamp}] {line}\n"
        self.job.save(update_fields=["log", "updated_at"])

    def _maybe_push(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last_push >= 0.5:
            self._last_push = now
            _push(self.job)


def job_enqueue(*, kind: str, created_by_id: int | None, params: dict[str, Any]) -> Job:
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, created_by_id=created_by_id, params=params)
    from hitsm.core.tasks import run_job

    _push(job)  # registered first, so "queued" reaches the browser before "running"
    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def job_run(*, job_id: int) -> Job | None:
    """Run a queued job once. Returns None when another worker already claimed it."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), updated_at=timezone.now()
    )
    if not claimed:
        return None
    job = Job.objects.get(pk=job_id)
    _push(job)
    reporter = JobReporter(job)
    creator = job.created_by
    try:
        # the change log credits the person who started the job
        with acting_as(
            label=f"job:{job.kind}:{creator.get_username() if creator else 'system'}",
            user_id=job.created_by_id,
        ):
            result = JOB_KINDS[job.kind].handler(job, reporter)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.refresh_from_db(fields=["progress", "total", "log", "message"])
        job.status = JobStatus.FAILED
        job.message = str(exc)[:300]
        job.log += f"{type(exc).__name__}: {exc}\n"
        job.result = getattr(exc, "result", None) or {}
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "log", "result", "finished_at", "updated_at"])
    else:
        job.status = JobStatus.SUCCEEDED
        job.result = result
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "result", "finished_at", "updated_at"])
    _push(job)
    return job
