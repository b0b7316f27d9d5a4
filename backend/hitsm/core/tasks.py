from __future__ import annotations

import socket
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from hitsm.core.context import acting_as
from hitsm.core.models import Heartbeat, RealtimeEvent


@shared_task(name="hitsm.core.tasks.run_job")
def run_job(job_id: int) -> None:
    from hitsm.core.jobs import job_run

    with acting_as(label=f"job:{job_id}"):
        job_run(job_id=job_id)


def heartbeat_record(name: str, **detail: object) -> None:
    Heartbeat.objects.update_or_create(
        name=name,
        defaults={
            "last_beat_at": timezone.now(),
            "hostname": socket.gethostname(),
            "detail": detail,
        },
    )


@shared_task(name="hitsm.core.tasks.heartbeat")
def heartbeat() -> None:
    """Scheduled by beat, executed by a worker: its row proves both are alive."""
    heartbeat_record("beat")
    heartbeat_record("worker")


@shared_task(name="hitsm.core.tasks.realtime_purge")
def realtime_purge() -> int:
    cutoff = timezone.now() - timedelta(minutes=10)
    deleted, _ = RealtimeEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
