"""Small functions that append typed rows to a ticket's timeline (Saleor's ``events.py``)."""

from __future__ import annotations

from typing import Any

from hitsm.core.context import actor_of
from hitsm.servicedesk.models import Ticket, TicketEvent


def event_add(
    ticket: Ticket,
    kind: str,
    *,
    actor: Any = None,
    public: bool = True,
    body: str = "",
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    """``actor`` is the user acting (None: the current request's user or system actor)."""
    who = actor_of(actor)
    label = actor.name if actor is not None and hasattr(actor, "name") else who.label
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        public=public,
        body=body,
        data=data or {},
        actor_id=who.user_id,
        actor_label=label[:150],
    )
