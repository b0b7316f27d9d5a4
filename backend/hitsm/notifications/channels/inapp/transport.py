"""In-app: the row is the message; delivering it means pushing it to the user's browsers."""

from __future__ import annotations

from hitsm.core.realtime import publish, user_group
from hitsm.notifications.models import Notification


class Transport:
    def send(self, notification: Notification) -> None:
        publish(
            [user_group(notification.recipient_id)],
            "notification",
            {
                "id": notification.pk,
                "kind": notification.kind,
                "title": notification.title,
                "body": notification.body,
                "link": notification.link,
                "created_at": notification.created_at.isoformat(),
            },
        )
