"""E-mail through Django's mail backend (SMTP when HITSM_EMAIL_HOST is set)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage

from hitsm.notifications.models import Notification


def message_id(notification: Notification) -> str:
    """One Message-ID per notification, the same on every attempt: a message sent again after a
    worker died mid-send (at-least-once delivery) is recognisable as the same message."""
    host = urlsplit(settings.SITE_URL).hostname or "hitsm.localhost"
    return f"<hitsm-notification-{notification.pk}@{host}>"


class Transport:
    def send(self, notification: Notification) -> None:
        address = notification.recipient.email
        if not address:
            raise ValueError("recipient has no e-mail address")
        link = f"\n\n{settings.SITE_URL}{notification.link}" if notification.link else ""
        EmailMessage(
            subject=f"[HITSM] {notification.title}",
            body=notification.body + link,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"Message-ID": message_id(notification)},
        ).send(fail_silently=False)
