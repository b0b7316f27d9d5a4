"""Small functions that append typed rows to a ticket's timeline (Saleor's ``events.py``)."""

from __future__ import annotations

from typing import Any

from hitsm.core.context import current_actor
from hitsm.servicedesk.models import Ticket, TicketEvent


def event_add(
    ticket: Ticket, kind: str, *, public: bool = True, body: str = "",
    data: dict[str, Any] | None = None, actor_id: int | None = None,
) -> TicketEvent:
    actor = current_actor()
    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, public=public, body=body, data=data or {},
        actor_id=actor_id if actor_id is not None else actor.user_id,
        actor_label=actor.label[:150],
    )
