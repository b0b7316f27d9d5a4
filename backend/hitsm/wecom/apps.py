from django.apps import AppConfig


class WeComConfig(AppConfig):
    name = "hitsm.wecom"
    label = "wecom"
    verbose_name = "企业微信"

    def ready(self) -> None:
        from hitsm.notifications.models import NotificationChannel
        from hitsm.notifications.services import PluggedChannel, channel_plug
        from hitsm.wecom import signals  # noqa: F401  (ticket events → group chats)
        from hitsm.wecom.config import connection
        from hitsm.wecom.services import WeComTransport

        channel_plug(
            NotificationChannel.WECOM,
            PluggedChannel(
                transport=WeComTransport,
                enabled=lambda: connection().can_call,
                reaches=lambda user: bool(user.wecom_userid),
            ),
        )
