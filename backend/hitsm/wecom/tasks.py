from celery import shared_task

from hitsm.core.context import acting_as


@shared_task(name="hitsm.wecom.tasks.process_inbound", acks_late=True)
def process_inbound(inbound_id: int) -> bool:
    from hitsm.wecom.inbound import process

    return process(inbound_id=inbound_id)


@shared_task(name="hitsm.wecom.tasks.deliver", acks_late=True)
def deliver(outbound_id: int) -> bool:
    from hitsm.wecom.outbox import deliver as deliver_one

    with acting_as(label="wecom"):
        return deliver_one(outbound_id=outbound_id)


@shared_task(name="hitsm.wecom.tasks.dispatch")
def dispatch() -> dict[str, int]:
    """Every few seconds: callbacks whose task was lost or that wait for a retry, and outbound
    messages that are due (first attempts whose task was lost, back-offs, expired leases)."""
    from hitsm.wecom import inbound, outbox

    with acting_as(label="wecom:dispatcher"):
        return {"inbound": inbound.dispatch_due(), "outbound": outbox.dispatch_due()}
