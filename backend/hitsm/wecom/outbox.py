"""Everything we send to WeCom goes through here: a row written in the caller's transaction
(unique per object and event), delivered after commit by a worker, retried with back-off.

Delivery claims a row with a conditional UPDATE (pending and due → sending, leased for two
minutes), so two workers never send the same message; a worker that dies leaves a lease that
expires and the dispatcher takes the row again.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from hitsm.wecom.client import WeComClient, WeComError, WeComUnavailable
from hitsm.wecom.config import connection
from hitsm.wecom.models import OutboundKind, OutboundMessage, OutboundStatus

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)
BACKOFF = (10, 30, 60, 120, 300, 600, 1800)  # seconds after attempt 1, 2, …


def queue(
    *,
    kind: str,
    dedupe_key: str,
    payload: dict[str, Any],
    to_users: list[str] | None = None,
    chat_id: str = "",
    summary: str = "",
    ticket: Any = None,
) -> OutboundMessage | None:
    """Queue one call (in the caller's transaction); None when this event was already queued."""
    row = OutboundMessage(
        kind=kind,
        dedupe_key=dedupe_key[:160],
        payload=payload,
        to_users=list(to_users or []),
        chat_id=chat_id,
        summary=summary[:200],
        ticket=ticket,
        next_attempt_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def _enqueue(pk: int) -> None:
    from hitsm.wecom.tasks import deliver

    try:
        deliver.delay(pk)
    except Exception:
        logger.warning("could not queue WeCom outbound %s; the dispatcher will retry", pk)


def _perform(client: WeComClient, row: OutboundMessage) -> dict[str, Any]:
    if row.kind in (OutboundKind.TEXT, OutboundKind.MARKDOWN, OutboundKind.TEMPLATE_CARD):
        return client.message_send({"touser": "|".join(row.to_users), **row.payload})
    if row.kind == OutboundKind.UPDATE_CARD:
        return client.update_template_card({"userids": row.to_users, **row.payload})
    if row.kind == OutboundKind.APPCHAT_CREATE:
        chat = row.payload
        client.appchat_create(
            chat_id=row.chat_id, name=chat["name"], owner=chat["owner"], users=row.to_users
        )
        return {}
    if row.kind == OutboundKind.APPCHAT_UPDATE:
        return client.appchat_update({"chatid": row.chat_id, **row.payload})
    if row.kind == OutboundKind.APPCHAT_SEND:
        return client.appchat_send({"chatid": row.chat_id, **row.payload})
    raise ValueError(f"unknown outbound kind {row.kind!r}")


def deliver(*, outbound_id: int) -> bool:
    """Claim and send one row; False when it is not ours to send (or did not go out)."""
    now = timezone.now()
    claimed = (
        OutboundMessage.objects.filter(pk=outbound_id)
        .filter(
            Q(status=OutboundStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=OutboundStatus.PENDING, next_attempt_at__isnull=True)
            | Q(status=OutboundStatus.SENDING, next_attempt_at__lt=now)  # a dead worker's lease
        )
        .update(
            status=OutboundStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + LEASE
        )
    )
    if not claimed:
        return False
    row = OutboundMessage.objects.get(pk=outbound_id)
    conn = connection()
    if not conn.can_call:
        _retry_later(row, None, "企业微信未启用或未配置", delay=600)
        return False
    # The chat's own creation goes first: a message for a chat not yet created waits for it.
    if row.chat_id and row.kind != OutboundKind.APPCHAT_CREATE and _chat_not_created(row):
        row.attempts -= 1  # waiting is not an attempt
        _retry_later(row, None, "等待群聊创建", delay=10)
        return False
    with WeComClient(conn) as client:
        try:
            result = _perform(client, row)
        except WeComUnavailable as exc:
            _retry_later(row, exc.errcode, exc.errmsg, delay=max(exc.retry_after, _backoff(row)))
            return False
        except WeComError as exc:
            if exc.retryable and row.attempts < MAX_ATTEMPTS:
                _retry_later(row, exc.errcode, exc.errmsg, delay=_backoff(row))
            else:
                _fail(row, exc.errcode, exc.errmsg)
            return False
        except Exception as exc:  # a bug or bad payload: keep the row, say why
            logger.exception("WeCom outbound %s failed", row.pk)
            _fail(row, None, f"{type(exc).__name__}: {exc}")
            return False
    invalid = [u for u in str(result.get("invaliduser", "") or "").split("|") if u]
    row.status = OutboundStatus.PARTIAL if invalid else OutboundStatus.SENT
    if invalid:
        logger.warning("WeCom outbound %s: invalid users %s", row.pk, invalid)
    row.invalid_users = invalid
    row.msgid = str(result.get("msgid", ""))[:128]
    row.response_code = str(result.get("response_code", ""))[:128]
    row.errcode = 0
    row.last_error = ""
    row.sent_at = timezone.now()
    row.next_attempt_at = None
    row.save(
        update_fields=[
            "status",
            "invalid_users",
            "msgid",
            "response_code",
            "errcode",
            "last_error",
            "sent_at",
            "next_attempt_at",
        ]
    )
    return True


def _chat_not_created(row: OutboundMessage) -> bool:
    return OutboundMessage.objects.filter(
        chat_id=row.chat_id,
        kind=OutboundKind.APPCHAT_CREATE,
        status__in=(OutboundStatus.PENDING, OutboundStatus.SENDING),
    ).exists()


def _backoff(row: OutboundMessage) -> float:
    return float(BACKOFF[min(max(row.attempts, 1), len(BACKOFF)) - 1])


def _retry_later(row: OutboundMessage, errcode: int | None, message: str, *, delay: float) -> None:
    if row.attempts >= MAX_ATTEMPTS:
        _fail(row, errcode, message)
        return
    row.status = OutboundStatus.PENDING
    row.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    row.errcode = errcode
    row.last_error = message[:300]
    row.save(update_fields=["status", "next_attempt_at", "errcode", "last_error", "attempts"])


def _fail(row: OutboundMessage, errcode: int | None, message: str) -> None:
    row.status = OutboundStatus.FAILED
    row.next_attempt_at = None
    row.errcode = errcode
    row.last_error = message[:300]
    row.save(update_fields=["status", "next_attempt_at", "errcode", "last_error"])
    logger.warning("WeCom outbound %s failed for good: %s %s", row.pk, errcode, message)


def retry(row: OutboundMessage) -> OutboundMessage:
    """An administrator sends a failed row again (a fresh set of attempts)."""
    from hitsm.core.errors import Conflict

    updated = OutboundMessage.objects.filter(pk=row.pk, status=OutboundStatus.FAILED).update(
        status=OutboundStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if not updated:
        raise Conflict("只能重发发送失败的消息", code="wecom.not_failed")
    transaction.on_commit(lambda: _enqueue(row.pk))
    row.refresh_from_db()
    return row


def dispatch_due(*, limit: int = 200) -> int:
    """Send what is due: rows whose task was lost, retries after back-off, expired leases."""
    now = timezone.now()
    due = list(
        OutboundMessage.objects.filter(
            status__in=(OutboundStatus.PENDING, OutboundStatus.SENDING), next_attempt_at__lte=now
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(1 for pk in due if deliver(outbound_id=pk))
