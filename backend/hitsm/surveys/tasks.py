from celery import shared_task

from hitsm.core.context import acting_as


@shared_task(name="hitsm.surveys.tasks.scan")
def scan() -> dict[str, int]:
    """Every 15 minutes from beat: one reminder per pending survey, then expiry."""
    from hitsm.surveys.services import surveys_expire, surveys_remind

    with acting_as(label="system:surveys"):
        return {"reminded": surveys_remind(), "expired": surveys_expire()}


@shared_task(name="hitsm.surveys.tasks.monthly_summary")
def monthly_summary() -> list[str]:
    """Hourly from beat: store last month's summary at month start, and again (final) once its
    surveys can no longer be answered or edited."""
    from hitsm.surveys.services import summaries_generate_due

    with acting_as(label="system:surveys"):
        return summaries_generate_due()
