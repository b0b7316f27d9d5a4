"""Push events to browsers over WebSocket, per user and per role.

``publish`` runs after the surrounding transaction commits, so nobody is told about a change
that was rolled back. With Redis the event goes straight to the channel layer; in embedded mode
(in-memory layer, several processes) it is written to ``RealtimeEvent`` and the ASGI process
relays it (see :mod:`hitsm.core.consumers`).
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from hitsm.core.models import RealtimeEvent

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def role_group(role: str) -> str:
    return f"role.{role}"


def _send(groups: list[str], event_type: str, payload: dict[str, Any]) -> None:
    if settings.REALTIME_CROSS_PROCESS:
        layer = get_channel_layer()
        if layer is None:
            return
        message = {"type": "push", "event": event_type, "payload": payload}

        async def send_all() -> None:
            for group in groups:
                await layer.group_send(group, message)

        try:  # one event loop round trip for all groups, not one per group
            async_to_sync(send_all)()
        except Exception:  # a push is best effort; the data is already committed
            logger.warning("realtime push to %s failed", groups, exc_info=True)
        return
    RealtimeEvent.objects.bulk_create(
        [RealtimeEvent(group=g, type=event_type, payload=payload) for g in groups]
    )


def publish(groups: list[str], event_type: str, payload: dict[str, Any]) -> None:
    transaction.on_commit(lambda: _send(groups, event_type, payload))
