"""The one WebSocket endpoint, ``/ws/events/``: per-user and per-role pushes."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.db.models import Max

from hitsm.core.models import RealtimeEvent
from hitsm.core.realtime import role_group, user_group

logger = logging.getLogger(__name__)
_relay_task: asyncio.Task[None] | None = None
RELAY_INTERVAL_SECONDS = 1.0


def _latest_id() -> int:
    return RealtimeEvent.objects.aggregate(m=Max("id"))["m"] or 0


def _events_after(last_id: int) -> list[RealtimeEvent]:
    return list(RealtimeEvent.objects.filter(id__gt=last_id).order_by("id")[:500])


async def _relay_forever() -> None:
    """Embedded mode: copy rows written by any process into this process's channel layer."""
    layer = get_channel_layer()
    last_id = await sync_to_async(_latest_id)()
    while True:
        try:
            for event in await sync_to_async(_events_after)(last_id):
                last_id = event.pk
                await layer.group_send(event.group, event.as_message())
        except Exception:
            logger.warning("realtime relay pass failed", exc_info=True)
        await asyncio.sleep(RELAY_INTERVAL_SECONDS)


def ensure_relay() -> None:
    global _relay_task
    if settings.REALTIME_CROSS_PROCESS:
        return
    if _relay_task is None or _relay_task.done():
        _relay_task = asyncio.get_running_loop().create_task(_relay_forever())


def _groups_for(user: Any) -> list[str]:
    from hitsm.accounts.roles import user_roles

    return [user_group(user.pk), *(role_group(r) for r in sorted(user_roles(user)))]


class EventsConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        ensure_relay()
        self.groups_joined = await sync_to_async(_groups_for)(user)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "payload": {"user_id": user.pk}})

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong", "payload": {}})

    async def push(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": message["event"], "payload": message["payload"]})
