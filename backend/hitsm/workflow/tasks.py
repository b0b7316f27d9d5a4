from __future__ import annotations

from celery import shared_task

from hitsm.core.context import acting_as


@shared_task(name="hitsm.workflow.tasks.fire_timers")
def fire_timers() -> int:
    """Every few seconds from beat: advance processes whose timers are due."""
    from hitsm.workflow.services import timers_fire

    with acting_as(label="system:workflow"):
        return timers_fire()
