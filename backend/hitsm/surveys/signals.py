"""A ticket's transitions open its survey: a ``post_save`` receiver on the timeline, inside the
transaction of the transition (the service desk does not know surveys exist)."""

from __future__ import annotations

from typing import Any

from hitsm.servicedesk.choices import EventKind
from hitsm.surveys.models import SurveyTrigger

# Timeline events → the trigger they satisfy. A requester's confirmation closes the ticket too.
TRIGGERS = {
    EventKind.RESOLVED: SurveyTrigger.RESOLVED,
    EventKind.CLOSED: SurveyTrigger.CLOSED,
    EventKind.CONFIRMED: SurveyTrigger.CLOSED,
}


def _on_event(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not created or instance.kind not in TRIGGERS:
        return
    from hitsm.surveys.services import survey_open

    survey_open(ticket=instance.ticket, trigger=TRIGGERS[instance.kind])


def connect() -> None:
    from django.db.models.signals import post_save

    from hitsm.servicedesk.models import TicketEvent

    post_save.connect(_on_event, sender=TicketEvent, dispatch_uid="surveys-open-on-resolution")
