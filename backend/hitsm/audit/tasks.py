from __future__ import annotations

from celery import shared_task

from hitsm.core.context import acting_as


@shared_task(name="hitsm.audit.tasks.seal")
def seal() -> int:
    """Every few minutes from beat: seal the audit log rows that settled since the last seal."""
    from hitsm.audit.services import audit_seal_pending

    with acting_as(label="system:audit"):
        return audit_seal_pending()
