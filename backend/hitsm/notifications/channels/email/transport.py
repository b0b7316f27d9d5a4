"""E-mail through Django's mail backend (SMTP when HITSM_EMAIL_HOST is set)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from hitsm.notifications.models import Notification


class Transport:
    def send(self, notification: Notification) -> None:
        address = notification.recipient.email
        if not address:
            raise ValueError("recipient has no e-mail address")
        link = f"\n\n{settings.SITE_URL}{notification.link}" if notification.link else ""
        send_mail(
            subject=f"[HITSM] {notification.title}",
            message=notification.body + link,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
            fail_silently=False,
        )
