from celery import shared_task

from hitsm.core.context import acting_as
from hitsm.notifications.services import deliver_one, dispatch_due


@shared_task(name="hitsm.notifications.tasks.deliver")
def deliver(notification_id: int) -> bool:
    with acting_as(label="notifications"):
        return deliver_one(notification_id=notification_id)


@shared_task(name="hitsm.notifications.tasks.dispatch")
def dispatch() -> int:
    with acting_as(label="notifications:dispatcher"):
        return dispatch_due()
