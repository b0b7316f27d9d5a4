from __future__ import annotations

from celery import shared_task

from hitsm.core.context import acting_as


@shared_task(name="hitsm.workflow.tasks.fire_timers")
def fire_timers() -> int:
    """Every few seconds from beat: advance processes whose timers are due, and send the
    process webhooks that are due (first attempts missed by their kick, and retries)."""
    from hitsm.workflow.services import timers_fire
    from hitsm.workflow.webhooks import webhooks_send

    with acting_as(label="system:workflow"):
        fired = timers_fire()
        webhooks_send()
        return fired


@shared_task(name="hitsm.workflow.tasks.send_webhooks", ignore_result=True)
def send_webhooks() -> int:
    """Right after a process step recorded a webhook call: send it without waiting for beat."""
    from hitsm.workflow.webhooks import webhooks_send

    with acting_as(label="system:workflow"):
        return webhooks_send()
