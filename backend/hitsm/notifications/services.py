"""Write notifications into the outbox and deliver them, exactly once per (person, channel, event)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from hitsm.accounts.models import User
from hitsm.core.breaker import call_bounded, redis_breaker
from hitsm.core.context import is_loading_history
from hitsm.notifications.models import (
    REQUESTER_ALWAYS,
    DeliveryStatus,
    Notification,
    NotificationChannel,
    NotificationPreference,
)

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
ENQUEUE_TIMEOUT = 1.0  # seconds a request waits to queue a delivery (the broker may hang)
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=2),
)


class Transport(Protocol):
    def send(self, notification: Notification) -> None: ...


@dataclass(frozen=True)
class PluggedChannel:
    """A channel an app above this one provides (WeCom): notifications never import it."""

    transport: Callable[[], Transport]
    enabled: Callable[[], bool]  # switched on (configured) now
    reaches: Callable[[User], bool]  # this person can be reached on it


_plugged: dict[str, PluggedChannel] = {}


def channel_plug(name: str, channel: PluggedChannel) -> None:
    """Called from the providing app's ``ready()``."""
    _plugged[name] = channel


def transport_for(channel: str) -> Transport:
    if channel == NotificationChannel.INAPP:
        from hitsm.notifications.channels.inapp.transport import Transport as InApp

        return InApp()
    if channel == NotificationChannel.EMAIL:
        from hitsm.notifications.channels.email.transport import Transport as Email

        return Email()
    if channel in _plugged:
        return _plugged[channel].transport()
    raise ValueError(f"unknown channel {channel!r}")


def channels_enabled() -> list[str]:
    channels = [str(NotificationChannel.INAPP)]
    if settings.EMAIL_ENABLED:
        channels.append(str(NotificationChannel.EMAIL))
    channels.extend(name for name, plug in _plugged.items() if plug.enabled())
    return channels


def _wanted(
    user: User,
    kind: str,
    channel: str,
    *,
    as_requester: bool,
    preferences: Callable[[], dict[tuple[int, str, str], bool]],
) -> bool:
    if as_requester and kind in REQUESTER_ALWAYS and channel == NotificationChannel.INAPP:
        return True
    if channel == NotificationChannel.EMAIL and not user.email:
        return False
    if channel in _plugged and not _plugged[channel].reaches(user):
        return False
    return preferences().get((user.pk, kind, channel), True)


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    ticket_id: int | None = None,
    dedupe_key: str,
    requesters: Iterable[User] = (),
    fresh: bool = False,
) -> list[Notification]:
    """Queue a message for each recipient on each enabled channel (inside the caller's
    transaction). ``requesters`` get it too and cannot turn off REQUESTER_ALWAYS kinds.

    ``fresh``: the dedupe key names something created in the caller's transaction (a new
    ticket), so no earlier message can carry it: the rows go in with one INSERT instead of one
    savepoint-guarded INSERT each that absorbs a duplicate."""
    requester_ids = {u.pk for u in requesters}
    people = {u.pk: u for u in [*recipients, *requesters] if u is not None and u.is_active}
    if not people:
        return []
    loaded: dict[tuple[int, str, str], bool] | None = None

    def preferences() -> dict[tuple[int, str, str], bool]:
        """Read once, and only when a decision depends on them (not for a requester's
        in-app message of a kind they cannot turn off)."""
        nonlocal loaded
        if loaded is None:
            loaded = {
                (p.user_id, p.kind, p.channel): p.enabled
                for p in NotificationPreference.objects.filter(user_id__in=people, kind=kind)
            }
        return loaded

    rows = [
        Notification(
            recipient=user,
            channel=channel,
            kind=kind,
            title=title[:200],
            body=body,
            link=link,
            ticket_id=ticket_id,
            dedupe_key=dedupe_key[:120],
            next_attempt_at=timezone.now(),
        )
        for user in people.values()
        for channel in channels_enabled()
        if _wanted(
            user, kind, channel, as_requester=user.pk in requester_ids, preferences=preferences
        )
    ]
    created: list[Notification] = []
    if fresh:
        created = Notification.objects.bulk_create(rows)
    else:
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                continue  # this event was already queued for this person and channel
            created.append(row)
    if created and not is_loading_history():
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    """Queue a delivery task per row. The rows are committed: when the broker is down (or was
    found down moments ago) the periodic dispatcher delivers them instead, and the request that
    caused them is not held up waiting for the broker once per row."""
    from hitsm.notifications.tasks import deliver

    if deliver.app.conf.task_always_eager or not settings.REDIS_URL:
        # eager (tests, the e2e and fuzz servers): the task runs here, in this transaction, not in
        # a pool thread with its own connection; embedded: the filesystem broker cannot hang
        for pk in ids:
            try:
                deliver.delay(pk)
            except Exception:  # the dispatcher will pick it up
                logger.warning("could not queue notification %s; the dispatcher will retry", pk)
        return
    for pk in ids:
        if redis_breaker.is_open():
            logger.warning("broker unavailable: %d notifications left to the dispatcher", len(ids))
            return
        try:
            call_bounded(redis_breaker, partial(deliver.delay, pk), timeout=ENQUEUE_TIMEOUT)
        except Exception:  # the broker is down: the periodic dispatcher will pick it up
            logger.warning("could not queue notification %s; the dispatcher will retry", pk)


def deliver_one(*, notification_id: int) -> bool:
    """Claim (pending → sending) and deliver one notification; False if not ours to send."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(
            pk=notification_id,
            status=DeliveryStatus.PENDING,
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        # next_attempt_at becomes the claim's time: the lease that dispatch_due() measures
        .update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        transport_for(notification.channel).send(notification)
    except Exception as exc:
        attempts = notification.attempts
        final = attempts >= MAX_ATTEMPTS
        notification.status = DeliveryStatus.FAILED if final else DeliveryStatus.PENDING
        notification.next_attempt_at = (
            None if final else now + BACKOFF[min(attempts, len(BACKOFF)) - 1]
        )
        notification.last_error = f"{type(exc).__name__}: {exc}"[:300]
        notification.save(update_fields=["status", "next_attempt_at", "last_error"])
        logger.warning("notification %s attempt %s failed: %s", notification.pk, attempts, exc)
        return False
    notification.status = DeliveryStatus.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "last_error"])
    return True


def dispatch_due(*, limit: int = 500) -> int:
    """Deliver what is due (new rows whose task was lost, retries after back-off, and rows left
    'sending' by a worker that died: claimed longer ago than NOTIFICATION_SENDING_LEASE, which is
    far longer than any transport's timeout). A message cut off between the transport's accept
    and the 'sent' mark is sent again: delivery is at least once at the transport; e-mail
    carries a Message-ID per notification so that mail systems can drop the repeat."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATION_SENDING_LEASE)
    Notification.objects.filter(status=DeliveryStatus.SENDING, next_attempt_at__lt=stale).update(
        status=DeliveryStatus.PENDING
    )
    due = list(
        Notification.objects.filter(status=DeliveryStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(1 for pk in due if deliver_one(notification_id=pk))


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    rows = Notification.objects.filter(
        recipient=user, channel=NotificationChannel.INAPP, read_at__isnull=True
    )
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


def preference_set(*, user: User, kind: str, channel: str, enabled: bool) -> Any:
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
    )
    return preference
