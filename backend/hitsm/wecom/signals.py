"""A ticket's timeline follows it into its WeCom group chat (in the same transaction as the
event, through the outbox)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from hitsm.servicedesk.models import TicketEvent


@receiver(post_save, sender=TicketEvent, dispatch_uid="wecom-chat-follow")
def _ticket_event(
    sender: type[TicketEvent], instance: TicketEvent, created: bool, **_: Any
) -> None:
    if not created:
        return
    from hitsm.wecom.config import connection

    if not connection().can_call:
        return
    from hitsm.wecom.services import chat_follow_event

    chat_follow_event(instance)
