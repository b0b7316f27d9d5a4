from celery import shared_task

from hitsm.core.context import acting_as
from hitsm.servicedesk.playback import (
    attachment_transcode,
    playback_sweep_orphans,
    transcode_requeue,
)
from hitsm.servicedesk.services import attachments_sweep_orphans, tickets_autoclose


@shared_task(name="hitsm.servicedesk.tasks.autoclose")
def autoclose() -> int:
    with acting_as(label="system:autoclose"):
        return tickets_autoclose()


@shared_task(name="hitsm.servicedesk.tasks.sweep_orphans")
def sweep_orphans() -> int:
    with acting_as(label="system:sweeper"):
        transcode_requeue()  # playable copies whose queueing or worker was lost
        return attachments_sweep_orphans() + playback_sweep_orphans()


@shared_task(name="hitsm.servicedesk.tasks.sla_scan")
def sla_scan() -> int:
    """Every ≤ 30 s from beat: fire due SLA warnings, breaches and escalation levels."""
    from hitsm.servicedesk.clocks import sla_scan as scan

    with acting_as(label="system:sla"):
        return scan()


@shared_task(name="hitsm.servicedesk.tasks.transcode_playback")
def transcode_playback(attachment_id: int) -> bool:
    with acting_as(label="system:transcoder"):
        return attachment_transcode(attachment_id=attachment_id)
