from celery import shared_task

from hitsm.core.context import acting_as
from hitsm.servicedesk.services import attachments_sweep_orphans, tickets_autoclose


@shared_task(name="hitsm.servicedesk.tasks.autoclose")
def autoclose() -> int:
    with acting_as(label="system:autoclose"):
        return tickets_autoclose()


@shared_task(name="hitsm.servicedesk.tasks.sweep_orphans")
def sweep_orphans() -> int:
    with acting_as(label="system:sweeper"):
        return attachments_sweep_orphans()
