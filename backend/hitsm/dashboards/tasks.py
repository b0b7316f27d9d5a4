from celery import shared_task

from hitsm.core.context import acting_as


@shared_task(name="hitsm.dashboards.tasks.warm_kpis")
def warm_kpis() -> float:
    from hitsm.dashboards.jobs import warm_current_month

    with acting_as(label="system:kpis"):
        return warm_current_month()
