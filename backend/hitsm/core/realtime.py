"""Push events to browsers over WebSocket, per user and per role.

``publish`` runs after the surrounding transaction commits, so nobody is told about a change
that was rolled back. With Redis the event goes straight to the channel layer; in embedded mode
(in-memory layer, several processes) it is written to ``RealtimeEvent`` and the ASGI process
relays it (see :mod:`hitsm.core.consumers`).

Sends to the Redis layer run on one event loop per process, kept in a background thread: the
layer keeps its Redis connections per event loop, so a fresh loop per push (``async_to_sync``
from a WSGI worker) would open and close a Redis connection every time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from hitsm.core.breaker import redis_breaker
from hitsm.core.models import RealtimeEvent

logger = logging.getLogger(__name__)
# How long a request waits for its push after the commit. The push itself is not cancelled (a
# slow Redis still delivers it); waiting longer would only hold the request (tests/reliability).
SEND_TIMEOUT_SECONDS = 1.0
_loop_lock = threading.Lock()
_loop: tuple[int, asyncio.AbstractEventLoop] | None = None  # (pid, loop): forks get their own


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def role_group(role: str) -> str:
    return f"role.{role}"


def _send(groups: list[str], event_type: str, payload: dict[str, Any]) -> None:
    if settings.REALTIME_CROSS_PROCESS:
        layer = get_channel_layer()
        if layer is None or redis_breaker.is_open():
            return
        message = {"type": "push", "event": event_type, "payload": payload}

        async def send_all() -> None:
            for group in groups:
                await layer.group_send(group, message)

        try:  # one hop to the sender loop for all groups, not one per group
            asyncio.run_coroutine_threadsafe(send_all(), _sender_loop()).result(
                timeout=SEND_TIMEOUT_SECONDS
            )
        except Exception:  # a push is best effort; the data is already committed
            logger.warning("realtime push to %s failed", groups, exc_info=True)
            redis_breaker.trip()
        return
    RealtimeEvent.objects.bulk_create(
        [RealtimeEvent(group=g, type=event_type, payload=payload) for g in groups]
    )


def _sender_loop() -> asyncio.AbstractEventLoop:
    """This process's long-lived event loop for channel layer sends (started on first use)."""
    global _loop
    with _loop_lock:
        if _loop is None or _loop[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="hitsm-realtime", daemon=True).start()
            _loop = (os.getpid(), loop)
        return _loop[1]


def publish(groups: list[str], event_type: str, payload: dict[str, Any]) -> None:
    transaction.on_commit(lambda: _send(groups, event_type, payload))


# The desk roles' groups: the desk board and the wallboard listen on them (agents and IT managers
# also get every ``ticket.created`` / ``ticket.updated``; admins get ``board.changed`` only).
DESK_BOARD_ROLES = ("agent", "manager", "admin")
BOARD_FRAME_TICKETS = 50  # a frame names at most this many tickets (a scan may breach hundreds)


def board_changed(kind: str, ticket_ids: list[int]) -> None:
    """Tell the boards that a number moved for a reason the ticket frames do not carry (an SLA
    breach found by the scanner, a survey answer, a follow-up). One frame per call, on commit:
    callers batch (one call per scan, not per ticket), so the work per event stays O(1)."""
    ids = sorted(set(ticket_ids))
    publish(
        [role_group(role) for role in DESK_BOARD_ROLES],
        "board.changed",
        {"kind": kind, "tickets": ids[:BOARD_FRAME_TICKETS], "count": len(ids)},
    )
