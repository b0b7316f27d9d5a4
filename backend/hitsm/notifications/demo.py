"""The demo hospital's notifications are history: mark them delivered (nobody was signed in to
receive them live, and no worker should spend minutes pushing them)."""

from __future__ import annotations

from django.db.models import F

from hitsm.notifications.models import DeliveryStatus, Notification


def load_demo() -> str:
    sent = Notification.objects.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENT, sent_at=F("created_at"), next_attempt_at=None
    )
    return f"{sent} notifications marked delivered"
